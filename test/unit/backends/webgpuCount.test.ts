// What one training step and one scoring pass of the reference workload dispatch on WebGPU, counted on the device
// tfjs uses (src/train/backends/gpuCount.ts). The counts are deterministic and do not depend on the model's size or
// the batch (measured: the full reference shape at B=2 and B=16 count the same as this small one; see PAIRS), so a
// small shape keeps this test short on SwiftShader while the bounds hold for the real workload. The bounds are the
// counts the code has now: a change that adds a dispatch, or a GPU object created per step, fails here first.
//
// History (programs per train step / score pass): 792 / 102 with stock tfjs kernels; 375 / 102 with the fused
// clip+Adam; 210 / 57 with fused LayerNorm; 108 / 31 with fused attention, loss, activations, row picks and norm;
// 78 / 22 with the grouped GEMMs (projections, epilogues, dx and dW in one dispatch); 73 / 20 with the fused
// embedding; 71 / 20 with one-pass LayerNorm backwards for ≤ 256 rows. Bind groups, uniform buffers and other
// buffers created per train step: 792 / 0 / 221 with stock tfjs (tfjs pools its uniform buffers but creates a staging
// buffer per upload), 0 / 0 / 0 now (src/train/kernels/webgpuBindCache.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../../src/train/tf';
import { initBackend } from '../../../src/train/backends';
import { countReference } from '../../../src/train/backends/countWorkload';
import { countQwenLoraStep, countQwenScore } from '../../../src/train/backends/countHf';
import { formatCounts, type GpuCounts } from '../../../src/train/backends/gpuCount';
import { webgpuSkipReason } from './webgpuEnv';

/**
 * 5 pairs: 10 sequences × 32 positions = 320 rows, more than one workgroup takes in a LayerNorm backward (256), as at
 * the reference shape, so the two count the same.
 */
const PAIRS = 5;

/** Upper bounds per counter; see the history above. */
const TRAIN_MAX: Partial<GpuCounts> = {
  programs: 71,
  kernels: 140,
  pipelines: 0,
  bindGroups: 0,
  uniformBuffers: 0,
  buffers: 0,
  writes: 1,
  submits: 5,
  readbacks: 0,
};
const SCORE_MAX: Partial<GpuCounts> = {
  programs: 20,
  kernels: 32,
  pipelines: 0,
  bindGroups: 0,
  uniformBuffers: 0,
  buffers: 0,
  writes: 0,
  submits: 2,
  readbacks: 1,
};

/** The fused Adam packs 2 parameters per dispatch at 12 storage buffers per stage (SwiftShader's); fewer means more. */
const MIN_STORAGE_BUFFERS = 12;

function checkBounds(label: string, got: GpuCounts, max: Partial<GpuCounts>): void {
  const over = Object.entries(max)
    .filter(([k, v]) => got[k as keyof GpuCounts] > v!)
    .map(([k, v]) => `${k} ${got[k as keyof GpuCounts]} > ${v}`);
  assert.deepEqual(over, [], `${label} exceeds its bounds: ${over.join(', ')}\n${formatCounts(label, got)}`);
}

test('webgpu: one reference train step and one score pass stay within their dispatch bounds', async (t) => {
  const skip = await webgpuSkipReason();
  if (skip) {
    t.skip(skip);
    return;
  }
  await initBackend('webgpu');
  const device = (
    tf.backend() as unknown as {
      device: { limits: Record<string, number>; pushErrorScope(f: string): void; popErrorScope(): Promise<{ message: string } | null> };
    }
  ).device;
  const storage = device.limits['maxStorageBuffersPerShaderStage']!;
  if (storage < MIN_STORAGE_BUFFERS) {
    t.skip(`the bounds assume ≥ ${MIN_STORAGE_BUFFERS} storage buffers per shader stage; this adapter has ${storage}`);
    return;
  }
  device.pushErrorScope('validation');
  const c = await countReference(PAIRS, true);
  const error = await device.popErrorScope();
  assert.equal(error ?? null, null, `WebGPU validation error: ${error?.message}`);
  t.diagnostic(formatCounts('train step', c.train));
  t.diagnostic(formatCounts('score pass', c.score));
  checkBounds('train step', c.train, TRAIN_MAX);
  checkBounds('score pass', c.score, SCORE_MAX);
  assert.ok(c.train.programs > 0 && c.score.programs > 0, 'the counters see the dispatches');
});

/**
 * The Hugging Face scoring path at Qwen2.5-0.5B's structure, 2 of its 24 layers and widths /16 to keep SwiftShader
 * under half a minute: 4 programs outside the layers and 41 per layer (measured at 2 and 3 layers; 988 at 24, the
 * bench's row), the same at widths /8. Bind groups are not bounded: a pass uploads new inputs, so some are new.
 */
const QWEN_SCORE_MAX: Partial<GpuCounts> = {
  programs: 86,
  kernels: 128,
  pipelines: 0,
  uniformBuffers: 0,
  writes: 0,
  readbacks: 1,
  submits: 6,
};

test('webgpu: a Qwen2.5-0.5B-shaped scoring pass (2 layers) stays within its dispatch bounds', async (t) => {
  const skip = await webgpuSkipReason();
  if (skip) {
    t.skip(skip);
    return;
  }
  await initBackend('webgpu');
  const c = await countQwenScore({ shrink: 16, layers: 2, sequences: 2, tokens: 16 });
  t.diagnostic(formatCounts('qwen-shaped score pass', c));
  checkBounds('qwen-shaped score pass', c, QWEN_SCORE_MAX);
  assert.ok(c.programs > 0, 'the counters see the dispatches');
});

/**
 * A LoRA training step on the same 2-layer shape (the default tuning, activation checkpointing, 1 pair): 18 programs
 * outside the layers and 266 per layer (measured at 2 and 3 layers; 6,402 at 24), the same at widths /8. Its 45
 * buffers created per step are not bounded yet: the checkpointed backward does not settle tfjs's pool as trainStep's
 * forward does.
 */
const QWEN_LORA_MAX: Partial<GpuCounts> = {
  programs: 550,
  kernels: 1037,
  pipelines: 0,
  bindGroups: 0,
  uniformBuffers: 0,
  writes: 1,
  readbacks: 0,
  submits: 38,
};

test('webgpu: a Qwen2.5-0.5B-shaped LoRA train step (2 layers) stays within its dispatch bounds', async (t) => {
  const skip = await webgpuSkipReason();
  if (skip) {
    t.skip(skip);
    return;
  }
  await initBackend('webgpu');
  // Like the reference step's, this step's Adam packs parameters per dispatch by the storage-buffer limit.
  const storage = (tf.backend() as unknown as { device: { limits: Record<string, number> } }).device.limits[
    'maxStorageBuffersPerShaderStage'
  ]!;
  if (storage < MIN_STORAGE_BUFFERS) {
    t.skip(`the bounds assume ≥ ${MIN_STORAGE_BUFFERS} storage buffers per shader stage; this adapter has ${storage}`);
    return;
  }
  const c = await countQwenLoraStep({ shrink: 16, layers: 2, pairs: 1, tokens: 16 });
  t.diagnostic(formatCounts('qwen-shaped LoRA train step', c));
  checkBounds('qwen-shaped LoRA train step', c, QWEN_LORA_MAX);
  assert.ok(c.programs > 0, 'the counters see the dispatches');
});
