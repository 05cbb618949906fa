// Errors across an Endpoint: a handler's error is sent as a WireError (code, message, stack, place) and rebuilt on the
// other side as a real Error whose class says whether it is the user's to fix. Over a real MessageChannel (structured
// clone, as the worker uses) and over JSON (as child_process IPC and the webview use).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { Endpoint, request, type Wire } from '../../../src/protocol/rpc';
import { fromWireError, RemoteUserError, RpcError, toWireError } from '../../../src/protocol/errors';
import { FileError, UserError } from '../../../src/core/errors';

const Fail = request<{ kind: string }, number>('test/fail');

function pair(options: ConstructorParameters<typeof Endpoint>[1] = {}) {
  const { port1, port2 } = new MessageChannel();
  const host = new Endpoint((m) => port1.postMessage(m));
  const worker = new Endpoint((m) => port2.postMessage(m), options);
  port1.on('message', (m: Wire) => host.handle(m));
  port2.on('message', (m: Wire) => worker.handle(m));
  return {
    host,
    worker,
    close: () => {
      port1.close();
      port2.close();
    },
  };
}

function throwingHandler({ kind }: { kind: string }): number {
  if (kind === 'file') throw new FileError({ file: 'data.jsonl', line: 7, field: 'chosen' }, 'expected a string');
  if (kind === 'user') throw new UserError('steps must be positive');
  if (kind === 'enoent') {
    throw Object.assign(new Error("ENOENT: no such file or directory, open 'x.jsonl'"), {
      code: 'ENOENT',
      syscall: 'open',
      path: 'x.jsonl',
    });
  }
  if (kind === 'string') throw 'a thrown string'; // the other side may throw anything
  return deeplyBroken();
}

function deeplyBroken(): never {
  throw new TypeError('cannot read properties of undefined (reading "rows")');
}

const rejection = (p: Promise<unknown>) =>
  p.then(
    (v) => assert.fail(`expected a rejection, got ${JSON.stringify(v)}`),
    (e: unknown) => e as Error,
  );

test('a FileError crosses as a UserError that keeps its code, one-line message and file/line/field', async () => {
  const { host, worker, close } = pair();
  worker.onRequest(Fail, throwingHandler);
  const e = await rejection(host.sendRequest(Fail, { kind: 'file' }));
  close();
  assert.ok(e instanceof RemoteUserError && e instanceof UserError, String(e));
  assert.equal(e.code, 'file');
  assert.equal(e.name, 'FileError');
  assert.equal(e.message, 'data.jsonl:7: field "chosen": expected a string');
  assert.deepEqual(e.place, { file: 'data.jsonl', line: 7, field: 'chosen' });
});

test('a bug crosses as an RpcError whose stack starts at the frame that threw, then names the request', async () => {
  const { host, worker, close } = pair();
  worker.onRequest(Fail, throwingHandler);
  const e = await rejection(host.sendRequest(Fail, { kind: 'bug' }));
  close();
  assert.ok(e instanceof RpcError, String(e));
  assert.ok(!(e instanceof UserError));
  assert.equal(e.name, 'TypeError');
  assert.equal(e.code, 'internal');
  assert.equal(e.message, 'cannot read properties of undefined (reading "rows")');
  const lines = e.stack!.split('\n');
  assert.equal(lines[0], 'TypeError: cannot read properties of undefined (reading "rows")');
  assert.match(lines[1]!, /deeplyBroken/, "the sender's frames come first");
  const marker = lines.findIndex((l) => l.includes('--- answered request test/fail ---'));
  assert.ok(marker > 1, e.stack);
});

test('mapError runs on the sending side: an OS error becomes a UserError with its errno code', async () => {
  const toUser = (e: unknown) =>
    (e as { code?: string }).code === 'ENOENT' ? new UserError('cannot read x.jsonl: no such file', { code: 'ENOENT' }) : e;
  const { host, worker, close } = pair({ mapError: toUser });
  worker.onRequest(Fail, throwingHandler);
  const mapped = await rejection(host.sendRequest(Fail, { kind: 'enoent' }));
  const bug = await rejection(host.sendRequest(Fail, { kind: 'bug' }));
  close();
  assert.ok(mapped instanceof UserError);
  assert.equal((mapped as UserError).code, 'ENOENT');
  assert.ok(bug instanceof RpcError, 'mapError leaves other errors alone');
});

test("without mapError an OS error is not the user's: it keeps Node's code and its stack", async () => {
  const { host, worker, close } = pair();
  worker.onRequest(Fail, throwingHandler);
  const e = await rejection(host.sendRequest(Fail, { kind: 'enoent' }));
  close();
  assert.ok(e instanceof RpcError);
  assert.equal(e.code, 'ENOENT');
  assert.match(e.stack!, /throwingHandler/);
});

test('thrown non-Errors, unknown methods and a disposed endpoint still reject with a code', async () => {
  const { host, worker, close } = pair();
  worker.onRequest(Fail, throwingHandler);
  const str = await rejection(host.sendRequest(Fail, { kind: 'string' }));
  const missing = await rejection(host.sendRequest(request<object, void>('test/none'), {}));
  close();
  assert.ok(str instanceof RpcError);
  assert.equal(str.message, 'a thrown string');
  assert.equal((missing as RpcError).code, 'no-handler');
  assert.match(missing.message, /no handler for test\/none/);
  const lonely = new Endpoint(() => undefined);
  const pending = lonely.sendRequest(Fail, { kind: 'user' });
  lonely.dispose('worker exited (code 1)');
  const gone = await rejection(pending);
  assert.ok(gone instanceof RpcError);
  assert.equal(gone.code, 'disposed');
  assert.equal(gone.message, 'worker exited (code 1)');
});

test('the wire form survives JSON (IPC, webview) and malformed wire errors still become readable errors', () => {
  const wire = JSON.parse(JSON.stringify(toWireError(new FileError({ file: 'a.csv', line: 2 }, 'bad row'))));
  const e = fromWireError(wire, 'score/document');
  assert.ok(e instanceof UserError);
  assert.equal(e.message, 'a.csv:2: bad row');
  assert.deepEqual((e as RemoteUserError).place, { file: 'a.csv', line: 2 });
  assert.equal(toWireError(new UserError('x')).stack, undefined, 'a user error carries no stack: its message says it all');
  // An older peer sent the message as a plain string; a broken one sends anything at all.
  const legacy = fromWireError('kaput', 'm');
  assert.ok(legacy instanceof RpcError);
  assert.equal(legacy.message, 'kaput');
  const junk = fromWireError(42, 'm');
  assert.ok(junk instanceof RpcError);
  assert.equal((junk as RpcError).code, 'internal');
  assert.match(junk.message, /malformed error: 42/);
});
