// Reading run directories back: the panel, the model picker, resume and export depend on these.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULTS } from '../../../src/core/config';
import { exportRun, listRuns, readRunInfo, readRunSnapshot, runDetailsOf, runLabel, thin, writeRunRequest } from '../../../src/node/runs';
import { RunStore } from '../../../src/core/runs/runStore';
import { runSnapshot } from '../../../src/core/runs/panelState';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rl-runs-'));
const metric = (step: number) => ({
  step,
  epoch: 0,
  lr: 1e-3,
  loss: 1 / step,
  bt: 1 / step,
  reg: 0,
  batchMean: 0,
  accuracy: 0.5,
  wpNorm: 1,
  gradNorm: 1,
  elapsedMs: step,
  pairsPerSec: 1,
});

test('a finished run: status, model, steps and label come from summary.json and config.json', () => {
  const root = tmp();
  const dir = path.join(root, '2026-11-28T04-12-33-bsr-s1');
  fs.mkdirSync(path.join(dir, 'model'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({ runId: 'x', config: { ...DEFAULTS, objective: 'bsr', lambda: 0.001 }, trainFiles: ['/d/pairs.jsonl'], evalFiles: [] }),
  );
  fs.writeFileSync(path.join(dir, 'metrics.jsonl'), [metric(1), metric(2)].map((m) => JSON.stringify(m)).join('\n') + '\n');
  fs.writeFileSync(
    path.join(dir, 'summary.json'),
    JSON.stringify({
      runId: 'x',
      runDir: dir,
      status: 'completed',
      steps: 2,
      totalSteps: 2,
      backend: 'wasm',
      elapsedMs: 5,
      modelDir: path.join(dir, 'model'),
    }),
  );
  const info = readRunInfo(dir)!;
  assert.equal(info.status, 'completed');
  assert.equal(info.backend, 'wasm');
  assert.equal(info.modelDir, path.join(dir, 'model'));
  assert.equal(info.resumable, false);
  assert.equal(info.label, 'BSR λ=0.001 · tiny · pairs.jsonl · 2026-11-28 04:12');
  assert.equal(info.error, undefined);
  const snap = readRunSnapshot(dir)!;
  assert.deepEqual(
    snap.metrics.map((m) => m.step),
    [1, 2],
  );
  assert.equal(snap.status, 'completed');
});

test('an interrupted run (no summary) is resumable from request.json and says why it stopped', () => {
  const root = tmp();
  const dir = path.join(root, 'r2');
  writeRunRequest({
    runId: 'r2',
    runDir: dir,
    config: { ...DEFAULTS, objective: 'bt' },
    trainFiles: ['/d/a.jsonl'],
    evalFiles: ['/d/b.jsonl'],
    resume: false,
  });
  fs.writeFileSync(path.join(dir, 'metrics.jsonl'), JSON.stringify(metric(7)) + '\n{"step": 8, "trunc');
  const info = readRunInfo(dir)!;
  assert.equal(info.status, 'cancelled');
  assert.equal(info.resumable, true);
  assert.equal(info.step, 7, 'the truncated last line is skipped');
  assert.deepEqual(info.evalFiles, ['/d/b.jsonl']);
  assert.match(info.error!, /interrupted/);
  // Resumed in this window: what the worker reports overrides what the files say, and extends their curve.
  const store = new RunStore();
  store.setStored(
    [{ info, stamp: 's', details: runDetailsOf(dir, { metrics: fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8') }) }],
    store.mark(),
  );
  store.apply({
    method: 'run/didStart',
    params: { runId: 'r2', runDir: dir, label: info.label, config: info.config, trainFiles: info.trainFiles, resume: true },
  });
  store.apply({
    method: 'train/progress',
    params: { runId: 'r2', totalSteps: 20, metrics: metric(9), earlier: [metric(8)], backend: 'cpu' },
  });
  const live = runSnapshot(store.run('r2')!);
  assert.equal(live.status, 'running');
  assert.equal(live.step, 9);
  assert.deepEqual(
    live.metrics.map((m) => m.step),
    [7, 8, 9],
  );
  assert.equal(live.error, undefined);
});

test('listRuns: newest first, folders that are not runs ignored, missing root is empty', () => {
  const root = tmp();
  for (const id of ['2026-01-01T00-00-00-bt-s1', '2026-02-01T00-00-00-bt-s1'])
    writeRunRequest({ runId: id, runDir: path.join(root, id), config: DEFAULTS, trainFiles: ['a.jsonl'], evalFiles: [], resume: false });
  fs.mkdirSync(path.join(root, 'not-a-run'));
  assert.deepEqual(
    listRuns(root).map((r) => r.runId),
    ['2026-02-01T00-00-00-bt-s1', '2026-01-01T00-00-00-bt-s1'],
  );
  assert.deepEqual(listRuns(path.join(root, 'missing')), []);
});

test('thin keeps at most n points, evenly, first and last included', () => {
  const xs = Array.from({ length: 10 }, (_, i) => i);
  assert.deepEqual(thin(xs, 4), [0, 3, 6, 9]);
  assert.deepEqual(thin(xs, 20), xs);
});

test('exportRun writes one JSON bundle atomically; a non-run directory is a clear error', () => {
  const root = tmp();
  const dir = path.join(root, 'r3');
  writeRunRequest({ runId: 'r3', runDir: dir, config: DEFAULTS, trainFiles: ['a.jsonl'], evalFiles: [], resume: false });
  fs.writeFileSync(path.join(dir, 'evals.jsonl'), JSON.stringify({ step: 0, sets: [], crossSetMedianShift: 0, erankGap: {} }) + '\n');
  const target = path.join(root, 'out', 'r3.json');
  const { bytes } = exportRun(dir, target);
  const bundle = JSON.parse(fs.readFileSync(target, 'utf8'));
  assert.equal(bundle.format, 'reward-lens-run');
  assert.equal(bundle.runId, 'r3');
  assert.equal(bundle.evals.length, 1);
  assert.equal(bytes, fs.statSync(target).size);
  assert.deepEqual(fs.readdirSync(path.dirname(target)), ['r3.json'], 'no temp file left behind');
  assert.throws(() => exportRun(path.join(root, 'nope'), target), /not a Reward Lens run/);
});

test('runLabel without a timestamped id falls back to the id', () => {
  assert.equal(runLabel('custom', { ...DEFAULTS, objective: 'hinge' }, ['/x/a.jsonl', '/x/b.jsonl']), 'HINGE · tiny · a.jsonl +1 · custom');
});
