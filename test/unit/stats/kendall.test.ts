import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kendallReport, kendallTauB } from '../../../src/core/stats/kendall';
import { assertClose } from './helpers';

/** τ-b straight from its definition, O(n²): the independent reference for the property test. */
function tauBBruteForce(x: number[], y: number[]): number {
  let nc = 0,
    nd = 0,
    tx = 0,
    ty = 0;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      if (dx === 0) tx++;
      if (dy === 0) ty++;
      if (dx * dy > 0) nc++;
      else if (dx * dy < 0) nd++;
    }
  }
  const n0 = (n * (n - 1)) / 2;
  return (nc - nd) / Math.sqrt((n0 - tx) * (n0 - ty));
}

test('hand-computed τ-b with a tie in x', () => {
  // x = [0.9, 0.5, 0.5, 0.1], y = [2, 1, 3, -1]: pairs (0,1) C, (0,2) D, (0,3) C, (1,2) tied in x,
  // (1,3) C, (2,3) C → n_c = 4, n_d = 1, n₀ = 6, n₁ = 1, n₂ = 0 → τ_b = 3 / √(5·6).
  assertClose(kendallTauB([0.9, 0.5, 0.5, 0.1], [2, 1, 3, -1]), 3 / Math.sqrt(30));
});

// scipy 1.10.1: scipy.stats.kendalltau(x, y).statistic (default variant 'b', nan_policy 'propagate')
test('matches scipy.stats.kendalltau on cases with ties', () => {
  const cases: [number[], number[], number][] = [
    [[1, 2, 3, 4], [1, 3, 2, 4], 0.6666666666666669],
    [[0.9, 0.5, 0.5, 0.1], [2.0, 1.0, 3.0, -1.0], 0.5477225575051662],
    [[1, 1, 2, 2], [3, 3, 1, 1], -1.0],
    [[5, 4, 4, 4, 1, 0], [1, 2, 2, 3, 3, 9], -0.8807048459279793],
    [[2.5, -1, 0.3, 0.3, 8, 8, 8, 1], [0.1, 0.1, 0.2, -3, 4, 4, 5, 0.1], 0.6250000000000001],
  ];
  for (const [x, y, tau] of cases) assertClose(kendallTauB(x, y), tau, 1e-12, `τ(${x}; ${y})`);
  // rng = np.random.default_rng(7); x = rng.integers(0, 6, 40); y = rng.integers(0, 5, 40)
  const bigX = [5, 3, 4, 5, 3, 4, 5, 1, 0, 1, 1, 5, 5, 0, 2, 4, 0, 4, 0, 2, 4, 1, 2, 1, 4, 1, 5, 2, 2, 3, 3, 3, 3, 5, 4, 4, 4, 3, 2, 5];
  const bigY = [2, 1, 4, 0, 4, 3, 0, 0, 2, 0, 0, 2, 4, 2, 4, 4, 4, 3, 2, 2, 1, 2, 1, 1, 4, 0, 0, 0, 4, 3, 4, 1, 3, 1, 2, 0, 3, 4, 3, 0];
  assertClose(kendallTauB(bigX, Float32Array.from(bigY)), -0.007747627961957067);
});

test('NaN cases: a side all tied, n < 2, NaN inputs (scipy gives nan for each)', () => {
  assert.ok(Number.isNaN(kendallTauB([1, 2, 3], [7, 7, 7])));
  assert.ok(Number.isNaN(kendallTauB([4, 4], [1, 2])));
  assert.ok(Number.isNaN(kendallTauB([1], [1])));
  assert.ok(Number.isNaN(kendallTauB([], [])));
  assert.ok(Number.isNaN(kendallTauB([1, 2, NaN], [1, 2, 3])));
  assert.throws(() => kendallTauB([1, 2], [1]), /aligned/);
});

test('property: τ(x, x) = 1, τ(x, reverse order) = −1, and the fast path equals the O(n²) definition', () => {
  let seed = 99;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let trial = 0; trial < 200; trial++) {
    const n = 2 + Math.floor(rand() * 30);
    const levels = 1 + Math.floor(rand() * 8); // Few levels → many ties.
    const x = Array.from({ length: n }, () => Math.floor(rand() * levels));
    const y = Array.from({ length: n }, () => Math.floor(rand() * levels) * 0.5);
    const expected = tauBBruteForce(x, y);
    const got = kendallTauB(x, y);
    if (Number.isNaN(expected)) assert.ok(Number.isNaN(got), `trial ${trial}`);
    else assertClose(got, expected, 1e-12, `trial ${trial}`);
    const distinct = Array.from({ length: n }, (_, i) => i * 1.5 - rand());
    assertClose(kendallTauB(distinct, distinct), 1);
    assertClose(
      kendallTauB(
        distinct,
        distinct.map((v) => -v),
      ),
      -1,
    );
    if (new Set(x).size > 1) assertClose(kendallTauB(x, x), 1); // Ties on both sides, identical: still 1.
  }
});

test('kendallReport: nanmean over prompts and the NaN fraction', () => {
  const r = kendallReport([
    { gold: [1, 2, 3, 4], model: [1, 3, 2, 4] }, // 2/3
    { gold: [5, 5, 5, 5], model: [1, 2, 3, 4] }, // NaN: gold all tied
    { gold: [1, 2, 3, 4], model: [4, 3, 2, 1] }, // −1
    { gold: [0.9, 0.5, 0.5, 0.1], model: [2, 1, 3, -1] }, // 3/√30
  ]);
  assert.equal(r.prompts, 4);
  assertClose(r.nanFraction, 0.25);
  assertClose(r.mean, (2 / 3 - 1 + 3 / Math.sqrt(30)) / 3);
  assert.equal(r.values.length, 4);
  assert.ok(Number.isNaN(r.values[1]));
  const empty = kendallReport([]);
  assert.ok(Number.isNaN(empty.mean) && Number.isNaN(empty.nanFraction));
  assert.equal(empty.prompts, 0);
  const allNaN = kendallReport([{ gold: [1, 1], model: [1, 2] }]);
  assert.ok(Number.isNaN(allNaN.mean));
  assert.equal(allNaN.nanFraction, 1);
  assert.throws(() => kendallReport([{ gold: [1, 2], model: [1] }]), /prompt 0 has 2 gold scores but 1 model scores/);
});
