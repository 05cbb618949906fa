// The worker lowers its own scheduling priority so background scoring yields to the editor: on Linux per thread
// (the thread that calls it, and threads it starts later), never the whole process it shares with the extension host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { BACKGROUND_NICE } from '../../../src/node/backgroundPriority';

const linux = process.platform === 'linux';
const threadNice = (tid: number) => Number(fs.readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);

test('in a worker thread: that thread goes to nice 10, the process does not', {
  skip: linux ? false : 'per-thread priority is Linux only',
}, async () => {
  const before = os.getPriority(process.pid);
  // The worker imports the module through tsx, as the test runner does, and reports what it did and its thread id.
  const src = `
    const { parentPort } = require('node:worker_threads');
    require('tsx/cjs');
    const { lowerWorkerPriority } = require(${JSON.stringify(require.resolve('../../../src/node/backgroundPriority'))});
    const said = lowerWorkerPriority(true);
    const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
    parentPort.postMessage({ said, tid });
    setTimeout(() => {}, 300);`;
  const w = new Worker(src, { eval: true });
  const { said, tid } = await new Promise<{ said: string; tid: number }>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  try {
    assert.match(said, new RegExp(`^worker thread ${tid} at nice ${BACKGROUND_NICE}$`));
    assert.equal(threadNice(tid), BACKGROUND_NICE, 'the kernel sees the worker thread at nice 10');
    assert.equal(os.getPriority(process.pid), before, "the host's own thread keeps its priority");
    assert.equal(threadNice(process.pid), before);
  } finally {
    await w.terminate();
  }
});
