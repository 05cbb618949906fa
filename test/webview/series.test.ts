// Pure parts of the webview (series transforms, UI-state persistence, colour helpers), in plain Node.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  evalSetNames,
  fmt,
  groupRows,
  hDiffBand,
  histogramOutline,
  hNormBoxes,
  lengthBinSeries,
  metricSeries,
  pickEvalSet,
  tauHistogram,
} from '../../webview/diagnostics/series';
import { restoredRunIds, restoreUi, updateUi, INITIAL_UI } from '../../webview/diagnostics/state';
import { withAlpha } from '../../webview/diagnostics/theme';
import { buildPanelState, SET_NAMES, wilson } from './fixtures';

test('histogramOutline traces each bin at its count, closed at both ends', () => {
  assert.deepEqual(histogramOutline({ edges: [0, 1, 2], counts: [3, 5] }), [
    { x: 0, y: 0 },
    { x: 0, y: 3 },
    { x: 1, y: 5 },
    { x: 2, y: 5 },
    { x: 2, y: 0 },
  ]);
  assert.deepEqual(histogramOutline({ edges: [0], counts: [] }), []);
});

test('tauHistogram bins [-1, 1] with τ = 1 in the last bin and NaN counted apart', () => {
  const h = tauHistogram([-1, -0.95, 0, 0.99, 1, NaN, NaN], 4);
  assert.deepEqual(h.edges, [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(h.counts, [2, 0, 1, 2]);
  assert.equal(h.nan, 2);
});

test('metricSeries drops non-finite values instead of breaking the axis', () => {
  const run = buildPanelState().primary!;
  const withNaN = [...run.metrics.slice(0, 3), { ...run.metrics[3]!, loss: NaN }];
  assert.deepEqual(
    metricSeries(withNaN, 'loss').map((p) => p.x),
    [0, 10, 20],
  );
});

test('hDiffBand gives mean ± std per checkpoint of the chosen set', () => {
  const run = buildPanelState().primary!;
  const band = hDiffBand(run, 'D_ID');
  assert.deepEqual(
    band.map((p) => p.step),
    [0, 500, 1000, 1500, 2000],
  );
  const last = run.evals[4]!.sets[1]!.hDiffNorm;
  assert.deepEqual(band[4], { step: 2000, mean: last.mean, lo: last.mean - last.std, hi: last.mean + last.std, n: last.n });
  assert.deepEqual(hDiffBand(run, 'no such set'), []);
});

test('eval-set picking falls back to the first set when the remembered one is gone', () => {
  const s = buildPanelState({ compare: true });
  const names = evalSetNames([s.primary!, s.secondary!]);
  assert.deepEqual(names, [...SET_NAMES]);
  assert.equal(pickEvalSet(names, 'D_~Mutual'), 'D_~Mutual');
  assert.equal(pickEvalSet(names, 'deleted set'), 'D_train');
  assert.equal(pickEvalSet([], 'x'), undefined);
});

test('groupRows sorts keys, puts larger groups first and counts what the cap hides', () => {
  const set = buildPanelState().primary!.evals[4]!.sets[1]!;
  const all = groupRows(set, 100);
  assert.equal(all.rows.length, 7);
  assert.deepEqual(
    all.rows.slice(0, 2).map((r) => r.label),
    ['source = ultrafeedback', 'source = hh-rlhf'],
  );
  const capped = groupRows(set, 3);
  assert.equal(capped.rows.length, 3);
  assert.equal(capped.hidden, 4);
});

test('hNormBoxes and lengthBinSeries read the latest evaluation', () => {
  const run = buildPanelState().primary!;
  assert.deepEqual(
    hNormBoxes(run).map((b) => b.name),
    [...SET_NAMES],
  );
  const bins = run.evals[4]!.sets[0]!.lengthBias.bins;
  assert.deepEqual(
    lengthBinSeries(run.evals[4]!.sets[0]).map((p) => p.x),
    bins.map((b) => (b.lo + b.hi) / 2),
  );
});

test('fmt keeps numbers short and names non-finite values', () => {
  assert.equal(fmt(180.65432), '180.654');
  assert.equal(fmt(2.5e-5), '2.50e-5');
  assert.equal(fmt(0), '0');
  assert.equal(fmt(NaN), 'NaN');
  assert.equal(fmt(-Infinity), '−∞');
});

test('the fixture’s Wilson interval matches a hand computation', () => {
  // p = 0.8, n = 100, z = 1.96: centre = (0.8 + 0.019208) / 1.038416 = 0.788902; half = 0.077733.
  // python3 -c "import math;p,n,z=.8,100,1.96;d=1+z*z/n;c=(p+z*z/(2*n))/d;h=z*math.sqrt(p*(1-p)/n+z*z/(4*n*n))/d;print(c-h,c+h)"
  // → 0.7111690380734977 0.8666340774409013
  const p = wilson(80, 100);
  assert.ok(Math.abs(p.lo - 0.711169038) < 1e-9 && Math.abs(p.hi - 0.866634077) < 1e-9, JSON.stringify(p));
});

test('restoreUi tolerates missing, corrupt and foreign state', () => {
  const host = (state: unknown) => ({ postMessage() {}, getState: () => state, setState() {} });
  assert.deepEqual(restoreUi(host(undefined)), INITIAL_UI);
  assert.deepEqual(restoreUi(host('garbage')), INITIAL_UI);
  assert.deepEqual(restoreUi(host({ tab: 'nope', compare: 'yes', evalSet: 3 })), INITIAL_UI);
  assert.deepEqual(restoreUi(host({ tab: 'hidden', compare: true, evalSet: 'D_ID', primaryRunId: 'a', secondaryRunId: 'b', extra: 1 })), {
    tab: 'hidden',
    compare: true,
    evalSet: 'D_ID',
    primaryRunId: 'a',
    secondaryRunId: 'b',
  });
});

test('updateUi persists every change and restoredRunIds asks for the compared run only in Compare mode', () => {
  const saved: unknown[] = [];
  const host = { postMessage() {}, getState: () => undefined, setState: (s: unknown) => saved.push(s) };
  const ui = updateUi(host, INITIAL_UI, { primaryRunId: 'a', secondaryRunId: 'b' });
  assert.deepEqual(saved.at(-1), ui);
  assert.deepEqual(restoredRunIds(ui), ['a']);
  assert.deepEqual(restoredRunIds({ ...ui, compare: true }), ['a', 'b']);
});

test('withAlpha converts theme colours and passes unknown formats through', () => {
  assert.equal(withAlpha('#3794ff', 0.2), 'rgba(55, 148, 255, 0.2)');
  assert.equal(withAlpha('#fff', 0.5), 'rgba(255, 255, 255, 0.5)');
  assert.equal(withAlpha('#3794ffcc', 0.1), 'rgba(55, 148, 255, 0.1)');
  assert.equal(withAlpha('rgb(1, 2, 3)', 0.3), 'rgba(1, 2, 3, 0.3)');
  assert.equal(withAlpha('rebeccapurple', 0.3), 'rebeccapurple');
});
