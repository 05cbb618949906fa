// Each fused WebGPU kernel against the stock composition it replaces (the same op with the custom kernels
// unregistered, on webgpu) and against the cpu backend, on random inputs: the forward value and the gradient of
// sum(y·w) (w random) with respect to every input. Tolerance: relative L2 error < 1e-5 (fp32; the fused kernels sum
// in a different order and compute gradients in closed form rather than by differentiating the composition).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../../src/train/tf';
import { initBackend } from '../../../src/train/backends';
import { registerCustomKernels, unregisterCustomKernels } from '../../../src/train/kernels';
import {
  activation,
  fusedAttention,
  fusedAttentionAvailable,
  fusedEmbedding,
  fusedEmbeddingAvailable,
  hasKernel,
  l2Norm,
  layerNorm,
  linear,
  pickRows,
  projections,
  rmsNorm,
  type AttentionSpec,
} from '../../../src/train/fusedOps';
import { LINEAR } from '../../../src/train/kernels/webgpuLinear';
import { EMBED } from '../../../src/train/kernels/webgpuEmbed';
import { ACTIVATION, L2_NORM, PICK_ROWS } from '../../../src/train/kernels/webgpuSmall';
import { ATTENTION } from '../../../src/train/kernels/webgpuAttention';
import { PAIR_LOSS } from '../../../src/train/kernels/webgpuLoss';
import { lossWithStats } from '../../../src/train/losses';
import { LAYER_NORM, RMS_NORM } from '../../../src/train/kernels/webgpuNorm';
import { webgpuSkipReason } from './webgpuEnv';

const REL_TOL = 1e-5;

