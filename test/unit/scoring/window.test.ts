// A window of a big JSON Lines document (the host sends only the chunk's lines and the line they start at,
// ScoreParams.textFirstLine) reads and scores exactly as the whole text restricted to those lines: the same rows,
// line numbers, line-based ids, skipped rows and scores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadDatasetText } from '../../../src/core/data/loadText';
import { windowJsonl } from '../../../src/core/scoring/chunks';
import { scoreDocument } from '../../../src/train/score';

const FILE = '/ws/data/pairs.jsonl';
const LINES = [
  '{"prompt":"p1","chosen":"a","rejected":"b"}',
  '',
  '{"prompt":"p3","chosen":"Sure, here it is.","rejected":"No."}',
  '{"prompt":"p4","chosen":"x"}',
  '{"id":"named","prompt":"p5","chosen":"yes","rejected":"no"}',
  'not json',
  '{"prompt":"p7","chosen":"Paris is the capital.","rejected":"Lyon."}',
  '',
  '{"prompt":"p9","chosen":"c","rejected":"d"}',
  '{"prompt":"p10","chosen":"e","rejected":"f"}',
];
const WHOLE = LINES.join('\n');
const window = (from: number, to: number) => windowJsonl(LINES.length, (i) => LINES[i]!, from, to);
const within = (from: number, to: number) => (line: number) => line >= from && line <= to;

test('a window read from its first line has the rows, ids and skipped lines of the whole text', () => {
  const whole = loadDatasetText(FILE, WHOLE);
  for (const [from, to] of [
    [1, 10],
    [3, 7],
    [4, 4],
    [6, 10],
  ] as const) {
    const w = window(from, to);
    const part = loadDatasetText(FILE, w.text, { firstLine: w.firstLine });
    const inside = within(from, to);
    assert.deepEqual(
      part.pairs.map((p) => [p.source.line, p.id, p.chosen]),
      whole.pairs.filter((p) => inside(p.source.line)).map((p) => [p.source.line, p.id, p.chosen]),
      `lines ${from}-${to}`,
    );
    assert.deepEqual(
      part.skipped.map((s) => [s.line, s.reason]),
      whole.skipped.filter((s) => inside(s.line)).map((s) => [s.line, s.reason]),
    );
  }
});

test('a window of any other format is refused, naming the file', () => {
  assert.throws(() => loadDatasetText('/ws/d.csv', 'prompt,chosen,rejected\np,a,b\n', { firstLine: 5 }), /d\.csv.*JSON Lines/);
});

test('scoring a window (textFirstLine) gives the scores of the whole text restricted to the window', { timeout: 120_000 }, async () => {
  const modelDir = path.resolve('test/fixtures/hf/qwen2');
  const w = window(3, 7);
  const whole = await scoreDocument({ modelDir, file: FILE, text: WHOLE, fromLine: 3, toLine: 7, engine: 'tfjs' });
  const part = await scoreDocument({
    modelDir,
    file: FILE,
    text: w.text,
    textFirstLine: w.firstLine,
    fromLine: 3,
    toLine: 7,
    engine: 'tfjs',
  });
  assert.equal(part.rows.length, 3);
  assert.deepEqual(
    part.rows.map((r) => r.line),
    [3, 5, 7],
  );
  assert.deepEqual(part.rows, whole.rows);
  assert.deepEqual(part.skipped, whole.skipped);
  assert.deepEqual(
    part.skipped.map((s) => s.line),
    [4, 6],
  );
});
