// Corruption: truncated and bit-flipped safetensors (model and optimizer), config.json (model, checkpoint and run),
// state.json and metrics.jsonl. Every damaged copy must be detected by the reader that trusts it, with the damaged file
// named; none may be read as if it were whole. Flip positions are drawn from a fixed seed, all over each file.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { mulberry32 } from '../../src/core/random';
import { readJsonLines } from '../../src/node/atomic';
import { runPaths } from '../../src/node/runDir';
import { findCheckpoint, verifyCheckpoint } from '../../src/train/checkpoint';
import { loadModel } from '../../src/train/modelIO';
import { disposeModel } from '../../src/train/model';
import { runTraining } from '../../src/train/runTraining';
import { UserError } from '../../src/core/errors';
import type { StepMetrics } from '../../src/core/report';
import { tempDir, testConfig, writeSeparable } from '../unit/train/fixtures';
import { record } from './totals';

let root = '',
  data = '',
  runDir = '';
let cases = 0,
  faults = 0,
  files = 0;
const rnd = mulberry32(10);

before(async () => {
  root = tempDir('rl-corrupt-');
  data = writeSeparable(root, 32);
  runDir = path.join(root, 'run');
  const s = await runTraining({
    runId: 'c',
    runDir,
    config: testConfig({ steps: 6, checkpointEvery: 2, evalEvery: 3 }),
    trainFiles: [data],
    evalFiles: [],
    resume: false,
  });
  assert.equal(s.status, 'completed');
});

/** Damaged variants of a file's bytes: cut at a few lengths, and single-bit flips at random positions. */
function variants(bytes: Uint8Array, flips: number): { what: string; bytes: Uint8Array }[] {
  const out = [0, 1, Math.floor(bytes.length / 2), bytes.length - 1]
    .filter((n, i, a) => n < bytes.length && a.indexOf(n) === i)
    .map((n) => ({ what: `truncated to ${n} of ${bytes.length} bytes`, bytes: bytes.slice(0, n) }));
  for (let k = 0; k < flips; k++) {
    const at = Math.floor(rnd() * bytes.length);
    const bit = 1 << Math.floor(rnd() * 8);
    const b = bytes.slice();
    b[at]! ^= bit;
    out.push({ what: `bit 0x${bit.toString(16)} flipped at byte ${at} of ${bytes.length}`, bytes: b });
  }
  return out;
}

/** Copies `srcDir` to a fresh directory, damages `name` there, and returns the copy. */
function damagedCopy(srcDir: string, name: string, bytes: Uint8Array): string {
  const dst = fs.mkdtempSync(path.join(root, 'case-'));
  fs.cpSync(srcDir, dst, { recursive: true });
  fs.writeFileSync(path.join(dst, name), bytes);
  return dst;
}

test('the final model: damaged model.safetensors, vocab.json or config.json is refused, naming the file', async () => {
  const model = runPaths(runDir).model;
  const { model: whole } = await loadModel(model);
  disposeModel(whole);
  for (const [name, flips] of [
    ['model.safetensors', 10],
    ['config.json', 10],
    ['vocab.json', 4],
  ] as const) {
    for (const v of variants(new Uint8Array(fs.readFileSync(path.join(model, name))), flips)) {
      const dir = damagedCopy(model, name, v.bytes);
      await assert.rejects(
        loadModel(dir),
        (e: Error) => {
          assert.ok(e instanceof UserError, `${name} ${v.what}: a user-facing error, got ${e.name}: ${e.message}`);
          assert.ok(e.message.includes(path.join(dir, name)), `${name} ${v.what}: names the file: ${e.message}`);
          return true;
        },
        `${name} ${v.what} was read as if whole`,
      );
      cases++;
      faults++;
      files++;
    }
  }
});