export function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  assert.equal(got.length, want.length, 'length');
  let num = 0,
    den = 0;
  for (let i = 0; i < want.length; i++) {
    num += (got[i]! - want[i]!) ** 2;
    den += want[i]! ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

// Seeds are ≥ 1: tfjs draws a random seed for 0.
export const randn = (shape: number[], seed: number, scale = 1) => Array.from(tf.randomNormal(shape, 0, scale, 'float32', seed).dataSync());

/** The value of op(inputs) and the gradient of sum(op(inputs)·w) for every input, as plain arrays. */
export function valueAndGrads(
  op: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: { values: number[]; shape: number[] }[],
  seed = 99,
): () => tf.Tensor[] {
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
  if (custom) registerCustomKernels(backend);
  else unregisterCustomKernels(backend);
  assert.equal(hasKernel(kernel), custom && backend === 'webgpu', `${kernel} registered on ${backend}: ${hasKernel(kernel)}`);
  // Any WebGPU validation error (an invalid shader, a bad binding) fails the test, whatever the numbers say.
  const device =
    backend === 'webgpu'
      ? (tf.backend() as unknown as { device: { pushErrorScope(f: string): void; popErrorScope(): Promise<{ message: string } | null> } })
          .device
      : null;
  device?.pushErrorScope('validation');
  const outs = tf.tidy(f);
  const vals = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
  const error = await device?.popErrorScope();
  assert.equal(error ?? null, null, `WebGPU validation error: ${error?.message}`);
  tf.dispose(outs);
  registerCustomKernels(backend);
  return vals;
}

/** Fused webgpu vs stock webgpu vs cpu, every output. */
export async function compareFused(
  t: { skip(m: string): void; diagnostic(m: string): void },
  kernel: string,
  f: () => tf.Tensor[],
  tol = REL_TOL,
): Promise<void> {
  const skip = await webgpuSkipReason();
  if (skip) {
    t.skip(skip);
    return;
  }
  await initBackend('webgpu');
  await initBackend('cpu');
  const fused = await runOn('webgpu', true, kernel, f);
  const stock = await runOn('webgpu', false, kernel, f);
  const cpu = await runOn('cpu', false, kernel, f);
  const worst = fused.map((x, i) => Math.max(relErr(x, stock[i]!), relErr(x, cpu[i]!)));
  t.diagnostic(`worst relative error per output (value, then gradients): ${worst.map((e) => e.toExponential(1)).join(' ')}`);
  worst.forEach((e, i) => assert.ok(e < tol, `output ${i}: relative error ${e} ≥ ${tol}`));
}

// [300, 40]: more rows than one workgroup takes, so the backward runs as two programs (block partials, then columns).
const LN_SHAPES = [
  [3, 5, 37],
  [17, 600],
  [2, 256],
  [300, 40],
];

for (const shape of LN_SHAPES) {
  const D = shape[shape.length - 1]!;
  test(`fused LayerNorm ${JSON.stringify(shape)}: value and gradients (x, γ, β) match stock webgpu and cpu`, async (t) => {
    const op = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => layerNorm(x, g, b, 1e-5);
    await compareFused(
      t,
      LAYER_NORM,
      valueAndGrads(op, [
        { values: randn(shape, 1, 2), shape },
        { values: randn([D], 2), shape: [D] },
        { values: randn([D], 3), shape: [D] },
      ]),
    );
  });
  for (const onePlus of [false, true]) {
    test(`fused RMSNorm ${JSON.stringify(shape)}${onePlus ? ' (1 + w)' : ''}: value and gradients (x, w) match stock webgpu and cpu`, async (t) => {
      const op = (x: tf.Tensor, w: tf.Tensor) => rmsNorm(x, w, 1e-6, onePlus);
      await compareFused(
        t,
        RMS_NORM,
        valueAndGrads(op, [
          { values: randn(shape, 4, 2), shape },
          { values: randn([D], 5), shape: [D] },
        ]),
      );
    });
  }
}

/** The stock composition of attention the fused kernel replaces, for q/k/v in either layout. */
function attentionReference(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, s: AttentionSpec): tf.Tensor {
  const H = s.heads,
    KVH = s.kvHeads ?? H,
    N = q.shape[0]!;
  const d = q.shape[q.rank - 1]! / (s.layout === 'bthd' ? H : 1);
  const split = (x: tf.Tensor, heads: number) => (s.layout === 'bthd' ? tf.transpose(tf.reshape(x, [N, -1, heads, d]), [0, 2, 1, 3]) : x);
  const repeat = (x: tf.Tensor) => tf.reshape(tf.tile(tf.reshape(x, [N, KVH, 1, -1]), [1, 1, H / KVH, 1]), [N, H, -1, d]);
  const q4 = split(q, H),
    k4 = repeat(split(k, KVH)),
    v4 = repeat(split(v, KVH));
  const [Tq, Tk] = [q4.shape[2]!, k4.shape[2]!];
  let scores = tf.mul(tf.matMul(q4, k4, false, true), s.scale);
  if (s.mask) scores = tf.add(scores, s.mask);
  if (s.causal) {
    const pos = s.queryPos ? tf.reshape(s.queryPos, [N, 1, 1, 1]) : tf.reshape(tf.range(0, Tq, 1, 'int32'), [1, 1, Tq, 1]);
    const after = tf.greater(tf.reshape(tf.range(0, Tk, 1, 'int32'), [1, 1, 1, Tk]), pos);
    scores = tf.add(scores, tf.mul(tf.cast(after, 'float32'), -1e9));
  }
  const y = tf.matMul(tf.softmax(scores, -1), v4);
  return s.layout === 'bthd' ? tf.reshape(tf.transpose(y, [0, 2, 1, 3]), q.shape) : y;
}

const ATTENTION_CASES: {
  name: string;
  q: number[];
  kv: number[];
  spec: Omit<AttentionSpec, 'queryPos' | 'mask'>;
  queryPos?: number[];
  mask?: boolean;
}[] = [
  { name: 'causal, [N,T,H·d], 2 heads', q: [2, 5, 8], kv: [2, 5, 8], spec: { heads: 2, scale: 0.5, causal: true, layout: 'bthd' } },
  {
    name: 'causal, 70 positions (two key chunks), d 40',
    q: [1, 70, 80],
    kv: [1, 70, 80],
    spec: { heads: 2, scale: 1 / Math.sqrt(40), causal: true, layout: 'bthd' },
  },
  {
    name: 'one query per sequence at its position (the last block)',
    q: [3, 1, 12],
    kv: [3, 9, 12],
    spec: { heads: 3, scale: 0.5, causal: true, layout: 'bthd' },
    queryPos: [8, 0, 4],
  },
  {
    name: 'grouped-query, [N,H,T,d], additive padding mask',
    q: [2, 4, 6, 8],
    kv: [2, 2, 6, 8],
    spec: { heads: 4, kvHeads: 2, scale: 0.35, causal: true, layout: 'bhtd' },
    mask: true,
  },
];

for (const c of ATTENTION_CASES) {
  test(`fused attention (${c.name}): value and gradients (q, k, v) match stock webgpu and cpu`, async (t) => {
    const N = c.q[0]!,
      Tk = c.kv[c.spec.layout === 'bthd' ? 1 : 2]!;
    // Padding mask: the last key of every sequence but the first is hidden.
    const maskVals = Array.from({ length: N * Tk }, (_, i) => (i >= Tk && i % Tk === Tk - 1 ? -1e9 : 0));
    const f = () => {
      const extra = {
        ...(c.queryPos ? { queryPos: tf.tensor1d(c.queryPos, 'int32') } : {}),
        ...(c.mask ? { mask: tf.tensor4d(maskVals, [N, 1, 1, Tk]) } : {}),
      };
      const spec = { ...c.spec, ...extra };
      const d = c.q[c.q.length - 1]! / (spec.layout === 'bthd' ? spec.heads : 1);
      const op = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) =>
        fusedAttentionAvailable(d, spec) ? fusedAttention(q, k, v, spec) : attentionReference(q, k, v, spec);
      return valueAndGrads(op, [
        { values: randn(c.q, 21), shape: c.q },
        { values: randn(c.kv, 22), shape: c.kv },
        { values: randn(c.kv, 23), shape: c.kv },
      ])();
    };
    await compareFused(t, ATTENTION, f);
  });
}

