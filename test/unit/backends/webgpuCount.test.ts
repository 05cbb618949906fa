// What one training step and one scoring pass of the reference workload dispatch on WebGPU, counted on the device
// tfjs uses (src/train/backends/gpuCount.ts). The counts are deterministic and the same at every size and batch
// (measured: the full reference shape at B=2 and B=16 count the same as this small one), so a small shape keeps
// this test short on SwiftShader while the bounds hold for the real workload. The bounds are the counts the code
// has now, plus a little headroom: a change that adds dispatches or per-step GPU objects fails here first.
//
// History (programs per train step / score pass): 792 / 102 with stock tfjs kernels; 375 / 102 with the fused
// clip+Adam; 210 / 57 with fused LayerNorm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../../src/train/backends';
import { countReference } from '../../../src/train/backends/countWorkload';
import { formatCounts, type GpuCounts } from '../../../src/train/backends/gpuCount';
import { webgpuSkipReason } from './webgpuEnv';

/** Upper bounds per counter; see the history above. */
const TRAIN_MAX: Partial<GpuCounts> = { programs: 210, kernels: 405, pipelines: 0, bindGroups: 210, uniformBuffers: 0, buffers: 26, submits: 15, readbacks: 0 };
const SCORE_MAX: Partial<GpuCounts> = { programs: 57, kernels: 84, pipelines: 0, bindGroups: 57, uniformBuffers: 0, buffers: 11, submits: 4, readbacks: 1 };

function checkBounds(label: string, got: GpuCounts, max: Partial<GpuCounts>): void {
  const over = Object.entries(max).filter(([k, v]) => got[k as keyof GpuCounts] > v!).map(([k, v]) => `${k} ${got[k as keyof GpuCounts]} > ${v}`);
  assert.deepEqual(over, [], `${label} exceeds its bounds: ${over.join(', ')}\n${formatCounts(label, got)}`);
}

test('webgpu: one reference train step and one score pass stay within their dispatch bounds', async (t) => {
  const skip = await webgpuSkipReason();
  if (skip) { t.skip(skip); return; }
  await initBackend('webgpu');
  const c = await countReference(2, true);
  t.diagnostic(formatCounts('train step', c.train));
  t.diagnostic(formatCounts('score pass', c.score));
  checkBounds('train step', c.train, TRAIN_MAX);
  checkBounds('score pass', c.score, SCORE_MAX);
  assert.ok(c.train.programs > 0 && c.score.programs > 0, 'the counters see the dispatches');
});
