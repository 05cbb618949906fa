import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averageRanks, pearson, spearman } from '../../../src/core/stats/correlation';
import { assertAllClose, assertClose } from './helpers';

// scipy 1.10.1:
//   st.pearsonr([1,2,3,4,5,6], [2,1,4,3,7,5.5]).statistic   -> 0.8267772737836244
//   st.spearmanr([1,2,3,4,5,6], [2,1,4,3,7,5.5]).statistic  -> 0.8285714285714287
//   sx = [10,20,20,30,30,30,5]; sy = [1.5,0.2,0.9,2.2,2.2,0.1,-1]
//   st.pearsonr(sx, sy) -> 0.5600632433310433; st.spearmanr(sx, sy) -> 0.5097970656333186
//   st.rankdata(sx) -> [2, 3.5, 3.5, 6, 6, 6, 1]
test('Pearson and Spearman match scipy, including ties (average ranks)', () => {
  assertClose(pearson([1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 7, 5.5]), 0.8267772737836244);
  assertClose(spearman([1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 7, 5.5]), 0.8285714285714287);
  const sx = [10, 20, 20, 30, 30, 30, 5];
  const sy = Float64Array.from([1.5, 0.2, 0.9, 2.2, 2.2, 0.1, -1]);
  assertClose(pearson(sx, sy), 0.5600632433310433);
  assertClose(spearman(sx, sy), 0.5097970656333186);
  assertAllClose(averageRanks(sx), [2, 3.5, 3.5, 6, 6, 6, 1]);
});

test('hand-computed Pearson; monotone transforms keep Spearman at ±1', () => {
  // x = [1,2,3], y = [2,4,7]: dx = [-1,0,1], dy = [-7/3,-1/3,8/3]; sxy = 5, sxx = 2, syy = 114/9.
  assertClose(pearson([1, 2, 3], [2, 4, 7]), 5 / Math.sqrt(2 * (114 / 9)));
  const x = [0.3, 1.7, 2.2, 5.0, 9.1];
  assertClose(
    spearman(
      x,
      x.map((v) => Math.exp(v)),
    ),
    1,
  );
  assertClose(
    spearman(
      x,
      x.map((v) => -v * v * v),
    ),
    -1,
  );
});

test('NaN when n < 2, a side is constant, or an input is NaN', () => {
  assert.ok(Number.isNaN(pearson([1], [2])));
  assert.ok(Number.isNaN(pearson([1, 2, 3], [4, 4, 4])));
  assert.ok(Number.isNaN(spearman([1, 2, 3], [4, 4, 4])));
  assert.ok(Number.isNaN(pearson([1, NaN, 3], [1, 2, 3])));
  assert.ok(Number.isNaN(spearman([1, 2, 3], [1, NaN, 3])));
  assert.throws(() => pearson([1, 2], [1, 2, 3]), /aligned/);
});
