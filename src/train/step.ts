// One optimizer step. Everything stays on the backend: the metrics come back as one small tensor that the loop
// reads only on log steps (the sync point), so a GPU backend is never stalled by a per-step read.
//
// Gradient accumulation (cfg.gradAccum = k): the step's pairs are cut into k micro-batches, each with its own loss
// (so BSR's λ·b·mean(r)² is per micro-batch, as in the paper's code, where the batch is the per-device batch);
// the gradients are averaged, clipped once and applied once.
import { tf } from './tf';
import { deriveSeed } from '../core/random';
import { lossWithStats } from './losses';
import { clipAndApply } from './clippedAdam';
import { stepBoundary } from './kernels';
import type { TrainConfig } from '../core/config';
import type { TrainModel } from './trainModel';
import { forward, trainableVariables, wpNormTensor, type RewardModel } from './model';

/** What a step needs of the model. */
export type StepModel = Pick<TrainModel, 'variables' | 'stepRewards' | 'wpNormTensor' | 'stepGrads'>;

/** A fixed, already padded batch of our own model (the benchmark workload and the PyTorch parity test). */
export interface StepBatch {
  /** [2b, T] int32: the b chosen sequences, then the b rejected ones. */
  readonly ids: tf.Tensor2D;
  readonly lastIdx: tf.Tensor1D;
  readonly pairs: number;
}

/** One step of our own model on a fixed batch (no micro-batches: the batch is given whole). */
export function trainStepOnBatch(model: RewardModel, optimizer: tf.Optimizer, batch: StepBatch, cfg: StepConfig): tf.Tensor1D {
  const fixed: StepModel = {
    variables: trainableVariables(model),
    stepRewards: () => forward(model, batch).rewards,
    wpNormTensor: () => wpNormTensor(model),
  };
  return trainStep(
    fixed,
    optimizer,
    Array.from({ length: batch.pairs }, (_, i) => i),
    { ...cfg, gradAccum: 1 },
  );
}

/** Order of the values in the metrics tensor returned by trainStep. */
export const STEP_METRICS = ['loss', 'base', 'reg', 'batchMean', 'accuracy', 'gradNorm', 'wpNorm'] as const;

type StepConfig = Pick<TrainConfig, 'objective' | 'lambda' | 'margin' | 'centerCoef' | 'normEps' | 'gradClip'> & {
  readonly gradAccum?: number;
};

/** The pairs of each micro-batch: k near-equal contiguous slices. */
export function microBatches(pairIdx: readonly number[], k: number): number[][] {
  const n = Math.min(Math.max(1, k), pairIdx.length);
  return Array.from({ length: n }, (_, i) =>
    pairIdx.slice(Math.floor((i * pairIdx.length) / n), Math.floor(((i + 1) * pairIdx.length) / n)),
  );
}

/**
 * Computes the loss and its gradients over the step's pairs, clips them to cfg.gradClip (global norm), applies
 * Adam. Returns a [7] tensor of STEP_METRICS the caller owns (dispose it, or read it on a log step); loss, terms,
 * reward mean and accuracy are means over the micro-batches.
 */
export function trainStep(
  model: StepModel,
  optimizer: tf.Optimizer,
  pairIdx: readonly number[],
  cfg: StepConfig,
  stepSeed?: number,
): tf.Tensor1D {
  stepBoundary();
  return tf.tidy(() => {
    const micros = microBatches(pairIdx, cfg.gradAccum ?? 1);
    let k = 0;
    let summed: Record<string, tf.Tensor> | undefined;
    // Per micro-batch: [loss, base, reg, batchMean, accuracy] (losses.ts LOSS_STATS).
    const parts: tf.Tensor1D[] = [];
    for (const micro of micros) {
      const seed = stepSeed === undefined ? undefined : deriveSeed(stepSeed, 'micro', k++);
      // Tensors created inside variableGrads' closure are disposed when it returns; keep the statistics we report.
      const lossOf = (rewards: tf.Tensor1D) => {
        const { loss, stats } = lossWithStats(cfg.objective, rewards, micro.length, cfg);
        parts.push(tf.keep(stats));
        return loss;
      };
      const { grads } = model.stepGrads
        ? model.stepGrads(micro, lossOf, seed)
        : tf.variableGrads(() => lossOf(model.stepRewards(micro, seed)), [...model.variables]);
      summed = summed ? Object.fromEntries(Object.keys(grads).map((n) => [n, tf.add(summed![n]!, grads[n]!)])) : grads;
    }
    // Adam keeps its moments by position in this map: always the model's variable order, whichever way the
    // gradients were computed (the checkpointed path collects them top layer first), so a resumed run's restored
    // moments meet the same variables.
    const names = model.variables.map((v) => v.name).filter((n) => summed![n] !== undefined);
    const grads = Object.fromEntries(names.map((n) => [n, micros.length > 1 ? tf.div(summed![n]!, micros.length) : summed![n]!]));
    // ‖g‖, clipping and Adam: the fused kernel where the backend has one (webgpu), the stock ops elsewhere.
    const gradNorm = clipAndApply(optimizer, names, grads, cfg.gradClip);
    const mean = parts.length === 1 ? parts[0]! : tf.div(tf.addN(parts), parts.length);
    // ‖W_p‖ after the update, so the logged value matches the saved weights.
    const metrics = tf.concat([mean, tf.reshape(gradNorm, [1]), tf.reshape(model.wpNormTensor(), [1])]) as tf.Tensor1D;
    tf.dispose(parts); // the tf.keep()s escape tidy
    return metrics;
  });
}
