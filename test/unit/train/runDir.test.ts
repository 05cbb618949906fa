// A run directory is owned by one run (issue 10 items 1, 2, 3, 6): a fresh run moves an earlier run aside instead of
// inheriting its checkpoints; --resume checks the fingerprint of data and settings and names what differs; outputs
// never land on an input; checkpoints are saved by default (at evaluations, on a timer), the last two are kept, a
// damaged one falls back to the previous; and a resumed run records each step once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runTraining } from '../../../src/train/runTraining';
import { readJsonLines } from '../../../src/node/atomic';
import { runPaths } from '../../../src/node/runDir';
import { DEFAULTS } from '../../../src/core/config';
import { UserError } from '../../../src/core/errors';
import type { StepMetrics } from '../../../src/core/report';
import type { TrainRunParams } from '../../../src/protocol/trainer';
import { tempDir, testConfig, treeDigest, writeSeparable } from './fixtures';

const params = (runDir: string, data: string, over: Partial<TrainRunParams> = {}, cfg = {}): TrainRunParams => ({
  runId: 'r',
  runDir,
  config: testConfig({ steps: 8, ...cfg }),
  trainFiles: [data],
  evalFiles: [],
  resume: false,
  ...over,
});
const cancelAt = (n: number) => {
  let seen = 0;
  return {
    onProgress: (m: StepMetrics) => {
      seen = m.step;
    },
    shouldCancel: () => seen >= n,
  };
};

test("a fresh run into an earlier run's directory moves it aside; --resume then continues the new run, not the old weights (item 1)", async () => {
  const dir = tempDir();
  const data = writeSeparable(dir, 32);
  const runDir = path.join(dir, 'run');
  const old = await runTraining(params(runDir, data, {}, { lr: 3e-3 }), cancelAt(5));
  assert.equal(old.steps, 5);
  const logs: string[] = [];
  const fresh = await runTraining(params(runDir, data, {}, { lr: 1e-3 }), { ...cancelAt(2), onLog: (m) => logs.push(m) });
  assert.equal(fresh.steps, 2);
  const moved = logs.find((l) => /held an earlier run; moved it to /.test(l));
  assert.ok(moved, logs.join('\n'));
  const aside = moved!.split('moved it to ')[1]!;
  assert.ok(aside.startsWith(path.join(runDir, 'previous-runs')), aside);
  assert.equal(JSON.parse(fs.readFileSync(path.join(aside, 'config.json'), 'utf8')).config.lr, 3e-3, 'the old run is kept whole, aside');
  assert.ok(fs.existsSync(path.join(aside, 'checkpoints', 'latest', 'state.json')));
  const resumeLog: string[] = [];
  const resumed = await runTraining(params(runDir, data, { resume: true }, { lr: 1e-3 }), { onLog: (m) => resumeLog.push(m) });
  assert.equal(resumed.status, 'completed');
  assert.ok(
    resumeLog.some((l) => /resuming from checkpoints\/latest: step 2 of 8/.test(l)),
    resumeLog.join('\n'),
  );
  assert.deepEqual(
    readJsonLines<StepMetrics>(runPaths(runDir).metrics).map((m) => m.step),
    [1, 2, 3, 4, 5, 6, 7, 8],
    'one entry per step',
  );
});

