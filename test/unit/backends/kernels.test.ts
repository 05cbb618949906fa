// Every custom kernel against the stock kernel (and against the cpu backend as an independent reference) on random
// inputs: forward and gradient, relative error < 1e-4 in fp32.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../../src/train/tf';
import { initBackend } from '../../../src/train/backends';
import fs from 'node:fs';
import { initBackend as init, probeBackend } from '../../../src/train/backends';
import { registerCustomKernels, unregisterCustomKernels } from '../../../src/train/kernels';
import { wasmBatchMatMulConfig } from '../../../src/train/kernels/wasmBatchMatMul';
import { ADDN_CHUNK } from '../../../src/train/kernels/webgpuAddN';

const REL_TOL = 1e-4;

function relErr(got: Float32Array | number[], want: Float32Array | number[]): number {
  assert.equal(got.length, want.length, 'length');
  let num = 0,
    den = 0;
  for (let i = 0; i < got.length; i++) {
    num += (got[i]! - want[i]!) ** 2;
    den += want[i]! ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

/** Runs f on `backend` with the custom kernels on or off; returns every output as a plain array. */
async function run(backend: string, custom: boolean, f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  if (custom) registerCustomKernels(backend);
  else unregisterCustomKernels(backend);
  if (backend === 'wasm')
    assert.equal(
      tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc === wasmBatchMatMulConfig.kernelFunc,
      custom,
      'wrong BatchMatMul kernel in use',
    );
  const outs = tf.tidy(f);
  const vals = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(outs);
  registerCustomKernels(backend);
  return vals;
}

function randn(shape: number[], seed: number): number[] {
  // Values drawn in JS so every backend sees the same numbers.
  return Array.from(tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync());
}

// [aShape, bShape, transposeA, transposeB, gradient checked]. tfjs's own BatchMatMul gradient does not reduce over
// broadcast batch dimensions (stock kernels fail the same way), so those two cases check the forward value only.
const CASES: [number[], number[], boolean, boolean, boolean?][] = [
  [[7, 5], [5, 9], false, false],
  [[7, 5], [9, 5], false, true],
  [[5, 7], [5, 9], true, false],
  [[5, 7], [9, 5], true, true],
  [[3, 7, 5], [3, 5, 4], false, false],
  [[3, 7, 5], [3, 4, 5], false, true],
  [[3, 5, 7], [3, 5, 4], true, false],
  [[3, 7, 5], [5, 4], false, false, false], // broadcast b: one tall product
  [[7, 5], [3, 5, 4], false, false, false], // broadcast a: one slice reused
  [[3, 5, 7], [4, 5], true, true, false],
  [[2, 3, 6, 5], [2, 3, 6, 5], false, true], // attention scores shape
  [[2, 1, 8], [2, 8, 6], false, false], // pickLast's [N,1,T]·[N,T,D]
];

before(async () => {
  await initBackend('wasm');
});

for (const [as, bs, ta, tb, withGrad = true] of CASES) {
  test(`wasm BatchMatMul ${JSON.stringify(as)}·${JSON.stringify(bs)} tA=${ta} tB=${tb}: forward${withGrad ? ' and gradients' : ''} match stock and cpu`, async () => {
    const av = randn(as, 1),
      bv = randn(bs, 2);
    const f = () => {
      const a = tf.tensor(av, as),
        b = tf.tensor(bv, bs);
      const y = tf.matMul(a, b, ta, tb);
      if (!withGrad) return [y];
      const w = tf.randomNormal(y.shape, 0, 1, 'float32', 3);
      const [ga, gb] = tf.grads((x: tf.Tensor, z: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, z, ta, tb), w)))([a, b]);
      return [y, ga!, gb!];
    };
    const custom = await run('wasm', true, f);
    const stock = await run('wasm', false, f);
    const ref = await run('cpu', false, f);
    assert.equal(custom.length, withGrad ? 3 : 1);
    for (let i = 0; i < custom.length; i++) {
      assert.ok(relErr(custom[i]!, stock[i]!) < REL_TOL, `output ${i} vs stock wasm: ${relErr(custom[i]!, stock[i]!)}`);
      assert.ok(relErr(custom[i]!, ref[i]!) < REL_TOL, `output ${i} vs cpu: ${relErr(custom[i]!, ref[i]!)}`);
    }
  });
}