for (const objective of ['bt', 'bsr'] as const) {
  for (const b of [5, 300]) {
    test(`fused ${objective} loss, ${b} pairs: loss, [loss, base, reg, mean, accuracy] and d loss/d rewards match stock webgpu and cpu`, async (t) => {
      const r = randn([2 * b], 31, 3);
      const f = () => {
        const rewards = tf.tensor1d(r);
        const { loss, stats } = lossWithStats(objective, rewards, b, { lambda: 0.05, margin: 0, centerCoef: 0, normEps: 0 });
        const g = tf.grad(
          (x: tf.Tensor) => lossWithStats(objective, x as tf.Tensor1D, b, { lambda: 0.05, margin: 0, centerCoef: 0, normEps: 0 }).loss,
        )(rewards);
        return [loss, stats, g];
      };
      await compareFused(t, PAIR_LOSS, f);
    });
  }
}

for (const kind of ['gelu', 'gelu_tanh', 'silu'] as const) {
  test(`fused ${kind}: value and gradient match stock webgpu and cpu`, async (t) => {
    await compareFused(
      t,
      ACTIVATION,
      valueAndGrads((x) => activation(x, kind), [{ values: randn([3, 700], 41, 3), shape: [3, 700] }]),
    );
  });
}

test('fused rows at one index per sequence (the scored token): value and gradient match stock webgpu and cpu', async (t) => {
  const f = () => {
    const idx = tf.tensor1d([4, 0, 2], 'int32');
    return valueAndGrads((x) => pickRows(x, idx), [{ values: randn([3, 5, 70], 42), shape: [3, 5, 70] }])();
  };
  await compareFused(t, PICK_ROWS, f);
});

test('fused L2 norm of a head vector matches tf.norm on stock webgpu and cpu', async (t) => {
  await compareFused(t, L2_NORM, () => [l2Norm(tf.tensor2d(randn([600, 1], 43), [600, 1]))]);
});

const LIN = { M: 70, K: 33, N: 90 };
const linInputs = (seed: number) => [
  { values: randn([LIN.M, LIN.K], seed), shape: [LIN.M, LIN.K] },
  { values: randn([LIN.K, LIN.N], seed + 1, 0.3), shape: [LIN.K, LIN.N] },
];

for (const variant of ['plain', 'residual', 'gelu', 'silu'] as const) {
  test(`fused linear [${LIN.M},${LIN.K}]·[${LIN.K},${LIN.N}] (${variant}): value and gradients (x, W${variant === 'residual' ? ', r' : ''}) match stock webgpu and cpu`, async (t) => {
    const inputs = linInputs(51);
    const f =
      variant === 'residual'
        ? valueAndGrads(
            (x, w, r) => linear(x, w, { residual: r }),
            [...inputs, { values: randn([LIN.M, LIN.N], 53), shape: [LIN.M, LIN.N] }],
          )
        : valueAndGrads((x, w) => linear(x, w, variant === 'plain' ? {} : { act: variant }), inputs);
    await compareFused(t, LINEAR, f);
  });
}

for (const k of [2, 3]) {
  test(`fused projections x·Wᵢ for ${k} weights: values and gradients (x, every Wᵢ) match stock webgpu and cpu`, async (t) => {
    const ws = Array.from({ length: k }, (_, i) => ({ values: randn([LIN.K, LIN.N], 60 + i, 0.3), shape: [LIN.K, LIN.N] }));
    const f = () => {
      const xs = [tf.tensor(randn([LIN.M, LIN.K], 59), [LIN.M, LIN.K]), ...ws.map((w) => tf.tensor(w.values, w.shape))];
      const outs = projections(xs[0]!, xs.slice(1));
      const cot = outs.map((o, i) => tf.randomNormal(o.shape, 0, 1, 'float32', 70 + i));
      const grads = tf.grads((...a: tf.Tensor[]) => tf.addN(projections(a[0]!, a.slice(1)).map((o, i) => tf.sum(tf.mul(o, cot[i]!)))))(xs);
      return [...outs, ...grads];
    };
    await compareFused(t, LINEAR, f);
  });
}

for (const [V, D] of [
  [11, 70],
  [300, 40],
] as const) {
  test(`fused embedding + positions (vocab ${V}, width ${D}, repeated ids): value and gradients (table, positions) match stock webgpu and cpu`, async (t) => {
    const ids = [
      [1, 4, 4, V - 1],
      [0, 1, V - 1, 3],
      [4, 4, 4, 4],
    ];
    const f = () => {
      const idsT = tf.tensor2d(ids, [3, 4], 'int32');
      const op = (tok: tf.Tensor, pos: tf.Tensor) =>
        fusedEmbeddingAvailable(D) ? fusedEmbedding(tok, idsT, pos) : tf.add(tf.gather(tok, idsT), tf.slice(pos, [0, 0], [4, D]));
      return valueAndGrads(op, [
        { values: randn([V, D], 81), shape: [V, D] },
        { values: randn([6, D], 82), shape: [6, D] },
      ])();
    };
    await compareFused(t, EMBED, f);
  });
}
