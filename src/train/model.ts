// The reward model: a small pre-LN causal transformer with a bias-free scalar head (paper-spec §1).
//
//   x   = tok_emb[ids] + pos_emb[0..T)
//   x  += attn(LN1(x))            for each block   (multi-head causal self-attention, no biases)
//   x  += mlp(LN2(x))                              (fc → exact GELU → proj, no biases)
//   h   = LN_f(x)[lastIdx]        the final-LayerNorm state at the last real token (EOS)
//   r   = W_pᵀ h                  no bias; W_p ~ N(0, 1/H) as the paper's code (std 1/√H)
//
// Invariants:
// - Right padding never changes h: with a causal mask, position lastIdx only sees positions ≤ lastIdx.
// - Every tensor is created inside a call; the model owns only its variables (disposeModel frees them).
// - Linear weights are stored [in, out] (x @ W), like GPT-2's Conv1D. docs/model-format.md has the PyTorch mapping.
// - Attention tensors stay 4-D ([N, heads, T, dHead]) because the WebGPU backend cannot pad 5-D tensors.
import type { ModelConfig } from '../core/config';
import { deriveSeed } from '../core/random';
import { PAD } from '../core/tokenize';
import { tf, type Scalar, type Tensor, type Tensor1D, type Tensor2D, type Tensor3D, type Variable } from './tf';
import { stepBoundary } from './kernels';
import {
  fusedAttention,
  fusedAttentionAvailable,
  fusedEmbedding,
  fusedEmbeddingAvailable,
  l2Norm,
  layerNorm as fusedLayerNorm,
  linear,
  pickRows,
  projections,
} from './fusedOps';

/** LayerNorm ε, PyTorch's default, so a PyTorch port gives the same numbers. */
export const LN_EPS = 1e-5;
/** Std of every weight matrix and embedding at init (GPT-2). */
export const INIT_STD = 0.02;
/** Additive attention mask value for future positions. Large but finite so fp32 softmax never sees inf − inf. */
const MASK_VALUE = -1e9;

export interface RewardModel {
  readonly config: ModelConfig;
  /** Every parameter by its file name (see parameterSpecs), in the canonical order. */
  readonly params: ReadonlyMap<string, Variable>;
}

export interface ParameterSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: { readonly kind: 'normal'; readonly std: number } | { readonly kind: 'ones' } | { readonly kind: 'zeros' };
}

export interface Batch {
  /** [N, T] int32 token ids, right-padded with PAD. */
  readonly ids: Tensor2D;
  /** [N] int32: index of each row's last real token (its EOS). */
  readonly lastIdx: Tensor1D;
}

// A type alias, not an interface, so it is a tf.TensorContainer and can be returned from tf.tidy.
export type ForwardResult = {
  /** [N] rewards r = W_pᵀh. */
  readonly rewards: Tensor1D;
  /** [N, H] final-LayerNorm hidden states at lastIdx. */
  readonly hidden: Tensor2D;
};

/** Checks a ModelConfig; returns one message per problem (empty when valid). */
export function validateModelConfig(cfg: ModelConfig): string[] {
  const problems: string[] = [];
  for (const k of ['vocabSize', 'dModel', 'nLayers', 'nHeads', 'dFF', 'maxLen'] as const) {
    const v = cfg[k];
    if (!Number.isInteger(v) || v < 1) problems.push(`${k} must be an integer ≥ 1, got ${v}`);
  }
  if (cfg.maxLen < 4) problems.push(`maxLen must be ≥ 4 (prompt, SEP, response, EOS), got ${cfg.maxLen}`);
  if (cfg.vocabSize < 5) problems.push(`vocabSize must be ≥ 5 (4 special ids + at least one token), got ${cfg.vocabSize}`);
  if (Number.isInteger(cfg.dModel) && Number.isInteger(cfg.nHeads) && cfg.dModel % cfg.nHeads !== 0) {
    problems.push(`dModel (${cfg.dModel}) must be divisible by nHeads (${cfg.nHeads})`);
  }
  return problems;
}

