// When the CodeLens provider fires onDidChangeCodeLenses (src/host/lensRefresh.ts). The workbench restarts its request
// debounce on every event, so the rule is: an event only when no request is due; a change that waits for a due
// request fires anyway after fallbackMs (a request can be dropped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LensRefresh } from '../../../src/host/lensRefresh';

function setup(t: { mock: { timers: { enable(o: never): void } } }, visible = ['a']) {
  t.mock.timers.enable(['setTimeout', 'Date'] as never);
  const events: number[] = [];
  const r = new LensRefresh({ emit: () => events.push(Date.now()), visible: () => visible, fallbackMs: 1500, recentMs: 500 });
  return { r, events };
}

test('a stream of chunks: one event, then nothing until the workbench asks, then one again', (t) => {
  const { r, events } = setup(t);
  r.changed('a');
  assert.deepEqual(events, [0], 'nothing was due: at once');
  for (let i = 0; i < 7; i++) {
    t.mock.timers.tick(50);
    r.changed('a');
  }
  assert.deepEqual(events, [0], 'the request the event started is due and will read these scores');
  t.mock.timers.tick(25); // the workbench asks 375 ms after the event
  r.asked('a');
  t.mock.timers.tick(25);
  r.changed('a');
  assert.deepEqual(events, [0, 400], 'after the request, the next change fires');
  r.dispose();
});

test('a document whose editor just opened: its first request is not postponed by events', (t) => {
  const { r, events } = setup(t);
  r.willAsk('a', true);
  for (let i = 0; i < 6; i++) {
    t.mock.timers.tick(50);
    r.changed('a');
  }
  assert.deepEqual(events, []);
  r.asked('a');
  r.changed('a');
  assert.deepEqual(events, [300]);
  r.dispose();
});

test('an editor reported open just after its request came: nothing is taken to be due', (t) => {
  const { r, events } = setup(t);
  r.asked('a');
  t.mock.timers.tick(100);
  r.willAsk('a', true); // the host heard of the editor after the workbench asked
  r.changed('a');
  assert.deepEqual(events, [100]);
  r.dispose();
});

test('an edit makes a request due; a request that never comes is covered by the fallback', (t) => {
  const { r, events } = setup(t);
  r.willAsk('a');
  t.mock.timers.tick(100);
  r.changed('a');
  assert.deepEqual(events, []);
  t.mock.timers.tick(1399);
  assert.deepEqual(events, []);
  t.mock.timers.tick(1);
  assert.deepEqual(events, [1500], 'the request was dropped (the editor lost focus): the change fires after fallbackMs');
  r.dispose();
});

test('no event for a document no editor shows; all() always fires', (t) => {
  const { r, events } = setup(t, ['b']);
  r.changed('a');
  assert.deepEqual(events, []);
  r.all();
  assert.deepEqual(events, [0]);
  r.dispose();
});

test('a steady stream with a prompt workbench: events at least a request apart, never a starved request', (t) => {
  const { r, events } = setup(t);
  let askAt: number | undefined;
  const asks: number[] = [];
  for (let ms = 0; ms < 5000; ms += 25) {
    if (ms % 50 === 0) {
      const before = events.length;
      r.changed('a');
      if (events.length > before) askAt = ms + 375; // the workbench asks one debounce after the last event
    }
    if (askAt === ms) {
      r.asked('a');
      asks.push(ms);
      askAt = undefined;
    }
    t.mock.timers.tick(25);
  }
  assert.ok(asks.length >= 10, `${asks.length} requests in 5 s`);
  for (let i = 1; i < events.length; i++) assert.ok(events[i]! - events[i - 1]! >= 375, `gap ${events[i]! - events[i - 1]!}`);
  r.dispose();
});
