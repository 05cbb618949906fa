// The readers: JSON record splitter, CSV reader, JSONL quirks, and parquet row groups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as csvParseSync } from 'csv-parse/sync';
import { parquetWriteFile } from 'hyparquet-writer';
import { JsonRecordSplitter } from '../../../src/core/data/jsonSplitter';
import { CsvReader } from '../../../src/core/data/csv';
import { loadDatasetText } from '../../../src/core/data/loadText';
import { describeHead } from '../../../src/core/data/head';
import { loadDatasetFile } from '../../../src/node/loadDataset';

function split(text: string, chunk = text.length) {
  const out: [string, number][] = [];
  const s = new JsonRecordSplitter((t, line) => out.push([t, line]));
  for (let i = 0; i < text.length; i += chunk) s.push(text.slice(i, i + chunk));
  s.end();
  return { out, key: s.containerKey, layout: s.layout, problems: s.problems };
}

test('JSON splitter: array elements with start lines; strings holding brackets, quotes and escapes', () => {
  const text = '[\n  {"a": "x]}", "b": "q\\"[{"},\n  {"a": [1, {"c": 2}]}\n, 3]';
  const whole = split(text);
  assert.equal(whole.layout, 'array');
  assert.deepEqual(whole.out, [
    ['{"a": "x]}", "b": "q\\"[{"}', 2],
    ['{"a": [1, {"c": 2}]}', 3],
    ['3', 4],
  ]);
  // Any chunking gives the same pieces: one character at a time is the harshest.
  assert.deepEqual(split(text, 1).out, whole.out);
  assert.deepEqual(split(text, 7).out, whole.out);
});

test('JSON splitter: wrapper object, message arrays inside a single record, concatenated values', () => {
  const wrapped = '{"meta": {"n": [1]}, "names": ["a"], "rows": [\n{"p": 1},\n{"p": 2}], "after": [{"x": 1}]}';
  assert.deepEqual(split(wrapped, 3), {
    out: [
      ['{"p": 1}', 2],
      ['{"p": 2}', 3],
    ],
    key: 'rows',
    layout: 'object',
    problems: [],
  });
  // A single record whose chosen is a message list is one record, not a wrapper around messages.
  const single = '{"chosen": [{"role": "user", "content": "hi"}], "rejected": [{"role": "user", "content": "yo"}]}';
  const one = split(single, 5);
  assert.deepEqual([one.out, one.key, one.layout], [[[single, 1]], undefined, 'object']);
  const concat = '{"a": 1}\n{"a": 2}\n';
  const c = split(concat, 2);
  assert.deepEqual(c.out, [
    ['{"a": 1}', 1],
    ['{"a": 2}', 2],
  ]);
  assert.equal(c.layout, 'values');
});

test('JSON file: a malformed element is skipped with its line, the others load; truncated file is noted', () => {
  const text =
    '[\n{"prompt": "a", "chosen": "b", "rejected": "c"},\n{"prompt": "a" "chosen": "b"},\n{"prompt": "d", "chosen": "e", "rejected": "f"}\n';
  const d = loadDatasetText('x.json', text);
  assert.deepEqual(
    d.pairs.map((p) => p.source.line),
    [2, 4],
  );
  assert.deepEqual(
    d.skipped.map((s) => [s.line, s.reason]),
    [[3, 'malformed']],
  );
  assert.ok(
    d.notes.some((n) => n.startsWith('file ends inside a JSON value')),
    d.notes.join('; '),
  );
});

function csvRecords(text: string, chunk = text.length) {
  const out: [string[], number][] = [];
  const bad: [number, string][] = [];
  const r = new CsvReader({ record: (f, l) => out.push([f, l]), malformed: (l, d) => bad.push([l, d]) });
  for (let i = 0; i < text.length; i += chunk) r.push(text.slice(i, i + chunk));
  r.end();
  return { out, bad };
}

test('CSV reader: real start lines with CRLF record ends, quoted LF/CRLF, doubled quotes, BOM, blank lines', () => {
  const text = '\ufeffa,b\r\n1,"x\r\ny"\r\n\r\n2,"he said ""hi"""\r\n3,\n"4\n\n5",z';
  const want: [string[], number][] = [
    [['a', 'b'], 1],
    [['1', 'x\r\ny'], 2],
    [['2', 'he said "hi"'], 5],
    [['3', ''], 6],
    [['4\n\n5', 'z'], 7],
  ];
  assert.deepEqual(csvRecords(text).out, want);
  assert.deepEqual(csvRecords(text, 1).out, want);
  // csv-parse agrees on the fields (its line counts differ on CRLF inside quotes, which is why we count ourselves).
  assert.deepEqual(
    csvParseSync(text, { bom: true, skip_empty_lines: true, relax_column_count: true, record_delimiter: ['\r\n', '\n'] }),
    want.map(([f]) => f),
  );
});

