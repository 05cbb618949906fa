// The doctor tells the truth: missing optional packages are reported with a fix, the CUDA library check names what
// is missing, software WebGPU adapters are never auto-picked, and 'auto' takes the first working backend in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AUTO_ORDER, chooseFromProbes, initBackend, probeBackends } from '../../../src/train/backends';
import { canDlopen, missingCudaLibs, CUDA_LIBS } from '../../../src/train/backends/tfjsNode';
import { packageDir } from '../../../src/train/backends/load';
import type { BackendProbe } from '../../../src/protocol/trainer';

test('probeBackends reports every backend, and picks the first one auto may train on', async () => {
  const r = await probeBackends();
  assert.deepEqual(
    r.probes.map((p) => p.name),
    [...AUTO_ORDER],
  );
  for (const p of r.probes) {
    assert.ok(p.reason.length > 0, `${p.name} has no reason`);
    if (!p.available) assert.ok(p.fix || p.reason, `${p.name}: unavailable without a reason`);
  }
  const firstUsable = r.probes.find((p) => p.available && p.details?.['software'] !== true);
  assert.equal(r.chosen, firstUsable?.name);
  assert.match(r.why, new RegExp(`^${r.chosen} `));
  const wasm = r.probes.find((p) => p.name === 'wasm')!;
  assert.equal(wasm.available, true, wasm.reason);
  assert.equal(typeof wasm.details?.['simd'], 'boolean');
  assert.equal(wasm.details?.['threads'], 1);
});

test('an optional libtensorflow package that is not installed is reported with the npm command', async (t) => {
  const r = await probeBackends();
  for (const [name, pkg] of [
    ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'],
    ['tensorflow', '@tensorflow/tfjs-node'],
  ] as const) {
    if (packageDir(pkg)) {
      t.diagnostic(`${pkg} is installed here; not-installed path not checked`);
      continue;
    }
    const p = r.probes.find((q) => q.name === name)!;
    assert.equal(p.available, false);
    assert.match(p.reason, /not installed/);
    assert.match(p.fix ?? '', new RegExp(`npm install .*${pkg.replace('/', '\\/')}@4\\.22\\.0`));
  }
});

test('an explicit request for a backend that cannot work throws with the reason and the fix', async (t) => {
  if (packageDir('@tensorflow/tfjs-node-gpu')) {
    t.skip('tfjs-node-gpu is installed here');
    return;
  }
  await assert.rejects(initBackend('tensorflow-gpu'), /backend tensorflow-gpu is not usable: .*not installed.*Fix: npm install/);
});

test('the CUDA check names the libraries the loader cannot open', () => {
  assert.equal(canDlopen('libc.so.6').ok, true);
  assert.equal(canDlopen('libreward-lens-does-not-exist.so.1').ok, false);
  const present = new Set(['libcuda.so.1', 'libcudart.so.11.0']);
  const missing = missingCudaLibs((lib) => ({ ok: present.has(lib) }));
  assert.deepEqual(
    missing,
    CUDA_LIBS.filter((l) => !present.has(l)),
  );
  assert.ok(missing.includes('libcudnn.so.8'));
});

test('auto skips a software WebGPU adapter and unavailable backends, in AUTO_ORDER', () => {
  const probe = (name: BackendProbe['name'], available: boolean, details?: BackendProbe['details']): BackendProbe => ({
    name,
    available,
    reason: 'r',
    details,
  });
  assert.equal(
    chooseFromProbes([
      probe('tensorflow-gpu', false),
      probe('webgpu', true, { software: true, adapter: 'SwiftShader' }),
      probe('wasm', true),
      probe('cpu', true),
    ]),
    'wasm',
  );
  assert.equal(chooseFromProbes([probe('webgpu', true, { software: false, adapter: 'NVIDIA H100' }), probe('wasm', true)]), 'webgpu');
  assert.equal(chooseFromProbes([probe('cpu', true), probe('tensorflow', true)]), 'tensorflow');
  assert.equal(chooseFromProbes([probe('wasm', false)]), 'cpu');
});
