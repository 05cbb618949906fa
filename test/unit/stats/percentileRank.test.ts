import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentileRank } from '../../../src/core/stats/percentileRank';
import { sortedCopy } from '../../../src/core/stats/numeric';

// scipy 1.10.1 scipy.stats.percentileofscore (kind='rank'):
//   p([1,2,3,4], 3) -> 75.0; p([1,2,3,3,4], 3) -> 70.0; p([1,2,3,4], 2.5) -> 50.0
//   p([1,2,3,4], 0) -> 0.0;  p([1,2,3,4], 5) -> 100.0
test('percentileRank matches scipy.stats.percentileofscore', () => {
  assert.equal(percentileRank([1, 2, 3, 4], 3), 75);
  assert.equal(percentileRank([1, 2, 3, 3, 4], 3), 70);
  assert.equal(percentileRank([1, 2, 3, 4], 2.5), 50);
  assert.equal(percentileRank([1, 2, 3, 4], 0), 0);
  assert.equal(percentileRank(Float32Array.from([1, 2, 3, 4]), 5), 100);
});

test('percentileRank: empty sample or NaN query → NaN; monotone in x', () => {
  assert.ok(Number.isNaN(percentileRank([], 1)));
  assert.ok(Number.isNaN(percentileRank([1, 2], NaN)));
  const s = sortedCopy([5, 1, 9, 3, 3, 7, 2]);
  let prev = -1;
  for (let x = 0; x <= 10; x += 0.25) {
    const p = percentileRank(s, x);
    assert.ok(p >= prev, `non-decreasing at ${x}`);
    prev = p;
  }
});
