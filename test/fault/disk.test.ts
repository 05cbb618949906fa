// Disk faults (issue 10 item 4): ENOSPC and EACCES during checkpoint, metrics, evaluation and summary writes, raised by
// an injected fs layer (test/fault/injectFs.cjs), in-process and through the CLI; and, when this runs as root with
// mount allowed, a real full tmpfs. Each must end with a clear one-line error naming the file, summary.json saying
// "failed" and why, log.txt recording it, and the previous checkpoint intact (and resumable).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { runTraining } from '../../src/train/runTraining';
import { verifyCheckpoint } from '../../src/train/checkpoint';
import { readJsonLines } from '../../src/node/atomic';
import { runPaths } from '../../src/node/runDir';
import { UserError } from '../../src/core/errors';
import type { StepMetrics } from '../../src/core/report';
import type { RunSummary } from '../../src/protocol/trainer';
import { tempDir, testConfig, writeSeparable } from '../unit/train/fixtures';
import { record } from './totals';

const { installFaults, removeFaults, faultCount } = createRequire(import.meta.url)('./injectFs.cjs') as {
  installFaults(specs: object[]): void;
  removeFaults(): void;
  faultCount(): number;
};
const CLI = path.resolve('dist/cli.js');
let cases = 0,
  files = 0;
/** Faults raised outside this process's layer: the CLI child's, and the real full tmpfs. */
let otherFaults = 0;

async function underFault(specs: object[], work: () => Promise<RunSummary>): Promise<RunSummary> {
  const before = faultCount();
  installFaults(specs);
  try {
    return await work();
  } finally {
    removeFaults();
    assert.ok(faultCount() > before, `the fault ${JSON.stringify(specs)} was injected`);
    cases++;
  }
}

/** The common outcome: failed summary on disk naming the file and errno, the same reason in log.txt, no temp files left. */
function assertFailedRun(runDir: string, s: RunSummary, re: RegExp): void {
  assert.equal(s.status, 'failed');
  assert.match(s.error!, re);
  assert.doesNotMatch(s.error!, /\n|\s+at /, 'one line, no stack');
  const saved = JSON.parse(fs.readFileSync(runPaths(runDir).summary, 'utf8')) as RunSummary;
  assert.equal(saved.status, 'failed');
  assert.equal(saved.error, s.error);
  assert.ok(fs.readFileSync(runPaths(runDir).log, 'utf8').includes(`: ${s.error}`), 'log.txt records the reason');
  const leftovers = [runDir, runPaths(runDir).checkpoints]
    .flatMap((d) => (fs.existsSync(d) ? fs.readdirSync(d) : []))
    .filter((n) => /\.tmp-|disk-reserve/.test(n));
  assert.deepEqual(leftovers, [], 'no temp file or reserve left behind');
  assert.equal(fs.existsSync(runPaths(runDir).lock), false, 'lock released');
  files += 3;
}

const cfg = (over = {}) => testConfig({ steps: 10, checkpointEvery: 3, ...over });
const params = (runDir: string, data: string, over = {}) => ({
  runId: 'd',
  runDir,
  config: cfg(over),
  trainFiles: [data],
  evalFiles: [],
  resume: false,
});

test('ENOSPC while writing a checkpoint: failed summary, the previous checkpoint intact, and the run resumes from it', async () => {
  const dir = tempDir('rl-disk-');
  const data = writeSeparable(dir, 32);
  const runDir = path.join(dir, 'run');
  // The second checkpoint (step 6): its optimizer file hits a full disk.
  const s = await underFault([{ op: 'write', match: 'checkpoints/latest\\.tmp-.*optimizer\\.safetensors', code: 'ENOSPC', after: 1 }], () =>
    runTraining(params(runDir, data)),
  );
  assertFailedRun(
    runDir,
    s,
    /^cannot write .*checkpoints\/latest\.tmp-[^ ]*\/optimizer\.safetensors.*: no space left on the device \(ENOSPC\)$/,
  );
  assert.equal(s.steps, 6);
  assert.equal(verifyCheckpoint(runPaths(runDir).checkpoint).step, 3, 'the checkpoint of step 3 is whole');
  assert.equal(fs.existsSync(path.join(runPaths(runDir).checkpoints, 'previous')), false);
  const resumed = await runTraining({ ...params(runDir, data), resume: true });
  assert.equal(resumed.status, 'completed');
  assert.deepEqual(
    readJsonLines<StepMetrics>(runPaths(runDir).metrics).map((m) => m.step),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  );
  files += 2;
});

