import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runTraining, nanDiagnosis } from '../../../src/train/runTraining';
import { readJsonLines } from '../../../src/node/atomic';
import { runPaths } from '../../../src/node/runDir';
import { loadModel } from '../../../src/train/modelIO';
import { disposeModel } from '../../../src/train/model';
import { tf } from '../../../src/train/tf';
import type { StepMetrics } from '../../../src/core/report';
import { tempDir, testConfig, writeSeparable } from './fixtures';

test('loss falls and accuracy rises on a separable synthetic set (BSR)', async () => {
  const dir = tempDir();
  const data = writeSeparable(dir, 64);
  const runDir = path.join(dir, 'run');
  const summary = await runTraining({
    runId: 'sep',
    runDir,
    config: testConfig({ objective: 'bsr', steps: 40 }),
    trainFiles: [data],
    evalFiles: [],
    resume: false,
  });
  assert.equal(summary.status, 'completed');
  const m = readJsonLines<StepMetrics>(runPaths(runDir).metrics);
  assert.equal(m.length, 40);
  const mean = (xs: StepMetrics[], k: 'loss' | 'accuracy') => xs.reduce((a, x) => a + x[k], 0) / xs.length;
  const first = mean(m.slice(0, 5), 'loss'),
    last = mean(m.slice(-5), 'loss');
  assert.ok(last < 0.5 * first, `loss should fall by half: first ${first.toFixed(4)}, last ${last.toFixed(4)}`);
  assert.ok(mean(m.slice(-5), 'accuracy') >= 0.9, 'the model separates good from bad');
  // BSR keeps the batch reward mean near zero; its regulariser term is reported and non-negative.
  assert.ok(m.every((x) => x.reg >= 0 && Number.isFinite(x.batchMean)));
  // Artifacts: evals at step 0 and at the end, a loadable model, a summary.
  const evals = readJsonLines<{ step: number; sets: { name: string; accuracy: { value: number } }[] }>(runPaths(runDir).evals);
  assert.deepEqual(
    evals.map((e) => e.step),
    [0, 40],
  );
  assert.equal(evals[1]!.sets[0]!.name, 'train');
  assert.ok(evals[1]!.sets[0]!.accuracy.value >= 0.9);
  const saved = JSON.parse(fs.readFileSync(runPaths(runDir).summary, 'utf8'));
  assert.equal(saved.status, 'completed');
  assert.equal(saved.finalEval.step, 40, 'the summary carries the final evaluation, not the step-0 one');
  assert.equal(summary.finalEval?.step, 40);
});

test('resume after a cancel continues the same trajectory as an uninterrupted run', async () => {
  const dir = tempDir();
  const data = writeSeparable(dir, 48);
  const cfg = testConfig({ objective: 'bt', steps: 12 });
  const straight = path.join(dir, 'straight');
  await runTraining({ runId: 'a', runDir: straight, config: cfg, trainFiles: [data], evalFiles: [], resume: false });
  const broken = path.join(dir, 'broken');
  let seen = 0;
  const first = await runTraining(
    { runId: 'b', runDir: broken, config: cfg, trainFiles: [data], evalFiles: [], resume: false },
    {
      onProgress: (m) => {
        seen = m.step;
      },
      shouldCancel: () => seen >= 5,
    },
  );
  assert.equal(first.status, 'cancelled');
  assert.equal(first.steps, 5);
  const second = await runTraining({ runId: 'b', runDir: broken, config: cfg, trainFiles: [data], evalFiles: [], resume: true });
  assert.equal(second.status, 'completed');
  assert.equal(second.steps, 12);
  const a = readJsonLines<StepMetrics>(runPaths(straight).metrics);
  const b = readJsonLines<StepMetrics>(runPaths(broken).metrics);
  assert.deepEqual(
    b.map((x) => x.step),
    a.map((x) => x.step),
  );
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i]!.loss - b[i]!.loss) < 1e-5, `step ${a[i]!.step}: loss ${a[i]!.loss} vs resumed ${b[i]!.loss}`);
  }
});

test('a cancelled run leaves a usable model and checkpoint', async () => {
  const dir = tempDir();
  const data = writeSeparable(dir, 32);
  const runDir = path.join(dir, 'run');
  const flag = new SharedArrayBuffer(4);
  let steps = 0;
  const s = await runTraining(
    { runId: 'c', runDir, config: testConfig({ steps: 50 }), trainFiles: [data], evalFiles: [], resume: false, cancel: flag },
    {
      onProgress: () => {
        if (++steps === 3) Atomics.store(new Int32Array(flag), 0, 1);
      },
    },
  );
  assert.equal(s.status, 'cancelled');
  assert.equal(s.steps, 3);
  assert.ok(s.modelDir);
  const { model } = await loadModel(s.modelDir!);
  assert.equal(model.config.dModel, 64);
  disposeModel(model);
  assert.ok(fs.existsSync(path.join(runPaths(runDir).checkpoint, 'state.json')));
});

