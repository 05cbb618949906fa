// Parity with PyTorch (llm.c's test_gpt2 pattern): the same weights and batch, 10 Adam steps of BT+BSR with the
// project's trainStep, compared step by step with the losses and pre-clip gradient norms that
// parity_torch.py computed (parity-expected.json; regenerate with the command stored in it).
//
// Tolerance: |ours − torch| ≤ 1e-4 + 1e-4·|torch| for losses and 1e-4 + 2e-4·|torch| for gradient norms. fp32
// with different summation orders agrees to ~1e-6 relative on one step; Adam compounds it over 10 steps, which the
// margin covers, while a wrong gradient (a missing term, a wrong transpose) moves these numbers by ≥ 1e-2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { tf } from '../../src/train/tf';
import { initBackend, probeBackend, type ConcreteBackend } from '../../src/train/backends';
import { modelFromTensors, disposeModel } from '../../src/train/model';
import { trainStepOnBatch } from '../../src/train/step';
import { DEFAULTS, type TrainConfig } from '../../src/core/config';
import { EXPECTED_JSON, readFixture, type ParityExpected } from './fixture';

const LOSS_TOL = { abs: 1e-4, rel: 1e-4 };
const NORM_TOL = { abs: 1e-4, rel: 2e-4 };
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

async function runSteps(backend: ConcreteBackend): Promise<{ losses: number[]; gradNorms: number[] }> {
  await initBackend(backend);
  const { fixture, weights } = readFixture();
  const model = modelFromTensors(fixture.config, new Map(fixture.params.map((p) => [p.name, tf.tensor(weights.get(p.name)!, [...p.shape])])));
  const cfg: TrainConfig = { ...DEFAULTS, objective: 'bsr', lambda: fixture.lambda, lr: fixture.lr, gradClip: fixture.gradClip, adamEps: fixture.adamEps, batchSize: fixture.pairs };
  const optimizer = tf.train.adam(cfg.lr, cfg.beta1, cfg.beta2, cfg.adamEps);
  const T = fixture.config.maxLen;
  const ids = tf.tensor2d(fixture.ids.flat(), [fixture.ids.length, T], 'int32');
  const lastIdx = tf.tensor1d([...fixture.lastIdx], 'int32');
  const losses: number[] = [], gradNorms: number[] = [];
  for (let s = 0; s < fixture.steps; s++) {
    const m = trainStepOnBatch(model, optimizer, { ids, lastIdx, pairs: fixture.pairs }, cfg);
    const v = await m.data(); // Sync point: every step, this is a test.
    m.dispose();
    losses.push(v[0]!);
    gradNorms.push(v[5]!);
  }
  tf.dispose([ids, lastIdx]);
  optimizer.dispose();
  disposeModel(model);
  return { losses, gradNorms };
}

function check(backend: string, got: { losses: number[]; gradNorms: number[] }): string {
  const want = JSON.parse(fs.readFileSync(EXPECTED_JSON, 'utf8')) as ParityExpected;
  assert.equal(got.losses.length, want.losses.length);
  const bad: string[] = [];
  want.losses.forEach((w, i) => {
    const g = got.losses[i]!;
    if (!(Math.abs(g - w) <= LOSS_TOL.abs + LOSS_TOL.rel * Math.abs(w))) bad.push(`step ${i} loss ${g} vs torch ${w}`);
  });
  want.gradNorms.forEach((w, i) => {
    const g = got.gradNorms[i]!;
    if (!(Math.abs(g - w) <= NORM_TOL.abs + NORM_TOL.rel * Math.abs(w))) bad.push(`step ${i} grad norm ${g} vs torch ${w}`);
  });
  assert.deepEqual(bad, [], `${backend} differs from PyTorch:\n${bad.join('\n')}`);
  // The run must actually train: a frozen model would "match" nothing, but say so plainly.
  assert.ok(got.losses[9]! < got.losses[0]! * 0.5, `${backend}: loss did not fall (${got.losses[0]} → ${got.losses[9]})`);
  const worst = (a: number[], b: readonly number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]!) / Math.abs(b[i]!)));
  return `${backend}: max relative deviation from PyTorch: loss ${worst(got.losses, want.losses).toExponential(2)}, grad norm ${worst(got.gradNorms, want.gradNorms).toExponential(2)}`;
}

test('wasm: 10 BT+BSR Adam steps match PyTorch (losses and gradient norms)', async (t) => {
  t.diagnostic(check('wasm', await runSteps('wasm')));
});

test('cpu: 10 BT+BSR Adam steps match PyTorch (losses and gradient norms)', async (t) => {
  t.diagnostic(check('cpu', await runSteps('cpu')));
});

test('webgpu (SwiftShader): 10 BT+BSR Adam steps match PyTorch', async (t) => {
  // About 100 s on SwiftShader on a shared 2-core machine: on in CI (CI=true) or on request, skipped otherwise.
  if (!process.env['CI'] && process.env['REWARD_LENS_WEBGPU'] !== '1') { t.skip('set REWARD_LENS_WEBGPU=1 (or CI=true) to run: ~100 s on SwiftShader'); return; }
  // Dawn reads the ICD list when it starts: point it at Chromium's SwiftShader when no driver is configured.
  if (!process.env['VK_ICD_FILENAMES'] && !process.env['VK_DRIVER_FILES'] && fs.existsSync(SWIFTSHADER_ICD)) process.env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
  process.env['XDG_RUNTIME_DIR'] ??= '/tmp';
  const probe = await probeBackend('webgpu', false);
  if (!probe.available) { t.skip(`no WebGPU adapter: ${probe.reason}${probe.fix ? ` (${probe.fix})` : ''}`); return; }
  t.diagnostic(check('webgpu', await runSteps('webgpu')));
});
