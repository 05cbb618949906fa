import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symmetricEigenvalues } from '../../../src/core/stats/eigen';
import { erank, erankFromSingularValues, gatherRows, sampleRows } from '../../../src/core/stats/erank';
import { assertAllClose, assertClose } from './helpers';

/** The same matrix as the numpy snippet below: H[i][j] = sin(1.3i + 0.7j² + 0.1) + 0.5·cos(0.37·i·j). */
function sinMatrix(n: number, d: number): Float64Array {
  const h = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) h[i * d + j] = Math.sin(1.3 * i + 0.7 * j * j + 0.1) + 0.5 * Math.cos(0.37 * i * j);
  return h;
}

// numpy 1.24.2:
//   def H(n, d): i = np.arange(n)[:, None]; j = np.arange(d)[None, :]
//                return np.sin(1.3*i + 0.7*j*j + 0.1) + 0.5*np.cos(0.37*i*j)
//   def erank(h, center=False):
//       if center: h = h - h.mean(axis=0)
//       s = np.linalg.svd(h, compute_uv=False); p = s / s.sum(); p = p[p > 0]
//       return np.exp(-(p * np.log(p)).sum())
//   (6,4): 2.8273835909518175, centred 2.386408897556929
//   (3,8): 2.6149284309404304, centred 1.9842553515666284
//   (40,24): 10.266456648387965, centred 9.389897175684327
test('erank matches numpy.linalg.svd on both Gram paths (N > d and N ≤ d), raw and centred', () => {
  const cases: [number, number, number, number][] = [
    [6, 4, 2.8273835909518175, 2.386408897556929],
    [3, 8, 2.6149284309404304, 1.9842553515666284],
    [40, 24, 10.266456648387965, 9.389897175684327],
  ];
  for (const [n, d, raw, centred] of cases) {
    const rows = sinMatrix(n, d);
    assertClose(erank({ rows, n, dim: d }), raw, 1e-10, `erank ${n}×${d}`);
    assertClose(erank({ rows, n, dim: d }, { center: true }), centred, 1e-10, `centred erank ${n}×${d}`);
  }
});

// w = np.arange(10.0); u = [1,2,0,-1,3]; v = [0.5,-1,2,0,1]
// low = np.outer(np.sin(w), u) + np.outer(np.cos(w), v)  -> erank 1.9607888397579818 (rank 2)
test('erank of a rank-2 matrix matches numpy: Gram rounding noise on the zero singular values is dropped', () => {
  const u = [1, 2, 0, -1, 3];
  const v = [0.5, -1, 2, 0, 1];
  const rows = new Float64Array(50);
  for (let i = 0; i < 10; i++) for (let j = 0; j < 5; j++) rows[i * 5 + j] = Math.sin(i) * u[j] + Math.cos(i) * v[j];
  // Without the m·ε·λ_max floor the three zero singular values come back as √(rounding) ≈ 1e-8·σ_max
  // and the result is off by ~1e-7; with it, it agrees with the SVD to rounding.
  assertClose(erank({ rows, n: 10, dim: 5 }), 1.9607888397579818, 1e-10);
});

test('property: erank of an identity-like matrix equals its rank; scaling does not change erank', () => {
  for (const r of [1, 2, 5, 9]) {
    const n = 12,
      d = 10;
    const rows = new Float32Array(n * d);
    for (let i = 0; i < r; i++) rows[i * d + i] = 3.5; // r equal singular values, the rest 0.
    assertClose(erank({ rows, n, dim: d }), r, 1e-9, `rank ${r}`);
  }
  const rows = sinMatrix(7, 5);
  const scaled = rows.map((x) => x * 1000);
  assertClose(erank({ rows: scaled, n: 7, dim: 5 }), erank({ rows, n: 7, dim: 5 }), 1e-9);
  // Bounds: 1 ≤ erank ≤ min(N, d).
  const e = erank({ rows, n: 7, dim: 5 });
  assert.ok(e >= 1 && e <= 5);
});

