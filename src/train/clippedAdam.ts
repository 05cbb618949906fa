// The end of a training step: the global gradient norm, clipping to it, and Adam. Backend-agnostic: where the active
// backend has the fused kernel (webgpu: src/train/kernels/webgpuAdam.ts) it runs in a few dispatches on tfjs's own
// AdamOptimizer state (same moments, same bias corrections, same checkpoint format); everywhere else it is the stock
// composition, unchanged.
import { tf, type Scalar, type Tensor, type Variable } from './tf';
import { FUSED_ADAM, PRIVATE_COPY, type FusedAdamAttrs } from './kernels/webgpuAdam';

/** tfjs 4.22 AdamOptimizer internals this reads and advances (public on the instance, private in its typings). */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: Variable } | undefined)[];
  readonly iterations: number;
  incrementIterations(): void;
}

/** β₁ᵗ and β₂ᵗ as tfjs accumulates them (one float32 multiply per step), keyed by optimizer; see accBetas. */
const accCache = new WeakMap<object, { iter: number; acc1: number; acc2: number }>();

/**
 * tfjs's Adam keeps β^t in a float32 variable, multiplied by β after each step; reading it back would stall the
 * GPU, so the same float32 products are computed here from the iteration count.
 */
function accBetas(opt: AdamState): { acc1: number; acc2: number } {
  const iter = opt.iterations;
  let c = accCache.get(opt);
  if (!c || c.iter > iter) c = { iter: 0, acc1: Math.fround(opt.beta1), acc2: Math.fround(opt.beta2) };
  while (c.iter < iter)
    c = { iter: c.iter + 1, acc1: Math.fround(c.acc1 * Math.fround(opt.beta1)), acc2: Math.fround(c.acc2 * Math.fround(opt.beta2)) };
  accCache.set(opt, c);
  return c;
}

export function fusedAdamAvailable(optimizer: tf.Optimizer): boolean {
  return optimizer instanceof tf.AdamOptimizer && tf.getKernel(FUSED_ADAM, tf.getBackend()) !== undefined;
}

/** The variable, given a buffer of its own first when another tensor shares it (the update is in place). */
function exclusive(v: Variable): Variable {
  const refCount = (tf.backend() as unknown as { refCount(dataId: object): number }).refCount(v.dataId);
  if (refCount > 1) {
    const copy = tf.engine().runKernel(PRIVATE_COPY, { x: v }) as Tensor;
    v.assign(copy);
    copy.dispose();
  }
  return v;
}

/** Adam's moments for the i-th variable, created as tfjs's applyGradients would on its first call. */
function moments(opt: AdamState, i: number, name: string, value: Variable): [Variable, Variable] {
  opt.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
  opt.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
  return [exclusive(opt.accumulatedFirstMoment[i]!.variable), exclusive(opt.accumulatedSecondMoment[i]!.variable)];
}

/** The fused path: one kernel call updates every variable and both moments in place; returns ‖g‖. */
function fusedStep(optimizer: tf.Optimizer, names: readonly string[], grads: Readonly<Record<string, Tensor>>, clip: number): Scalar {
  const opt = optimizer as unknown as AdamState;
  const vars = tf.engine().registeredVariables;
  const inputs: Record<string, Tensor> = {};
  names.forEach((name, i) => {
    const value = exclusive(vars[name]!);
    const [m, v] = moments(opt, i, name, value);
    Object.assign(inputs, { [`p${i}`]: value, [`g${i}`]: grads[name]!, [`m${i}`]: m, [`v${i}`]: v });
  });
  const { acc1, acc2 } = accBetas(opt);
  const attrs: FusedAdamAttrs = {
    count: names.length,
    beta1: opt.beta1,
    beta2: opt.beta2,
    epsilon: opt.epsilon,
    clip,
    learningRate: opt.learningRate,
    oneMinusAccBeta1: Math.fround(1 - acc1),
    oneMinusAccBeta2: Math.fround(1 - acc2),
  };
  const norm = tf.engine().runKernel(FUSED_ADAM, inputs, attrs as unknown as tf.NamedAttrMap) as Scalar;
  // Keep tfjs's own β^t variables right (host scalars, no program), so the stock path could take over at any step.
  opt.accBeta1.assign(tf.scalar(Math.fround(acc1 * Math.fround(opt.beta1))));
  opt.accBeta2.assign(tf.scalar(Math.fround(acc2 * Math.fround(opt.beta2))));
  opt.incrementIterations();
  return norm;
}

/** The stock composition (every backend without the fused kernel): ‖g‖, g·min(1, clip/‖g‖), optimizer.applyGradients. */
function stockStep(optimizer: tf.Optimizer, names: readonly string[], grads: Readonly<Record<string, Tensor>>, clip: number): Scalar {
  const gradNorm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!))))) as Scalar;
  let applied: Record<string, Tensor> = { ...grads };
  if (clip > 0) {
    // Scale = min(1, clip / ‖g‖): a no-op for small gradients, a rescale (same direction) for large ones.
    const scale = tf.minimum(tf.scalar(1), tf.div(tf.scalar(clip), tf.add(gradNorm, 1e-12)));
    applied = Object.fromEntries(names.map((n) => [n, tf.mul(grads[n]!, scale)]));
  }
  optimizer.applyGradients(Object.fromEntries(names.map((n) => [n, applied[n]!])));
  return gradNorm;
}

/**
 * Computes the global gradient norm over `names` (in this order: Adam keeps its moments by position), clips the
 * gradients to `clip` (0: no clipping) and applies one optimizer step. Returns the pre-clip norm.
 */
export function clipAndApply(
  optimizer: tf.Optimizer,
  names: readonly string[],
  grads: Readonly<Record<string, Tensor>>,
  clip: number,
): Scalar {
  return fusedAdamAvailable(optimizer) ? fusedStep(optimizer, names, grads, clip) : stockStep(optimizer, names, grads, clip);
}
