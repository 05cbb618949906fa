// Crash and resume through a real kill: the CLI trains in a child process that is SIGKILLed at random steps (and at
// random moments within them: mid-step, mid-checkpoint, mid-eval), then resumed with the same command, until it
// completes. Across the runs at least 20 kills happen. After every kill the run directory must be readable (no torn
// checkpoint visible, config and summary intact, at most a torn last line in the JSON-lines files); at the end the loss
// curve, the evaluations and the final weights equal an uninterrupted run's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { decodeSafetensors } from '../../src/core/safetensors';
import { mulberry32 } from '../../src/core/random';
import { readJsonLines, readSealedJson } from '../../src/node/atomic';
import { readRunInfo } from '../../src/node/runs';
import { runPaths } from '../../src/node/runDir';
import { CHECKPOINT_SLOTS, verifyCheckpoint } from '../../src/train/checkpoint';
import type { StepMetrics } from '../../src/core/report';
import { tempDir, writeSeparable } from '../unit/train/fixtures';
import { record } from './totals';

const CLI = path.resolve('dist/cli.js');
const STEPS = 24;
const args = (data: string, out: string) => [
  'train',
  data,
  '--backend',
  'wasm',
  '--preset',
  'tiny',
  '--steps',
  String(STEPS),
  '--batch-size',
  '8',
  '--lr',
  '3e-3',
  '--seed',
  '3',
  '--log-every',
  '1',
  '--checkpoint-every',
  '3',
  '--eval-every',
  '8',
  '--out',
  out,
  '--resume',
  '--quiet',
];

/** Starts the CLI; resolves with its exit (code or signal) once it ends, killing it when `killAtStep` is logged. */
function trainOnce(
  data: string,
  out: string,
  killAtStep: number | undefined,
  jitterMs: number,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args(data, out)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const metrics = runPaths(out).metrics;
    const poll =
      killAtStep === undefined
        ? undefined
        : setInterval(() => {
            let last = 0;
            try {
              const text = fs.readFileSync(metrics, 'utf8');
              const m = /"step":(\d+)[^\n]*\n?$/.exec(text.trimEnd().split('\n').pop() ?? '');
              last = m ? Number(m[1]) : 0;
            } catch {
              /* not yet written */
            }
            if (last >= killAtStep) {
              clearInterval(poll);
              setTimeout(() => child.kill('SIGKILL'), jitterMs);
            }
          }, 5);
    child.on('exit', (code, signal) => {
      if (poll) clearInterval(poll);
      resolve({ code, signal, stderr });
    });
  });
}

/** What must hold after any kill: every file a reader trusts is whole; returns how many files were checked. */
function assertReadable(out: string): number {
  const p = runPaths(out);
  let files = 0;
  if (fs.existsSync(p.config)) {
    readSealedJson(p.config);
    files++;
  }
  if (fs.existsSync(p.summary)) {
    JSON.parse(fs.readFileSync(p.summary, 'utf8'));
    files++;
  }
  for (const slot of CHECKPOINT_SLOTS) {
    const dir = path.join(p.checkpoints, slot);
    if (fs.existsSync(dir)) {
      verifyCheckpoint(dir);
      files += fs.readdirSync(dir).length;
    }
  }
  for (const f of [p.metrics, p.evals]) {
    if (!fs.existsSync(f)) continue;
    const bad: number[] = [];
    const lines = fs
      .readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l.trim()).length;
    readJsonLines(f, (line) => bad.push(line));
    assert.ok(
      bad.every((l) => l === lines),
      `${f}: only a torn last line may be unreadable, got lines ${bad.join(', ')} of ${lines}`,
    );
    files++;
  }
  if (fs.existsSync(p.config)) assert.ok(readRunInfo(out), `${out} reads as a run`);
  return files;
}

const tensorsOf = (file: string) => decodeSafetensors(new Uint8Array(fs.readFileSync(file))).tensors;

