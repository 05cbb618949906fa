// Backend-agnostic entry points for the fused kernels (src/train/kernels/). Each op runs its fused kernel when the
// active backend has one registered (webgpu) and the shape fits it, and otherwise the stock composition it
// replaces, unchanged: wasm and cpu compute exactly what they computed before the fused kernels existed.
import { tf, type Tensor } from './tf';
import { LAYER_NORM, NORM_MAX_WIDTH, RMS_NORM } from './kernels/webgpuNorm';

/** Whether the active backend has this (custom) kernel. */
export function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

const lastDim = (x: Tensor) => x.shape[x.rank - 1]!;

/** LayerNorm over the last axis: ((x − mean)·rsqrt(var + ε))·γ + β, with the biased variance (PyTorch's). */
export function layerNorm(x: Tensor, gain: Tensor, bias: Tensor, eps: number): Tensor {
  if (hasKernel(LAYER_NORM) && lastDim(x) <= NORM_MAX_WIDTH) return tf.engine().runKernel(LAYER_NORM, { x, gamma: gain, beta: bias }, { eps }) as Tensor;
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gain), bias);
}

/** RMSNorm over the last axis: x·rsqrt(mean(x²) + ε)·w, or ·(1 + w) for Gemma-style weights (onePlus). */
export function rmsNorm(x: Tensor, weight: Tensor, eps: number, onePlus: boolean): Tensor {
  if (hasKernel(RMS_NORM) && lastDim(x) <= NORM_MAX_WIDTH) return tf.engine().runKernel(RMS_NORM, { x, weight }, { eps, onePlus }) as Tensor;
  const normed = tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps)));
  return tf.mul(normed, onePlus ? tf.add(weight, 1) : weight);
}
