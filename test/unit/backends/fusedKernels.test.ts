// Each fused WebGPU kernel against the stock composition it replaces (the same op with the custom kernels
// unregistered, on webgpu) and against the cpu backend, on random inputs: the forward value and the gradient of
// sum(y·w) (w random) with respect to every input. Tolerance: relative L2 error < 1e-5 (fp32; the fused kernels sum
// in a different order and compute gradients in closed form rather than by differentiating the composition).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../../src/train/tf';
import { initBackend } from '../../../src/train/backends';
import { registerCustomKernels, unregisterCustomKernels } from '../../../src/train/kernels';
import { hasKernel, layerNorm, rmsNorm } from '../../../src/train/fusedOps';
import { LAYER_NORM, RMS_NORM } from '../../../src/train/kernels/webgpuNorm';
import { webgpuSkipReason } from './webgpuEnv';

const REL_TOL = 1e-5;

export function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  assert.equal(got.length, want.length, 'length');
  let num = 0, den = 0;
  for (let i = 0; i < want.length; i++) { num += (got[i]! - want[i]!) ** 2; den += want[i]! ** 2; }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

// Seeds are ≥ 1: tfjs draws a random seed for 0.
export const randn = (shape: number[], seed: number, scale = 1) => Array.from(tf.randomNormal(shape, 0, scale, 'float32', seed).dataSync());

/** The value of op(inputs) and the gradient of sum(op(inputs)·w) for every input, as plain arrays. */
export function valueAndGrads(op: (...xs: tf.Tensor[]) => tf.Tensor, inputs: { values: number[]; shape: number[] }[], seed = 99): () => tf.Tensor[] {
  return () => {
    const xs = inputs.map((i) => tf.tensor(i.values, i.shape));
    const y = op(...xs);
    const w = tf.randomNormal(y.shape, 0, 1, 'float32', seed);
    const grads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(op(...a), w)))(xs);
    return [y, ...grads];
  };
}

async function runOn(backend: string, custom: boolean, kernel: string, f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  if (custom) registerCustomKernels(backend); else unregisterCustomKernels(backend);
  assert.equal(hasKernel(kernel), custom && backend === 'webgpu', `${kernel} registered on ${backend}: ${hasKernel(kernel)}`);
  const outs = tf.tidy(f);
  const vals = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(outs);
  registerCustomKernels(backend);
  return vals;
}

/** Fused webgpu vs stock webgpu vs cpu, every output. */
export async function compareFused(t: { skip(m: string): void; diagnostic(m: string): void }, kernel: string, f: () => tf.Tensor[], tol = REL_TOL): Promise<void> {
  const skip = await webgpuSkipReason();
  if (skip) { t.skip(skip); return; }
  await initBackend('webgpu');
  await initBackend('cpu');
  const fused = await runOn('webgpu', true, kernel, f);
  const stock = await runOn('webgpu', false, kernel, f);
  const cpu = await runOn('cpu', false, kernel, f);
  const worst = fused.map((x, i) => Math.max(relErr(x, stock[i]!), relErr(x, cpu[i]!)));
  t.diagnostic(`worst relative error per output (value, then gradients): ${worst.map((e) => e.toExponential(1)).join(' ')}`);
  worst.forEach((e, i) => assert.ok(e < tol, `output ${i}: relative error ${e} ≥ ${tol}`));
}

const LN_SHAPES = [[3, 5, 37], [17, 600], [2, 256]];

for (const shape of LN_SHAPES) {
  const D = shape[shape.length - 1]!;
  test(`fused LayerNorm ${JSON.stringify(shape)}: value and gradients (x, γ, β) match stock webgpu and cpu`, async (t) => {
    const op = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => layerNorm(x, g, b, 1e-5);
    await compareFused(t, LAYER_NORM, valueAndGrads(op, [{ values: randn(shape, 1, 2), shape }, { values: randn([D], 2), shape: [D] }, { values: randn([D], 3), shape: [D] }]));
  });
  for (const onePlus of [false, true]) {
    test(`fused RMSNorm ${JSON.stringify(shape)}${onePlus ? ' (1 + w)' : ''}: value and gradients (x, w) match stock webgpu and cpu`, async (t) => {
      const op = (x: tf.Tensor, w: tf.Tensor) => rmsNorm(x, w, 1e-6, onePlus);
      await compareFused(t, RMS_NORM, valueAndGrads(op, [{ values: randn(shape, 4, 2), shape }, { values: randn([D], 5), shape: [D] }]));
    });
  }
}
