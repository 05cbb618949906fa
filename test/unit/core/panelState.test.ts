// panelState(store, selection) is everything the Diagnostics panel shows; the host only posts it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULTS } from '../../../src/core/config';
import type { StepMetrics } from '../../../src/core/report';
import { panelState, resolveSelection } from '../../../src/core/runs/panelState';
import { RunStore } from '../../../src/core/runs/runStore';
import { MAX_CHART_POINTS } from '../../../src/core/runs/thin';
import { stored } from './runFixtures';

const metric = (step: number): StepMetrics => ({
  step,
  epoch: 0,
  lr: 1e-3,
  loss: 1,
  bt: 1,
  reg: 0,
  batchMean: 0,
  accuracy: 0.5,
  wpNorm: 1,
  gradNorm: 1,
  elapsedMs: step,
  pairsPerSec: 1,
});

function storeOf(): RunStore {
  const store = new RunStore();
  store.setStored(
    [
      stored('2026-03', {}, [metric(1), metric(2)]),
      stored('2026-02', { status: 'cancelled', error: 'interrupted: no summary.json' }),
      stored('2026-01'),
    ],
    store.mark(),
  );
  return store;
}

test('no selection: the newest run is shown; a selection that no longer exists falls back to it', () => {
  const store = storeOf();
  const s = panelState(store, {});
  assert.deepEqual(
    s.runs.map((r) => r.runId),
    ['2026-03', '2026-02', '2026-01'],
  );
  assert.equal(s.primary!.runId, '2026-03');
  assert.deepEqual(
    s.primary!.metrics.map((m) => m.step),
    [1, 2],
  );
  assert.equal(panelState(store, { primary: 'gone' }).primary!.runId, '2026-03');
  assert.deepEqual(resolveSelection(store, { primary: 'gone', secondary: '2026-01' }), { primary: '2026-03', secondary: '2026-01' });
});

test('compare: the secondary is shown when it differs from the primary; a stored run says why it stopped', () => {
  const store = storeOf();
  const s = panelState(store, { primary: '2026-02', secondary: '2026-01' });
  assert.equal(s.primary!.runId, '2026-02');
  assert.equal(s.primary!.error, 'interrupted: no summary.json');
  assert.equal(s.secondary!.runId, '2026-01');
  assert.equal(panelState(store, { primary: '2026-01', secondary: '2026-01' }).secondary, undefined);
  assert.equal(panelState(new RunStore(), {}).primary, undefined);
});

test('a live run is listed and shown as running with its live step, and with no error', () => {
  const store = storeOf();
  store.apply({
    method: 'run/didStart',
    params: { runId: '2026-02', runDir: '/ws/2026-02', label: 'label 2026-02', config: DEFAULTS, trainFiles: [], resume: true },
  });
  store.apply({ method: 'train/progress', params: { runId: '2026-02', totalSteps: 40, metrics: metric(7), backend: 'wasm' } });
  const s = panelState(store, { primary: '2026-02' });
  assert.deepEqual(
    s.runs.map((r) => r.status),
    ['completed', 'running', 'completed'],
  );
  assert.deepEqual(
    [s.primary!.status, s.primary!.step, s.primary!.totalSteps, s.primary!.backend, s.primary!.error],
    ['running', 7, 40, 'wasm', undefined],
  );
});

test('curves are thinned to what a chart draws, last point kept; the external scorer passes through', () => {
  const store = new RunStore();
  const n = MAX_CHART_POINTS * 3 + 1;
  store.setStored(
    [
      stored(
        'r',
        {},
        Array.from({ length: n }, (_, i) => metric(i + 1)),
      ),
    ],
    store.mark(),
  );
  const external = { name: 'judge', file: 'judge.jsonl', pairs: 3, documents: [] };
  const s = panelState(store, {}, external);
  assert.equal(s.primary!.metrics.length, MAX_CHART_POINTS);
  assert.equal(s.primary!.metrics.at(-1)!.step, n);
  assert.deepEqual(s.external, external);
});
