// The extension's own task meter: the longest timed stretch and its label while on, nothing while off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTaskMeter, stopTaskMeter, timed } from '../../../src/host/taskMeter';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
  return ms;
};

test('keeps the longest timed stretch, with its label, and passes results and errors through', () => {
  assert.equal(
    timed('off', () => busy(5)),
    5,
  );
  startTaskMeter();
  timed('short', () => busy(2));
  timed('long', () => busy(12));
  assert.throws(
    () =>
      timed('throws', () => {
        busy(1);
        return JSON.parse('{');
      }),
    SyntaxError,
  );
  const r = stopTaskMeter();
  assert.equal(r.label, 'long');
  assert.ok(r.ms >= 12 && r.ms < 200, `${r.ms} ms`);
  timed('after stop', () => busy(30));
  startTaskMeter();
  assert.deepEqual(stopTaskMeter(), { ms: 0, label: '' }, 'a new window starts empty; nothing was kept while off');
});
