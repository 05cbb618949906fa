// The CLI on files it cannot use (issue 10 item 11): one line on stderr naming the file, exit code 2, no stack trace,
// and no raw control characters from the file on the terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../train/fixtures';

const CLI = path.resolve('dist/cli.js');
const run = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, timeout: 120_000 });
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f\x9b]/;

test('inspect and train refuse unusable files with one line naming the file, exit code 2, no stack', () => {
  const dir = tempDir('rl-badinput-');
  fs.mkdirSync(path.join(dir, 'dir.jsonl'));
  fs.writeFileSync(path.join(dir, 'fake.parquet'), 'PAR1 not really');
  fs.writeFileSync(
    path.join(dir, 'u16.jsonl'),
    new Uint8Array([0xff, 0xfe, ...Buffer.from('{"prompt":"p","chosen":"a","rejected":"b"}\n', 'utf16le')]),
  );
  const cases: [string[], RegExp][] = [
    [['inspect', 'dir.jsonl'], /dir\.jsonl: is a directory/],
    [['inspect', 'fake.parquet'], /fake\.parquet: not a readable Parquet file/],
    [['inspect', 'u16.jsonl'], /u16\.jsonl: UTF-16 \(little-endian\) encoded; convert it to UTF-8/],
    [['train', 'dir.jsonl', '--backend', 'wasm', '--steps', '1', '--out', 'r1'], /dir\.jsonl: is a directory/],
    [['train', 'u16.jsonl', '--backend', 'wasm', '--steps', '1', '--out', 'r2'], /u16\.jsonl: UTF-16/],
    [['train', 'x.jsonl', '--grad-clip=-1'], /--grad-clip expects a valid number, got "-1"/],
    [['train', 'x.jsonl', '--grad-clip', '-1'], /Option '--grad-clip' argument is ambiguous\.$/m],
  ];
  for (const [args, re] of cases) {
    const r = run(dir, ...args);
    assert.equal(r.status, 2, `${args.join(' ')} → ${r.status}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack');
  }
  assert.ok(!fs.existsSync(path.join(dir, 'r1')) && !fs.existsSync(path.join(dir, 'r2')), 'a refused run writes nothing');
});

test('ESC and other control bytes from a file never reach the terminal raw', () => {
  const dir = tempDir('rl-badinput-');
  fs.writeFileSync(
    path.join(dir, 'esc.jsonl'),
    [
      '{"prompt":"p","chosen":"a","rejected":"b","subset":"\\u001b[31mred\\u009b2J"}',
      '\x1b]0;pwned\x07{"broken',
      '{"prompt":"q","chosen":"\x1b[2J","rejected":"b"}',
    ].join('\n'),
  );
  const r = run(dir, 'inspect', 'esc.jsonl');
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, RAW_CONTROL, r.stdout);
  assert.match(r.stdout, /\\x1B\]0;pwned\\x07/, 'shown as visible escapes');
  const j = run(dir, 'inspect', 'esc.jsonl', '--json');
  assert.doesNotMatch(j.stdout, RAW_CONTROL);
  assert.equal(JSON.parse(j.stdout).rows, 3);
});
