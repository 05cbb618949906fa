// Backend-agnostic entry points for the fused kernels (src/train/kernels/). Each op runs its fused kernel when the
// active backend has one registered (webgpu) and the shape fits it, and otherwise the stock composition it
// replaces, unchanged: wasm and cpu compute exactly what they computed before the fused kernels existed.
import { tf, type Tensor } from './tf';
import { LAYER_NORM, NORM_MAX_WIDTH, RMS_NORM } from './kernels/webgpuNorm';
import { ACTIVATION, ACTIVATIONS, L2_NORM, PICK_ROWS, type FusedActivation } from './kernels/webgpuSmall';
import { LINEAR, LINEAR_ACT, PROJECTIONS } from './kernels/webgpuLinear';
import { EMBED, EMBED_MAX_WIDTH } from './kernels/webgpuEmbed';
import { ATTENTION, ATTENTION_AUX, ATTENTION_MAX_HEAD_DIM, type AttentionAttrs } from './kernels/webgpuAttention';

/** Whether the active backend has this (custom) kernel. */
export function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

const lastDim = (x: Tensor) => x.shape[x.rank - 1]!;

/** LayerNorm over the last axis: ((x − mean)·rsqrt(var + ε))·γ + β, with the biased variance (PyTorch's). */
export function layerNorm(x: Tensor, gain: Tensor, bias: Tensor, eps: number): Tensor {
  if (hasKernel(LAYER_NORM) && lastDim(x) <= NORM_MAX_WIDTH)
    return tf.engine().runKernel(LAYER_NORM, { x, gamma: gain, beta: bias }, { eps }) as Tensor;
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gain), bias);
}

/** RMSNorm over the last axis: x·rsqrt(mean(x²) + ε)·w, or ·(1 + w) for Gemma-style weights (onePlus). */
export function rmsNorm(x: Tensor, weight: Tensor, eps: number, onePlus: boolean): Tensor {
  if (hasKernel(RMS_NORM) && lastDim(x) <= NORM_MAX_WIDTH)
    return tf.engine().runKernel(RMS_NORM, { x, weight }, { eps, onePlus }) as Tensor;
  const normed = tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps)));
  return tf.mul(normed, onePlus ? tf.add(weight, 1) : weight);
}

/** How q, k, v are laid out: straight from the projection ([N, T, H·d]) or split into heads ([N, H, T, d]). */
export type HeadLayout = 'bthd' | 'bhtd';

export interface AttentionSpec {
  readonly heads: number;
  /** Key/value heads (grouped-query attention); defaults to heads. */
  readonly kvHeads?: number;
  readonly scale: number;
  /** Key j is visible from a query at position p only when j ≤ p. */
  readonly causal: boolean;
  /** int32 [N]: the position of each sequence's single query (q has one row per sequence); needs causal. */
  readonly queryPos?: Tensor;
  /** Additive float mask [1 or N, 1, 1 or Tq, Tk], broadcast over heads. */
  readonly mask?: Tensor;
  readonly layout: HeadLayout;
}

function strides(layout: HeadLayout, T: number, heads: number, d: number): [number, number, number] {
  return layout === 'bthd' ? [T * heads * d, heads * d, d] : [heads * T * d, d, T * d];
}

/** Whether fusedAttention can run here: the kernel is registered and the shapes fit it. */
export function fusedAttentionAvailable(headDim: number, spec?: Pick<AttentionSpec, 'mask'>): boolean {
  const m = spec?.mask;
  return hasKernel(ATTENTION) && headDim <= ATTENTION_MAX_HEAD_DIM && (!m || (m.rank === 4 && m.shape[1] === 1));
}

/**
 * softmax(q·kᵀ·scale + mask)·v in one fused kernel (check fusedAttentionAvailable first). q and the result have
 * q's shape; k and v [N, Tk, KVH·d] ('bthd') or [N, KVH, Tk, d] ('bhtd').
 */
export function fusedAttention(q: Tensor, k: Tensor, v: Tensor, spec: AttentionSpec): Tensor {
  const H = spec.heads,
    KVH = spec.kvHeads ?? H,
    N = q.shape[0]!;
  const d = q.shape[q.rank - 1]! / (spec.layout === 'bthd' ? H : 1);
  const Tq = q.size / (N * H * d),
    Tk = k.size / (N * KVH * d);
  const m = spec.mask;
  const attrs: AttentionAttrs = {
    heads: H,
    kvHeads: KVH,
    headDim: d,
    scale: spec.scale,
    causal: spec.causal,
    queryPos: Boolean(spec.queryPos),
    mask: Boolean(m),
    maskStrides: m ? [m.shape[0] === 1 ? 0 : m.shape[2]! * Tk, m.shape[2] === 1 ? 0 : Tk] : [0, 0],
    qStrides: strides(spec.layout, Tq, H, d),
    kvStrides: strides(spec.layout, Tk, KVH, d),
  };
  const aux = spec.queryPos ?? m;
  const [y] = tf
    .engine()
    .runKernel(
      aux ? ATTENTION_AUX : ATTENTION,
      { q, k, v, ...(aux ? { aux } : {}) },
      attrs as unknown as tf.NamedAttrMap,
    ) as unknown as Tensor[];
  return y!;
}

