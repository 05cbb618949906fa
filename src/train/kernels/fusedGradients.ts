// Gradients of the fused kernels, in tfjs's gradient registry (keyed by kernel name, for every backend that has the
// kernel). Each backward kernel returns every input's gradient from one call; tfjs asks for the ones it needs.
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs';
import { tf } from '../tf';
import { LAYER_NORM, LAYER_NORM_GRAD, RMS_NORM, RMS_NORM_GRAD } from './webgpuNorm';
import { ATTENTION, ATTENTION_AUX, ATTENTION_GRAD } from './webgpuAttention';
import { PAIR_LOSS, PAIR_LOSS_GRAD } from './webgpuLoss';
import { ACTIVATION, ACTIVATION_GRAD, PICK_ROWS, PICK_ROWS_GRAD } from './webgpuSmall';
import { LINEAR, LINEAR_ACT, LINEAR_GRAD, PROJECTIONS, PROJECTIONS_GRAD } from './webgpuLinear';
import { EMBED, EMBED_GRAD } from './webgpuEmbed';

const run = (name: string, inputs: Record<string, Tensor>, attrs: NamedAttrMap) =>
  tf.engine().runKernel(name, inputs, attrs) as unknown as Tensor[];

let registered = false;

/** Registers the gradients once per process (tfjs warns when a gradient is registered twice). */
export function registerFusedGradients(): void {
  if (registered) return;
  registered = true;
  registerNormGradients();
  registerAttentionGradients();
  registerSmallGradients();
  registerLinearGradients();
  tf.registerGradient({
    kernelName: EMBED,
    inputsToSave: ['ids'],
    gradFunc: (dy, saved, attrs) => {
      const [dtok, dpos] = run(EMBED_GRAD, { dy: dy as Tensor, ids: saved[0]! }, attrs);
      return { tok: () => dtok!, pos: () => dpos!, ids: () => tf.zerosLike(saved[0]!) };
    },
  });
}

function registerNormGradients(): void {
  tf.registerGradient({
    kernelName: LAYER_NORM,
    inputsToSave: ['x', 'gamma'],
    gradFunc: (dy, saved, attrs) => {
      const [dx, dg, db] = run(LAYER_NORM_GRAD, { dy: dy as Tensor, x: saved[0]!, gamma: saved[1]! }, attrs);
      return { x: () => dx!, gamma: () => dg!, beta: () => db! };
    },
  });
  tf.registerGradient({
    kernelName: RMS_NORM,
    inputsToSave: ['x', 'weight'],
    gradFunc: (dy, saved, attrs) => {
      const [dx, dw] = run(RMS_NORM_GRAD, { dy: dy as Tensor, x: saved[0]!, weight: saved[1]! }, attrs);
      return { x: () => dx!, weight: () => dw! };
    },
  });
}

function registerAttentionGradients(): void {
  for (const [kernelName, withAux] of [
    [ATTENTION, false],
    [ATTENTION_AUX, true],
  ] as const) {
    tf.registerGradient({
      kernelName,
      inputsToSave: withAux ? ['q', 'k', 'v', 'aux'] : ['q', 'k', 'v'],
      outputsToSave: [false, true],
      gradFunc: (dys, saved, attrs) => {
        const aux: Record<string, Tensor> = withAux ? { aux: saved[3]! } : {};
        const [dq, dk, dv] = run(
          ATTENTION_GRAD,
          { dy: (dys as Tensor[])[0]!, q: saved[0]!, k: saved[1]!, v: saved[2]!, ...aux, lse: saved[saved.length - 1]! },
          attrs,
        );
        // aux (positions, a constant mask) is never on a path from the variables; tfjs asks only for q, k, v.
        return { q: () => dq!, k: () => dk!, v: () => dv!, ...(withAux ? { aux: () => tf.zerosLike(saved[3]!) } : {}) };
      },
    });
  }
}

/** The single-output kernels: the pair loss, the activation and the row gather. */
function registerSmallGradients(): void {
  tf.registerGradient({
    kernelName: PAIR_LOSS,
    inputsToSave: ['rewards'],
    // Only the loss (output 0) is differentiated; the statistics (output 1) are reported, never trained on.
    gradFunc: (dys, saved, attrs) => {
      const dr = tf.engine().runKernel(PAIR_LOSS_GRAD, { rewards: saved[0]!, dloss: (dys as Tensor[])[0]! }, attrs) as Tensor;
      return { rewards: () => dr };
    },
  });
  tf.registerGradient({
    kernelName: ACTIVATION,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => ({
      x: () => tf.engine().runKernel(ACTIVATION_GRAD, { x: saved[0]!, dy: dy as Tensor }, attrs) as Tensor,
    }),
  });
  tf.registerGradient({
    kernelName: PICK_ROWS,
    inputsToSave: ['idx'],
    gradFunc: (dy, saved, attrs) => ({
      x: () => tf.engine().runKernel(PICK_ROWS_GRAD, { dy: dy as Tensor, idx: saved[0]! }, attrs) as Tensor,
      idx: () => tf.zerosLike(saved[0]!),
    }),
  });
}

function registerLinearGradients(): void {
  tf.registerGradient({
    kernelName: LINEAR,
    inputsToSave: ['x', 'w'],
    gradFunc: (dy, saved, attrs) => {
      const [dx, dw] = run(LINEAR_GRAD, { dy: dy as Tensor, x: saved[0]!, w: saved[1]! }, attrs);
      // y = r + x·W: the residual's gradient is dy itself (a clone shares its buffer: no program).
      return { x: () => dx!, w: () => dw!, residual: () => (dy as Tensor).clone() };
    },
  });
  tf.registerGradient({
    kernelName: LINEAR_ACT,
    inputsToSave: ['x', 'w'],
    outputsToSave: [false, true],
    gradFunc: (dys, saved, attrs) => {
      const [dx, dw] = run(LINEAR_GRAD, { dy: (dys as Tensor[])[0]!, x: saved[0]!, w: saved[1]!, z: saved[2]! }, attrs);
      return { x: () => dx!, w: () => dw! };
    },
  });
  PROJECTIONS.forEach((kernelName, i) => {
    const k = i + 2;
    const ws = Array.from({ length: k }, (_, j) => `w${j}`);
    tf.registerGradient({
      kernelName,
      inputsToSave: ['x', ...ws],
      gradFunc: (dys, saved) => {
        // An unused projection has no gradient: zeros (not expected in our models, where every one is used).
        const dy = Object.fromEntries(
          ws.map((_, j) => [`dy${j}`, (dys as (Tensor | null)[])[j] ?? tf.zeros([saved[0]!.shape[0]!, saved[j + 1]!.shape[1]!])]),
        );
        const [dx, ...dw] = run(PROJECTIONS_GRAD, { x: saved[0]!, ...Object.fromEntries(ws.map((w, j) => [w, saved[j + 1]!])), ...dy }, {});
        return { x: () => dx!, ...Object.fromEntries(ws.map((w, j) => [w, () => dw[j]!])) };
      },
    });
  });
}