test('--resume refuses other data, other settings or another length, naming each, and changes nothing (item 2)', async () => {
  const dir = tempDir();
  const data = writeSeparable(dir, 32);
  const other = writeSeparable(dir, 40, 'other.jsonl');
  const runDir = path.join(dir, 'run');
  await runTraining(params(runDir, data), cancelAt(3));
  const before = treeDigest(runDir);
  const refuse = async (p: TrainRunParams, re: RegExp) =>
    assert.rejects(runTraining(p), (e: Error) => e instanceof UserError && re.test(e.message) && !/\n/.test(e.message));
  await refuse(
    params(runDir, other, { resume: true }),
    /cannot resume .*trainFiles\[0\] .*other\.jsonl: content differs from .*pairs\.jsonl \(\d+ → \d+ bytes, sha256 /,
  );
  await refuse(params(runDir, data, { resume: true }, { steps: 50 }), /steps: was 8, now 50; totalSteps: was 8, now 50/);
  await refuse(
    params(runDir, data, { resume: true }, { lr: 1e-2, objective: 'bsr' }),
    /objective: was "bt", now "bsr"; lr: was 0\.003, now 0\.01; lambda: was \(none\), now 0\.001/,
  );
  await refuse(params(runDir, data, { resume: true, evalFiles: [other] }), /evalFiles: was 0 \(none\), now 1/);
  // Rewriting the same file with other rows is caught by its hash.
  const copy = path.join(dir, 'copy.jsonl');
  fs.copyFileSync(data, copy);
  const run2 = path.join(dir, 'run2');
  await runTraining(params(run2, copy), cancelAt(2));
  fs.writeFileSync(copy, fs.readFileSync(data, 'utf8').replace('number 3.', 'number three.'));
  await refuse(params(run2, copy, { resume: true }), /trainFiles\[0\] .*copy\.jsonl: content differs/);
  assert.deepEqual(treeDigest(runDir), before, 'a refused resume leaves the run as it was');
});

test('outputs never land on inputs: a dataset inside the run directory, a foreign folder, a file as --out (item 6)', async () => {
  const dir = tempDir();
  const userDir = path.join(dir, 'user');
  fs.mkdirSync(userDir);
  const dataset = writeSeparable(userDir, 16, 'metrics.jsonl');
  const before = treeDigest(userDir);
  await assert.rejects(runTraining(params(userDir, dataset)), /input file .*metrics\.jsonl is inside the run directory/);
  await assert.rejects(runTraining(params(userDir, dataset, { resume: true })), /input file .*metrics\.jsonl is inside the run directory/);
  const elsewhere = writeSeparable(dir, 16);
  await assert.rejects(
    runTraining(params(userDir, elsewhere)),
    /user is not empty and is not a Reward Lens run directory \(it holds metrics\.jsonl\)/,
  );
  await assert.rejects(runTraining(params(dataset, elsewhere)), /is a file, not a directory/);
  fs.symlinkSync(userDir, path.join(dir, 'link'));
  await assert.rejects(
    runTraining(params(path.join(dir, 'link'), dataset)),
    /is inside the run directory/,
    'a symbolic link to the data folder is the data folder',
  );
  assert.deepEqual(treeDigest(userDir), before, "the user's folder is untouched");
  // A link planted inside an earlier run (model/ -> the user's folder) is refused, fresh or resumed: nothing is written through it.
  const run = path.join(dir, 'run');
  await runTraining(params(run, elsewhere, {}, { steps: 2 }));
  fs.rmSync(path.join(run, 'model'), { recursive: true });
  fs.symlinkSync(userDir, path.join(run, 'model'));
  for (const resume of [false, true])
    await assert.rejects(
      runTraining(params(run, elsewhere, { resume }, { steps: 2 })),
      /run[/]model is a symbolic link .*must hold only its own files/,
    );
  assert.deepEqual(treeDigest(userDir), before);
});

test('checkpoints by default at each evaluation and on a timer, the last two kept; a damaged latest falls back to previous (item 3)', async () => {
  assert.equal(DEFAULTS.checkpointMinutes, 5, 'a time-based checkpoint by default');
  const dir = tempDir();
  const data = writeSeparable(dir, 32);
  const runDir = path.join(dir, 'run');
  // CLI defaults for checkpoints (checkpointEvery 0), evaluation every 2 steps: a checkpoint at each evaluation.
  const s = await runTraining(params(runDir, data, {}, { steps: 12, evalEvery: 2, checkpointEvery: 0 }), cancelAt(7));
  assert.equal(s.steps, 7);
  const step = (slot: string) => JSON.parse(fs.readFileSync(path.join(runPaths(runDir).checkpoints, slot, 'state.json'), 'utf8')).step;
  assert.deepEqual([step('latest'), step('previous')], [7, 6], 'the cancel checkpoint and the one of the eval at step 6');
  assert.deepEqual(fs.readdirSync(runPaths(runDir).checkpoints).sort(), ['latest', 'previous'], 'only two kept');
  // Flip one byte of the latest weights: resume names the damage and continues from previous (step 6).
  const w = path.join(runPaths(runDir).checkpoints, 'latest', 'model.safetensors');
  const bytes = new Uint8Array(fs.readFileSync(w));
  bytes[bytes.length - 3]! ^= 0x10;
  fs.writeFileSync(w, bytes);
  const logs: string[] = [];
  const r = await runTraining(params(runDir, data, { resume: true }, { steps: 12, evalEvery: 2, checkpointEvery: 0 }), {
    onLog: (m) => logs.push(m),
  });
  assert.equal(r.status, 'completed');
  assert.ok(
    logs.some((l) => /checkpoints\/latest is unusable: .*model\.safetensors: sha256 differs from state\.json/.test(l)),
    logs.join('\n'),
  );
  assert.ok(
    logs.some((l) => /resuming from checkpoints\/previous: step 6 of 12/.test(l)),
    logs.join('\n'),
  );
  assert.deepEqual(
    readJsonLines<StepMetrics>(runPaths(runDir).metrics).map((m) => m.step),
    Array.from({ length: 12 }, (_, i) => i + 1),
    'step 7 is recorded once',
  );
  assert.deepEqual(
    readJsonLines<{ step: number }>(runPaths(runDir).evals).map((e) => e.step),
    [0, 2, 4, 6, 8, 10, 12],
  );
  // A timer checkpoint: with a tiny interval, every step boundary is due.
  const t = path.join(dir, 'timed');
  await runTraining(params(t, data, {}, { steps: 12, checkpointMinutes: 1e-9 }), cancelAt(4));
  assert.deepEqual([JSON.parse(fs.readFileSync(path.join(t, 'checkpoints', 'previous', 'state.json'), 'utf8')).step], [3]);
});

test('a run that fails mid-way leaves a failed summary; resuming it records every step once (item 3, de-duplication)', async () => {
  const dir = tempDir();
  const data = writeSeparable(dir, 32);
  const runDir = path.join(dir, 'run');
  const boom = {
    onProgress: (m: StepMetrics) => {
      if (m.step === 6) throw new Error('simulated crash after step 6');
    },
  };
  const failed = await runTraining(params(runDir, data, {}, { steps: 10, checkpointEvery: 4 }), boom);
  assert.equal(failed.status, 'failed');
  assert.match(failed.error!, /internal error: simulated crash after step 6 \(stack in log\.txt\)/);
  assert.deepEqual(
    readJsonLines<StepMetrics>(runPaths(runDir).metrics).map((m) => m.step),
    [1, 2, 3, 4, 5, 6],
  );
  assert.match(
    fs.readFileSync(runPaths(runDir).log, 'utf8'),
    /internal error: Error: simulated crash after step 6\n\s+at /,
    'the stack is in log.txt',
  );
  const resumed = await runTraining(params(runDir, data, { resume: true }, { steps: 10, checkpointEvery: 4 }));
  assert.equal(resumed.status, 'completed');
  assert.deepEqual(
    readJsonLines<StepMetrics>(runPaths(runDir).metrics).map((m) => m.step),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  );
  assert.equal(fs.existsSync(runPaths(runDir).lock), false, 'the lock is released');
  assert.equal(fs.existsSync(runPaths(runDir).reserve), false, 'the disk reserve is released');
});