test('SIGKILL at random steps, ≥ 20 times across runs: every resume continues, nothing is unreadable, the result equals an uninterrupted run', {
  timeout: 240_000,
}, async () => {
  const dir = tempDir('rl-crash-');
  const data = writeSeparable(dir, 32);
  const reference = path.join(dir, 'reference');
  const ref = spawnSync(process.execPath, [CLI, ...args(data, reference)], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(ref.status, 0, ref.stderr);
  const refMetrics = readJsonLines<StepMetrics>(runPaths(reference).metrics);
  const refEvals = readJsonLines<{ step: number; sets: { accuracy: { value: number } }[] }>(runPaths(reference).evals);
  const rnd = mulberry32(20261201);
  let kills = 0,
    files = 0,
    runs = 0,
    resumes = 0;
  for (; kills < 20 || runs < 3; runs++) {
    assert.ok(runs < 10, `only ${kills} kills in ${runs} runs: the kills are not landing`);
    const out = path.join(dir, `run-${runs}`);
    let from = 0;
    for (let attempt = 0; ; attempt++) {
      assert.ok(attempt < 40, `run ${runs} did not complete after 40 attempts`);
      // Kill somewhere after the last step this run reached (a fresh process also needs its start-up, checked above).
      const target = from + 1 + Math.floor(rnd() * Math.max(1, Math.min(4, STEPS - from)));
      const kill = target < STEPS && attempt < 12 ? target : undefined;
      const r = await trainOnce(data, out, kill, Math.floor(rnd() * 25));
      if (r.signal === 'SIGKILL') {
        kills++;
        files += assertReadable(out);
        from = readJsonLines<StepMetrics>(runPaths(out).metrics).at(-1)?.step ?? 0;
        continue;
      }
      assert.equal(r.code, 0, `run ${runs} attempt ${attempt} exited ${r.code}: ${r.stderr}`);
      break;
    }
    files += assertReadable(out);
    const m = readJsonLines<StepMetrics>(runPaths(out).metrics);
    assert.deepEqual(
      m.map((x) => x.step),
      refMetrics.map((x) => x.step),
      `run ${runs}: every step once`,
    );
    m.forEach((x, i) =>
      assert.ok(Math.abs(x.loss - refMetrics[i]!.loss) <= 1e-6, `run ${runs} step ${x.step}: loss ${x.loss} vs ${refMetrics[i]!.loss}`),
    );
    const e = readJsonLines<{ step: number; sets: { accuracy: { value: number } }[] }>(runPaths(out).evals);
    assert.deepEqual(
      e.map((x) => x.step),
      refEvals.map((x) => x.step),
      `run ${runs}: evaluations`,
    );
    assert.deepEqual(
      e.map((x) => x.sets[0]!.accuracy.value),
      refEvals.map((x) => x.sets[0]!.accuracy.value),
    );
    const a = tensorsOf(path.join(runPaths(reference).model, 'model.safetensors'));
    const b = tensorsOf(path.join(runPaths(out).model, 'model.safetensors'));
    assert.deepEqual([...b.keys()], [...a.keys()]);
    for (const [name, t] of a) {
      const u = b.get(name)!;
      let max = 0;
      for (let i = 0; i < t.data.length; i++) max = Math.max(max, Math.abs((t.data[i] as number) - (u.data[i] as number)));
      assert.ok(max <= 1e-6, `run ${runs}: ${name} differs by ${max}`);
    }
    assert.equal(JSON.parse(fs.readFileSync(runPaths(out).summary, 'utf8')).status, 'completed');
    // The equality above must come from resuming, not from a last attempt that trained everything again.
    const resumed = [
      ...fs.readFileSync(runPaths(out).log, 'utf8').matchAll(/resuming from checkpoints\/(?:latest|previous): step (\d+)/g),
    ].map((x) => Number(x[1]));
    assert.ok(resumed.length >= 1 && Math.max(...resumed) > 0, `run ${runs} resumed from checkpoints: ${resumed.join(', ')}`);
    resumes += resumed.length;
    files += 4;
  }
  assert.ok(kills >= 20, `${kills} kills`);
  assert.ok(resumes >= kills / 2, `${resumes} resumes from a checkpoint after ${kills} kills`);
  record({ part: 'crash/resume', cases: kills + runs, faults: kills, payloads: 0, files });
});
