import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxStats } from '../../../src/core/stats/box';
import { quantileSorted, sortedCopy } from '../../../src/core/stats/numeric';
import { moments, summary, summaryWithSkew } from '../../../src/core/stats/summary';
import { assertClose } from './helpers';

// Reference numbers from Debian python3-numpy 1.24.2 / python3-scipy 1.10.1:
//   import numpy as np, scipy.stats as st
//   a = np.array([3.2, -1.5, 0.0, 7.75, 2.0, 2.0, 11.5, -4.25, 0.5])
//   a.mean(), a.std(), a.var(), st.skew(a)          # population (ddof=0, bias=True)
//   [np.quantile(a, q) for q in (0.1, 0.25, 0.3, 0.5, 0.75, 0.9)]
const A = [3.2, -1.5, 0.0, 7.75, 2.0, 2.0, 11.5, -4.25, 0.5];

test('summary matches numpy mean and population std', () => {
  const s = summary(A);
  assert.equal(s.n, 9);
  assertClose(s.mean, 2.3555555555555556);
  assertClose(s.std, 4.486736282548351);
  assert.equal(s.min, -4.25);
  assert.equal(s.max, 11.5);
});

test('moments match numpy var and scipy skew (bias=True)', () => {
  const m = moments(Float32Array.from([1, 2, 4]));
  // Hand-computed: mean 7/3, deviations -4/3, -1/3, 5/3; m2 = 42/27, m3 = (-64 - 1 + 125)/81 = 60/81.
  assertClose(m.variance, 42 / 27);
  assertClose(m.skew, 60 / 81 / (42 / 27) ** 1.5);
  const a = moments(A);
  assertClose(a.variance, 20.130802469135798);
  assertClose(a.skew, 0.6854045147394747);
});

test('quantiles interpolate linearly like numpy.quantile', () => {
  const s = sortedCopy(A);
  const expected: [number, number][] = [
    [0.1, -2.05],
    [0.25, 0.0],
    [0.3, 0.19999999999999996],
    [0.5, 2.0],
    [0.75, 3.2],
    [0.9, 8.5],
  ];
  for (const [q, v] of expected) assertClose(quantileSorted(s, q), v, 1e-12, `q=${q}`);
  assertClose(quantileSorted(Float64Array.of(1, 2, 3, 4), 0.25), 1.75); // Hand: position 0.75 between 1 and 2.
  assert.equal(quantileSorted(Float64Array.of(5), 0.3), 5);
  assert.ok(Number.isNaN(quantileSorted(new Float64Array(0), 0.5)));
  assert.throws(() => quantileSorted(Float64Array.of(1), 1.5), /\[0, 1\]/);
});

test('summary edge cases: empty → NaN fields, n = 1, NaN input propagates', () => {
  const e = summary([]);
  assert.equal(e.n, 0);
  for (const v of [e.mean, e.std, e.min, e.max]) assert.ok(Number.isNaN(v));
  assert.deepEqual(summary([4]), { n: 1, mean: 4, std: 0, min: 4, max: 4 });
  const withNaN = summary([1, NaN, 3]);
  assert.equal(withNaN.n, 3);
  assert.ok(Number.isNaN(withNaN.mean) && Number.isNaN(withNaN.min));
});

test('skew of a constant sample is NaN (scipy rule), and right-skewed data has positive skew', () => {
  assert.ok(Number.isNaN(summaryWithSkew([0.1, 0.1, 0.1]).skew));
  assert.ok(Number.isNaN(moments([7]).skew));
  assert.ok(summaryWithSkew([1, 1, 1, 2, 10]).skew > 0);
  // Mirroring the sample flips the sign of the skewness and keeps the variance.
  const m = moments([1, 1, 1, 2, 10]);
  const mirrored = moments([-1, -1, -1, -2, -10]);
  assertClose(mirrored.skew, -m.skew);
  assertClose(mirrored.variance, m.variance);
});

// b = np.array([1, 2, 2, 3, 3, 3, 4, 40, -30, 5.5]); q1, q3 = np.quantile(b, [.25, .75]); iqr = q3 - q1
// b[b >= q1 - 1.5*iqr].min(), b[b <= q3 + 1.5*iqr].max(), b[(b < q1-1.5*iqr) | (b > q3+1.5*iqr)]
// np.median(b), b.var(), b.std(), st.skew(b)
test('boxStats: Tukey whiskers and outliers match numpy', () => {
  const b = boxStats([1, 2, 2, 3, 3, 3, 4, 40, -30, 5.5]);
  assert.equal(b.q1, 2.0);
  assert.equal(b.median, 3.0);
  assert.equal(b.q3, 3.75);
  assert.equal(b.iqr, 1.75);
  assert.equal(b.whiskerLo, 1);
  assert.equal(b.whiskerHi, 5.5);
  assert.deepEqual(b.outliers, [-30, 40]);
  assertClose(b.variance, 247.00249999999997);
  assertClose(b.std, 15.71631318089583);
  assertClose(b.skew, 0.3124360628478294);
  assert.equal(b.n, 10);
});

test('boxStats caps outliers at the most extreme, farthest from the median first', () => {
  // Core of 1000 zeros-ish values, then outliers at ±(100 + k): 30 low and 30 high.
  const xs: number[] = [];
  for (let i = 0; i < 1000; i++) xs.push((i % 10) / 10);
  for (let k = 1; k <= 30; k++) xs.push(100 + k, -(100 + 2 * k));
  const b = boxStats(xs, 20);
  assert.equal(b.outliers.length, 20);
  const sorted = [...b.outliers].sort((p, q) => p - q);
  assert.deepEqual(b.outliers, sorted, 'ascending');
  // The 20 largest |x − median| among ±(100+k) / −(100+2k): every kept one beats every dropped one.
  const dist = (v: number) => Math.abs(v - b.median);
  const kept = new Set(b.outliers);
  const dropped = xs.filter((v) => Math.abs(v) > 50 && !kept.has(v));
  const minKept = Math.min(...b.outliers.map(dist));
  for (const d of dropped) assert.ok(dist(d) <= minKept, `dropped ${d} is more extreme than a kept outlier`);
  assert.equal(boxStats(xs).outliers.length, 60, 'under the default cap of 200 all are kept');
});

test('boxStats edge cases: empty, single value, all equal', () => {
  const e = boxStats([]);
  assert.ok(Number.isNaN(e.median) && Number.isNaN(e.variance) && Number.isNaN(e.whiskerLo));
  assert.deepEqual(e.outliers, []);
  const one = boxStats([2.5]);
  assert.equal(one.median, 2.5);
  assert.equal(one.iqr, 0);
  assert.equal(one.whiskerLo, 2.5);
  assert.equal(one.whiskerHi, 2.5);
  assert.equal(one.variance, 0);
  const flat = boxStats([3, 3, 3, 3, 9]);
  // IQR 0: anything not equal to 3 is an outlier.
  assert.deepEqual(flat.outliers, [9]);
  assert.equal(flat.whiskerHi, 3);
});