/** Names, shapes and initialisers of every parameter, in the canonical order (also the file order). */
export function parameterSpecs(cfg: ModelConfig): ParameterSpec[] {
  const D = cfg.dModel;
  const normal = (std: number) => ({ kind: 'normal', std }) as const;
  const specs: ParameterSpec[] = [
    { name: 'tok_emb.weight', shape: [cfg.vocabSize, D], init: normal(INIT_STD) },
    { name: 'pos_emb.weight', shape: [cfg.maxLen, D], init: normal(INIT_STD) },
  ];
  for (let l = 0; l < cfg.nLayers; l++) {
    const b = `blocks.${l}`;
    specs.push(
      { name: `${b}.ln1.weight`, shape: [D], init: { kind: 'ones' } },
      { name: `${b}.ln1.bias`, shape: [D], init: { kind: 'zeros' } },
      { name: `${b}.attn.q.weight`, shape: [D, D], init: normal(INIT_STD) },
      { name: `${b}.attn.k.weight`, shape: [D, D], init: normal(INIT_STD) },
      { name: `${b}.attn.v.weight`, shape: [D, D], init: normal(INIT_STD) },
      { name: `${b}.attn.o.weight`, shape: [D, D], init: normal(INIT_STD) },
      { name: `${b}.ln2.weight`, shape: [D], init: { kind: 'ones' } },
      { name: `${b}.ln2.bias`, shape: [D], init: { kind: 'zeros' } },
      { name: `${b}.mlp.fc.weight`, shape: [D, cfg.dFF], init: normal(INIT_STD) },
      { name: `${b}.mlp.proj.weight`, shape: [cfg.dFF, D], init: normal(INIT_STD) },
    );
  }
  specs.push(
    { name: 'ln_f.weight', shape: [D], init: { kind: 'ones' } },
    { name: 'ln_f.bias', shape: [D], init: { kind: 'zeros' } },
    // Paper §2.1 / code modules/utils.py:183: W_p ~ N(0, 1/H), so ‖W_p‖ ≈ 1 at init.
    { name: 'score.weight', shape: [D, 1], init: normal(1 / Math.sqrt(D)) },
  );
  return specs;
}

