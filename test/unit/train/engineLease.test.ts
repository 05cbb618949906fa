// The engine lease: one user of tfjs at a time; a long holder (a training run) lets queued work in at its step
// boundaries and gets its own backend back afterwards. A fake engine stands in for tfjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineLease, type EngineBackend } from '../../../src/train/engineLease';

function fakeEngine(initial: string | null) {
  const state = { name: initial, activations: [] as string[] };
  const engine: EngineBackend = {
    active: () => state.name,
    activate: async (n) => {
      state.activations.push(n);
      state.name = n;
    },
  };
  return { state, engine };
}
const tick = () => new Promise((r) => setImmediate(r));

test('holders run one at a time, in the order they asked', async () => {
  const lease = new EngineLease(fakeEngine(null).engine);
  const events: string[] = [];
  const job = (name: string) =>
    lease.hold(async () => {
      events.push(`${name} start`);
      await tick();
      await tick();
      events.push(`${name} end`);
      return name;
    });
  assert.deepEqual(await Promise.all([job('a'), job('b'), job('c')]), ['a', 'b', 'c']);
  assert.deepEqual(events, ['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
});

test('a throwing holder releases the engine', async () => {
  const lease = new EngineLease(fakeEngine(null).engine);
  await assert.rejects(
    lease.hold(async () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal(await lease.hold(async () => 'next'), 'next');
});

test('a training run yields at step boundaries; queued scoring runs there on its backend; the run gets its own back', async () => {
  const { state, engine } = fakeEngine(null);
  const lease = new EngineLease(engine);
  const log: string[] = [];
  const training = lease.hold(async () => {
    await engine.activate('cpu');
    for (let step = 1; step <= 3; step++) {
      log.push(`step ${step} on ${state.name}`);
      await tick(); // a message (a score request) arrives mid-step: it must wait for the boundary
      await lease.yieldToWaiters();
    }
  });
  await tick();
  const scoring = lease.hold(async () => {
    await engine.activate('wasm');
    log.push(`score on ${state.name}`);
  });
  assert.equal(lease.queued, 1);
  await Promise.all([training, scoring]);
  assert.deepEqual(log, ['step 1 on cpu', 'score on wasm', 'step 2 on cpu', 'step 3 on cpu']);
  assert.deepEqual(state.activations, ['cpu', 'wasm', 'cpu'], 'the run made cpu active again, once');
});

test('yieldToWaiters with nobody waiting keeps the engine and switches nothing', async () => {
  const { state, engine } = fakeEngine('cpu');
  const lease = new EngineLease(engine);
  await lease.hold(async () => {
    await lease.yieldToWaiters();
  });
  assert.deepEqual(state.activations, []);
  assert.equal(lease.queued, 0);
});
