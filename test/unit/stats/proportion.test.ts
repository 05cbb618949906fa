import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracy, proportion, Z95 } from '../../../src/core/stats/proportion';
import { assertClose } from './helpers';

test('Wilson 95% intervals match Newcombe (1998), Table II, method 3 (4 decimals)', () => {
  const cases: [number, number, number, number][] = [
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0.0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ];
  for (const [k, n, lo, hi] of cases) {
    const p = proportion(k, n);
    assertClose(p.value, k / n);
    assert.equal(Math.round(p.lo * 1e4) / 1e4, lo, `${k}/${n} lo`);
    assert.equal(Math.round(p.hi * 1e4) / 1e4, hi, `${k}/${n} hi`);
    assert.equal(p.n, n);
  }
});

test('Wilson closed forms at the extremes: k = 0 → [0, z²/(n+z²)], k = n → [n/(n+z²), 1]', () => {
  const z2 = Z95 * Z95;
  const none = proportion(0, 10);
  assert.equal(none.lo, 0);
  assertClose(none.hi, z2 / (10 + z2));
  const all = proportion(10, 10);
  assertClose(all.lo, 10 / (10 + z2));
  assertClose(all.hi, 1);
  // scipy.stats.norm.ppf(0.975) = 1.959963984540054; 8/10 from the same formula in numpy:
  // p=.8; d=1+z*z/10; c=(p+z*z/20)/d; h=z/d*np.sqrt(p*(1-p)/10+z*z/400) -> (0.4901624715366418, 0.9433178485456248)
  const p = proportion(8, 10);
  assertClose(p.lo, 0.4901624715366418);
  assertClose(p.hi, 0.9433178485456248);
});

test('n = 0 gives NaN; bad counts are rejected with a message', () => {
  const e = proportion(0, 0);
  assert.ok(Number.isNaN(e.value) && Number.isNaN(e.lo) && Number.isNaN(e.hi));
  assert.equal(e.n, 0);
  assert.throws(() => proportion(3, 2), /k must be an integer in \[0, 2\]/);
  assert.throws(() => proportion(1.5, 4), /k must be/);
  assert.throws(() => proportion(0, -1), /n must be/);
});

test('accuracy is strict: ties and NaN count as wrong', () => {
  const acc = accuracy([1, 2, 3, NaN, 0.5], Float32Array.from([0, 2, 4, 1, -0.5]));
  assert.equal(acc.n, 5);
  assertClose(acc.value, 2 / 5); // Pairs 0 and 4 only.
  assert.equal(accuracy([1, 2], [0, 5], [0]).value, 1);
  assert.throws(() => accuracy([1], [0], [1]), /outside \[0, 1\)/);
  assert.throws(() => accuracy([1, 2], [0]), /aligned/);
  assert.ok(Number.isNaN(accuracy([], []).value));
});
