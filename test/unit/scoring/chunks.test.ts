import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalize, planChunks, windowJsonl } from '../../../src/core/scoring/chunks';

const opts = { lineCount: 200, chunkLines: 100, maxLines: 0, margin: 10 };

test('visible range (with margin) first, then below, then above, in chunks', () => {
  assert.deepEqual(planChunks([{ from: 50, to: 80 }], [], opts), [
    { from: 40, to: 90 },
    { from: 91, to: 190 },
    { from: 1, to: 39 },
    { from: 191, to: 200 },
  ]);
});

test('already scored ranges are skipped', () => {
  assert.deepEqual(planChunks([{ from: 50, to: 80 }], [{ from: 1, to: 95 }], opts), [
    { from: 96, to: 195 },
    { from: 196, to: 200 },
  ]);
  assert.deepEqual(planChunks([{ from: 1, to: 10 }], [{ from: 1, to: 200 }], opts), []);
});

test('past maxLines only the visible neighbourhood is scored', () => {
  assert.deepEqual(planChunks([{ from: 1000, to: 1040 }], [], { ...opts, lineCount: 100_000, maxLines: 20_000 }), [
    { from: 990, to: 1050 },
  ]);
});

test('margins are clamped to the document and two visible ranges merge when they touch', () => {
  assert.deepEqual(
    planChunks(
      [
        { from: 1, to: 5 },
        { from: 12, to: 30 },
      ],
      [],
      { ...opts, lineCount: 35, maxLines: 1 },
    ),
    [{ from: 1, to: 35 }],
  );
  assert.deepEqual(planChunks([], [], { ...opts, lineCount: 0 }), []);
});

test('normalize merges overlapping and adjacent ranges and drops empty ones', () => {
  assert.deepEqual(
    normalize([
      { from: 5, to: 9 },
      { from: 1, to: 4 },
      { from: 20, to: 19 },
      { from: 8, to: 12 },
    ]),
    [{ from: 1, to: 12 }],
  );
});

test('windowJsonl keeps the lines of the range and says where they start', () => {
  const win = (lines: string[], from: number, to: number) => windowJsonl(lines.length, (i) => lines[i]!, from, to);
  assert.deepEqual(win(['a', 'b', 'c', 'd'], 2, 3), { text: 'b\nc', firstLine: 2 });
  assert.deepEqual(win(['a', 'b'], 1, 5), { text: 'a\nb', firstLine: 1 });
  assert.deepEqual(win(['a', 'b', 'c'], 3, 3), { text: 'c', firstLine: 3 });
});
