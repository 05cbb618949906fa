// Row accounting is an invariant (issue 10 item 10): every row of every file is a pair row, a skipped row with a
// reason, or a counted non-pair row (prompt-only, response-only, scored responses). A file whose first rows are
// mostly bad is read as the broken pair file it is, not as "prompts" with nothing skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDatasetText } from '../../../src/core/data/loadText';
import { rowAccountingProblem } from '../../../src/core/data/builder';
import { loadDatasetFile } from '../../../src/node/loadDataset';
import { loadTrainingData } from '../../../src/train/trainingData';
import { UserError } from '../../../src/core/errors';
import type { LoadedDataset } from '../../../src/core/types';
import { fixture } from './fixtures';

/** The issue's reproduction: 7 rows, two good pairs' worth of fields, mostly prompt-only or broken rows first. */
const MOSTLY_BAD = [
  { prompt: 'a', chosen: '', rejected: 'x' },
  { prompt: 'b' },
  { prompt: 'c', chosen: 1, rejected: 'y' },
  { prompt: 'd' },
  { prompt: 'e', chosen: 'ok', rejected: 'no' },
  { prompt: 'f' },
  { prompt: 'g' },
]
  .map((r) => JSON.stringify(r))
  .join('\n');

const total = (d: LoadedDataset) =>
  d.accounting.pairRows + d.accounting.skippedRows + Object.values(d.accounting.nonPairRows).reduce((a, b) => a + (b ?? 0), 0);

test('a file whose first rows are mostly bad is a broken pair file: rows = pairs + skipped, every skip listed', () => {
  const d = loadDatasetText('mostly-bad.jsonl', MOSTLY_BAD);
  assert.equal(d.format, 'trl-pairwise');
  assert.equal(d.rows, 7);
  assert.deepEqual(d.accounting, { pairRows: 1, skippedRows: 6, nonPairRows: {} });
  assert.equal(d.pairs.length + d.skipped.length, d.rows);
  assert.deepEqual(
    d.skipped.map((s) => [s.line, s.field, s.reason]),
    [
      [1, 'chosen', 'empty-field'],
      [2, undefined, 'unrecognised'],
      [3, 'chosen', 'not-a-string'],
      [4, undefined, 'unrecognised'],
      [6, undefined, 'unrecognised'],
      [7, undefined, 'unrecognised'],
    ],
  );
  assert.match(d.skipped[1]!.detail, /no chosen\/rejected field/);
});

test('a real prompts-only file stays "prompts", its rows counted as prompt-only rows, and training says so', async () => {
  const d = await loadDatasetFile(fixture('xstest_prompts_tiny.csv'));
  assert.equal(d.format, 'prompts');
  assert.deepEqual(d.accounting, { pairRows: 0, skippedRows: 0, nonPairRows: { 'prompt-only': d.rows } });
  await assert.rejects(
    loadTrainingData([fixture('xstest_prompts_tiny.csv')], [], { holdoutFrac: 0, seed: 1 }),
    (e: Error) =>
      e instanceof UserError &&
      /no training pairs: .*xstest_prompts_tiny\.csv \(prompts, \d+ rows: \d+ prompt-only rows\)/.test(e.message) &&
      !/see skipped rows above/.test(e.message),
  );
});

test('every fixture, read from the file and from text, accounts for every row', async () => {
  // Data files only: test/fixtures also holds model and tokenizer folders.
  for (const name of fs.readdirSync(fixture('.')).filter((n) => fs.statSync(fixture(n)).isFile())) {
    const d = await loadDatasetFile(fixture(name));
    assert.equal(rowAccountingProblem(d), undefined, name);
    assert.equal(total(d), d.rows, name);
    const t = loadDatasetText(fixture(name), fs.readFileSync(fixture(name), 'utf8'));
    assert.deepEqual(t.accounting, d.accounting, name);
  }
});

test('the check itself catches a dataset whose rows do not add up', () => {
  const d = loadDatasetText('x.jsonl', MOSTLY_BAD);
  assert.equal(rowAccountingProblem(d), undefined);
  assert.match(rowAccountingProblem({ ...d, rows: 8 })!, /8 rows ≠ 1 pair rows \+ 6 skipped \+ 0 non-pair rows/);
  assert.match(rowAccountingProblem({ ...d, skipped: d.skipped.slice(1) })!, /6 skipped rows but 5 skip entries/);
  assert.match(rowAccountingProblem(d, 2)!, /2 rows gave neither a pair nor a skip reason/);
});

test('multi-response and response-only files count their rows by kind', () => {
  const long = [
    '{"instruction":"p","generator":"m1","output":"a","score":1}',
    '{"instruction":"p","generator":"m2","output":"b","score":1e999}',
    '{"instruction":"p","generator":"m3","output":"c","score":0.5}',
  ].join('\n');
  const d = loadDatasetText('long.jsonl', long);
  assert.equal(d.format, 'multi-long');
  assert.deepEqual(d.accounting, { pairRows: 0, skippedRows: 1, nonPairRows: { 'scored-response': 2 } });
  assert.match(d.skipped[0]!.detail, /number out of range/, '1e999 is out of range, not "null"');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-acc-'));
  fs.writeFileSync(path.join(dir, 'r.csv'), 'prompt,completion,final_label\nq,a,full_compliance\nq2,b,refusal\n');
  return loadDatasetFile(path.join(dir, 'r.csv')).then((r) => {
    assert.equal(r.format, 'responses');
    assert.deepEqual(r.accounting.nonPairRows, { 'response-only': 2 });
  });
});
