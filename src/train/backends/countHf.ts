// Dispatch counts of a Hugging Face scoring pass on webgpu for a Qwen2.5-0.5B-shaped model: the real model's
// structure (24 decoder layers, 14 query heads over 2 key/value heads, RMSNorm, SwiGLU, RoPE, q/k/v biases, tied
// embeddings, a sequence-classification head) with every width divided by `shrink`, so that SwiftShader runs it in
// seconds rather than the full 0.5 B parameters' minutes. What a pass dispatches follows the structure, not the widths
// (each op is one program whatever its size; measured: shrink 8 and 16 count the same), so the count is the full
// model's. Random weights: a count needs shapes, not a trained model.
import { buildBatch } from '../../core/hf/batch';
import { parseHfConfig, type HfModelSpec } from '../../core/hf/spec';
import { backboneTensors } from '../../core/hf/tensors';
import { batchTensors, hfForward, type HfRewardModel } from '../hf/hfModel';
import { tf, type Tensor } from '../tf';
import { countGpu, type GpuCounts } from './gpuCount';

/** Qwen2.5-0.5B's config.json (Qwen/Qwen2.5-0.5B), widths divided by `shrink`; heads kept, 24 layers unless told. */
export function qwenShapedConfig(shrink: number, layers = 24): Record<string, unknown> {
  const headDim = 64 / shrink;
  return {
    architectures: ['Qwen2ForSequenceClassification'], model_type: 'qwen2', hidden_act: 'silu',
    num_hidden_layers: layers, num_attention_heads: 14, num_key_value_heads: 2, hidden_size: 14 * headDim,
    intermediate_size: 4864 / shrink, vocab_size: Math.round(151936 / shrink / 64) * 64, max_position_embeddings: 32768,
    rms_norm_eps: 1e-6, rope_theta: 1e6, tie_word_embeddings: true, use_sliding_window: false, eos_token_id: 2, pad_token_id: 1,
  };
}

/** The spec's backbone with N(0, 0.02) weights and a fresh head: enough for hfForward (no tokenizer, no folder). */
function randomModel(spec: HfModelSpec): HfRewardModel {
  const weights = new Map<string, Tensor>();
  backboneTensors(spec).forEach((t, i) => weights.set(t.name, tf.randomNormal([...t.shape], 0, 0.02, 'float32', i + 1)));
  const head = tf.randomNormal([spec.hiddenSize, 1], 0, 0.02, 'float32', 7);
  return { spec, weights, head, fillId: 1 } as unknown as HfRewardModel;
}

/**
 * One scoring pass (B sequences of `tokens` ids, inputs uploaded, rewards read back) counted after two warm-up passes
 * (shader compilation, tfjs's buffer pool).
 */
export async function countQwenScore(o: { readonly shrink: number; readonly layers?: number; readonly sequences: number; readonly tokens: number }): Promise<GpuCounts> {
  const spec = parseHfConfig(qwenShapedConfig(o.shrink, o.layers), 'config.json');
  const m = randomModel(spec);
  const seqs = Array.from({ length: o.sequences }, (_, s) => Array.from({ length: o.tokens }, (_, j) => 3 + ((s * 31 + j * 17) % (spec.vocabSize - 3))));
  const batch = buildBatch(spec, seqs, { padId: 1, side: 'right', pooling: 'rightmost-non-pad' });
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
