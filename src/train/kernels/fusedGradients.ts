// Gradients of the fused kernels, in tfjs's gradient registry (keyed by kernel name, for every backend that has the
// kernel). Each backward kernel returns every input's gradient from one call; tfjs asks for the ones it needs.
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs';
import { tf } from '../tf';
import { LAYER_NORM, LAYER_NORM_GRAD, RMS_NORM, RMS_NORM_GRAD } from './webgpuNorm';

const run = (name: string, inputs: Record<string, Tensor>, attrs: NamedAttrMap) => tf.engine().runKernel(name, inputs, attrs) as unknown as Tensor[];

let registered = false;

/** Registers the gradients once per process (tfjs warns when a gradient is registered twice). */
export function registerFusedGradients(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: LAYER_NORM, inputsToSave: ['x', 'gamma'],
    gradFunc: (dy, saved, attrs) => {
      const [dx, dg, db] = run(LAYER_NORM_GRAD, { dy: dy as Tensor, x: saved[0]!, gamma: saved[1]! }, attrs);
      return { x: () => dx!, gamma: () => dg!, beta: () => db! };
    },
  });
  tf.registerGradient({
    kernelName: RMS_NORM, inputsToSave: ['x', 'weight'],
    gradFunc: (dy, saved, attrs) => {
      const [dx, dw] = run(RMS_NORM_GRAD, { dy: dy as Tensor, x: saved[0]!, weight: saved[1]! }, attrs);
      return { x: () => dx!, weight: () => dw! };
    },
  });
}
