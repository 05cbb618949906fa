// Files that cannot be read at all give one-line errors naming the file (issue 10 item 11): a directory, a truncated
// or fake Parquet file, UTF-16/UTF-32 text, binary data. Numbers out of range and control characters in bad rows are
// reported as what they are, on one line, with no raw escape sequence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { loadDatasetFile } from '../../../src/node/loadDataset';
import { FileError, UserError } from '../../../src/core/errors';
import { encodingProblem } from '../../../src/core/data/encoding';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-badfiles-'));
const PAIR = '{"prompt":"p","chosen":"a","rejected":"b"}\n{"prompt":"q","chosen":"c","rejected":"d"}\n';

const u8 = (...parts: (string | number[] | Uint8Array)[]) =>
  new Uint8Array(parts.flatMap((p) => [...(typeof p === 'string' ? new TextEncoder().encode(p) : p)]));

function utf16(text: string, bigEndian: boolean, bom: boolean): Uint8Array {
  const le = new Uint8Array(Buffer.from(text, 'utf16le'));
  const body = bigEndian ? le.map((_, i) => le[i ^ 1]!) : le;
  return bom ? u8(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe], body) : body;
}

async function refused(file: string, re: RegExp): Promise<void> {
  await assert.rejects(loadDatasetFile(file), (e: Error) => {
    assert.ok(e instanceof UserError, `${file}: ${e.name} is a user error`);
    assert.ok(e.message.includes(file), `names the file: ${e.message}`);
    assert.match(e.message, re);
    assert.doesNotMatch(e.message, /\n|\x1b/);
    return true;
  });
}

test('a directory, a missing file and a FIFO are refused with the file name', async () => {
  fs.mkdirSync(path.join(dir, 'folder.jsonl'));
  await refused(path.join(dir, 'folder.jsonl'), /is a directory; give a data file/);
  await refused(path.join(dir, 'absent.jsonl'), /cannot read .*absent\.jsonl: no such file or directory \(ENOENT\)/);
});

test('truncated, fake and corrupted Parquet files are one-line errors, not stacks', async () => {
  const good = path.join(dir, 'good.parquet');
  parquetWriteFile({
    filename: good,
    rowGroupSize: 2,
    columnData: [
      { name: 'prompt', data: ['p0', 'p1', 'p2', 'p3'], type: 'STRING' },
      { name: 'chosen', data: ['c0', 'c1', 'c2', 'c3'], type: 'STRING' },
      { name: 'rejected', data: ['r0', 'r1', 'r2', 'r3'], type: 'STRING' },
    ],
  });
  const bytes = new Uint8Array(fs.readFileSync(good));
  assert.equal((await loadDatasetFile(good)).pairs.length, 4);
  fs.writeFileSync(path.join(dir, 'truncated.parquet'), bytes.subarray(0, Math.floor(bytes.length / 2)));
  await refused(path.join(dir, 'truncated.parquet'), /not a readable Parquet file .*truncated/);
  fs.writeFileSync(path.join(dir, 'fake.parquet'), 'PAR1 this is not parquet at all');
  await refused(path.join(dir, 'fake.parquet'), /not a readable Parquet file/);
  fs.writeFileSync(path.join(dir, 'empty.parquet'), '');
  await refused(path.join(dir, 'empty.parquet'), /not a readable Parquet file/);
  // Damage the first row group's data pages but keep the footer: the row group is named.
  const hurt = bytes.slice();
  for (let i = 4; i < 60; i++) hurt[i] = 0xff;
  fs.writeFileSync(path.join(dir, 'hurt.parquet'), hurt);
  await assert.rejects(
    loadDatasetFile(path.join(dir, 'hurt.parquet')),
    (e: Error) => e instanceof FileError && /hurt\.parquet(:1)?: /.test(e.message) && !/\n/.test(e.message),
  );
});

test('UTF-16 and UTF-32 files, with or without a BOM, say so and how to convert', async () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['le-bom.jsonl', utf16(PAIR, false, true), /UTF-16 \(little-endian\) encoded; convert it to UTF-8 .*iconv -f UTF-16LE/],
    ['be-bom.jsonl', utf16(PAIR, true, true), /UTF-16 \(big-endian\) encoded/],
    ['le.jsonl', utf16(PAIR, false, false), /UTF-16 \(little-endian, no BOM\) encoded/],
    ['be.csv', utf16('prompt,chosen,rejected\np,a,b\n', true, false), /UTF-16 \(big-endian, no BOM\) encoded/],
    ['u32.json', u8([0xff, 0xfe, 0, 0], [0x5b, 0, 0, 0]), /UTF-32 \(little-endian\)/],
    ['binary.jsonl', u8([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x4b, 0x4c]), /binary data \(a NUL byte at offset 3\)/],
  ];
  for (const [name, body, re] of cases) {
    fs.writeFileSync(path.join(dir, name), body);
    await refused(path.join(dir, name), re);
  }
  assert.equal(encodingProblem(u8(PAIR)), undefined, 'UTF-8 text passes');
  assert.equal(encodingProblem(u8('\ufeff' + PAIR)), undefined, 'a UTF-8 BOM passes');
});

test('1e999 is "number out of range", NaN strings are "expected a number"; ESC bytes in bad rows are made visible', async () => {
  const f = path.join(dir, 'numbers.jsonl');
  fs.writeFileSync(
    f,
    [
      '{"instruction":"p","generator":"m1","output":"a","score":1e999}',
      '{"instruction":"p","generator":"m2","output":"b","score":-1e999}',
      '{"instruction":"p","generator":"m3","output":"c","score":"NaN"}',
      '{"instruction":"p","generator":"m4","output":"d","score":0.5}',
      '\x1b]0;pwned\x07{"broken',
    ].join('\n'),
  );
  const d = await loadDatasetFile(f);
  assert.deepEqual(
    d.skipped.map((s) => [s.line, s.field, s.reason]),
    [
      [1, 'score', 'bad-label'],
      [2, 'score', 'bad-label'],
      [3, 'score', 'bad-label'],
      [5, undefined, 'malformed'],
    ],
  );
  assert.match(d.skipped[0]!.detail, /number out of range/);
  assert.match(d.skipped[1]!.detail, /number out of range/);
  assert.match(d.skipped[2]!.detail, /expected a number, got "NaN"/);
  assert.doesNotMatch(d.skipped[0]!.detail, /got null/);
  // eslint-disable-next-line no-control-regex
  for (const s of d.skipped) assert.doesNotMatch(s.detail, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/, `line ${s.line}: ${s.detail}`);
  assert.match(d.skipped[3]!.detail, /\\x1B/);
});
