// The operations the generic decoder (decoder.ts) is written in. Two engines implement them: tfjs tensors
// (src/train/hf/tfOps.ts: scoring and training on every tfjs backend) and an ONNX graph builder
// (src/core/onnx/graphOps.ts: scoring with onnxruntime). Writing the network once over this interface is what keeps
// the two engines computing the same function; both are tested against transformers' numbers.
//
// Shapes: N sequences of T tokens, H = hidden size, h heads of d dims. Weights are referred to by their canonical
// Hugging Face name (the checkpoint's name without its 'model.' / 'transformer.' prefix, see tensors.ts).
import type { Activation } from './spec';

/** A linear layer's weights: HF Linear stores [out, in]; GPT-2's Conv1D stores [in, out]. */
export interface LinearWeights {
  readonly weight: string;
  readonly bias?: string;
  readonly layout: 'out_in' | 'in_out';
}

export interface Ops<T> {
  /** Rows of the table (a weight name) for int ids [N, T] → [N, T, H]. */
  embed(table: string, ids: T): T;
  add(a: T, b: T): T;
  mul(a: T, b: T): T;
  scale(x: T, factor: number): T;
  /** x [..., in] → [..., out]: x·Wᵀ + b (layout out_in) or x·W + b (in_out). */
  linear(x: T, w: LinearWeights): T;
  /** x · rsqrt(mean(x²) + eps) · w, or · (1 + w) when onePlus (Gemma), over the last axis, in fp32. */
  rmsNorm(x: T, weight: string, eps: number, onePlus: boolean): T;
  layerNorm(x: T, weight: string, bias: string, eps: number): T;
  activation(x: T, kind: Activation): T;
  /** The last axis cut into [start, start + size) (GPT-2's fused q/k/v). */
  sliceLast(x: T, start: number, size: number): T;
  /** [N, T, h·d] → [N, h, T, d]. */
  splitHeads(x: T, heads: number, headDim: number): T;
  /** [N, h, T, d] → [N, T, h·d]. */
  mergeHeads(x: T): T;
  /** HF rotary embedding (half-split rotate_half): x·cos + rotate_half(x)·sin; cos/sin are [N, 1, T, d]. */
  rope(x: T, cos: T, sin: T): T;
  /** [N, kv, T, d] → [N, kv·groups, T, d], each KV head serving `groups` consecutive query heads (repeat_kv). */
  repeatKv(x: T, groups: number): T;
  /**
   * softmax(softcap(q·kᵀ·scale) + mask)·v for q, k, v [N, h, T, d] and an additive mask broadcastable to
   * [N, h, T, T]; soft-capping (tanh(x/cap)·cap) comes before the mask, as in Gemma-2.
   */
  attention(q: T, k: T, v: T, mask: T, scale: number, softcap?: number): T;
  /** Rows of x [N, T, H] at index [N] → [N, H]. */
  pool(x: T, index: T): T;
}

/** What a batch feeds the decoder. Built in JS (src/core/hf/batch.ts) and uploaded by each engine. */
export interface DecoderInputs<T> {
  /** [N, T] int32 token ids. */
  readonly ids: T;
  /** [N, T] int32 position ids (learned positions only). */
  readonly positionIds?: T;
  /** [N, 1, T, d] rotary tables (RoPE families only). */
  readonly cos?: T;
  readonly sin?: T;
  /** [1, 1, T, T] additive causal mask, and its sliding-window variant when a layer needs one. */
  readonly causal: T;
  readonly causalSliding?: T;
  /** [N, 1, 1, T] additive mask of padding keys. */
  readonly keyPadding: T;
  /** [N] int32: the pooled (scored) position of each row. */
  readonly poolIndex: T;
}