test('CSV reader: an unclosed quote is one malformed record at the line it started', () => {
  const { out, bad } = csvRecords('a,b\n1,"open\n2,x\n');
  assert.deepEqual(out, [[['a', 'b'], 1]]);
  assert.deepEqual(
    bad.map(([l]) => l),
    [2],
  );
  assert.match(bad[0]![1], /never closed/);
});

test('JSONL: CRLF line ends, a BOM and blank lines; .json holding JSON Lines is read as JSONL', async () => {
  const text = '\ufeff{"prompt":"p","chosen":"a","rejected":"b"}\r\n\r\n{"prompt":"q","chosen":"c","rejected":"d"}\r\n';
  const dir = mkdtempSync(join(tmpdir(), 'rl-data-'));
  try {
    for (const name of ['x.jsonl', 'x.json']) {
      const f = join(dir, name);
      writeFileSync(f, text);
      const d = await loadDatasetFile(f);
      assert.deepEqual(
        d.pairs.map((p) => [p.prompt, p.source.line]),
        [
          ['p', 1],
          ['q', 3],
        ],
        name,
      );
      assert.deepEqual(d.skipped, []);
    }
    assert.equal(describeHead('x.json', text).format, 'jsonl');
    assert.equal(describeHead('x.json', '[{"a":1}]').format, 'json');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parquet: rows are read row group by row group, line = row index + 1, BigInt ids become numbers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-parquet-'));
  const file = join(dir, 'pairs.parquet');
  try {
    parquetWriteFile({
      filename: file,
      rowGroupSize: 2, // 5 rows → 3 row groups, so the incremental reader is exercised.
      columnData: [
        { name: 'id', data: [10n, 11n, 12n, 13n, 14n], type: 'INT64' },
        { name: 'prompt', data: ['p0', 'p1', 'p2', 'p3', 'p4'], type: 'STRING' },
        { name: 'chosen', data: ['c0', '', 'c2', 'c3', 'c4'], type: 'STRING' },
        { name: 'rejected', data: ['r0', 'r1', 'r2', 'r3', 'r4'], type: 'STRING' },
        { name: 'subset', data: ['s', 's', 't', 't', 't'], type: 'STRING' },
      ],
    });
    const d = await loadDatasetFile(file);
    assert.equal(d.format, 'rewardbench');
    assert.equal(d.rows, 5);
    assert.deepEqual(
      d.pairs.map((p) => [p.id, p.prompt, p.source.line, p.source.row]),
      [
        ['10', 'p0', 1, 0],
        ['12', 'p2', 3, 2],
        ['13', 'p3', 4, 3],
        ['14', 'p4', 5, 4],
      ],
    );
    assert.deepEqual(
      d.skipped.map((s) => [s.line, s.field, s.reason]),
      [[2, 'chosen', 'empty-field']],
    );
    assert.deepEqual(d.groups.subset, { s: 1, t: 3 });
    const limited = await loadDatasetFile(file, { limit: 3 });
    assert.equal(limited.rows, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parquet: list<struct{role, content}> message columns load as conversational pairs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-parquet-'));
  const file = join(dir, 'messages.parquet');
  const conv = (u: string, a: string) => [
    { role: 'user', content: u },
    { role: 'assistant', content: a },
  ];
  try {
    parquetWriteFile({
      filename: file,
      columnData: [
        { name: 'chosen', data: [conv('q1', 'good1'), conv('q2', 'good2')] },
        { name: 'rejected', data: [conv('q1', 'bad1'), conv('q2', 'bad2')] },
        { name: 'score_chosen', data: [8, 7], type: 'DOUBLE' },
        { name: 'score_rejected', data: [2, 6.5], type: 'DOUBLE' },
      ],
    });
    const d = await loadDatasetFile(file);
    assert.equal(d.format, 'ultrafeedback');
    assert.deepEqual(
      d.pairs.map((p) => [p.prompt, p.chosen, p.rejected, p.margin]),
      [
        ['q1', 'good1', 'bad1', 6],
        ['q2', 'good2', 'bad2', 0.5],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
