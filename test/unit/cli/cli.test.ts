// The CLI as a user runs it: the built dist/cli.js (npm test builds first), real files, exit codes, JSON output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir, writeSeparable } from '../train/fixtures';

const CLI = path.resolve('dist/cli.js');
const SHARED = path.resolve('..', 'shared', 'data');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 600_000 });

test('dist/cli.js exists (npm test builds it first)', () => {
  assert.ok(fs.existsSync(CLI), 'run `node esbuild.mjs` before the CLI tests');
});

test('bad arguments and unreadable files: one line on stderr, exit code 2', () => {
  const cases: [string[], RegExp][] = [
    [['train'], /train needs at least one training file/],
    [['train', 'no-such-file.jsonl'], /cannot read no-such-file\.jsonl: no such file/],
    [['train', 'x.jsonl', '--objective', 'foo'], /--objective must be one of bt\|bsr\|margin\|hinge\|norm\|dr\|center, got "foo"/],
    [['train', 'x.jsonl', '--batch-size', 'many'], /--batch-size expects a valid number, got "many"/],
    [['train', 'x.jsonl', '--bogus'], /Unknown option '--bogus'/],
    [['eval', 'x.jsonl'], /eval needs --model DIR/],
    [['compare', 'a'], /compare needs exactly two run directories/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['inspect', 'nope.csv'], /cannot read nope\.csv/],
  ];
  for (const [args, re] of cases) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')} → ${r.status}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for: ${args.join(' ')}\n${r.stderr}`);
  }
});

test('inspect --json reports every bad row of a broken file with line, field and reason', () => {
  const r = run('inspect', 'test/fixtures/broken.jsonl', '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  for (const k of ['format', 'rows', 'pairs', 'skipped', 'groups']) assert.ok(k in out, `key ${k}`);
  assert.ok(out.skipped.length > 0);
  assert.equal(out.rows, out.pairs + out.skipped.length, 'every row is either a pair or a reported skip');
  for (const s of out.skipped) {
    assert.equal(s.file, 'test/fixtures/broken.jsonl');
    assert.ok(Number.isInteger(s.line) && s.line >= 1);
    assert.ok(typeof s.reason === 'string' && typeof s.detail === 'string');
  }
});

test('inspect reports the row counts stated in the shared data READMEs', { skip: !fs.existsSync(SHARED) && 'no ../shared/data' }, () => {
  const expected: [string, string, number, number][] = [
    ['hh-rlhf/harmless-base-test.jsonl', 'hh-rlhf', 2312, 2312],
    ['rm-bench/chat_filtered.json', 'rm-bench', 129, 129 * 9],
    ['llmbar-extra/Processed-FairEval.json', 'llmbar', 66, 66],
    ['xstest/xstest_prompts.csv', 'prompts', 450, 0],
    ['xstest/derived_pairs.jsonl', 'rewardbench', 976, 976],
  ];
  const r = run('inspect', '--json', ...expected.map((e) => path.join(SHARED, e[0])));
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { format: string; rows: number; pairs: number }[];
  expected.forEach(([file, format, rows, pairs], i) => {
    assert.deepEqual([out[i]!.format, out[i]!.rows, out[i]!.pairs], [format, rows, pairs], file);
  });
});

test('train → eval → compare end to end on a tiny separable file', () => {
  const dir = tempDir('rl-cli-');
  const data = writeSeparable(dir, 48);
  const heldout = writeSeparable(dir, 16, 'heldout.jsonl');
  const common = [
    '--preset',
    'tiny',
    '--steps',
    '6',
    '--batch-size',
    '8',
    '--backend',
    'wasm',
    '--log-every',
    '2',
    '--eval',
    heldout,
    '--json',
  ];
  const bt = run('train', data, '--objective', 'bt', '--out', path.join(dir, 'bt'), ...common);
  assert.equal(bt.status, 0, bt.stderr);
  const summary = JSON.parse(bt.stdout);
  assert.equal(summary.status, 'completed');
  assert.equal(summary.steps, 6);
  assert.deepEqual(
    summary.finalEval.sets.map((s: { name: string }) => s.name),
    ['train', 'heldout'],
  );
  const bsr = run('train', data, '--objective', 'bsr', '--lambda', '1e-2', '--out', path.join(dir, 'bsr'), ...common);
  assert.equal(bsr.status, 0, bsr.stderr);
  const ev = run('eval', '--model', path.join(dir, 'bsr'), heldout, '--json');
  assert.equal(ev.status, 0, ev.stderr);
  const report = JSON.parse(ev.stdout);
  assert.equal(report.sets[0].pairs, 16);
  assert.ok(report.sets[0].accuracy.n === 16 && report.sets[0].hNorm.n === 32);
  const cmp = run('compare', path.join(dir, 'bt'), path.join(dir, 'bsr'));
  assert.equal(cmp.status, 0, cmp.stderr);
  assert.match(cmp.stdout, /heldout accuracy/);
  assert.match(cmp.stdout, /bsr λ=0\.01 s3|bsr λ=0\.01 s1/);
  assert.match(cmp.stdout, /‖h_w−h_l‖ on train per checkpoint/);
});