test('ENOSPC appending metrics and evaluations: no torn line, the earlier lines intact, a failed summary', async () => {
  const dir = tempDir('rl-disk-');
  const data = writeSeparable(dir, 32);
  const m = path.join(dir, 'metrics');
  const s = await underFault([{ op: 'write', match: 'metrics\\.jsonl$', code: 'ENOSPC', after: 4 }], () => runTraining(params(m, data)));
  assertFailedRun(m, s, /^cannot write .*metrics\.jsonl: no space left on the device \(ENOSPC\)$/);
  const bad: number[] = [];
  assert.deepEqual(
    readJsonLines<StepMetrics>(runPaths(m).metrics, (l) => bad.push(l)).map((x) => x.step),
    [1, 2, 3, 4],
  );
  assert.deepEqual(bad, [], 'the failed write left no partial line');
  const e = path.join(dir, 'evals');
  const s2 = await underFault([{ op: 'write', match: 'evals\\.jsonl$', code: 'ENOSPC', after: 1 }], () =>
    runTraining(params(e, data, { evalEvery: 4 })),
  );
  assertFailedRun(e, s2, /^cannot write .*evals\.jsonl: no space left on the device \(ENOSPC\)$/);
  assert.deepEqual(
    readJsonLines<{ step: number }>(runPaths(e).evals).map((x) => x.step),
    [0],
    'the step-0 evaluation is kept; no empty or torn file',
  );
  // The very first evaluation on a full disk: evals.jsonl is not left behind empty.
  const first = path.join(dir, 'first');
  const s3 = await underFault([{ op: 'write', match: 'evals\\.jsonl$', code: 'ENOSPC' }], () => runTraining(params(first, data)));
  assertFailedRun(first, s3, /evals\.jsonl: no space left/);
  assert.equal(fs.existsSync(runPaths(first).evals), false, 'no empty evals.jsonl');
  files += 3;
});

test('EACCES on the checkpoint folder, on metrics.jsonl and on the summary; EACCES reading the data refuses the run', async () => {
  const dir = tempDir('rl-disk-');
  const data = writeSeparable(dir, 32);
  const a = path.join(dir, 'ckpt');
  const s1 = await underFault([{ op: 'mkdir', match: 'checkpoints/latest\\.tmp-', code: 'EACCES' }], () => runTraining(params(a, data)));
  assertFailedRun(a, s1, /^cannot create directory .*checkpoints\/latest\.tmp-\S+: permission denied \(EACCES\)$/);
  const b = path.join(dir, 'metrics');
  const s2 = await underFault([{ op: 'open', match: 'metrics\\.jsonl$', code: 'EACCES' }], () => runTraining(params(b, data)));
  assertFailedRun(b, s2, /^cannot (open|use) .*metrics\.jsonl: permission denied \(EACCES\)$/);
  // The final summary.json cannot be written once: the failure path writes a failed one that says so.
  const c = path.join(dir, 'summary');
  const s3 = await underFault([{ op: 'write', match: 'summary\\.json\\.tmp-', code: 'ENOSPC' }], () =>
    runTraining(params(c, data, { steps: 3 })),
  );
  assertFailedRun(c, s3, /^cannot write .*summary\.json: no space left on the device \(ENOSPC\)$/);
  // An unreadable input: refused before anything is written (as root, chmod cannot make a file unreadable: the layer can).
  const d = path.join(dir, 'unreadable');
  const before = faultCount();
  installFaults([{ op: 'read', match: 'pairs\\.jsonl$', code: 'EACCES' }]);
  try {
    await assert.rejects(
      runTraining(params(d, data)),
      (e: Error) => e instanceof UserError && /^cannot (read|open) .*pairs\.jsonl: permission denied \(EACCES\)$/.test(e.message),
    );
  } finally {
    removeFaults();
  }
  assert.ok(faultCount() > before);
  assert.equal(fs.existsSync(d), false, 'a refused run writes nothing');
  cases++;
});

