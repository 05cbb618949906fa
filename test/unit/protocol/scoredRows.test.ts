// Scored rows cross the worker boundary in columns: the round trip is exact (every field, the cut tokens, ids),
// survives a structured clone as typed arrays, and annotations read from columns as from row objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotateScores } from '../../../src/core/scoring/annotations';
import { fromScoreReply, marginAt, rowAt, rowsOf, toColumns, toScoreReply, ROW_VALUES } from '../../../src/protocol/scoredRows';
import type { ScoredRow, ScoreResult } from '../../../src/protocol/trainer';

const row = (line: number, k: number, cut = false): ScoredRow => ({
  line,
  id: `pairs.jsonl:${line}`,
  rChosen: 1.25 * k - 0.1,
  rRejected: -0.75 * k + 1e-9,
  hNormChosen: 8 + k / 7,
  hNormRejected: 9 - k / 3,
  cosChosen: Math.sin(k),
  cosRejected: Math.cos(k),
  hPctChosen: k === 2 ? Number.NaN : 10 * k,
  hPctRejected: 99.5,
  ...(cut ? { truncated: { chosen: [3, 0] as const, rejected: [0, 12] as const } } : {}),
});
const rows = [row(3, 1), row(4, 2, true), row(9, 3), row(9, 4)];

test('rows → columns → rows is exact, NaN and cut tokens included; a structured clone keeps typed arrays', () => {
  const cols = toColumns(rows);
  assert.equal(cols.count, 4);
  assert.equal(ROW_VALUES.length, 8);
  assert.deepEqual(rowsOf(cols), rows);
  const cloned = structuredClone(cols);
  assert.ok(cloned.values instanceof Float64Array && cloned.lines instanceof Int32Array);
  assert.deepEqual(rowsOf(cloned), rows);
  assert.equal(marginAt(cols, 1), rows[1]!.rChosen - rows[1]!.rRejected);
  assert.deepEqual(rowAt(cols, 1).truncated, rows[1]!.truncated);
  assert.equal(toColumns([row(1, 1)]).truncated, undefined, 'no per-row list when nothing was cut');
});

test('annotations from columns equal annotations from row objects (titles, status, problems, hovers)', () => {
  const result: ScoreResult = {
    modelDir: '/m',
    model: { kind: 'reward-lens', headTrained: true },
    cached: 0,
    wpNorm: 2,
    rows,
    groups: [],
    skipped: [],
    backend: 'cpu',
    elapsedMs: 1,
  };
  const view = (r: ScoreResult | ReturnType<typeof toScoreReply>) =>
    annotateScores(r, { reportMisranked: true }).map((a) => [a.line, a.status, a.title, a.inlineText, a.hoverMarkdown, a.problems]);
  const reply = structuredClone(toScoreReply(result));
  assert.deepEqual(view(reply), view(result));
  assert.deepEqual(fromScoreReply(reply), result);
  assert.equal(view(reply).length, 3, 'the two pairs of line 9 make one annotation');
});
