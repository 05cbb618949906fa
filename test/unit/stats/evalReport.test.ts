import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PairScores } from '../../../src/core/report';
import { buildEvalReport, buildEvalSetReport, type EvalSetInput } from '../../../src/core/stats/index';
import { assertClose, pair } from './helpers';

function scores(n: number, f: (i: number) => { rc: number; rr: number; hc: number; hr: number }): PairScores {
  const rows = Array.from({ length: n }, (_, i) => f(i));
  return {
    ids: rows.map((_, i) => `t:${i + 1}`),
    lines: rows.map((_, i) => i + 1),
    rChosen: Float32Array.from(rows.map((r) => r.rc)),
    rRejected: Float32Array.from(rows.map((r) => r.rr)),
    hNormChosen: rows.map((r) => r.hc),
    hNormRejected: rows.map((r) => r.hr),
    hDiffNorm: rows.map((r) => Math.abs(r.hc - r.hr) + 1),
    lenChosen: rows.map((_, i) => 10 + i),
    lenRejected: rows.map((_, i) => 12 - i),
  };
}

function set(name: string, hBase: number, extra: Partial<EvalSetInput> = {}): EvalSetInput {
  const n = 4;
  return {
    name,
    file: `${name}.jsonl`,
    pairs: Array.from({ length: n }, (_, i) => pair(i, { subset: i % 2 ? 'odd' : 'even' })),
    // Rewards: pair 0 right (2 > 1), pair 1 tie (wrong), pair 2 right, pair 3 wrong.
    scores: scores(n, (i) => ({ rc: [2, 1, 0.5, -1][i]!, rr: [1, 1, -0.5, 0][i]!, hc: hBase + i, hr: hBase - i })),
    wpNorm: 1.25,
    ...extra,
  };
}

test('buildEvalSetReport assembles every diagnostic for one set', () => {
  const identity = { rows: Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]), n: 3, dim: 3 };
  const r = buildEvalSetReport(set('id', 100, { hiddenSample: identity, histogramBins: 5 }));
  assert.equal(r.name, 'id');
  assert.equal(r.file, 'id.jsonl');
  assert.equal(r.pairs, 4);
  assert.equal(r.accuracy.value, 0.5);
  assert.equal(r.byGroup.subset?.even?.value, 1); // Pairs 0 and 2.
  assert.equal(r.byGroup.subset?.odd?.value, 0);
  assertClose(r.margin.mean, (1 + 0 + 1 - 1) / 4);
  assertClose(r.rewardChosen.mean, (2 + 1 + 0.5 - 1) / 4);
  assert.equal(r.histChosen.counts.length, 5);
  assert.deepEqual(r.histChosen.edges, r.histRejected.edges);
  assert.equal(
    r.histChosen.counts.reduce((s, c) => s + c, 0),
    4,
  );
  // ‖h‖ over chosen and rejected: 100..103 and 97..100 → 8 values, median 100.
  assert.equal(r.hNorm.n, 8);
  assert.equal(r.hNorm.median, 100);
  assert.equal(r.hDiffNorm.n, 4);
  assertClose(r.decomposition.meanHNorm, 100);
  assert.equal(r.decomposition.wpNorm, 1.25);
  assert.equal(r.lengthBias.pickLonger.value, 0.5); // Lengths (10,12),(11,11),(12,10),(13,9): pairs 2, 3.
  assertClose(r.erank, 3, 1e-12);
  assert.equal(r.erankRows, 3);
  assert.equal(r.kendall, undefined);
  assert.equal(r.rmBench, undefined);
});

test('buildEvalSetReport adds Kendall when multi is given and RM-Bench when pairs carry a style', () => {
  const multi = [
    { gold: [1, 2, 3, 4], model: [1, 3, 2, 4] },
    { gold: [1, 1, 1, 1], model: [1, 2, 3, 4] },
  ];
  const styled = set('rmb', 50);
  const pairs = styled.pairs.map((p, i) => ({ ...p, groups: { style: ['hard', 'normal', 'easy', 'hard'][i]!, domain: 'chat' } }));
  const r = buildEvalSetReport({ ...styled, pairs, multi });
  assertClose(r.kendall?.mean ?? NaN, 2 / 3);
  assert.equal(r.kendall?.nanFraction, 0.5);
  assert.equal(r.rmBench?.hard.value, 0.5); // Pairs 0 (right) and 3 (wrong).
  assert.equal(r.rmBench?.normal.value, 0); // Pair 1 ties.
  assert.equal(r.rmBench?.easy.value, 1);
  assertClose(r.rmBench?.overall ?? NaN, 0.5);
  assert.ok(Number.isNaN(r.erank));
  assert.equal(r.erankRows, 0);
});

test('buildEvalSetReport names the set, file and field when scores are misaligned', () => {
  const s = set('bad', 10);
  assert.throws(
    () => buildEvalSetReport({ ...s, scores: { ...s.scores, hDiffNorm: [1, 2] } }),
    /'bad' \(bad\.jsonl\): scores\.hDiffNorm has 2 entries for 4 pairs/,
  );
  const ids = ['t:1', 't:2', 'x', 't:4'];
  assert.throws(
    () => buildEvalSetReport({ ...s, scores: { ...s.scores, ids } }),
    /scores\.ids\[2\] = 'x' but pair 2 \(line 3\) has id 't:3'/,
  );
});

test('an empty eval set yields NaN statistics, not a crash', () => {
  const s = set('empty', 1);
  const r = buildEvalSetReport({ ...s, pairs: [], scores: scores(0, () => ({ rc: 0, rr: 0, hc: 0, hr: 0 })) });
  assert.equal(r.pairs, 0);
  assert.ok(Number.isNaN(r.accuracy.value) && Number.isNaN(r.hNorm.median) && Number.isNaN(r.decomposition.gradProxy));
  assert.deepEqual(r.byGroup, {});
});

test('buildEvalReport: cross-set median shift and erank gap against sets[0] (the training sample)', () => {
  const eye = (k: number, n: number, dim: number) => {
    const rows = new Float32Array(n * dim);
    for (let i = 0; i < k; i++) rows[i * dim + i] = 1;
    return { rows, n, dim };
  };
  const train = buildEvalSetReport(set('train', 100, { hiddenSample: eye(2, 4, 4) }));
  const ood = buildEvalSetReport(set('ood', 130, { hiddenSample: eye(4, 4, 4) }));
  const id = buildEvalSetReport(set('id', 90, { hiddenSample: eye(3, 4, 4) }));
  const rep = buildEvalReport(7, [train, ood, id]);
  assert.equal(rep.step, 7);
  assert.equal(rep.sets.length, 3);
  assertClose(rep.crossSetMedianShift, 130 - 90);
  assertClose(rep.erankGap.train ?? NaN, 0);
  assertClose(rep.erankGap.ood ?? NaN, 2, 1e-12);
  assertClose(rep.erankGap.id ?? NaN, 1, 1e-12);
  const none = buildEvalReport(0, []);
  assert.ok(Number.isNaN(none.crossSetMedianShift));
  assert.deepEqual(none.erankGap, {});
});
