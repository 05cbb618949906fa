// Dispatch counts of a Hugging Face scoring pass on webgpu for a Qwen2.5-0.5B-shaped model: the real model's
// structure (24 decoder layers, 14 query heads over 2 key/value heads, RMSNorm, SwiGLU, RoPE, q/k/v biases, tied
// embeddings, a sequence-classification head) with every width divided by `shrink`, so that SwiftShader runs it in
// seconds rather than the full 0.5 B parameters' minutes. What a pass dispatches follows the structure, not the widths
// (each op is one program whatever its size; measured: shrink 8 and 16 count the same), so the count is the full
// model's. Random weights: a count needs shapes, not a trained model.
import { buildBatch } from '../../core/hf/batch';
import { parseHfConfig, type HfModelSpec } from '../../core/hf/spec';
import { backboneTensors } from '../../core/hf/tensors';
import { DEFAULTS } from '../../core/config';
import { DEFAULT_TUNING } from '../../core/hf/tuning';
import { batchTensors, disposeHfModel, hfForward, type HfRewardModel } from '../hf/hfModel';
import { makeTrainable } from '../hf/hfTrainable';
import { trainStep } from '../step';
import { tf, type Tensor } from '../tf';
import { countGpu, type GpuCounts } from './gpuCount';

/** Qwen2.5-0.5B's config.json (Qwen/Qwen2.5-0.5B), widths divided by `shrink`; heads kept, 24 layers unless told. */
export function qwenShapedConfig(shrink: number, layers = 24): Record<string, unknown> {
  const headDim = 64 / shrink;
  return {
    architectures: ['Qwen2ForSequenceClassification'],
    model_type: 'qwen2',
    hidden_act: 'silu',
    num_hidden_layers: layers,
    num_attention_heads: 14,
    num_key_value_heads: 2,
    hidden_size: 14 * headDim,
    intermediate_size: 4864 / shrink,
    vocab_size: Math.round(151936 / shrink / 64) * 64,
    max_position_embeddings: 32768,
    rms_norm_eps: 1e-6,
    rope_theta: 1e6,
    tie_word_embeddings: true,
    use_sliding_window: false,
    eos_token_id: 2,
    pad_token_id: 1,
  };
}

/** The spec's backbone with N(0, 0.02) weights and a fresh head: enough for hfForward (no tokenizer, no folder). */
function randomModel(spec: HfModelSpec): HfRewardModel {
  const weights = new Map<string, Tensor>();
  backboneTensors(spec).forEach((t, i) => weights.set(t.name, tf.randomNormal([...t.shape], 0, 0.02, 'float32', i + 1)));
  const head = tf.randomNormal([spec.hiddenSize, 1], 0, 0.02, 'float32', 7);
  const headInfo = { kind: 'sequence-classification', tensor: 'score.weight', pooling: 'rightmost-non-pad', describe: 'random' };
  return { spec, weights, head, headInfo, fillId: 1 } as unknown as HfRewardModel;
}

/** Token ids for `n` sequences of `tokens` ids each, varied and clear of the pad id. */
function ids(n: number, tokens: number, vocab: number): number[][] {
  return Array.from({ length: n }, (_, s) => Array.from({ length: tokens }, (_, j) => 3 + ((s * 31 + j * 17) % (vocab - 3))));
}

/**
 * One scoring pass (B sequences of `tokens` ids, inputs uploaded, rewards read back) counted after two warm-up passes
 * (shader compilation, tfjs's buffer pool).
 */
export async function countQwenScore(o: {
  readonly shrink: number;
  readonly layers?: number;
  readonly sequences: number;
  readonly tokens: number;
}): Promise<GpuCounts> {
  const spec = parseHfConfig(qwenShapedConfig(o.shrink, o.layers), 'config.json');
  const m = randomModel(spec);
  const batch = buildBatch(spec, ids(o.sequences, o.tokens, spec.vocabSize), { padId: 1, side: 'right', pooling: 'rightmost-non-pad' });
  const pass = async () => {
    const r = tf.tidy(() => {
      const inputs = batchTensors(batch);
      return hfForward(m, inputs).rewards;
    });
    await r.data(); // Sync point: the scores are the result.
    r.dispose();
  };
  try {
    for (let i = 0; i < 2; i++) await pass();
    return (await countGpu(pass)).counts;
  } finally {
    tf.dispose([...m.weights.values(), m.head]);
  }
}

/**
 * One LoRA training step (the default tuning: r 8 on every attention and MLP projection, the head trained; BT+BSR,
 * Adam; activation checkpointing, as HF training runs) on `pairs` pairs, counted after three warm-up steps.
 */
export async function countQwenLoraStep(o: {
  readonly shrink: number;
  readonly layers?: number;
  readonly pairs: number;
  readonly tokens: number;
}): Promise<GpuCounts> {
  const spec = parseHfConfig(qwenShapedConfig(o.shrink, o.layers), 'config.json');
  const m = randomModel(spec);
  const tr = makeTrainable(m, DEFAULT_TUNING(spec.family), 1);
  await tr.prepare(
    ids(2 * o.pairs, o.tokens, spec.vocabSize).map((x) => ({
      ids: x,
      responseTokens: x.length,
      promptTokensDropped: 0,
      responseTokensDropped: 0,
    })),
    8,
  );
  const both = (idx: readonly number[]) => [...idx, ...idx.map((i) => o.pairs + i)];
  const model = {
    variables: tr.variables,
    stepRewards: (idx: readonly number[]) => tr.rewards(both(idx)),
    wpNormTensor: () => tf.norm(m.head) as tf.Scalar,
    stepGrads: (idx: readonly number[], loss: Parameters<typeof tr.stepGrads>[1]) => tr.stepGrads(both(idx), loss),
  };
  const optimizer = tf.train.adam(1e-4);
  const idx = Array.from({ length: o.pairs }, (_, i) => i);
  const cfg = { ...DEFAULTS, objective: 'bsr' as const, batchSize: o.pairs };
  try {
    for (let i = 0; i < 3; i++) {
      const r = trainStep(model, optimizer, idx, cfg);
      await r.data();
      r.dispose();
    } // Sync point: warm-up ends idle.
    return (
      await countGpu(async () => {
        trainStep(model, optimizer, idx, cfg).dispose();
      })
    ).counts;
  } finally {
    optimizer.dispose();
    disposeHfModel(m);
  }
}
