// The fused clip + Adam kernel (webgpu) against tfjs's stock composition on webgpu and on cpu: three steps on random
// parameters (one larger than a sum-of-squares chunk, one shared with another tensor), clipping active, then
// inactive. Parameters, both moments and the reported gradient norm agree to 1e-5 relative (the same float32
// operations in the same order; only the norm's summation order differs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../../src/train/tf';
import { initBackend } from '../../../src/train/backends';
import { registerCustomKernels, unregisterCustomKernels } from '../../../src/train/kernels';
import { clipAndApply, fusedAdamAvailable } from '../../../src/train/clippedAdam';
import { webgpuSkipReason } from './webgpuEnv';

const REL_TOL = 1e-5;
const SHAPES = [[70, 65], [33], [7, 3], [1], [129, 4], [2, 2, 3]];

function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let num = 0,
    den = 0;
  for (let i = 0; i < want.length; i++) {
    num += (got[i]! - want[i]!) ** 2;
    den += want[i]! ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

// Seeds are ≥ 1: tfjs draws a random seed for 0.
const values = (shape: number[], seed: number) => Array.from(tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync());

interface AdamRun {
  params: Float32Array[];
  moments: Float32Array[];
  norms: number[];
  shared: Float32Array;
}

/** Three steps of clipAndApply on `backend`; the second variable shares its buffer with a tensor kept alive. */
async function adamRun(backend: string, fused: boolean, clip: number): Promise<AdamRun> {
  await tf.setBackend(backend);
  if (fused) registerCustomKernels(backend);
  else unregisterCustomKernels(backend);
  assert.equal(fusedAdamAvailable(tf.train.adam(1e-3)), fused && backend === 'webgpu');
  const init = SHAPES.map((s, i) => values(s, 10 + i));
  const sharedSource = tf.tensor(init[1]!, SHAPES[1]);
  const vars = SHAPES.map((s, i) =>
    i === 1
      ? tf.variable(sharedSource, true, `adam-${backend}-${fused}-${clip}-${i}`)
      : tf.variable(tf.tensor(init[i]!, s), true, `adam-${backend}-${fused}-${clip}-${i}`),
  );
  const opt = tf.train.adam(0.05, 0.9, 0.999, 1e-7);
  const norms: number[] = [];
  for (let step = 0; step < 3; step++) {
    const norm = tf.tidy(() => {
      const grads = Object.fromEntries(
        vars.map((v, i) => [v.name, tf.mul(tf.tensor(values(SHAPES[i]!, 1000 + 100 * step + i), SHAPES[i]), 3)]),
      );
      return tf.keep(
        clipAndApply(
          opt,
          vars.map((v) => v.name),
          grads,
          clip,
        ),
      );
    });
    norms.push((await norm.data())[0]!);
    norm.dispose();
  }
  const weights = await opt.getWeights();
  const out: AdamRun = {
    params: await Promise.all(vars.map((v) => v.data() as Promise<Float32Array>)),
    moments: await Promise.all(weights.slice(1).map((w) => w.tensor.data() as Promise<Float32Array>)),
    norms,
    shared: (await sharedSource.data()) as Float32Array,
  };
  assert.equal(weights.length, 1 + 2 * SHAPES.length, 'getWeights: iterations, then m and v per variable');
  assert.equal((await weights[0]!.tensor.data())[0], 3, 'iterations');
  opt.dispose();
  tf.dispose([...vars, sharedSource]);
  registerCustomKernels(backend);
  return out;
}

function compare(got: AdamRun, want: AdamRun, label: string): void {
  got.params.forEach((p, i) => assert.ok(relErr(p, want.params[i]!) < REL_TOL, `${label}: parameter ${i}: ${relErr(p, want.params[i]!)}`));
  got.moments.forEach((m, i) => assert.ok(relErr(m, want.moments[i]!) < REL_TOL, `${label}: moment ${i}: ${relErr(m, want.moments[i]!)}`));
  assert.ok(relErr(got.norms, want.norms) < REL_TOL, `${label}: norms ${got.norms} vs ${want.norms}`);
}

for (const clip of [1.0, 0]) {
  test(`webgpu fused clip+Adam (clip ${clip}): 3 steps match stock webgpu and cpu (parameters, moments, ‖g‖ < ${REL_TOL})`, async (t) => {
    const skip = await webgpuSkipReason();
    if (skip) {
      t.skip(skip);
      return;
    }
    await initBackend('webgpu');
    const fused = await adamRun('webgpu', true, clip);
    const stock = await adamRun('webgpu', false, clip);
    const cpu = await adamRun('cpu', false, clip);
    compare(fused, stock, 'vs stock webgpu');
    compare(fused, cpu, 'vs cpu');
    if (clip > 0) assert.ok(fused.norms[0]! > clip * 2, 'the clip is active in this test');
    assert.deepEqual(
      Array.from(fused.shared),
      values(SHAPES[1]!, 11),
      "a tensor sharing a variable's buffer is not changed by the in-place update",
    );
  });
}
