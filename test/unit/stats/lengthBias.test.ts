import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lengthBaselinesByGroup, lengthBias, lengthBins } from '../../../src/core/stats/lengthBias';
import { assertClose, pair } from './helpers';

// Six pairs. Pooled (chosen then rejected) lengths and rewards; reference from scipy 1.10.1 / numpy 1.24.2:
//   L = np.array(lc + lr, float); R = np.array(rc + rr)
//   st.pearsonr(R, L) -> 0.889668210536639; st.spearmanr(R, L) -> 0.8400819752692913
//   e = np.unique(np.quantile(L, np.linspace(0, 1, 6)))  -> [1, 4.2, 5.8, 8.2, 10, 20]
//   k = np.clip(np.searchsorted(e, L, side='right') - 1, 0, len(e) - 2); counts/means per k:
//   (3, -0.26666666666666666), (2, 0.15), (2, 1.0), (1, 0.0), (4, 2.175)
const input = {
  lenChosen: [3, 10, 7, 1, 5, 12],
  lenRejected: [10, 4, 7, 20, 5, 9],
  rChosen: [0.5, 2.0, 0.9, -1.0, 0.2, 2.2],
  rRejected: Float32Array.from([1.5, -0.3, 1.1, 3.0, 0.1, 0.0]),
};

test('lengthBias: correlations and quantile bins match scipy/numpy', () => {
  const lb = lengthBias(input);
  assertClose(lb.pearson, 0.889668210536639, 1e-7); // rRejected is float32: 1e-7 covers its rounding.
  assertClose(lb.spearman, 0.8400819752692913, 1e-12);
  const expected = [
    [1, 4.2, 3, -0.26666666666666666],
    [4.2, 5.8, 2, 0.15],
    [5.8, 8.2, 2, 1.0],
    [8.2, 10, 1, 0.0],
    [10, 20, 4, 2.175],
  ];
  assert.equal(lb.bins.length, expected.length);
  lb.bins.forEach((b, k) => {
    const [lo, hi, n, m] = expected[k]!;
    assertClose(b.lo, lo!, 1e-12, `bin ${k} lo`);
    assertClose(b.hi, hi!, 1e-12, `bin ${k} hi`);
    assert.equal(b.n, n, `bin ${k} n`);
    assertClose(b.meanReward, m!, 1e-7, `bin ${k} mean`);
  });
});

test('pick-longer / pick-shorter: ties in length count as wrong for both', () => {
  const lb = lengthBias(input);
  // Longer chosen: pairs 1 (10>4) and 5 (12>9). Shorter chosen: pairs 0 and 3. Pairs 2 and 4 tie.
  assert.equal(lb.pickLonger.value, 2 / 6);
  assert.equal(lb.pickShorter.value, 2 / 6);
  assert.equal(lb.pickLonger.n, 6);
  assert.ok(lb.pickLonger.value + lb.pickShorter.value < 1, 'ties are wrong for both rules');
});

test('per-group length baselines', () => {
  const pairs = [0, 1, 2, 3, 4, 5].map((i) => pair(i, { source: i < 3 ? 'a' : 'b' }));
  const g = lengthBaselinesByGroup(pairs, input.lenChosen, input.lenRejected);
  assert.equal(g.source?.a?.pickLonger.value, 1 / 3); // Pairs 0..2: only pair 1 has the longer chosen.
  assert.equal(g.source?.a?.pickShorter.value, 1 / 3);
  assert.equal(g.source?.b?.pickLonger.value, 1 / 3); // Pairs 3..5: pair 5.
  assert.equal(g.source?.b?.pickShorter.n, 3);
});

test('length bins: repeated edges merge, all-equal lengths give one closed bin, NaN rows are left out', () => {
  const same = lengthBins([4, 4, 4], [1, 2, 6]);
  assert.deepEqual(same, [{ lo: 4, hi: 4, n: 3, meanReward: 3 }]);
  const nan = lengthBins([1, 2, NaN, 3], [1, NaN, 5, 3], 2);
  assert.equal(
    nan.reduce((s, b) => s + b.n, 0),
    2,
  );
  assert.deepEqual(lengthBins([], []), []);
  const empty = lengthBias({ lenChosen: [], lenRejected: [], rChosen: [], rRejected: [] });
  assert.ok(Number.isNaN(empty.pearson) && Number.isNaN(empty.pickLonger.value));
  assert.throws(() => lengthBias({ ...input, lenChosen: [1] }), /aligned/);
});
