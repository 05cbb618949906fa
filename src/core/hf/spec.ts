// A Hugging Face config.json, read into one normalised description of the network (HfModelSpec) that the generic
// decoder (decoder.ts) follows. Both config styles are accepted: transformers 4.x (`rope_theta`, `rope_scaling`,
// `torch_dtype`) and 5.x (`rope_parameters`, `dtype`). Defaults are transformers 5.18's config-class defaults, so a
// config.json that leaves a key out means what it means to transformers (e.g. Mistral's sliding_window of 4096,
// Qwen3's head_dim of 128, Gemma-2's soft-capping values).
//
// One block implementation serves every family; the spec's switches say where families differ:
//   llama    RMSNorm, SwiGLU, RoPE (default / linear / llama3 scaling), optional attention/MLP biases
//   mistral  Llama-shaped, optional sliding window on every layer
//   qwen2    q/k/v biases, optional sliding-window layers
//   qwen3    per-head RMSNorm on q and k before RoPE, explicit head_dim
//   gemma2   (1 + w) RMSNorm, four norms per layer, GELU-tanh, embeddings × √H, query_pre_attn_scalar,
//            attention soft-capping, alternating sliding/full layers
//   gpt2     LayerNorm with bias, learned positions, fused q/k/v, Conv1D ([in, out]) weights, GELU-tanh
import { UserError } from '../errors';
import { invFrequencies, type RopeScaling } from './rope';

export type HfFamily = 'llama' | 'mistral' | 'qwen2' | 'qwen3' | 'gemma2' | 'gpt2';

/** model_type → family. The supported list shown when a folder is refused. */
export const SUPPORTED_MODEL_TYPES: Readonly<Record<string, HfFamily>> = {
  llama: 'llama',
  mistral: 'mistral',
  qwen2: 'qwen2',
  qwen3: 'qwen3',
  gemma2: 'gemma2',
  gpt2: 'gpt2',
};

export type Activation = 'silu' | 'gelu_tanh' | 'gelu';
export type AttentionKind = 'full' | 'sliding';

export interface HfModelSpec {
  readonly family: HfFamily;
  readonly modelType: string;
  /** config.json `architectures[0]`, e.g. 'Qwen2ForSequenceClassification' ('' when absent). */
  readonly architecture: string;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly intermediateSize: number;
  readonly vocabSize: number;
  readonly maxPositions: number;
  readonly norm: { readonly kind: 'rms' | 'layer'; readonly eps: number; readonly onePlus: boolean };
  readonly activation: Activation;
  /** Gated (SwiGLU / GeGLU: down(act(gate(x)) · up(x))) or plain (proj(act(fc(x)))) MLP. */
  readonly gatedMlp: boolean;
  readonly attentionBias: { readonly qkv: boolean; readonly o: boolean };
  readonly mlpBias: boolean;
  /** Qwen3: RMSNorm over head_dim on q and k before RoPE. */
  readonly qkNorm: boolean;
  /** Gemma-2: post-attention and pre/post-feed-forward norms (four per layer). */
  readonly sandwichNorms: boolean;
  readonly positions:
    | { readonly kind: 'rope'; readonly invFreq: Float32Array; readonly attentionScaling: number; readonly scaling: RopeScaling }
    | { readonly kind: 'learned' };
  /** Multiplies the token embeddings (Gemma-2: √H, rounded to fp32 as torch does). 1 elsewhere. */
  readonly embedScale: number;
  /** Multiplies q·kᵀ: head_dim^-0.5, or query_pre_attn_scalar^-0.5 (Gemma-2). */
  readonly attnScale: number;
  /** tanh(x / cap) · cap on the attention logits (Gemma-2), or undefined. */
  readonly attnSoftcap?: number;
  readonly slidingWindow?: number;
  readonly layerTypes: readonly AttentionKind[];
  readonly tieWordEmbeddings: boolean;
  readonly padTokenId?: number;
  readonly bosTokenId?: number;
  readonly eosTokenIds: readonly number[];
  /** Weights' dtype as the config states it ('bfloat16', 'float32', …), or 'unknown'. */
  readonly dtype: string;
  /** Sequence-classification labels (1 for a reward model). */
  readonly numLabels: number;
  /** Free-form config keys other tools use for the head (OpenRLHF: value_head_prefix, normalize_reward, mean, std). */
  readonly extras: Readonly<Record<string, unknown>>;
}

/** A config.json that cannot be used, with the file and field at fault. */
export class HfConfigError extends UserError {
  constructor(
    readonly file: string,
    readonly field: string | undefined,
    message: string,
  ) {
    super(`${file}: ${field ? `field "${field}": ` : ''}${message}`, { code: 'hf-config' });
  }
}

