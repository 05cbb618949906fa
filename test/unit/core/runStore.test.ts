// The RunStore is the extension host's one record of runs and experiments: these tests feed it the worker's typed
// notifications and directory reads as the host does, in plain Node (no VS Code, no worker, no disk).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULTS } from '../../../src/core/config';
import type { EvalReport, StepMetrics } from '../../../src/core/report';
import { RunStore, type RunStoreChange } from '../../../src/core/runs/runStore';
import type { RunDidStartParams } from '../../../src/protocol/runEvents';
import { stored } from './runFixtures';

const metric = (step: number): StepMetrics => ({
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
const report = (step: number, crossSetMedianShift = 0): EvalReport => ({ step, sets: [], crossSetMedianShift, erankGap: {} });
const start = (runId: string, experimentId?: string): RunDidStartParams => ({
  runId,
  runDir: `/ws/${runId}`,
  ...(experimentId ? { experimentId } : {}),
  label: `label ${runId}`,
  config: DEFAULTS,
  trainFiles: ['/d/a.jsonl'],
  resume: false,
});

function recording(store: RunStore): RunStoreChange[] {
  const changes: RunStoreChange[] = [];
  store.subscribe((c) => changes.push(c));
  return changes;
}

test('an experiment run that finishes is counted once, whatever repeats and whatever its log lines say', () => {
  const store = new RunStore();
  const changes = recording(store);
  store.requestExperiment('x1', '/ws/x1');
  store.apply({ method: 'run/didStart', params: start('x1/bsr-s1', 'x1') });
  // The log line the old host matched with /: (completed|cancelled|failed) at step/ (once per line, twice per run).
  store.apply({ method: 'experiment/log', params: { experimentId: 'x1', message: 'bsr-s1: completed at step 4/4 in 1.0 s on cpu' } });
  assert.deepEqual(store.experiment('x1')!.finished, [], 'log text does not finish a run');
  assert.equal(store.run('x1/bsr-s1')!.status, 'running');
  const finish = {
    runId: 'x1/bsr-s1',
    runDir: '/ws/x1/bsr-s1',
    experimentId: 'x1',
    status: 'completed' as const,
    steps: 4,
    totalSteps: 4,
    backend: 'cpu',
  };
  store.apply({ method: 'run/didFinish', params: finish });
  store.apply({ method: 'run/didFinish', params: finish });
  const outcome = { experimentId: 'x1', runId: 'x1/bsr-s1', runDir: '/ws/x1/bsr-s1', name: 'bsr-s1', status: 'completed' as const };
  store.apply({ method: 'experiment/runDidFinish', params: outcome });
  store.apply({ method: 'experiment/runDidFinish', params: outcome });
  store.apply({ method: 'experiment/log', params: { experimentId: 'x1', message: 'bsr-s1: completed at step 4/4 in 1.0 s on cpu' } });
  assert.equal(changes.filter((c) => c.kind === 'finished').length, 1, 'one "finished" change for the run');
  assert.deepEqual(store.experiment('x1')!.finished, [{ name: 'bsr-s1', status: 'completed' }]);
  assert.equal(store.run('x1/bsr-s1')!.status, 'completed');
  assert.equal(store.experiment('x1')!.runId, undefined, 'no run of the experiment is training now');
});

test('experiment/runDidFinish alone ends a run the trainer never reported finished (set-up threw)', () => {
  const store = new RunStore();
  store.requestExperiment('x2', '/ws/x2');
  store.apply({ method: 'run/didStart', params: start('x2/bt-s1', 'x2') });
  store.apply({
    method: 'experiment/runDidFinish',
    params: {
      experimentId: 'x2',
      runId: 'x2/bt-s1',
      runDir: '/ws/x2/bt-s1',
      name: 'bt-s1',
      status: 'failed',
      reason: 'train.jsonl: line 3: field "chosen" is missing',
    },
  });
  const run = store.run('x2/bt-s1')!;
  assert.equal(run.status, 'failed');
  assert.equal(run.error, 'train.jsonl: line 3: field "chosen" is missing');
  assert.deepEqual(store.liveRuns(), []);
});

test('TrainEval reports are kept in step order (one per step) and reach the run the panel reads', () => {
  const store = new RunStore();
  store.requestRun(start('r1'));
  store.apply({ method: 'train/eval', params: { runId: 'r1', report: report(10) } });
  store.apply({ method: 'train/eval', params: { runId: 'r1', report: report(5) } });
  store.apply({ method: 'train/eval', params: { runId: 'r1', report: report(10, 0.25) } });
  const run = store.run('r1')!;
  assert.deepEqual(
    run.evals.map((e) => e.step),
    [5, 10],
  );
  assert.equal(run.evals[1]!.crossSetMedianShift, 0.25, 'a repeated step replaces the earlier report');
});

test('progress keeps every logged step, including the ones the throttle held back, one entry per step', () => {
  const store = new RunStore();
  store.requestRun(start('r1'));
  store.apply({
    method: 'train/progress',
    params: { runId: 'r1', totalSteps: 10, metrics: metric(3), earlier: [metric(1), metric(2)], backend: 'wasm' },
  });
  store.apply({ method: 'train/progress', params: { runId: 'r1', totalSteps: 10, metrics: metric(3), backend: 'wasm' } });
  store.apply({
    method: 'train/progress',
    params: { runId: 'r1', totalSteps: 10, metrics: metric(5), earlier: [metric(4)], backend: 'wasm' },
  });
  const run = store.run('r1')!;
  assert.deepEqual(
    run.metrics.map((m) => m.step),
    [1, 2, 3, 4, 5],
  );
  assert.deepEqual([run.step, run.totalSteps, run.backend, run.live], [5, 10, 'wasm', true]);
});

test('a resumed run shows its directory curve then the live steps: neither is chosen by length', () => {
  const store = new RunStore();
  // On disk: steps 1..6 (the run was interrupted at 6); live: resumed from the checkpoint at 4.
  store.setStored([stored('r1', { status: 'cancelled', step: 6, totalSteps: 10 }, [1, 2, 3, 4, 5, 6].map(metric))], store.mark());
  store.apply({ method: 'run/didStart', params: { ...start('r1'), resume: true } });
  store.apply({ method: 'train/progress', params: { runId: 'r1', totalSteps: 10, metrics: metric(5), backend: 'cpu' } });
  assert.deepEqual(
    store.run('r1')!.metrics.map((m) => m.step),
    [1, 2, 3, 4, 5],
    'the live step 5 replaces the stored 5 and 6',
  );
  store.apply({
    method: 'train/progress',
    params: { runId: 'r1', totalSteps: 10, metrics: metric(8), earlier: [metric(6), metric(7)], backend: 'cpu' },
  });
  assert.deepEqual(
    store.run('r1')!.metrics.map((m) => m.step),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
  assert.equal(store.runs().length, 1, 'listed once, not once live and once on disk');
});

test('a request that ends without run/didFinish (the worker died) fails its run with the reason', () => {
  const store = new RunStore();
  const changes = recording(store);
  store.requestRun(start('r1'));
  assert.equal(store.run('r1')!.status, 'running', 'listed as running as soon as the host asks');
  store.settleRun('r1', 'training worker exited (code 1)');
  const run = store.run('r1')!;
  assert.deepEqual([run.status, run.error, run.live, run.resumable], ['failed', 'training worker exited (code 1)', false, true]);
  store.apply({ method: 'train/progress', params: { runId: 'r1', totalSteps: 10, metrics: metric(9), backend: 'cpu' } });
  assert.equal(store.run('r1')!.step, 0, 'progress after the end is ignored');
  assert.deepEqual(
    changes.map((c) => c.kind),
    ['started', 'settled'],
  );
});

test('a directory read begun after a run finished replaces its live state; one begun before keeps it', () => {
  const store = new RunStore();
  store.requestRun(start('r1'));
  const before = store.mark();
  store.apply({
    method: 'run/didFinish',
    params: {
      runId: 'r1',
      runDir: '/ws/r1',
      status: 'cancelled',
      reason: 'cancelled at step 3/10',
      steps: 3,
      totalSteps: 10,
      backend: 'cpu',
    },
  });
  // This read may have missed summary.json: the live state still speaks for the run.
  store.setStored([stored('r1', { status: 'cancelled', step: 2, totalSteps: 10 })], before);
  assert.equal(store.run('r1')!.step, 3);
  store.setStored([stored('r1', { status: 'cancelled', step: 3, totalSteps: 10, label: 'from disk' })], store.mark());
  assert.equal(store.run('r1')!.label, 'from disk');
  assert.equal(store.run('r1')!.live, false);
});

test('runs(): a run not on disk yet comes first, then the directories in their order; liveRuns() only those training', () => {
  const store = new RunStore();
  store.setStored([stored('2026-02'), stored('2026-01')], store.mark());
  store.requestRun(start('2026-03'));
  assert.deepEqual(
    store.runs().map((r) => `${r.runId}:${r.status}`),
    ['2026-03:running', '2026-02:completed', '2026-01:completed'],
  );
  assert.deepEqual(
    store.liveRuns().map((r) => r.runId),
    ['2026-03'],
  );
  store.settleRun('2026-03');
  assert.deepEqual(store.liveRuns(), []);
});

test('experiments(): only those whose request is in flight; progress names the run training and its last metrics', () => {
  const store = new RunStore();
  store.requestExperiment('x1', '/ws/x1');
  store.apply({ method: 'run/didStart', params: start('x1/bt-s1', 'x1') });
  store.apply({ method: 'train/progress', params: { runId: 'x1/bt-s1', totalSteps: 8, metrics: metric(2), backend: 'cpu' } });
  const x = store.experiments()[0]!;
  assert.deepEqual([x.experimentId, x.runId, x.step, x.totalSteps, x.loss, x.backend], ['x1', 'bt-s1', 2, 8, 0.5, 'cpu']);
  store.settleExperiment('x1', 'cancelled');
  assert.deepEqual(store.experiments(), []);
  assert.equal(store.run('x1/bt-s1')!.status, 'failed', 'a run still running when its experiment ended');
});