test('erank edge cases: empty and all-zero are NaN, NaN entries are NaN, bad shapes throw', () => {
  assert.ok(Number.isNaN(erank({ rows: [], n: 0, dim: 4 })));
  assert.ok(Number.isNaN(erank({ rows: [0, 0, 0, 0], n: 2, dim: 2 })));
  assert.ok(Number.isNaN(erank({ rows: [1, NaN, 0, 1], n: 2, dim: 2 })));
  assert.equal(erank({ rows: [3, 4], n: 1, dim: 2 }), 1);
  assert.throws(() => erank({ rows: [1, 2, 3], n: 2, dim: 2 }), /expected n·dim = 4 values, got 3/);
  // Singular values [1, 1, 2]: p = [1/4, 1/4, 1/2], H = 1.5·ln 2, erank = 2^1.5.
  assertClose(erankFromSingularValues([1, 1, 2]), 2 ** 1.5);
});

// S = [[4,1,-2,.5,0],[1,3,0,1,1],[-2,0,5,0,2],[.5,1,0,2,-1],[0,1,2,-1,1]]; sorted(np.linalg.eigvalsh(S), reverse=True)
test('Jacobi eigenvalues match numpy.linalg.eigvalsh, including a negative one', () => {
  const s = [4, 1, -2, 0.5, 0, 1, 3, 0, 1, 1, -2, 0, 5, 0, 2, 0.5, 1, 0, 2, -1, 0, 1, 2, -1, 1];
  const ev = symmetricEigenvalues(s, 5);
  assertAllClose(ev, [7.09570096045744, 4.410443717206199, 2.5217178724944826, 1.6834465804805505, -0.711309130638671], 1e-12);
  assertAllClose(symmetricEigenvalues([2, 1, 1, 2], 2), [3, 1]); // Hand: eigenvectors (1,1), (1,−1).
  assert.deepEqual(Array.from(symmetricEigenvalues([], 0)), []);
  assert.throws(() => symmetricEigenvalues([1, 2, 3], 2), /expected 2×2/);
});

test('property: eigenvalues of a random symmetric matrix sum to its trace and square-sum to ‖A‖_F²', () => {
  const m = 30;
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = i; j < m; j++) a[i * m + j] = a[j * m + i] = Math.sin(i * 7.1 + j * 3.3) * (1 + ((i + j) % 4));
  const ev = symmetricEigenvalues(a, m);
  let trace = 0,
    frob = 0,
    sum = 0,
    sq = 0;
  for (let i = 0; i < m; i++) trace += a[i * m + i];
  for (const v of a) frob += v * v;
  for (const v of ev) {
    sum += v;
    sq += v * v;
  }
  assertClose(sum, trace, 1e-10);
  assertClose(sq, frob, 1e-10);
  for (let i = 1; i < m; i++) assert.ok(ev[i - 1] >= ev[i], 'descending');
});

test('sampleRows is deterministic, distinct, ascending, and takes every row when k ≥ n', () => {
  assert.deepEqual(sampleRows(10, 3, 1), [0, 1, 6]); // The doc comment's example; a PRNG change breaks saved runs' N rows.
  const a = sampleRows(1000, 64, 7);
  assert.deepEqual(sampleRows(1000, 64, 7), a);
  assert.equal(new Set(a).size, 64);
  assert.deepEqual(
    a,
    [...a].sort((p, q) => p - q),
  );
  assert.ok(a.every((i) => Number.isInteger(i) && i >= 0 && i < 1000));
  assert.notDeepEqual(sampleRows(1000, 64, 8), a);
  assert.deepEqual(sampleRows(3, 5, 1), [0, 1, 2]);
  assert.deepEqual(sampleRows(0, 5, 1), []);
  assert.throws(() => sampleRows(10, -1, 1), /k must be/);
  const h = { rows: Float32Array.from([0, 1, 10, 11, 20, 21]), n: 3, dim: 2 };
  assert.deepEqual(Array.from(gatherRows(h, [2, 0]).rows), [20, 21, 0, 1]);
  assert.throws(() => gatherRows(h, [3]), /row 3 is outside/);
});
