// Small random configs of every supported family, each with the quirk that family is known for switched on, for the
// onnxruntime-vs-tfjs tests (test/unit/hf/ortEngine.test.ts). Checkpoints are written at test time into a temp dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeRandomCheckpoint } from '../../../src/train/ort/benchCheckpoint';
import { probeOnnxRuntime } from '../../../src/train/ort/ortRuntime';

export const TOKENIZER = path.join(__dirname, '..', '..', 'fixtures', 'hf', 'qwen2', 'tokenizer.json');

const VOCAB = 120,
  PAD = 119;
const llamaBase = {
  hidden_size: 32,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  intermediate_size: 48,
  vocab_size: VOCAB,
  max_position_embeddings: 128,
  pad_token_id: PAD,
  eos_token_id: PAD - 1,
  num_labels: 1,
};

export interface RandomModel {
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly dtype?: 'bfloat16' | 'float16' | 'float32';
  readonly head?: boolean;
  /** Larger weights make attention non-uniform and soft-capping bite. */
  readonly weightSd?: number;
}

export const RANDOM_MODELS: readonly RandomModel[] = [
  {
    name: 'llama (llama3 RoPE, attention + MLP biases)',
    config: {
      ...llamaBase,
      model_type: 'llama',
      architectures: ['LlamaForSequenceClassification'],
      attention_bias: true,
      mlp_bias: true,
      rms_norm_eps: 1e-5,
      rope_parameters: {
        rope_type: 'llama3',
        rope_theta: 10000,
        factor: 8,
        low_freq_factor: 1,
        high_freq_factor: 4,
        original_max_position_embeddings: 16,
      },
    },
  },
  {
    name: 'llama bf16 weights (Cast path)',
    dtype: 'bfloat16',
    config: {
      ...llamaBase,
      model_type: 'llama',
      architectures: ['LlamaForSequenceClassification'],
      rope_parameters: { rope_type: 'linear', rope_theta: 10000, factor: 2 },
    },
  },
  {
    name: 'llama backbone, no head (seeded fresh head)',
    head: false,
    config: { ...llamaBase, model_type: 'llama', architectures: ['LlamaForCausalLM'] },
  },
  {
    name: 'mistral (sliding window 5, explicit head_dim 12)',
    config: { ...llamaBase, model_type: 'mistral', architectures: ['MistralForSequenceClassification'], head_dim: 12, sliding_window: 5 },
  },
  {
    name: 'qwen2 (q/k/v biases, sliding layer 1, tied)',
    config: {
      ...llamaBase,
      model_type: 'qwen2',
      architectures: ['Qwen2ForSequenceClassification'],
      use_sliding_window: true,
      sliding_window: 4,
      max_window_layers: 1,
      tie_word_embeddings: true,
    },
  },
  {
    name: 'qwen2 f16 weights (Cast path, f16 table)',
    dtype: 'float16',
    config: { ...llamaBase, model_type: 'qwen2', architectures: ['Qwen2ForSequenceClassification'], tie_word_embeddings: true },
  },
  {
    name: 'qwen3 (q/k norms, head_dim 16)',
    config: { ...llamaBase, model_type: 'qwen3', architectures: ['Qwen3ForSequenceClassification'], head_dim: 16 },
  },
  {
    name: 'gemma2 (soft-capping 5, sliding 4, (1+w) norms, GELU-tanh)',
    weightSd: 0.3,
    config: {
      ...llamaBase,
      model_type: 'gemma2',
      architectures: ['Gemma2ForSequenceClassification'],
      head_dim: 16,
      query_pre_attn_scalar: 16,
      attn_logit_softcapping: 5,
      final_logit_softcapping: 30,
      sliding_window: 4,
      hidden_activation: 'gelu_pytorch_tanh',
    },
  },
  {
    name: 'gpt2 (Conv1D, learned positions, gelu_new)',
    config: {
      model_type: 'gpt2',
      architectures: ['GPT2ForSequenceClassification'],
      n_embd: 32,
      n_head: 4,
      n_layer: 2,
      n_positions: 64,
      vocab_size: VOCAB,
      pad_token_id: PAD,
      eos_token_id: PAD - 1,
      activation_function: 'gelu_new',
    },
  },
  {
    name: 'gpt2 (exact erf GELU)',
    config: {
      model_type: 'gpt2',
      architectures: ['GPT2ForSequenceClassification'],
      n_embd: 32,
      n_head: 4,
      n_layer: 1,
      n_positions: 64,
      vocab_size: VOCAB,
      pad_token_id: PAD,
      activation_function: 'gelu',
    },
  },
];

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeRandomModel(root: string, m: RandomModel, seed: number): string {
  const dir = path.join(root, m.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40));
  writeRandomCheckpoint(dir, m.config, {
    dtype: m.dtype ?? 'float32',
    tokenizerFrom: TOKENIZER,
    seed,
    weightSd: m.weightSd ?? 0.2,
    head: m.head !== false,
  });
  return dir;
}

/** Deterministic id sequences of mixed lengths (ids below the pad id, so padding is the only pad). */
export function randomSeqs(
  lengths: readonly number[],
  vocab = VOCAB - 1,
): { ids: Int32Array; responseTokens: number; promptTokensDropped: number; responseTokensDropped: number }[] {
  let s = 12345;
  return lengths.map((n) => {
    const ids = Int32Array.from({ length: n }, () => (s = (s * 48271) % 2147483647) % vocab);
    return { ids, responseTokens: n, promptTokensDropped: 0, responseTokensDropped: 0 };
  });
}

/** max |a − b| / max(|b|, floor) over two arrays (relative error with a floor for values near 0). */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-3): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), floor));
  return worst;
}

/** ‖a − b‖ / ‖b‖ per row of [rows, dim], the worst row. */
export function rowRelError(a: ArrayLike<number>, b: ArrayLike<number>, dim: number): number {
  let worst = 0;
  for (let r = 0; r * dim < b.length; r++) {
    let num = 0,
      den = 0;
    for (let j = r * dim; j < (r + 1) * dim; j++) {
      num += (a[j]! - b[j]!) ** 2;
      den += b[j]! ** 2;
    }
    worst = Math.max(worst, Math.sqrt(num / Math.max(den, 1e-30)));
  }
  return worst;
}

/** undefined when onnxruntime-node works here, else the reason a test skips. */
export async function ortSkipReason(): Promise<string | undefined> {
  const p = await probeOnnxRuntime();
  return p.available ? undefined : `onnxruntime-node cannot load: ${p.reason} (fix: ${p.fix ?? 'reinstall'})`;
}
