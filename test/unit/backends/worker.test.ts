// Backends live in worker threads: first run, reuse of the same worker, terminate and recreate. The extension
// trains in a worker_threads Worker, so a backend that only works on the main thread would fail there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { probeBackend } from '../../../src/train/backends';

const SCRIPT = path.join(__dirname, 'fixtures', 'backendWorker.ts');
// Workers do not inherit tsx's loader hooks: register tsx's CommonJS hook inside the thread, then load the script.
const BOOT = `require('tsx/cjs'); require(${JSON.stringify(SCRIPT)});`;
// [[1,2],[3,4]]·[[5,6],[7,8]]ᵀ = [[17,23],[39,53]]; gather rows [2,0,2] of ones → gradient rows [1,1],[0,0],[2,2].
const EXPECTED = [17, 23, 39, 53, 1, 1, 0, 0, 2, 2];

function ask(w: Worker, backend: string): Promise<{ ok: boolean; backend?: string; values?: number[]; tensors?: number; error?: string }> {
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
    w.postMessage({ backend });
  });
}

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

for (const backend of ['wasm', 'cpu', 'webgpu']) {
  test(`${backend} loads inside a worker thread, is reused, and survives terminate + recreate`, async (t) => {
    if (backend === 'webgpu') {
      // Dawn (a native addon) in a thread: run it wherever an adapter exists; SwiftShader counts.
      if (!process.env['VK_ICD_FILENAMES'] && !process.env['VK_DRIVER_FILES'] && fs.existsSync(SWIFTSHADER_ICD))
        process.env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
      process.env['XDG_RUNTIME_DIR'] ??= '/tmp';
      const p = await probeBackend('webgpu', false);
      if (!p.available) {
        t.skip(`no WebGPU adapter: ${p.reason}`);
        return;
      }
    }
    for (let life = 0; life < 2; life++) {
      const w = new Worker(BOOT, { eval: true });
      try {
        const first = await ask(w, backend);
        assert.ok(first.ok, first.error);
        assert.equal(first.backend, backend);
        assert.deepEqual(first.values, EXPECTED);
        const again = await ask(w, backend); // reuse: no re-probe, same answer, no leaked tensors
        assert.ok(again.ok, again.error);
        assert.deepEqual(again.values, EXPECTED);
        assert.equal(again.tensors, first.tensors, 'tensors leaked between runs');
      } finally {
        assert.equal(await w.terminate(), 1);
      }
    }
  });
}
