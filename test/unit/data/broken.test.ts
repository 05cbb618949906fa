// test/fixtures/broken.jsonl and broken.csv: every bad row is reported with its line, field and reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBoth } from './fixtures';
import { formatSkipped } from '../../../src/core/data/skipped';

const row = (s: { line: number; field?: string; reason: string }) => [s.line, s.field, s.reason];

test('broken.jsonl: each bad row has the right line, field and reason; good rows still load', async () => {
  const d = await loadBoth('broken.jsonl', { maxChars: 200 });
  // 16 lines, one blank (not a record).
  assert.equal(d.rows, 15);
  assert.deepEqual(
    d.pairs.map((p) => [p.source.line, p.prompt]),
    [
      [1, 'ok'],
      [16, 'last'],
    ],
  );
  assert.deepEqual(d.skipped.map(row), [
    [2, undefined, 'malformed'],
    [3, 'chosen', 'missing-field'],
    [4, 'chosen', 'empty-field'],
    [5, 'rejected', 'empty-field'],
    [6, 'rejected', 'not-a-string'],
    [7, undefined, 'identical'],
    [9, 'chosen', 'too-long'],
    [10, undefined, 'unrecognised'],
    [11, undefined, 'unrecognised'],
    [12, 'prompt', 'not-a-string'],
    [13, 'margin', 'bad-label'],
    [14, 'chosen', 'not-a-string'],
    [15, 'chosen', 'missing-field'],
  ]);
  assert.equal(d.pairs.length + d.skipped.length, d.rows, 'nothing dropped silently');
  const byLine = new Map(d.skipped.map((s) => [s.line, s.detail]));
  assert.match(byLine.get(2)!, /^invalid JSON: /);
  assert.equal(byLine.get(4), 'empty string');
  assert.equal(byLine.get(5), 'only whitespace');
  assert.equal(byLine.get(6), 'a number');
  assert.equal(byLine.get(9), '300 chars > maxChars 200');
  assert.equal(byLine.get(10), 'expected a JSON object, got an array');
  assert.match(byLine.get(11)!, /row has foo/);
  assert.equal(byLine.get(14), 'message 1 content is a number');
  assert.equal(byLine.get(15), 'null');
});

test('broken.jsonl with overLong "truncate": the long side is cut and counted, not skipped', async () => {
  const d = await loadBoth('broken.jsonl', { maxChars: 200, overLong: 'truncate' });
  const long = d.pairs.find((p) => p.source.line === 9)!;
  assert.equal(long.chosen.length, 200);
  assert.deepEqual(d.truncated, { prompt: 0, chosen: 1, rejected: 0, response: 0 });
  assert.ok(!d.skipped.some((s) => s.reason === 'too-long'));
});

test('broken.csv: bad quote and wrong field count are malformed at their real lines; recovery continues', async () => {
  const d = await loadBoth('broken.csv');
  assert.equal(d.format, 'trl-pairwise');
  assert.deepEqual(
    d.pairs.map((p) => [p.source.line, p.chosen]),
    [
      [2, 'good'],
      [5, 'multi\nline chosen'],
    ],
  );
  assert.deepEqual(d.skipped.map(row), [
    [3, undefined, 'malformed'],
    [4, undefined, 'malformed'],
    [7, 'chosen', 'empty-field'],
  ]);
  assert.match(d.skipped[0]!.detail, /unexpected "q" after a closing quote/);
  assert.match(d.skipped[1]!.detail, /expected 3 fields \(as in the header\), got 2/);
});

test('formatSkipped: file:line: field "x": reason (detail), capped, with a per-reason summary', async () => {
  const d = await loadBoth('broken.jsonl', { maxChars: 200 });
  const text = formatSkipped(d.skipped, 3).split('\n');
  assert.equal(text[1], 'broken.jsonl:3: field "chosen": missing-field (absent)');
  assert.equal(text[2], 'broken.jsonl:4: field "chosen": empty-field (empty string)');
  assert.equal(text[3], '… and 10 more');
  assert.equal(
    text[4],
    'skipped 13 rows: 3 not-a-string, 2 missing-field, 2 empty-field, 2 unrecognised, 1 malformed, 1 identical, 1 too-long, 1 bad-label',
  );
  assert.equal(formatSkipped([], 3), '');
});