test('the CLI under ENOSPC: one line, no stack, exit code 1, summary.json failed, log.txt has the reason', () => {
  const dir = tempDir('rl-disk-');
  const data = writeSeparable(dir, 32);
  const out = path.join(dir, 'run');
  const faults = [{ op: 'write', match: 'metrics\\.jsonl$', code: 'ENOSPC', after: 2 }];
  const r = spawnSync(
    process.execPath,
    [
      '--require',
      path.resolve('test/fault/injectFs.cjs'),
      CLI,
      'train',
      data,
      '--backend',
      'wasm',
      '--steps',
      '6',
      '--batch-size',
      '8',
      '--log-every',
      '1',
      '--out',
      out,
    ],
    { encoding: 'utf8', env: { ...process.env, REWARD_LENS_TEST_FAULTS: JSON.stringify(faults) }, timeout: 120_000 },
  );
  assert.match(r.stderr, /^injected ENOSPC write .*metrics\.jsonl$/m, 'the fault happened');
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /, 'no stack trace');
  assert.match(r.stdout, /^failed: 3\/6 steps .*\nerror: cannot write .*metrics\.jsonl: no space left on the device \(ENOSPC\)$/m);
  const saved = JSON.parse(fs.readFileSync(runPaths(out).summary, 'utf8')) as RunSummary;
  assert.equal(saved.status, 'failed');
  assert.match(saved.error!, /ENOSPC/);
  assert.match(fs.readFileSync(runPaths(out).log, 'utf8'), /failed at step 3\/6: cannot write .*ENOSPC/);
  cases++;
  otherFaults++;
  files += 3;
});

/** Root in a container that allows mounts (this project's VMs): a real 3 MiB tmpfs fills up mid-run. */
function tmpfs(): { dir: string; release(): void } | string {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'needs root on Linux to mount a tmpfs';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-tmpfs-'));
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir], { encoding: 'utf8' });
  if (m.status !== 0) {
    fs.rmdirSync(dir);
    return `mount -t tmpfs failed: ${(m.stderr || m.error?.message || '').trim()}`;
  }
  return {
    dir,
    release: () => {
      spawnSync('umount', [dir]);
      fs.rmdirSync(dir);
    },
  };
}

test('a real full disk (tmpfs): failed summary from the reserve, log.txt has the reason, the latest checkpoint verifies', async (t) => {
  const fsys = tmpfs();
  if (typeof fsys === 'string') return t.skip(fsys);
  try {
    const data = writeSeparable(tempDir('rl-disk-'), 32);
    const runDir = path.join(fsys.dir, 'run');
    const s = await runTraining(params(runDir, data, { steps: 200, checkpointEvery: 1, logEvery: 1 }));
    assertFailedRun(runDir, s, /no space left on the device \(ENOSPC\)$/);
    const step = verifyCheckpoint(runPaths(runDir).checkpoint).step;
    assert.ok(step >= 1 && step < 200, `latest checkpoint at step ${step} verifies`);
    cases++;
    otherFaults++;
    files++;
  } finally {
    fsys.release();
  }
});

test('disk fault tally', () => {
  record({ part: 'disk', cases, faults: faultCount() + otherFaults, payloads: 0, files });
});
