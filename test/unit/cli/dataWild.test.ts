// reward-lens inspect on the issue-15 families and places: the detection rule printed, counts and ties, the mapping
// flags (--a-key/--b-key/--label-key/--a-wins/--b-wins, dotted paths, --gold), hf:ORG/NAME[:SPLIT] and `inspect hf:`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from '../train/fixtures';
import { fixture } from '../data/fixtures';

const CLI = path.resolve('dist/cli.js');
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
const json = (args: string[], env?: NodeJS.ProcessEnv) => {
  const r = run([...args, '--json'], env);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown> & { accounting: { nonPairRows: Record<string, number> } };
};

test('inspect prints the rule each family was detected by, its counts and ties', () => {
  const r = run(['inspect', fixture('chatbot-arena.jsonl'), fixture('rewardbench2.jsonl'), fixture('nectar.jsonl')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    /format {2}chatbot-arena\n {2}rule {4}Chatbot Arena conversations: conversation_a and conversation_b message lists, winner \(5 of 5 sampled records\)\n {2}rows {4}5 = 3 pair rows \+ 0 skipped \+ 2 tie rows \(not pairs\)/,
  );
  assert.match(r.stdout, /format {2}rewardbench-2\n.*\n {2}rows {4}8 = 8 pair rows \+ 0 skipped\n {2}pairs {3}33/);
  assert.match(r.stdout, /note: gold scores come from a rank, where lower is better/);
  const pku = json(['inspect', fixture('pku-saferlhf.jsonl'), '--label-key', 'safer_response_id']);
  assert.match(String(pku.detection), /field mapping: label=safer_response_id$/);
});

test('mapping flags: --a-key/--b-key/--label-key with --a-wins/--b-wins values (repeated or comma-separated), dotted keys, --gold', () => {
  const dir = tempDir('rl-wild-');
  const f = path.join(dir, 'odd.jsonl');
  fs.writeFileSync(
    f,
    [
      '{"ctx":{"q":"p1"},"l":{"t":"x"},"r":{"t":"y"},"verdict":"left"}',
      '{"ctx":{"q":"p2"},"l":{"t":"x"},"r":{"t":"z"},"verdict":"RIGHT"}',
      '{"ctx":{"q":"p3"},"l":{"t":"x"},"r":{"t":"w"},"verdict":"even"}',
    ].join('\n'),
  );
  const d = json([
    'inspect',
    f,
    '--prompt-key',
    'ctx.q',
    '--a-key',
    'l.t',
    '--b-key',
    'r.t',
    '--label-key',
    'verdict',
    '--a-wins',
    'left',
    '--b-wins',
    'right,r',
    '--ties',
    'even',
  ]);
  assert.equal(d.format, 'custom');
  assert.deepEqual([d.rows, d.pairs, d.accounting.nonPairRows], [3, 2, { tie: 1 }]);
  const g = json(['inspect', fixture('helpsteer2.jsonl'), '--gold', 'correctness']);
  assert.ok((g.notes as string[]).some((n) => n.startsWith('gold score: correctness')));
  const bad = run(['inspect', fixture('helpsteer2.jsonl'), '--gold', 'x=']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^reward-lens: --gold "x=": expected ATTRIBUTE or ATTRIBUTE=WEIGHT/);
});

test('hf:ORG/NAME[:SPLIT] reads the hub cache offline; inspect hf: lists it; a dataset not cached is one line', () => {
  const home = tempDir('rl-hfhome-');
  const snap = path.join(home, 'hub', 'datasets--acme--arena', 'snapshots', 'r1');
  fs.mkdirSync(path.join(snap, 'data'), { recursive: true });
  fs.copyFileSync(fixture('chatbot-arena.jsonl'), path.join(snap, 'data', 'train-00000-of-00001.jsonl'));
  fs.writeFileSync(
    path.join(snap, 'data', 'test-00000-of-00001.jsonl.gz'),
    new Uint8Array(gzipSync(new Uint8Array(fs.readFileSync(fixture('chatbot-arena.jsonl'))))),
  );
  const env = { HF_HOME: home, HF_HUB_CACHE: '', HF_DATASETS_CACHE: '' };
  const list = run(['inspect', 'hf:'], env);
  assert.equal(list.status, 0, list.stderr);
  assert.match(
    list.stdout,
    /^hf:acme\/arena {2}\(hub snapshot, .*r1\)\n {2}:test {2}rows unknown until read, 1 file\n {2}:train {2}5 rows, 1 file\n/,
  );
  const d = json(['inspect', 'hf:acme/arena:test'], env);
  assert.deepEqual([d.format, d.rows, d.pairs], ['chatbot-arena', 5, 3]);
  const missing = run(['inspect', 'hf:acme/nothing'], env);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /^reward-lens: hf:acme\/nothing: not in the Hugging Face cache \(looked in /);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
});
