import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appendJsonLine, readJsonLines, writeDirAtomic, writeJsonAtomic } from '../../../src/node/atomic';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rl-atomic-'));

test('writeJsonAtomic leaves no temp files and replaces the target', () => {
  const d = tmp();
  const f = path.join(d, 'a', 'x.json');
  writeJsonAtomic(f, { v: 1 });
  writeJsonAtomic(f, { v: 2 });
  assert.deepEqual(JSON.parse(fs.readFileSync(f, 'utf8')), { v: 2 });
  assert.deepEqual(fs.readdirSync(path.dirname(f)), ['x.json']);
});

test('readJsonLines skips a truncated last line and reports it', () => {
  const d = tmp();
  const f = path.join(d, 'm.jsonl');
  appendJsonLine(f, { step: 1 });
  appendJsonLine(f, { step: 2 });
  fs.appendFileSync(f, '{"step": 3, "lo'); // a crash mid-write
  const bad: number[] = [];
  assert.deepEqual(
    readJsonLines<{ step: number }>(f, (line) => bad.push(line)).map((r) => r.step),
    [1, 2],
  );
  assert.deepEqual(bad, [3]);
});

test('writeDirAtomic keeps the old directory when the build fails', async () => {
  const d = tmp();
  const target = path.join(d, 'ckpt');
  await writeDirAtomic(target, (t) => fs.writeFileSync(path.join(t, 'w'), 'one'));
  await assert.rejects(
    writeDirAtomic(target, (t) => {
      fs.writeFileSync(path.join(t, 'w'), 'two');
      throw new Error('disk full');
    }),
    /disk full/,
  );
  assert.equal(fs.readFileSync(path.join(target, 'w'), 'utf8'), 'one');
  assert.deepEqual(fs.readdirSync(d), ['ckpt']);
});