/** The stock compositions of the activations (src/train/hf/tfOps.ts and model.ts used them before). */
function stockActivation(x: Tensor, kind: FusedActivation): Tensor {
  if (kind === 'silu') return tf.mul(x, tf.sigmoid(x));
  if (kind === 'gelu') return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
  // gelu_pytorch_tanh / gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** Exact GELU 0.5·x·(1 + erf(x/√2)), tanh GELU, or SiLU x·σ(x): one program each way where fused. */
export function activation(x: Tensor, kind: FusedActivation): Tensor {
  if (hasKernel(ACTIVATION)) return tf.engine().runKernel(ACTIVATION, { x }, { kind: ACTIVATIONS[kind] }) as Tensor;
  return stockActivation(x, kind);
}

/** Rows of x [N, T, D] at idx [N] (int32): [N, D]. Stock: a batched one-hot matmul, differentiable everywhere. */
export function pickRows(x: Tensor, idx: Tensor): Tensor {
  const [N, T, D] = x.shape as [number, number, number];
  if (hasKernel(PICK_ROWS)) return tf.engine().runKernel(PICK_ROWS, { x, idx }, { N, T, D }) as Tensor;
  const sel = tf.reshape(tf.cast(tf.oneHot(idx as tf.Tensor1D, T), 'float32'), [N, 1, T]);
  return tf.reshape(tf.matMul(sel, x), [N, D]);
}

/** ‖x‖₂ of a small tensor, not differentiated (a logged statistic): one program where fused, else tf.norm. */
export function l2Norm(x: Tensor): Tensor {
  if (hasKernel(L2_NORM)) return tf.engine().runKernel(L2_NORM, { x }) as Tensor;
  return tf.norm(x);
}

export interface LinearOptions {
  /** y = act(x·W); the pre-activation is kept for the backward (fused) or recomputed by autodiff (stock). */
  readonly act?: FusedActivation;
  /** y = residual + x·W (same shape as the product). */
  readonly residual?: Tensor;
}

/** x [M, K] · W [K, N] with an optional activation or residual: one program each way where fused. */
export function linear(x: Tensor, w: Tensor, o: LinearOptions = {}): Tensor {
  if (o.act && o.residual) throw new Error('linear: an activation and a residual in one call are not supported');
  if (hasKernel(LINEAR)) {
    if (o.act) return (tf.engine().runKernel(LINEAR_ACT, { x, w }, { act: ACTIVATIONS[o.act] }) as unknown as Tensor[])[0]!;
    return tf.engine().runKernel(LINEAR, { x, w, ...(o.residual ? { residual: o.residual } : {}) }, {}) as Tensor;
  }
  const y = tf.matMul(x, w);
  if (o.act) return activation(y, o.act);
  return o.residual ? tf.add(o.residual, y) : y;
}

/** x·Wᵢ for 2 or 3 weights sharing x (the k, v or q, k, v projections): one program each way where fused. */
export function projections(x: Tensor, ws: readonly Tensor[]): Tensor[] {
  if (hasKernel(LINEAR) && (ws.length === 2 || ws.length === 3)) {
    return tf
      .engine()
      .runKernel(PROJECTIONS[ws.length - 2]!, { x, ...Object.fromEntries(ws.map((w, i) => [`w${i}`, w])) }, {}) as unknown as Tensor[];
  }
  return ws.map((w) => tf.matMul(x, w));
}

/** Whether fusedEmbedding can run here for rows of width D. */
export function fusedEmbeddingAvailable(D: number): boolean {
  return hasKernel(EMBED) && D <= EMBED_MAX_WIDTH;
}

/**
 * tok[ids] (+ pos[t] for position t, pos being the whole table [L, D]) as [N, T, D], in one program each way (check
 * fusedEmbeddingAvailable first; model.ts keeps the stock gather and scatter-add gradient for other backends).
 */
export function fusedEmbedding(tok: Tensor, ids: Tensor, pos?: Tensor): Tensor {
  const attrs = { vocab: tok.shape[0]!, positions: pos ? pos.shape[0]! : 0 };
  return tf.engine().runKernel(EMBED, { tok, ids, ...(pos ? { pos } : {}) }, attrs) as Tensor;
}
