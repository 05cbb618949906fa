// The training-memory estimate (src/core/hf/memory.ts) against what tfjs really allocates in a step (tf.profile's
// peak bytes above the resident weights), for full and LoRA tuning at two sequence lengths. The estimate exists to
// refuse runs that cannot fit before loading: it must not under-count by much, nor be wildly pessimistic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { estimateTrainingMemory } from '../../../src/core/hf/memory';
import { DEFAULT_TUNING, type TuneMode } from '../../../src/core/hf/tuning';
import { DEFAULTS } from '../../../src/core/config';
import { initBackend } from '../../../src/train/backends';
import { disposeHfModel, loadHfModel } from '../../../src/train/hf/hfModel';
import { makeTrainable } from '../../../src/train/hf/hfTrainable';
import { trainStep } from '../../../src/train/step';
import { tf } from '../../../src/train/tf';
import { tempDir } from '../train/fixtures';
import { writeSparseCheckpoint } from './sparseCheckpoint';

const QWEN = {
  model_type: 'qwen2',
  architectures: ['Qwen2ForSequenceClassification'],
  hidden_size: 256,
  intermediate_size: 1024,
  num_hidden_layers: 4,
  num_attention_heads: 8,
  num_key_value_heads: 2,
  vocab_size: 1000,
  max_position_embeddings: 1024,
  pad_token_id: 0,
  eos_token_id: 1,
};
/** A second shape the multipliers were not fitted on: other ratios of H, I, heads and layers. */
const LLAMA = {
  model_type: 'llama',
  architectures: ['LlamaForSequenceClassification'],
  hidden_size: 192,
  intermediate_size: 512,
  num_hidden_layers: 3,
  num_attention_heads: 4,
  num_key_value_heads: 4,
  vocab_size: 800,
  max_position_embeddings: 1024,
  pad_token_id: 0,
  eos_token_id: 1,
};

async function measure(dir: string, family: 'qwen2' | 'llama', mode: TuneMode, pairs: number, T: number, checkpointing = false) {
  const m = await loadHfModel(dir);
  const tuning = { ...DEFAULT_TUNING(family), mode };
  const tr = makeTrainable(m, tuning, 1);
  const seqs = Array.from({ length: 2 * pairs }, (_, i) => ({
    ids: Array.from({ length: T }, (_, k) => 2 + ((i * 31 + k * 7) % (m.spec.vocabSize - 2))),
    responseTokens: 0,
    promptTokensDropped: 0,
    responseTokensDropped: 0,
  }));
  await tr.prepare(seqs, 8);
  const both = (idx: readonly number[]) => [...idx, ...idx.map((i) => pairs + i)];
  const model = {
    variables: tr.variables,
    stepRewards: (idx: readonly number[]) => tr.rewards(both(idx)),
    wpNormTensor: () => tf.norm(m.head) as tf.Scalar,
    ...(checkpointing
      ? { stepGrads: (idx: readonly number[], loss: Parameters<typeof tr.stepGrads>[1]) => tr.stepGrads(both(idx), loss) }
      : {}),
  };
  const optimizer = tf.train.adam(1e-4);
  const idx = Array.from({ length: pairs }, (_, i) => i);
  const base = tf.memory().numBytes;
  const info = await tf.profile(() => trainStep(model, optimizer, idx, { ...DEFAULTS, objective: 'bsr' }));
  const measured = info.peakBytes - base;
  optimizer.dispose();
  disposeHfModel(m);
  const est = estimateTrainingMemory(m.spec, tuning, { batchPairs: pairs, maxTokens: T, trainSequences: 2 * pairs, checkpointing });
  return { measured, estimated: est.activations + est.gradients + est.adam };
}

for (const [family, config, lengths] of [
  ['qwen2', QWEN, [64, 256]],
  ['llama', LLAMA, [96]],
] as const) {
  test(`${family}: the memory estimate is within 0.75–1.6× of the measured peak of a step (full and LoRA, T = ${lengths.join(', ')})`, async (t) => {
    await initBackend('wasm');
    const dir = path.join(tempDir(), family);
    writeSparseCheckpoint(dir, config, 'F32');
    for (const mode of ['full', 'lora'] as const) {
      for (const T of lengths) {
        const { measured, estimated } = await measure(dir, family, mode, 4, T);
        const ratio = estimated / measured;
        t.diagnostic(
          `${mode} T=${T}: measured ${(measured / 2 ** 20).toFixed(1)} MiB, estimated ${(estimated / 2 ** 20).toFixed(1)} MiB (×${ratio.toFixed(2)})`,
        );
        assert.ok(ratio >= 0.75 && ratio <= 1.6, `${mode} T=${T}: estimate ${estimated} vs measured ${measured} (×${ratio.toFixed(2)})`);
      }
    }
  });
}

test('with activation checkpointing the step needs a fraction of the memory, and the estimate follows (0.6–1.6×)', async (t) => {
  await initBackend('wasm');
  const dir = path.join(tempDir(), 'ckpt');
  writeSparseCheckpoint(dir, QWEN, 'F32');
  for (const mode of ['full', 'lora'] as const) {
    const plain = await measure(dir, 'qwen2', mode, 4, 256);
    const ckpt = await measure(dir, 'qwen2', mode, 4, 256, true);
    const ratio = ckpt.estimated / ckpt.measured;
    t.diagnostic(
      `${mode} T=256 checkpointed: measured ${(ckpt.measured / 2 ** 20).toFixed(1)} MiB (plain ${(plain.measured / 2 ** 20).toFixed(1)}), estimated ${(ckpt.estimated / 2 ** 20).toFixed(1)} MiB (×${ratio.toFixed(2)})`,
    );
    assert.ok(ckpt.measured < 0.5 * plain.measured, `${mode}: checkpointing saved too little (${ckpt.measured} vs ${plain.measured})`);
    assert.ok(ratio >= 0.6 && ratio <= 1.6, `${mode}: estimate ${ckpt.estimated} vs measured ${ckpt.measured} (×${ratio.toFixed(2)})`);
  }
});
