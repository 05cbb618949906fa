// One optimizer step. Everything stays on the backend: the metrics come back as one small tensor that the loop
// reads only on log steps (the sync point), so a GPU backend is never stalled by a per-step read.
import { tf } from './tf';
import { forward, trainableVariables, wpNormTensor, type RewardModel } from './model';
import { computeLoss } from './losses';
import type { TrainConfig } from '../core/config';

/** Order of the values in the metrics tensor returned by trainStep. */
export const STEP_METRICS = ['loss', 'base', 'reg', 'batchMean', 'accuracy', 'gradNorm', 'wpNorm'] as const;

export interface StepBatch {
  /** [2b, T] int32: the b chosen sequences, then the b rejected ones. */
  readonly ids: tf.Tensor2D;
  readonly lastIdx: tf.Tensor1D;
  readonly pairs: number;
}

/**
 * Computes the loss and its gradients, clips them to cfg.gradClip (global norm), and applies Adam.
 * Returns a [7] tensor of STEP_METRICS the caller owns (dispose it, or read it on a log step).
 */
export function trainStep(model: RewardModel, optimizer: tf.Optimizer, batch: StepBatch, cfg: TrainConfig): tf.Tensor1D {
  return tf.tidy(() => {
    const b = batch.pairs;
    // Tensors created inside variableGrads' closure are disposed when it returns; keep the few we report.
    let kept: tf.Tensor[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const { rewards } = forward(model, { ids: batch.ids, lastIdx: batch.lastIdx });
      const rc = rewards.slice([0], [b]);
      const rr = rewards.slice([b], [b]);
      const { loss, base, reg } = computeLoss(cfg.objective, rc, rr, cfg);
      const accuracy = tf.mean(tf.cast(tf.greater(rc, rr), 'float32')); // strict: ties count as wrong
      kept = [tf.keep(base), tf.keep(reg), tf.keep(tf.mean(rewards)), tf.keep(accuracy)];
      return loss;
    }, trainableVariables(model));
    const names = Object.keys(grads);
    const gradNorm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!)))));
    let applied = grads;
    if (cfg.gradClip > 0) {
      // Scale = min(1, clip / ‖g‖): a no-op for small gradients, a rescale (same direction) for large ones.
      const scale = tf.minimum(tf.scalar(1), tf.div(tf.scalar(cfg.gradClip), tf.add(gradNorm, 1e-12)));
      applied = Object.fromEntries(names.map((n) => [n, tf.mul(grads[n]!, scale)]));
    }
    optimizer.applyGradients(applied);
    const [base, reg, batchMean, accuracy] = kept as [tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar];
    // ‖W_p‖ after the update, so the logged value matches the saved weights.
    const metrics = tf.stack([value, base, reg, batchMean, accuracy, gradNorm, wpNormTensor(model)]) as tf.Tensor1D;
    tf.dispose(kept);
    return metrics;
  });
}