test('no tensors leak across a run', async () => {
  const dir = tempDir();
  const data = writeSeparable(dir, 16);
  // Warm the backend first (it registers its own constant tensors once), then count.
  await runTraining({
    runId: 'w',
    runDir: path.join(dir, 'warm'),
    config: testConfig({ steps: 1 }),
    trainFiles: [data],
    evalFiles: [],
    resume: false,
  });
  const before = tf.memory().numTensors;
  await runTraining({
    runId: 'l',
    runDir: path.join(dir, 'run'),
    config: testConfig({ steps: 3 }),
    trainFiles: [data],
    evalFiles: [],
    resume: false,
  });
  assert.equal(tf.memory().numTensors, before);
});

test('the NaN guard blames the term that overflowed first, only suggests clipping when it is off, and says what is kept (issue 10 item 5)', () => {
  const logged = { step: 10, loss: NaN, base: NaN, reg: NaN, batchMean: NaN, accuracy: 0, gradNorm: NaN, wpNorm: NaN };
  // λ = 1e38: at step 1 the regulariser is already infinite while the BT term is an ordinary 0.74.
  const first = { step: 1, loss: Infinity, base: 0.74, reg: Infinity, batchMean: -0.55, accuracy: 0, gradNorm: NaN, wpNorm: NaN };
  const bsr = testConfig({ objective: 'bsr', lambda: 1e38, gradClip: 1 });
  const msg = nanDiagnosis(logged, bsr, first)!;
  assert.match(msg, /at step 1: the BSR regulariser .* overflowed .* lower λ \(--lambda, now 1e\+38\)/);
  assert.doesNotMatch(msg, /learning rate|grad-clip 1\)/);
  assert.match(msg, /No checkpoint was saved before it/);
  assert.match(nanDiagnosis(logged, bsr, first, 40)!, /checkpoint of step 40 is kept/);
  // Gradients overflowing with clipping on: clipping is not offered as the fix; with it off, it is.
  const grads = { ...first, loss: 3, reg: 0, base: 3, gradNorm: Infinity };
  assert.match(
    nanDiagnosis(logged, testConfig({ gradClip: 1 }), grads)!,
    /gradients overflowed: lower the learning rate .*clipping \(--grad-clip 1\) is on/,
  );
  assert.match(nanDiagnosis(logged, testConfig({ gradClip: 0 }), grads)!, /or clip gradients \(--grad-clip 1\)/);
  // Rewards themselves non-finite: the learning rate.
  assert.match(
    nanDiagnosis(logged, testConfig(), { ...first, base: NaN, batchMean: NaN })!,
    /rewards overflowed .* lower the learning rate/,
  );
  assert.equal(nanDiagnosis({ ...logged, loss: 1, base: 1, reg: 0, batchMean: 0, gradNorm: 1, wpNorm: 1 }, bsr), undefined);
});

test('bsr with λ = 1e38 fails with the regulariser named, even when the log step only sees NaN everywhere', async () => {
  const dir = tempDir();
  const data = writeSeparable(dir, 32);
  const runDir = path.join(dir, 'run');
  const s = await runTraining({
    runId: 'n',
    runDir,
    config: testConfig({ objective: 'bsr', lambda: 1e38, steps: 12, logEvery: 10 }),
    trainFiles: [data],
    evalFiles: [],
    resume: false,
  });
  assert.equal(s.status, 'failed');
  assert.match(s.error!, /at step 1: the BSR regulariser/);
  assert.match(s.error!, /--lambda/);
  assert.doesNotMatch(s.error!, /enable gradient clipping|last checkpoint is kept/);
  const saved = JSON.parse(fs.readFileSync(runPaths(runDir).summary, 'utf8'));
  assert.equal(saved.status, 'failed');
  assert.match(fs.readFileSync(runPaths(runDir).log, 'utf8'), /failed at step 10\/12 .*non-finite .* at step 1: the BSR regulariser/);
});

test('invalid configs and missing files fail with a clear message', async () => {
  const dir = tempDir();
  await assert.rejects(
    runTraining({
      runId: 'x',
      runDir: path.join(dir, 'r'),
      config: testConfig({ batchSize: 0 }),
      trainFiles: [],
      evalFiles: [],
      resume: false,
    }),
    /batchSize must be an integer/,
  );
});
