// A Hugging Face reward model on TensorFlow.js: the folder's weights in tfjs tensors (fp32), its tokenizer and chat
// formatter, the head W_p and the forward pass of the generic decoder. Weights are read one tensor at a time
// (positional reads, BF16/F16 widened) and uploaded at once, so loading peaks near one fp32 copy.
import { UserError } from '../../core/errors';
import { ChatFormatter } from '../../core/hf/chat';
import { decoderForward } from '../../core/hf/decoder';
import { HfTokenizer } from '../../core/hf/tokenizer';
import { backboneTensors } from '../../core/hf/tensors';
import type { HfBatch } from '../../core/hf/batch';
import type { HeadInfo } from '../../core/hf/head';
import type { HfModelSpec } from '../../core/hf/spec';
import { deriveSeed } from '../../core/random';
import { openHfFolder, type HfFolder } from '../../node/hf/modelFolder';
import { readTensorF32 } from '../../node/hf/safetensorsFiles';
import { tf, type Tensor, type Tensor1D, type Tensor2D } from '../tf';
import { TfOps, type LoraAdapter } from './tfOps';

export interface HfRewardModel {
  readonly folder: HfFolder;
  readonly spec: HfModelSpec;
  /** Backbone tensors by canonical name (prefix stripped). Variables when they are trained. */
  readonly weights: Map<string, Tensor>;
  /** W_p as [H, 1]. */
  head: Tensor;
  readonly headInfo: HeadInfo;
  readonly tokenizer: HfTokenizer;
  readonly chat: ChatFormatter;
  /** The id used to fill padding (the model's pad id, else eos, else 0). */
  readonly fillId: number;
  /** LoRA adapters by the weight they adapt (training only). */
  lora?: ReadonlyMap<string, LoraAdapter>;
}

export interface LoadHfOptions {
  /** Called after each tensor with the bytes read so far and the total (for progress bars and cancellation). */
  readonly onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** Seed of the fresh head of a backbone without one. */
  readonly seed?: number;
  /** Render through the chat template when there is one (default true). */
  readonly useChatTemplate?: boolean;
  /** Polled between tensors; a true value stops the load (tensors read so far are freed). */
  readonly cancelled?: () => boolean;
}

export class LoadCancelled extends UserError {
  constructor() {
    super('loading the model was cancelled', { code: 'cancelled' });
  }
}

/** Opens, checks and loads a folder into the active tfjs backend. */
export async function loadHfModel(dir: string, opts: LoadHfOptions = {}): Promise<HfRewardModel> {
  const folder = openHfFolder(dir);
  const { spec, layout } = folder;
  const tokenizer = new HfTokenizer(folder.tokenizer);
  const chat = new ChatFormatter(tokenizer, { useTemplate: opts.useChatTemplate !== false });
  const names = backboneTensors(spec).map((t) => t.name);
  const locations = names.map((n) => folder.weights.tensors.get(layout.prefix + n)!);
  const headLoc = layout.head.tensor ? folder.weights.tensors.get(layout.head.tensor) : undefined;
  const total = [...locations, ...(headLoc ? [headLoc] : [])].reduce((a, t) => a + (t.end - t.start), 0);
  const weights = new Map<string, Tensor>();
  let done = 0;
  try {
    for (let i = 0; i < names.length; i++) {
      if (opts.cancelled?.()) throw new LoadCancelled();
      const loc = locations[i]!;
      weights.set(names[i]!, tf.tensor(await readTensorF32(loc), [...loc.shape], 'float32'));
      done += loc.end - loc.start;
      opts.onProgress?.(done, total);
    }
    const head = headLoc
      ? tf.tensor(await readTensorF32(headLoc), [spec.hiddenSize, 1], 'float32')
      : freshHead(spec.hiddenSize, opts.seed ?? 1);
    if (headLoc) opts.onProgress?.(total, total);
    return { folder, spec, weights, head, headInfo: layout.head, tokenizer, chat, fillId: fillIdOf(spec) };
  } catch (e) {
    tf.dispose([...weights.values()]);
    throw e;
  }
}

/** The id that fills padding: the model's pad id, else its eos (masked either way; pooling reads the unpadded ids). */
export const fillIdOf = (spec: HfModelSpec): number => spec.padTokenId ?? spec.eosTokenIds[0] ?? 0;

/** The paper's init for a new head: W_p ~ N(0, 1/(H+1)), so E‖W_p‖² ≈ 1 (paper-spec §1; OpenRLHF uses std 1/(H+1)). */
export function freshHead(hidden: number, seed: number): Tensor {
  return tf.randomNormal([hidden, 1], 0, 1 / Math.sqrt(hidden + 1), 'float32', deriveSeed(seed, 'hf-head') || 1);
}

export function disposeHfModel(m: HfRewardModel): void {
  tf.dispose([...m.weights.values(), m.head, ...[...(m.lora?.values() ?? [])].flatMap((a) => [a.a, a.b])]);
}

/** The batch's arrays as tensors; the caller disposes them. */
export function batchTensors(b: HfBatch) {
  const d = b.cos ? b.cos.length / (b.n * b.length) : 0;
  return {
    ids: tf.tensor2d(b.ids, [b.n, b.length], 'int32'),
    positionIds: tf.tensor2d(b.positionIds, [b.n, b.length], 'int32'),
    causal: tf.tensor4d(b.causal, [1, 1, b.length, b.length]),
    ...(b.causalSliding ? { causalSliding: tf.tensor4d(b.causalSliding, [1, 1, b.length, b.length]) } : {}),
    keyPadding: tf.tensor4d(b.keyPadding, [b.n, 1, 1, b.length]),
    ...(b.cos && b.sin ? { cos: tf.tensor4d(b.cos, [b.n, 1, b.length, d]), sin: tf.tensor4d(b.sin, [b.n, 1, b.length, d]) } : {}),
    poolIndex: tf.tensor1d(b.poolIndex, 'int32'),
  };
}

export type HfBatchTensors = ReturnType<typeof batchTensors>;

/** Rewards [N] and pooled hidden states h [N, H]. Safe inside tf.tidy / variableGrads. */
export function hfForward(m: HfRewardModel, inputs: HfBatchTensors): { rewards: Tensor1D; hidden: Tensor2D } {
  const ops = new TfOps(m.weights, m.lora);
  const hidden = decoderForward(ops, m.spec, inputs) as Tensor2D;
  const rewards = tf.reshape(tf.matMul(hidden, m.head), [-1]) as Tensor1D;
  return { rewards, hidden };
}