test('wasm BatchMatMul rejects mismatched inner dimensions with the shapes in the message', async () => {
  await tf.setBackend('wasm');
  assert.throws(() => tf.matMul(tf.zeros([2, 3]), tf.zeros([4, 2])), /inner/);
});

test('UnsortedSegmentSum (wasm and cpu) sums duplicates, drops out-of-range ids, and matches the stock cpu kernel', async () => {
  const ids = [3, 0, 3, 5, 1, 3, 0, 2];
  const xv = randn([8, 6], 4);
  const stockCpu = await run('cpu', false, () => [tf.unsortedSegmentSum(tf.tensor2d(xv, [8, 6]), tf.tensor1d(ids, 'int32'), 6)]);
  const customCpu = await run('cpu', true, () => [tf.unsortedSegmentSum(tf.tensor2d(xv, [8, 6]), tf.tensor1d(ids, 'int32'), 6)]);
  const customWasm = await run('wasm', true, () => [tf.unsortedSegmentSum(tf.tensor2d(xv, [8, 6]), tf.tensor1d(ids, 'int32'), 6)]);
  assert.ok(relErr(customCpu[0]!, stockCpu[0]!) < REL_TOL);
  assert.ok(relErr(customWasm[0]!, stockCpu[0]!) < REL_TOL);
  // Hand check of one row: segment 3 = rows 0, 2, 5.
  for (let j = 0; j < 6; j++) assert.ok(Math.abs(customWasm[0]![3 * 6 + j]! - (xv[j]! + xv[2 * 6 + j]! + xv[5 * 6 + j]!)) < 1e-5);
  // Row 4 gets nothing; an id of 9 (≥ numSegments) is dropped rather than written out of bounds.
  const dropped = await run('wasm', true, () => [
    tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor1d([9, 1], 'int32'), 3),
  ]);
  assert.deepEqual(Array.from(dropped[0]!), [0, 0, 3, 4, 0, 0]);
});

test("gather's gradient (the embedding's) on wasm and cpu equals the stock cpu result", async () => {
  const V = 11,
    D = 4;
  const tbl = randn([V, D], 5);
  const idx = [
    [1, 4, 4],
    [10, 0, 1],
  ];
  const f = () => {
    const t = tf.tensor2d(tbl, [V, D]);
    const w = tf.randomNormal([2, 3, D], 0, 1, 'float32', 6);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.gather(x, tf.tensor2d(idx, [2, 3], 'int32')), w)))(t);
    return [g];
  };
  const ref = await run('cpu', false, f);
  assert.ok(relErr((await run('wasm', true, f))[0]!, ref[0]!) < REL_TOL);
  assert.ok(relErr((await run('cpu', true, f))[0]!, ref[0]!) < REL_TOL);
});

test('webgpu AddN in chunks: 26 inputs (the gradient-norm sum) equal the cpu result', async (t) => {
  if (!process.env['VK_ICD_FILENAMES'] && !process.env['VK_DRIVER_FILES'] && fs.existsSync('/usr/lib/chromium/vk_swiftshader_icd.json'))
    process.env['VK_ICD_FILENAMES'] = '/usr/lib/chromium/vk_swiftshader_icd.json';
  process.env['XDG_RUNTIME_DIR'] ??= '/tmp';
  const p = await probeBackend('webgpu', false);
  if (!p.available) {
    t.skip(`no WebGPU adapter: ${p.reason}`);
    return;
  }
  await init('webgpu');
  const n = 26;
  assert.ok(n > ADDN_CHUNK * 2, 'needs more than two levels of chunks');
  const vals = Array.from({ length: n }, (_, i) => randn([3, 5], 100 + i));
  const f = () => [tf.addN(vals.map((v) => tf.tensor2d(v, [3, 5])))];
  const gpu = await run('webgpu', true, f);
  const ref = await run('cpu', false, f);
  assert.ok(relErr(gpu[0]!, ref[0]!) < REL_TOL, `webgpu addN vs cpu: ${relErr(gpu[0]!, ref[0]!)}`);
  const few = () => [tf.addN(vals.slice(0, 4).map((v) => tf.tensor2d(v, [3, 5])))];
  assert.ok(
    relErr((await run('webgpu', true, few))[0]!, (await run('webgpu', false, few))[0]!) < REL_TOL,
    'vs stock webgpu addN on 4 inputs',
  );
  await tf.setBackend('wasm');
});
