import { test } from 'node:test';
import assert from 'node:assert/strict';
import { equalWidthEdges, histogram, histogramWithEdges, sharedHistogram } from '../../../src/core/stats/histogram';
import { assertAllClose } from './helpers';

// Reference from numpy 1.24.2:
//   h1 = [0.1, 0.25, 0.3, 0.9, -0.4, 1.3, 0.7]; h2 = [-1.0, 0.0, 0.2, 0.95, 2.0]
//   edges = np.histogram_bin_edges(np.concatenate([h1, h2]), bins=6)   # [-1, -0.5, 0, 0.5, 1, 1.5, 2]
//   np.histogram(h1, bins=edges)[0]  # [0, 1, 3, 2, 1, 0]
//   np.histogram(h2, bins=edges)[0]  # [1, 0, 2, 1, 0, 1]
test('sharedHistogram uses one set of edges over both samples, counts as numpy', () => {
  const h = sharedHistogram([0.1, 0.25, 0.3, 0.9, -0.4, 1.3, 0.7], Float32Array.from([-1.0, 0.0, 0.2, 0.95, 2.0]), 6);
  assertAllClose(h.a.edges, [-1, -0.5, 0, 0.5, 1, 1.5, 2]);
  assert.deepEqual(h.a.edges, h.b.edges);
  assert.deepEqual(h.a.counts, [0, 1, 3, 2, 1, 0]);
  assert.deepEqual(h.b.counts, [1, 0, 2, 1, 0, 1]);
});

test('bins are half-open except the last, which holds the maximum', () => {
  const h = histogramWithEdges([0, 1, 2, 3, 3], [0, 1, 2, 3]);
  assert.deepEqual(h.counts, [1, 1, 3]);
});

// np.histogram([5, 5, 5], bins=4) -> counts [0, 0, 3, 0], edges [4.5, 4.75, 5, 5.25, 5.5]
// np.histogram([], bins=2)       -> counts [0, 0],       edges [0, 0.5, 1]
test('degenerate ranges follow numpy: constant data widens by ±0.5, empty data uses [0, 1]', () => {
  const c = histogram([5, 5, 5], 4);
  assertAllClose(c.edges, [4.5, 4.75, 5, 5.25, 5.5]);
  assert.deepEqual(c.counts, [0, 0, 3, 0]);
  const e = sharedHistogram([], [], 2);
  assertAllClose(e.a.edges, [0, 0.5, 1]);
  assert.deepEqual(e.a.counts, [0, 0]);
  assert.equal(e.a.counts.length, e.a.edges.length - 1);
});

test('NaN and infinite values are not counted and do not stretch the edges', () => {
  const h = histogram([0, 1, NaN, Infinity, -Infinity], 2);
  assertAllClose(h.edges, [0, 0.5, 1]);
  assert.deepEqual(h.counts, [1, 1]);
});

test('every finite value lands in exactly one bin (property, many awkward ranges)', () => {
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let trial = 0; trial < 50; trial++) {
    const xs = Array.from({ length: 97 }, () => (rand() - 0.3) * 10 ** Math.floor(rand() * 6 - 3));
    const bins = 1 + Math.floor(rand() * 40);
    const h = histogram(xs, bins);
    assert.equal(
      h.counts.reduce((s, c) => s + c, 0),
      xs.length,
    );
    assert.equal(h.counts.length, bins);
  }
});

test('rejects a non-integer or zero bin count', () => {
  assert.throws(() => equalWidthEdges(0, 1, 0), /bins must be an integer/);
  assert.throws(() => histogram([1, 2], 2.5), /bins must be an integer/);
});