test('a checkpoint: any damaged file (weights, optimizer, config, vocab, state.json) fails verification, naming it; resume falls back', () => {
  const latest = runPaths(runDir).checkpoint;
  assert.equal(verifyCheckpoint(latest).step, 6);
  for (const [name, flips] of [
    ['model.safetensors', 6],
    ['optimizer.safetensors', 6],
    ['config.json', 4],
    ['vocab.json', 2],
    ['state.json', 10],
  ] as const) {
    for (const v of variants(new Uint8Array(fs.readFileSync(path.join(latest, name))), flips)) {
      const ckpts = fs.mkdtempSync(path.join(root, 'ckpts-'));
      fs.cpSync(runPaths(runDir).checkpoints, ckpts, { recursive: true });
      fs.writeFileSync(path.join(ckpts, 'latest', name), v.bytes);
      assert.throws(
        () => verifyCheckpoint(path.join(ckpts, 'latest')),
        (e: Error) =>
          e.message.includes(path.join(ckpts, 'latest')) &&
          /state\.json|model\.safetensors|optimizer\.safetensors|config\.json|vocab\.json/.test(e.message),
        `${name} ${v.what}`,
      );
      const found = findCheckpoint(ckpts);
      assert.equal(found.found?.state.step, 4, `${name} ${v.what}: resume falls back to the previous checkpoint`);
      assert.match(found.rejected[0]!, /^checkpoints\/latest is unusable: /);
      cases++;
      faults++;
      files++;
    }
  }
});

test("the run's config.json: a damaged copy is refused by --resume, naming config.json", async () => {
  const cfgBytes = new Uint8Array(fs.readFileSync(runPaths(runDir).config));
  for (const v of variants(cfgBytes, 6)) {
    const dir = damagedCopy(runDir, 'config.json', v.bytes);
    await assert.rejects(
      runTraining({
        runId: 'c',
        runDir: dir,
        config: testConfig({ steps: 6, checkpointEvery: 2, evalEvery: 3 }),
        trainFiles: [data],
        evalFiles: [],
        resume: true,
      }),
      (e: Error) => e instanceof UserError && /config\.json/.test(e.message),
      `config.json ${v.what}`,
    );
    cases++;
    faults++;
    files++;
  }
});

test('metrics.jsonl: a damaged line is named and dropped, never returned; the others are intact', () => {
  const file = runPaths(runDir).metrics;
  const whole = readJsonLines<StepMetrics>(file);
  assert.equal(whole.length, 6);
  const bytes = new Uint8Array(fs.readFileSync(file));
  const text = new TextDecoder().decode(bytes);
  const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)];
  for (const v of variants(bytes, 12)) {
    if (v.bytes.length === bytes.length - 1 || v.bytes.length === 0) continue; // cut at a line end or to nothing: no line is damaged
    const f = path.join(fs.mkdtempSync(path.join(root, 'm-')), 'metrics.jsonl');
    fs.writeFileSync(f, v.bytes);
    const bad: number[] = [];
    const got = readJsonLines<StepMetrics>(f, (line) => bad.push(line));
    const damagedAt = v.bytes.length < bytes.length ? v.bytes.length : Number(/at byte (\d+)/.exec(v.what)![1]);
    const line = lineStarts.filter((s) => s <= damagedAt).length;
    if (v.bytes.length < bytes.length || text[damagedAt] !== '\n') assert.deepEqual(bad, [line], `${v.what}: line ${line} reported`);
    else assert.ok(bad.length >= 1, `${v.what}: a broken line break is reported`);
    for (const m of got)
      assert.deepEqual(
        m,
        whole.find((w) => w.step === m.step),
        `${v.what}: what is returned is whole`,
      );
    cases++;
    faults++;
    files++;
  }
});

test('the CLI on damaged artifacts: one line naming the file, exit code 2, no stack', () => {
  const model = damagedCopy(
    runPaths(runDir).model,
    'model.safetensors',
    new Uint8Array(fs.readFileSync(path.join(runPaths(runDir).model, 'model.safetensors'))).slice(0, 100),
  );
  const run = damagedCopy(runDir, 'config.json', new TextEncoder().encode('{"runId": "c", "config": {'));
  for (const [args, re] of [
    [['eval', '--backend', 'wasm', '--model', model, data], /model\.safetensors: /],
    [['compare', run, runDir], /config\.json: not valid JSON/],
  ] as const) {
    const r = spawnSync(process.execPath, [path.resolve('dist/cli.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 2, `${args[0]}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => !/^backend: /.test(l)).length,
      1,
      r.stderr,
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    cases++;
    faults++;
    files++;
  }
});

test('corruption tally', () => {
  record({ part: 'corruption', cases, faults, payloads: 0, files });
});
