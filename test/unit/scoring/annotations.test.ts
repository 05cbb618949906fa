import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotateScores, fieldColumns } from '../../../src/core/scoring/annotations';
import { escapeMarkdown } from '../../../src/core/markdown';
import type { ScoreResult, ScoredRow } from '../../../src/protocol/trainer';

const row = (line: number, rChosen: number, rRejected: number, id = `pairs.jsonl:${line}`): ScoredRow => ({
  line,
  id,
  rChosen,
  rRejected,
  hNormChosen: 4,
  hNormRejected: 5,
  cosChosen: 0.25,
  cosRejected: -0.5,
  hPctChosen: 73.4,
  hPctRejected: 12,
});
const result = (over: Partial<ScoreResult>): ScoreResult => ({
  modelDir: '/m',
  model: { kind: 'reward-lens', headTrained: true },
  cached: 0,
  wpNorm: 2,
  rows: [],
  groups: [],
  skipped: [],
  backend: 'cpu',
  elapsedMs: 1,
  ...over,
});

test('a correctly ranked pair: title, inline text, no problem', () => {
  const [a] = annotateScores(result({ rows: [row(3, 1.234, -0.4)] }), { reportMisranked: true });
  assert.equal(a!.line, 3);
  assert.equal(a!.status, 'correct');
  assert.equal(a!.title, '✓ r(chosen) 1.23 · r(rejected) -0.40 · margin +1.63');
  assert.equal(a!.inlineText, '✓ 1.23 / -0.40  Δ +1.63');
  assert.deepEqual(a!.problems, []);
});

test('a mis-ranked pair is ✗ and becomes a Problems entry only when asked', () => {
  const [a] = annotateScores(result({ rows: [row(7, -1, 0.5)] }), { reportMisranked: true });
  assert.equal(a!.status, 'wrong');
  assert.ok(a!.title.startsWith('✗'));
  assert.equal(a!.problems.length, 1);
  assert.equal(a!.problems[0]!.code, 'misranked');
  assert.match(a!.problems[0]!.message, /margin -1\.50/);
  const [b] = annotateScores(result({ rows: [row(7, -1, 0.5)] }), { reportMisranked: false });
  assert.deepEqual(b!.problems, []);
});

test('a tie (margin 0) counts as mis-ranked, as accuracy does', () => {
  const [a] = annotateScores(result({ rows: [row(1, 0.3, 0.3)] }), { reportMisranked: true });
  assert.equal(a!.status, 'wrong');
});

test('the hover shows ‖h‖ with percentiles, cos ψ and the decomposition numbers', () => {
  const [a] = annotateScores(result({ rows: [row(1, 2, 1)] }), { reportMisranked: true });
  const md = a!.hoverMarkdown;
  assert.match(md, /‖h‖ \(percentile in training\) \| 4\.000 \(p73\) \| 5\.000 \(p12\)/);
  assert.match(md, /cos ψ \(h vs W_p\) \| 0\.250 \| -0\.500/);
  // r = ‖W_p‖·‖h‖·cos ψ: chosen 2·4·0.25, rejected 2·5·(−0.5)
  assert.match(md, /chosen 2\.000·4\.000·0\.250, rejected 2\.000·5\.000·-0\.500/);
  assert.match(md, /margin r_w − r_l = \*\*\+1\.000\*\*/);
});

test('several pairs on one row (RM-Bench 3×3) aggregate into one mixed annotation', () => {
  const rows = [row(2, 1, 0, 'a#0'), row(2, 0, 1, 'a#1'), row(2, 2, 1, 'a#2')];
  const out = annotateScores(result({ rows }), { reportMisranked: true });
  assert.equal(out.length, 1);
  assert.equal(out[0]!.status, 'mixed');
  assert.equal(out[0]!.title, '2/3 pairs ✓ · mean margin +0.33');
  assert.match(out[0]!.problems[0]!.message, /1 of 3 pairs/);
});

test('rows out of line order are still grouped per line: one annotation a line, in line order', () => {
  const rows = [row(5, 1, 0, 'b#0'), row(2, 1, 0, 'a#0'), row(5, 0, 1, 'b#1'), row(2, 2, 1, 'a#1'), row(9, 1, 0)];
  const out = annotateScores(result({ rows }), { reportMisranked: true });
  assert.deepEqual(
    out.map((a) => [a.line, a.title]),
    [
      [2, '2/2 pairs ✓ · mean margin +1.00'],
      [5, '1/2 pairs ✓ · mean margin +0.00'],
      [9, '✓ r(chosen) 1.00 · r(rejected) 0.00 · margin +1.00'],
    ],
  );
});

