// What the worker tells the host about a run: run/didStart, throttled progress with every logged step, evaluations,
// and exactly one run/didFinish, also when set-up throws. Fed into a RunStore, the notifications rebuild the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { RunStore } from '../../../src/core/runs/runStore';
import type { RunEvent } from '../../../src/protocol/runEvents';
import { announcedTraining, type Notify } from '../../../src/train/announcedTraining';
import { tempDir, testConfig, writeSeparable } from './fixtures';

function recorder(): { notify: Notify; sent: RunEvent[] } {
  const sent: RunEvent[] = [];
  const notify: Notify = (type, params) => void sent.push({ method: type.method, params } as RunEvent);
  return { notify, sent };
}

test('a run is announced once at the start and once at the end; the store gets every step and evaluation', async () => {
  const dir = tempDir();
  const data = writeSeparable(dir, 32);
  const { notify, sent } = recorder();
  const summary = await announcedTraining(notify)({
    runId: 'r1',
    runDir: path.join(dir, 'r1'),
    config: testConfig({ objective: 'bt', steps: 30, evalEvery: 10 }),
    trainFiles: [data],
    evalFiles: [],
    resume: false,
  });
  assert.equal(summary.status, 'completed');
  const methods = sent.map((e) => e.method);
  assert.equal(methods[0], 'run/didStart');
  assert.equal(methods.at(-1), 'run/didFinish');
  assert.equal(methods.filter((m) => m === 'run/didFinish').length, 1);
  const store = new RunStore();
  for (const e of sent) store.apply(e);
  const run = store.run('r1')!;
  assert.equal(run.status, 'completed');
  assert.deepEqual(
    run.metrics.map((m) => m.step),
    Array.from({ length: 30 }, (_, i) => i + 1),
    'the throttle loses no step',
  );
  assert.equal(run.evals.at(-1)!.step, 30, 'the final evaluation arrives with run/didFinish');
});

test('an experiment run carries "<experiment>/<name>" ids; a set-up failure is still announced as finished', async () => {
  const dir = tempDir();
  const { notify, sent } = recorder();
  const params = {
    runId: 'bt-s1',
    runDir: path.join(dir, 'bt-s1'),
    config: testConfig({ steps: 5 }),
    trainFiles: [path.join(dir, 'missing.jsonl')],
    evalFiles: [],
    resume: false,
  };
  await assert.rejects(announcedTraining(notify, undefined, 'x1')(params));
  assert.deepEqual(
    sent.map((e) => e.method),
    ['run/didStart', 'run/didFinish'],
  );
  const finish = sent[1]!;
  assert.ok(finish.method === 'run/didFinish');
  assert.deepEqual([finish.params.runId, finish.params.experimentId, finish.params.status], ['x1/bt-s1', 'x1', 'failed']);
  assert.match(finish.params.reason!, /missing\.jsonl/);
});