type Json = Record<string, unknown>;

/** Parses a config.json object. `file` is used in error messages only. */
export function parseHfConfig(raw: unknown, file: string): HfModelSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new HfConfigError(file, undefined, 'not a JSON object');
  const c = raw as Json;
  const modelType = typeof c.model_type === 'string' ? c.model_type : '';
  const family = SUPPORTED_MODEL_TYPES[modelType];
  const architecture = Array.isArray(c.architectures) && typeof c.architectures[0] === 'string' ? c.architectures[0] : '';
  if (!family) {
    const what = modelType ? `model_type "${modelType}"${architecture ? ` (${architecture})` : ''}` : 'no "model_type"';
    throw new HfConfigError(file, 'model_type', `${what} is not supported; supported: ${Object.keys(SUPPORTED_MODEL_TYPES).join(', ')}`);
  }
  const r = new Reader(c, file);
  return family === 'gpt2' ? gpt2Spec(r, architecture) : decoderSpec(r, family, modelType, architecture);
}

/** Field access with type checks and transformers' defaults. */
class Reader {
  constructor(
    readonly c: Json,
    readonly file: string,
  ) {}
  has(key: string): boolean {
    return this.c[key] !== undefined && this.c[key] !== null;
  }
  int(key: string, fallback?: number): number {
    const v = this.c[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      throw new HfConfigError(this.file, key, `expected a non-negative integer, got ${JSON.stringify(v)}`);
    return v;
  }
  num(key: string, fallback?: number): number {
    const v = this.c[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new HfConfigError(this.file, key, `expected a number, got ${JSON.stringify(v)}`);
    return v;
  }
  optNum(key: string, fallback?: number): number | undefined {
    const v = key in this.c ? this.c[key] : fallback;
    if (v === null || v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new HfConfigError(this.file, key, `expected a number or null, got ${JSON.stringify(v)}`);
    return v;
  }
  bool(key: string, fallback: boolean): boolean {
    const v = this.c[key] ?? fallback;
    if (typeof v !== 'boolean') throw new HfConfigError(this.file, key, `expected true or false, got ${JSON.stringify(v)}`);
    return v;
  }
  str(key: string, fallback: string): string {
    const v = this.c[key] ?? fallback;
    if (typeof v !== 'string') throw new HfConfigError(this.file, key, `expected a string, got ${JSON.stringify(v)}`);
    return v;
  }
  /** A token id or a list of them (eos_token_id may be either). */
  ids(key: string): number[] {
    const v = this.c[key];
    if (v === undefined || v === null) return [];
    const list = Array.isArray(v) ? v : [v];
    if (!list.every((x) => Number.isInteger(x) && (x as number) >= 0))
      throw new HfConfigError(this.file, key, `expected a token id or a list of ids, got ${JSON.stringify(v)}`);
    return list as number[];
  }
}

const FAMILY_DEFAULTS: Readonly<
  Record<Exclude<HfFamily, 'gpt2'>, { headDim?: number; slidingWindow?: number; maxPositions: number; act: string; tie: boolean }>
> = {
  llama: { maxPositions: 2048, act: 'silu', tie: false },
  mistral: { maxPositions: 131072, act: 'silu', tie: false, slidingWindow: 4096 },
  qwen2: { maxPositions: 32768, act: 'silu', tie: false },
  qwen3: { maxPositions: 32768, act: 'silu', tie: false, headDim: 128 },
  gemma2: { maxPositions: 8192, act: 'gelu_pytorch_tanh', tie: true, headDim: 256, slidingWindow: 4096 },
};

function decoderSpec(r: Reader, family: Exclude<HfFamily, 'gpt2'>, modelType: string, architecture: string): HfModelSpec {
  const d = FAMILY_DEFAULTS[family];
  const hiddenSize = r.int('hidden_size');
  const { numHeads, numKvHeads, headDim } = attentionHeadsOf(r, hiddenSize, d.headDim);
  const numLayers = r.int('num_hidden_layers');
  const gemma = family === 'gemma2';
  const act = gemma ? r.str('hidden_activation', r.str('hidden_act', d.act)) : r.str('hidden_act', d.act);
  const slidingWindow = slidingWindowOf(r, family, d.slidingWindow);
  const bias = family === 'qwen2' ? { qkv: true, o: false } : { qkv: r.bool('attention_bias', false), o: r.bool('attention_bias', false) };
  const maxPositions = r.int('max_position_embeddings', d.maxPositions);
  const queryScalar = gemma ? r.num('query_pre_attn_scalar', 256) : headDim;
  return {
    family,
    modelType,
    architecture,
    hiddenSize,
    numLayers,
    numHeads,
    numKvHeads,
    headDim,
    intermediateSize: r.int('intermediate_size'),
    vocabSize: r.int('vocab_size'),
    maxPositions,
    norm: { kind: 'rms', eps: r.num('rms_norm_eps', 1e-6), onePlus: gemma },
    activation: activationOf(r, gemma ? 'hidden_activation' : 'hidden_act', act),
    gatedMlp: true,
    attentionBias: bias,
    mlpBias: family === 'llama' ? r.bool('mlp_bias', false) : false,
    qkNorm: family === 'qwen3',
    sandwichNorms: gemma,
    positions: ropeOf(r, headDim, maxPositions),
    embedScale: gemma ? Math.fround(Math.sqrt(hiddenSize)) : 1,
    attnScale: 1 / Math.sqrt(queryScalar),
    ...(gemma && r.optNum('attn_logit_softcapping', 50) !== undefined ? { attnSoftcap: r.optNum('attn_logit_softcapping', 50)! } : {}),
    ...(slidingWindow !== undefined ? { slidingWindow } : {}),
    layerTypes: layerTypesOf(r, family, numLayers, slidingWindow),
    tieWordEmbeddings: r.bool('tie_word_embeddings', d.tie),
    ...commonIds(r),
    dtype: r.str('dtype', r.str('torch_dtype', 'unknown')),
    numLabels: r.int('num_labels', 1),
    extras: extrasOf(r.c),
  };
}

/** Query heads, key/value heads (grouped-query attention) and head size, checked so that RoPE and GQA can use them. */
function attentionHeadsOf(
  r: Reader,
  hiddenSize: number,
  defaultHeadDim: number | undefined,
): { numHeads: number; numKvHeads: number; headDim: number } {
  const numHeads = r.int('num_attention_heads');
  if (numHeads === 0) throw new HfConfigError(r.file, 'num_attention_heads', 'must be ≥ 1');
  const numKvHeads = r.has('num_key_value_heads') ? r.int('num_key_value_heads') : numHeads;
  if (numKvHeads === 0 || numHeads % numKvHeads !== 0) {
    throw new HfConfigError(r.file, 'num_key_value_heads', `${numKvHeads} does not divide num_attention_heads (${numHeads})`);
  }
  const headDim = r.has('head_dim') ? r.int('head_dim') : (defaultHeadDim ?? hiddenSize / numHeads);
  if (!Number.isInteger(headDim) || headDim % 2 !== 0)
    throw new HfConfigError(r.file, 'head_dim', `must be an even integer, got ${headDim}`);
  return { numHeads, numKvHeads, headDim };
}

function gpt2Spec(r: Reader, architecture: string): HfModelSpec {
  const hiddenSize = r.int('n_embd', 768);
  const numHeads = r.int('n_head', 12);
  if (numHeads === 0 || hiddenSize % numHeads !== 0) throw new HfConfigError(r.file, 'n_head', `must divide n_embd (${hiddenSize})`);
  if (r.bool('scale_attn_by_inverse_layer_idx', false))
    throw new HfConfigError(r.file, 'scale_attn_by_inverse_layer_idx', 'true is not supported');
  if (!r.bool('scale_attn_weights', true)) throw new HfConfigError(r.file, 'scale_attn_weights', 'false is not supported');
  const headDim = hiddenSize / numHeads;
  const numLayers = r.int('n_layer', 12);
  return {
    family: 'gpt2',
    modelType: 'gpt2',
    architecture,
    hiddenSize,
    numLayers,
    numHeads,
    numKvHeads: numHeads,
    headDim,
    intermediateSize: r.has('n_inner') ? r.int('n_inner') : 4 * hiddenSize,
    vocabSize: r.int('vocab_size', 50257),
    maxPositions: r.int('n_positions', 1024),
    norm: { kind: 'layer', eps: r.num('layer_norm_epsilon', 1e-5), onePlus: false },
    activation: activationOf(r, 'activation_function', r.str('activation_function', 'gelu_new')),
    gatedMlp: false,
    attentionBias: { qkv: true, o: true },
    mlpBias: true,
    qkNorm: false,
    sandwichNorms: false,
    positions: { kind: 'learned' },
    embedScale: 1,
    attnScale: 1 / Math.sqrt(headDim),
    layerTypes: Array.from({ length: numLayers }, () => 'full' as const),
    tieWordEmbeddings: r.bool('tie_word_embeddings', true),
    ...commonIds(r),
    dtype: r.str('dtype', r.str('torch_dtype', 'unknown')),
    numLabels: r.int('num_labels', 1),
    extras: extrasOf(r.c),
  };
}

function activationOf(r: Reader, key: string, name: string): Activation {
  if (name === 'silu' || name === 'swish') return 'silu';
  if (name === 'gelu_pytorch_tanh' || name === 'gelu_new' || name === 'gelu_fast') return 'gelu_tanh';
  if (name === 'gelu') return 'gelu';
  throw new HfConfigError(r.file, key, `activation "${name}" is not supported (silu, gelu, gelu_new, gelu_pytorch_tanh)`);
}

function slidingWindowOf(r: Reader, family: HfFamily, fallback: number | undefined): number | undefined {
  if (family === 'qwen2' || family === 'qwen3') return r.bool('use_sliding_window', false) ? r.optNum('sliding_window', 4096) : undefined;
  if (family === 'llama') return undefined;
  return r.optNum('sliding_window', fallback);
}

function layerTypesOf(r: Reader, family: HfFamily, numLayers: number, slidingWindow: number | undefined): AttentionKind[] {
  const raw = r.c.layer_types;
  if (Array.isArray(raw)) {
    if (raw.length !== numLayers)
      throw new HfConfigError(r.file, 'layer_types', `has ${raw.length} entries, num_hidden_layers is ${numLayers}`);
    return raw.map((t, i) => {
      if (t === 'full_attention') return 'full';
      if (t === 'sliding_attention') {
        if (slidingWindow === undefined)
          throw new HfConfigError(r.file, 'layer_types', `layer ${i} is sliding_attention but no sliding_window is set`);
        return 'sliding';
      }
      throw new HfConfigError(r.file, 'layer_types', `layer ${i}: "${String(t)}" is not supported (full_attention, sliding_attention)`);
    });
  }
  const at = (i: number): AttentionKind => {
    if (slidingWindow === undefined) return 'full';
    if (family === 'gemma2') return (i + 1) % 2 === 1 ? 'sliding' : 'full';
    if (family === 'qwen2' || family === 'qwen3') return i >= r.int('max_window_layers', 28) ? 'sliding' : 'full';
    return 'sliding'; // Mistral: every layer
  };
  return Array.from({ length: numLayers }, (_, i) => at(i));
}

/** RoPE parameters from either style; only the rope types whose formulas we implement are accepted. */
function ropeOf(r: Reader, headDim: number, maxPositions: number): HfModelSpec['positions'] {
  const params = (r.c.rope_parameters ?? r.c.rope_scaling ?? {}) as Json;
  const field = r.c.rope_parameters ? 'rope_parameters' : 'rope_scaling';
  if (typeof params !== 'object' || params === null) throw new HfConfigError(r.file, field, 'expected an object');
  const theta = typeof params.rope_theta === 'number' ? params.rope_theta : r.num('rope_theta', 10000);
  const type = String(params.rope_type ?? params.type ?? 'default');
  const partial = params.partial_rotary_factor ?? r.c.partial_rotary_factor ?? 1;
  if (partial !== 1)
    throw new HfConfigError(r.file, 'partial_rotary_factor', `${String(partial)} is not supported (only full rotary embeddings)`);
  const num = (k: string) => {
    const v = params[k];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new HfConfigError(r.file, `${field}.${k}`, `expected a number for rope_type "${type}", got ${JSON.stringify(v)}`);
    return v;
  };
  let scaling: RopeScaling;
  if (type === 'default') scaling = { type: 'default' };
  else if (type === 'linear') scaling = { type: 'linear', factor: num('factor') };
  else if (type === 'llama3') {
    const original = typeof params.original_max_position_embeddings === 'number' ? params.original_max_position_embeddings : maxPositions;
    scaling = {
      type: 'llama3',
      factor: num('factor'),
      lowFreqFactor: num('low_freq_factor'),
      highFreqFactor: num('high_freq_factor'),
      originalMaxPositions: original,
    };
  } else throw new HfConfigError(r.file, `${field}.rope_type`, `"${type}" is not supported (default, linear, llama3)`);
  return { kind: 'rope', invFreq: invFrequencies(theta, headDim, scaling), attentionScaling: 1, scaling };
}

function commonIds(r: Reader): Pick<HfModelSpec, 'padTokenId' | 'bosTokenId' | 'eosTokenIds'> {
  const pad = r.ids('pad_token_id')[0];
  const bos = r.ids('bos_token_id')[0];
  return {
    ...(pad !== undefined ? { padTokenId: pad } : {}),
    ...(bos !== undefined ? { bosTokenId: bos } : {}),
    eosTokenIds: r.ids('eos_token_id'),
  };
}

const EXTRA_KEYS = ['value_head_prefix', 'normalize_reward', 'mean', 'std', 'id2label', 'problem_type'];
function extrasOf(c: Json): Record<string, unknown> {
  return Object.fromEntries(EXTRA_KEYS.filter((k) => c[k] !== undefined).map((k) => [k, c[k]]));
}