test('multi-response rows show the model ranking against gold with τ', () => {
  const out = annotateScores(result({ groups: [{ line: 5, id: 'p1', rewards: [0.1, 0.9, 0.5], gold: [3, 1, 2], tau: -1 / 3 }] }), {
    reportMisranked: true,
  });
  assert.equal(out[0]!.status, 'group');
  assert.equal(out[0]!.title, 'ranking vs gold: τ = -0.33 · model order 2 > 3 > 1 · gold 1 > 3 > 2');
  const nan = annotateScores(result({ groups: [{ line: 5, id: 'p1', rewards: [1, 1], gold: [1, 1], tau: NaN }] }), {
    reportMisranked: true,
  });
  assert.match(nan[0]!.title, /τ = n\/a/);
});

test('skipped rows become warnings naming the field and reason, sorted with the rest by line', () => {
  const out = annotateScores(
    result({
      rows: [row(4, 1, 0)],
      skipped: [{ line: 2, field: 'chosen', reason: 'missing-field', detail: 'no "chosen" key' }],
    }),
    { reportMisranked: true },
  );
  assert.deepEqual(
    out.map((a) => a.line),
    [2, 4],
  );
  assert.equal(out[0]!.status, 'invalid');
  assert.deepEqual(out[0]!.problems[0], {
    line: 2,
    severity: 'warning',
    code: 'missing-field',
    field: 'chosen',
    message: 'Row skipped (missing-field \'chosen\'): no "chosen" key',
  });
});

test('untrusted ids and details cannot inject Markdown or HTML into hovers', () => {
  const evil = '<img src=x onerror=alert(1)>[link](command:evil)';
  const [a] = annotateScores(result({ rows: [row(1, 1, 0, evil)] }), { reportMisranked: true });
  // Every '<', '[', ']' and '(' of the id is backslash-escaped, so neither HTML nor a link can form.
  assert.doesNotMatch(a!.hoverMarkdown, /(^|[^\\])</);
  assert.doesNotMatch(a!.hoverMarkdown, /[^\\]\]\(command:/);
  assert.match(a!.hoverMarkdown, /\\<img src\\=x onerror\\=alert\\\(1\\\)\\>/);
  assert.equal(escapeMarkdown('a_b*c'), 'a\\_b\\*c');
});

test('fieldColumns underlines the field key, or the trimmed line', () => {
  assert.deepEqual(fieldColumns('{"prompt":"p","chosen":1}', 'chosen'), { start: 14, end: 22 });
  assert.deepEqual(fieldColumns('  {"x":1}  ', 'chosen'), { start: 2, end: 9 });
  assert.deepEqual(fieldColumns('  {"x":1}', undefined), { start: 2, end: 9 });
});

test('a backbone with an untrained head: every hover says so, no mis-ranked Problems, ‖h‖ without a percentile', () => {
  const r = { ...row(4, -1, 2), hPctChosen: NaN, hPctRejected: NaN };
  const [a] = annotateScores(result({ rows: [r], model: { kind: 'hf', headTrained: false } }), { reportMisranked: true });
  assert.ok(a!.hoverMarkdown.startsWith('⚠ **Untrained reward head**'), a!.hoverMarkdown);
  assert.deepEqual(a!.problems, []);
  assert.match(a!.hoverMarkdown, /\| ‖h‖ \| 4\.000 \| 5\.000 \|/);
  const [b] = annotateScores(result({ rows: [r] }), { reportMisranked: true });
  assert.equal(b!.problems.length, 1);
  assert.doesNotMatch(b!.hoverMarkdown, /Untrained/);
});

test('a pair truncated to fit the model says so in its hover, side by side', () => {
  const [a] = annotateScores(result({ rows: [{ ...row(2, 1, 0), truncated: { chosen: [12, 0], rejected: [12, 3] } }] }), {
    reportMisranked: true,
  });
  assert.match(
    a!.hoverMarkdown,
    /✂ truncated to fit the model: chosen 12 prompt tokens \(from the left\), 0 response tokens \(from the right\), rejected 12 prompt tokens \(from the left\), 3 response tokens/,
  );
  const [b] = annotateScores(result({ rows: [row(2, 1, 0)] }), { reportMisranked: true });
  assert.doesNotMatch(b!.hoverMarkdown, /truncated/);
});
