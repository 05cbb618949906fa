import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { Endpoint, notification, request, type Wire } from '../../../src/protocol/rpc';

const Add = request<{ a: number; b: number }, number>('test/add');
const Boom = request<Record<string, never>, void>('test/boom');
const Ping = notification<{ n: number }>('test/ping');

function pair() {
  const { port1, port2 } = new MessageChannel();
  const a = new Endpoint((m) => port1.postMessage(m));
  const b = new Endpoint((m) => port2.postMessage(m));
  port1.on('message', (m: Wire) => a.handle(m));
  port2.on('message', (m: Wire) => b.handle(m));
  return {
    a,
    b,
    close: () => {
      port1.close();
      port2.close();
    },
  };
}

test('requests get their own replies, matched by id, across a real MessageChannel', async () => {
  const { a, b, close } = pair();
  b.onRequest(Add, async ({ a: x, b: y }) => {
    await new Promise((r) => setTimeout(r, x));
    return x + y;
  });
  const results = await Promise.all([a.sendRequest(Add, { a: 20, b: 1 }), a.sendRequest(Add, { a: 1, b: 2 })]);
  assert.deepEqual(results, [21, 3]);
  close();
});

test('handler errors and unknown methods come back as rejections, never silence', async () => {
  const { a, b, close } = pair();
  b.onRequest(Boom, () => {
    throw new Error('kaput');
  });
  await assert.rejects(a.sendRequest(Boom, {}), /kaput/);
  await assert.rejects(a.sendRequest(Add, { a: 1, b: 1 }), /no handler for test\/add/);
  close();
});

test('notifications reach their handler', async () => {
  const { a, b, close } = pair();
  const got = new Promise<number>((resolve) => b.onNotification(Ping, ({ n }) => resolve(n)));
  a.sendNotification(Ping, { n: 7 });
  assert.equal(await got, 7);
  close();
});

test('dispose rejects pending requests and refuses new ones', async () => {
  const sent: Wire[] = [];
  const e = new Endpoint((m) => sent.push(m));
  const pending = e.sendRequest(Add, { a: 1, b: 2 });
  e.dispose('worker gone');
  await assert.rejects(pending, /worker gone/);
  await assert.rejects(e.sendRequest(Add, { a: 1, b: 2 }), /disposed/);
  assert.equal(sent.length, 1);
});