/** Number of trainable scalars for a config (for logs and the bench). */
export function countParameters(cfg: ModelConfig): number {
  return parameterSpecs(cfg).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

/**
 * A freshly initialised model. Same config + seed → the same weights on every backend (the random numbers are drawn
 * in JS by tf.randomNormal's seeded generator; each parameter gets its own seed derived from its name).
 */
export function createModel(cfg: ModelConfig, seed: number): RewardModel {
  const problems = validateModelConfig(cfg);
  if (problems.length) throw new Error(`invalid model config: ${problems.join('; ')}`);
  const params = new Map<string, Variable>();
  const modelId = nextModelId();
  for (const spec of parameterSpecs(cfg)) {
    const init = spec.init;
    const shape = [...spec.shape];
    const value = tf.tidy(() => {
      if (init.kind === 'ones') return tf.ones(shape);
      if (init.kind === 'zeros') return tf.zeros(shape);
      // A seed of 0 would make tfjs pick Math.random(): map it to 1.
      return tf.randomNormal(shape, 0, init.std, 'float32', deriveSeed(seed, 'init', spec.name) || 1);
    });
    params.set(spec.name, tf.variable(value, true, variableName(modelId, spec.name)));
    value.dispose();
  }
  return { config: cfg, params };
}

// tfjs variable names must be unique per engine, and Adam labels its moments with them. A non-numeric, per-model
// prefix keeps them unique across models and keeps object-key order = insertion order (numeric keys would sort).
let modelCounter = 0;
export const variableName = (modelId: number, param: string) => `rm${modelId}/${param}`;
/** A fresh model id for variable names (Hugging Face models share the scheme, so optimizer state reads the same). */
export const nextModelId = () => ++modelCounter;

/** The parameter name ('blocks.0.attn.q.weight') of a tfjs variable name ('rm3/blocks.0.attn.q.weight'), if ours. */
export function parameterNameOf(variableName: string): string | undefined {
  return /^rm\d+\/(.+)$/.exec(variableName)?.[1];
}

/** A model whose variables hold copies of `tensors` (used by loadModel). The caller still owns (and disposes) `tensors`. */
export function modelFromTensors(cfg: ModelConfig, tensors: ReadonlyMap<string, Tensor>): RewardModel {
  const params = new Map<string, Variable>();
  const modelId = nextModelId();
  for (const spec of parameterSpecs(cfg)) {
    const t = tensors.get(spec.name);
    if (!t) throw new Error(`missing parameter ${spec.name}`);
    if (t.shape.join(',') !== spec.shape.join(','))
      throw new Error(`parameter ${spec.name} has shape [${t.shape}], expected [${spec.shape}]`);
    params.set(spec.name, tf.variable(t, true, variableName(modelId, spec.name)));
  }
  return { config: cfg, params };
}

/** Trainable variables in the canonical order. Pass this as minimize()'s varList so optimizer state lines up. */
export function trainableVariables(model: RewardModel): Variable[] {
  return [...model.params.values()];
}

export function disposeModel(model: RewardModel): void {
  for (const v of model.params.values()) v.dispose();
}

/** ‖W_p‖₂ as a scalar tensor that stays on the backend (no sync); the caller disposes it. */
export function wpNormTensor(model: RewardModel): Scalar {
  return tf.tidy(() => l2Norm(param(model, 'score.weight')) as Scalar);
}

/** ‖W_p‖₂ as a number. Sync point: a GPU→CPU read, so call it on log/eval steps only. */
export function wpNorm(model: RewardModel): number {
  const t = wpNormTensor(model);
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
}

function param(model: RewardModel, name: string): Variable {
  const v = model.params.get(name);
  if (!v) throw new Error(`model has no parameter ${name}`);
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// Forward pass

/**
 * Embedding lookup, isolated so a backend-specific version can replace it. The stock gradient of tf.gather
 * (UnsortedSegmentSum) is missing on wasm and takes minutes per step on cpu at vocab 8192, so the gradient here is
 * a scatter-add (tf.scatterND sums duplicate indices), which every backend has.
 */
export function embed(table: Variable | Tensor, ids: Tensor2D): Tensor3D {
  if (fusedEmbeddingAvailable(table.shape[1]!)) return fusedEmbedding(table, ids) as Tensor3D;
  const [N, T] = ids.shape;
  const D = table.shape[1]!;
  const flatIds = tf.reshape(ids, [N * T]);
  const lookup = tf.customGrad((tbl, save) => {
    (save as tf.GradSaveFunc)([flatIds]);
    return {
      value: tf.gather(tbl as Tensor, flatIds),
      gradFunc: (dy: Tensor, saved: Tensor[]) => [tf.scatterND(tf.reshape(saved[0]!, [N * T, 1]), dy, (tbl as Tensor).shape)],
    };
  });
  return tf.reshape(lookup(table), [N, T, D]);
}

/** LayerNorm over the last axis (one fused kernel on webgpu, the stock ops elsewhere: src/train/fusedOps.ts). */
function layerNorm(x: Tensor, gain: Tensor, bias: Tensor): Tensor {
  return fusedLayerNorm(x, gain, bias, LN_EPS);
}

/** [T, T] additive mask: 0 where key ≤ query, MASK_VALUE above the diagonal. Built in JS: one upload, no kernels. */
function causalMask(T: number): Tensor2D {
  const m = new Float32Array(T * T);
  for (let q = 0; q < T; q++) for (let k = q + 1; k < T; k++) m[q * T + k] = MASK_VALUE;
  return tf.tensor2d(m, [T, T]);
}

/**
 * Multi-head causal self-attention of a2d [N·T, D] (the LayerNormed stream), added to the residual stream [N·T, D];
 * returns the new stream. The mask is needed by the stock path only.
 */
function attention(
  model: RewardModel,
  l: number,
  a2d: Tensor,
  [N, T]: [number, number],
  mask: Tensor2D | undefined,
  residual: Tensor,
): Tensor {
  const { dModel: D, nHeads: H } = model.config;
  const dh = D / H;
  const w = (name: string) => param(model, `blocks.${l}.attn.${name}.weight`);
  const [q, k, v] = projections(a2d, [w('q'), w('k'), w('v')]) as [Tensor, Tensor, Tensor];
  let merged: Tensor;
  if (!mask) {
    // The fused kernel reads the projections as they are ([N, T, H·dh]) and masks by position: no transposes.
    const bthd = (t: Tensor) => tf.reshape(t, [N, T, D]);
    merged = tf.reshape(fusedAttention(bthd(q), bthd(k), bthd(v), { heads: H, scale: 1 / Math.sqrt(dh), causal: true, layout: 'bthd' }), [
      N * T,
      D,
    ]);
  } else {
    const heads = (t: Tensor) => tf.transpose(tf.reshape(t, [N, T, H, dh]), [0, 2, 1, 3]);
    // The 1/√dh scale is applied to q ([N, H, T, dh]) rather than to the scores ([N, H, T, T]): fewer elements.
    const scores = tf.add(tf.matMul(tf.mul(heads(q), 1 / Math.sqrt(dh)), heads(k), false, true), mask); // [N, H, T, T]
    const y = tf.matMul(tf.softmax(scores, -1), heads(v)); // [N, H, T, dh]
    merged = tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [N * T, D]);
  }
  return linear(merged, w('o'), { residual });
}

/** residual + proj(gelu(fc(m))): fused on webgpu into one product with a GELU epilogue and one with the residual. */
function mlp(model: RewardModel, b: string, m: Tensor, residual: Tensor): Tensor {
  return linear(linear(m, param(model, `${b}.mlp.fc.weight`), { act: 'gelu' }), param(model, `${b}.mlp.proj.weight`), { residual });
}

/** One full block on the residual stream x2d [N·T, D]; returns the new stream. */
function block(model: RewardModel, l: number, x2d: Tensor, NT: [number, number], mask: Tensor2D | undefined): Tensor {
  const b = `blocks.${l}`;
  const a = layerNorm(x2d, param(model, `${b}.ln1.weight`), param(model, `${b}.ln1.bias`));
  const x = attention(model, l, a, NT, mask, x2d);
  return mlp(model, b, layerNorm(x, param(model, `${b}.ln2.weight`), param(model, `${b}.ln2.bias`)), x);
}

/**
 * The last block, computed only where it matters. Only h at lastIdx is used and attention is causal, so the last
 * block needs keys and values at every position but its query, output projection, MLP (and the final LayerNorm)
 * only at the scored row: the same numbers up to rounding, and about 40% fewer FLOPs for a 2-layer model.
 * Returns the residual stream at lastIdx, [N, D].
 */
function lastBlock(model: RewardModel, x: Tensor3D, lastIdx: Tensor1D): Tensor2D {
  const { dModel: D, nLayers } = model.config;
  const [N, T] = x.shape;
  const b = `blocks.${nLayers - 1}`;
  const a = layerNorm(x, param(model, `${b}.ln1.weight`), param(model, `${b}.ln1.bias`)) as Tensor3D;
  const y = lastQueryAttention(model, b, tf.reshape(a, [N * T, D]), pickLast(a, lastIdx), lastIdx, [N, T]);
  const h = linear(y, param(model, `${b}.attn.o.weight`), { residual: pickLast(x, lastIdx) });
  return mlp(model, b, layerNorm(h, param(model, `${b}.ln2.weight`), param(model, `${b}.ln2.bias`)), h) as Tensor2D;
}

/**
 * Attention of the single query at lastIdx (a [N, D], the LayerNormed row there) over the keys and values of every
 * position (a2d [N·T, D]); returns [N, D]. Keys after lastIdx (padding) are masked.
 */
function lastQueryAttention(
  model: RewardModel,
  b: string,
  a2d: Tensor,
  aLast: Tensor2D,
  lastIdx: Tensor1D,
  [N, T]: [number, number],
): Tensor2D {
  const { dModel: D, nHeads: H } = model.config;
  const dh = D / H;
  const w = (name: string) => param(model, `${b}.attn.${name}.weight`);
  const [k, v] = projections(a2d, [w('k'), w('v')]) as [Tensor, Tensor];
  const q = linear(aLast, w('q'));
  if (fusedAttentionAvailable(dh)) {
    const spec = { heads: H, scale: 1 / Math.sqrt(dh), causal: true, queryPos: lastIdx, layout: 'bthd' } as const;
    return tf.reshape(fusedAttention(tf.reshape(q, [N, 1, D]), tf.reshape(k, [N, T, D]), tf.reshape(v, [N, T, D]), spec), [N, D]);
  }
  const heads = (t: Tensor) => tf.transpose(tf.reshape(t, [N, T, H, dh]), [0, 2, 1, 3]); // [N, H, T, dh]
  const qh = tf.reshape(tf.mul(q, 1 / Math.sqrt(dh)), [N, H, 1, dh]);
  // The causal row of the query at lastIdx: keys after it (padding) are masked. Kept 4-D for WebGPU.
  const after = tf.greater(tf.range(0, T, 1, 'int32').reshape([1, T]), tf.reshape(lastIdx, [N, 1]));
  const rowMask = tf.reshape(tf.mul(tf.cast(after, 'float32'), MASK_VALUE), [N, 1, 1, T]);
  const y = tf.matMul(tf.softmax(tf.add(tf.matMul(qh, heads(k), false, true), rowMask), -1), heads(v)); // [N, H, 1, dh]
  return tf.reshape(y, [N, D]);
}

/** Rows of x [N, T, D] at lastIdx: a batched one-hot matmul (differentiable on every backend), fused on webgpu. */
function pickLast(x: Tensor3D, lastIdx: Tensor1D): Tensor2D {
  return pickRows(x, lastIdx) as Tensor2D;
}

/** Rewards and hidden states for a batch. Safe inside optimizer.minimize and tf.tidy; frees its intermediates. */
export function forward(model: RewardModel, batch: Batch): ForwardResult {
  const cfg = model.config;
  const [N, T] = batch.ids.shape;
  if (batch.ids.dtype !== 'int32' || batch.lastIdx.dtype !== 'int32') throw new Error('forward: ids and lastIdx must be int32');
  if (T > cfg.maxLen) throw new Error(`forward: sequence length ${T} exceeds the model's maxLen ${cfg.maxLen}`);
  if (batch.lastIdx.shape[0] !== N) throw new Error(`forward: lastIdx has ${batch.lastIdx.shape[0]} rows, ids has ${N}`);
  const D = cfg.dModel;
  stepBoundary();
  return tf.tidy(() => {
    const [tok, posTable] = [param(model, 'tok_emb.weight'), param(model, 'pos_emb.weight')];
    const x0 = fusedEmbeddingAvailable(D)
      ? fusedEmbedding(tok, batch.ids, posTable)
      : tf.add(embed(tok, batch.ids), tf.slice(posTable, [0, 0], [T, D]));
    let x: Tensor = tf.reshape(x0, [N * T, D]); // the residual stream
    // The fused attention masks by position; only the stock path needs the mask as a tensor (an upload per forward).
    const mask = fusedAttentionAvailable(D / cfg.nHeads) ? undefined : causalMask(T);
    for (let l = 0; l < cfg.nLayers - 1; l++) x = block(model, l, x, [N, T], mask);
    const hidden = layerNorm(
      lastBlock(model, tf.reshape(x, [N, T, D]), batch.lastIdx),
      param(model, 'ln_f.weight'),
      param(model, 'ln_f.bias'),
    ) as Tensor2D;
    const rewards = tf.reshape(linear(hidden, param(model, 'score.weight')), [N]) as Tensor1D;
    return { rewards, hidden };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Batching

/** Padded length for a batch: the longest sequence rounded up to a multiple of 8, capped at maxLen. */
export function paddedLength(lengths: Iterable<number>, maxLen = Infinity): number {
  let longest = 0;
  for (const n of lengths) longest = Math.max(longest, n);
  return Math.min(Math.ceil(longest / 8) * 8, maxLen);
}

/** Pure half of makeBatch: right-pads sequences with PAD into one row-major Int32Array [N·T]. */
export function padSequences(seqs: readonly Int32Array[], T: number): { ids: Int32Array; lastIdx: Int32Array } {
  const ids = new Int32Array(seqs.length * T).fill(PAD);
  const lastIdx = new Int32Array(seqs.length);
  seqs.forEach((s, i) => {
    if (s.length === 0) throw new Error(`makeBatch: sequence ${i} is empty`);
    if (s.length > T) throw new Error(`makeBatch: sequence ${i} has ${s.length} tokens, more than the padded length ${T}`);
    ids.set(s, i * T);
    lastIdx[i] = s.length - 1;
  });
  return { ids, lastIdx };
}

/**
 * Tensors for forward(). Pads to `padTo` when given, else to paddedLength(…, maxLen): padding to the batch's own
 * length (a multiple of 8, which keeps the set of compiled shapes small) is much cheaper than always padding to maxLen.
 * The caller disposes the returned tensors.
 */
export function makeBatch(seqs: readonly Int32Array[], padTo?: number, maxLen?: number): Batch {
  if (seqs.length === 0) throw new Error('makeBatch: no sequences');
  const T =
    padTo ??
    paddedLength(
      seqs.map((s) => s.length),
      maxLen,
    );
  const { ids, lastIdx } = padSequences(seqs, T);
  return { ids: tf.tensor2d(ids, [seqs.length, T], 'int32'), lastIdx: tf.tensor1d(lastIdx, 'int32') };
}
