// The training objectives of paper-spec §2, on one micro-batch of b pairs: rc = r(x, y_w), rr = r(x, y_l), Δr = rc − rr.
// Each returns { loss, base, reg }: `base` is the pairwise (BT-family) part, `reg` the added term (0 when none), and
// loss = base + reg, so the panel can chart the regulariser on its own.
//
// Numerics: −log σ(z) is written softplus(−z). tfjs's softplus is stable for large |z|, and tf.logSigmoid's
// gradient failed inside optimizer.minimize on this machine (and crashes on wasm).
import type { Objective, TrainConfig } from '../core/config';
import { tf, type Scalar, type Tensor, type Tensor1D } from './tf';
import { hasKernel } from './fusedOps';
import { PAIR_LOSS, PAIR_LOSS_OBJECTIVES } from './kernels/webgpuLoss';

// A type alias, not an interface, so it is a tf.TensorContainer and can be returned from tf.tidy.
export type LossParts = {
  readonly loss: Scalar;
  readonly base: Scalar;
  readonly reg: Scalar;
};

export type LossConfig = Pick<TrainConfig, 'lambda' | 'margin' | 'centerCoef' | 'normEps'>;

/** −log σ(z), elementwise, stable. */
export function negLogSigmoid(z: Tensor): Tensor {
  return tf.softplus(tf.neg(z));
}

/** Below this, the reward-vector norm's square is clamped, so the gradient of √ stays finite at rc = rr = 0. */
const NORM_SQ_FLOOR = 1e-30;

function checkShapes(rc: Tensor1D, rr: Tensor1D): void {
  if (rc.rank !== 1 || rr.rank !== 1 || rc.shape[0] !== rr.shape[0] || rc.shape[0] === 0) {
    throw new Error(`loss: rc and rr must be non-empty 1-D tensors of the same length, got [${rc.shape}] and [${rr.shape}]`);
  }
}

function parts(base: Tensor, reg?: Tensor): LossParts {
  const r = (reg ?? tf.scalar(0)) as Scalar;
  return { loss: tf.add(base, r) as Scalar, base: base as Scalar, reg: r };
}

/**
 * Bradley–Terry (paper-spec §2.1): L = mean_i −log σ(rc_i − rr_i).
 * @example btLoss([1], [0]) // loss = −log σ(1) = 0.31326
 */
export function btLoss(rc: Tensor1D, rr: Tensor1D): LossParts {
  checkShapes(rc, rr);
  return tf.tidy(() => parts(tf.mean(negLogSigmoid(tf.sub(rc, rr)))));
}

/** BT with a constant margin m (paper-spec §2.2, code only): L = mean_i −log σ(Δr_i − m). */
export function marginLoss(rc: Tensor1D, rr: Tensor1D, margin: number): LossParts {
  checkShapes(rc, rr);
  return tf.tidy(() => parts(tf.mean(negLogSigmoid(tf.sub(tf.sub(rc, rr), margin)))));
}

/**
 * Hinge, "BT-Hinge" (paper-spec §2.3): L = mean_i max(0, m − Δr_i). The hinge alone, as the official code does;
 * no log-sigmoid term is added despite the name.
 */
export function hingeLoss(rc: Tensor1D, rr: Tensor1D, margin: number): LossParts {
  checkShapes(rc, rr);
  return tf.tidy(() => parts(tf.mean(tf.relu(tf.sub(margin, tf.sub(rc, rr))))));
}

/**
 * Reward normalisation, "BT-Norm" (paper-spec §2.4): L = mean_i −log σ(Δr_i / (√(rc_i² + rr_i²) + ε)).
 * ε keeps the value finite at rc = rr = 0; the square under the root is floored at 1e-30 so the gradient is finite
 * there too (this changes nothing unless both |rewards| < 1e-15).
 */
export function normLoss(rc: Tensor1D, rr: Tensor1D, eps: number): LossParts {
  checkShapes(rc, rr);
  return tf.tidy(() => {
    const norm = tf.add(tf.sqrt(tf.maximum(tf.add(tf.square(rc), tf.square(rr)), NORM_SQ_FLOOR)), eps);
    return parts(tf.mean(negLogSigmoid(tf.div(tf.sub(rc, rr), norm))));
  });
}

/**
 * "Double reward" / Eurus, "BT-DR" (paper-spec §2.5): L = mean_i [−log σ(Δr_i) − log σ(rc_i) − log σ(−rr_i)].
 * base = mean −log σ(Δr), reg = mean[−log σ(rc) − log σ(−rr)] (computed stably, unlike the code's log(sigmoid(·))).
 */
export function drLoss(rc: Tensor1D, rr: Tensor1D): LossParts {
  checkShapes(rc, rr);
  return tf.tidy(() => {
    const base = tf.mean(negLogSigmoid(tf.sub(rc, rr)));
    const reg = tf.mean(tf.add(negLogSigmoid(rc), negLogSigmoid(tf.neg(rr))));
    return parts(base, reg);
  });
}

/**
 * BT + TRL reward centering (paper-spec §2.6; Eisenstein et al. 2023): L = mean_i −log σ(Δr_i) + c·mean_i (rc_i + rr_i)².
 * Unlike BSR it penalises every pair's sum, so it also shrinks the spread of pair sums.
 */
export function centerLoss(rc: Tensor1D, rr: Tensor1D, centerCoef: number): LossParts {
  checkShapes(rc, rr);
  return tf.tidy(() => parts(tf.mean(negLogSigmoid(tf.sub(rc, rr))), tf.mul(centerCoef, tf.mean(tf.square(tf.add(rc, rr))))));
}

/**
 * The BSR penalty alone (paper-spec §2.7, the code's form): λ·b·m², m = mean of the 2b rewards of the micro-batch.
 * Equals (λ/(4b))·(Σ r)², and ∂/∂r_j = λ·m for every reward, independent of b.
 */
export function bsrPenalty(rc: Tensor1D, rr: Tensor1D, lambda: number): Scalar {
  checkShapes(rc, rr);
  const b = rc.shape[0];
  return tf.tidy(() => tf.mul(lambda * b, tf.square(tf.mean(tf.concat([rc, rr])))) as Scalar);
}

/**
 * BT + batch-wise sum-to-zero regularisation, "BT-BSR" (paper-spec §2.7; Hong et al. 2025):
 * L = mean_i −log σ(Δr_i) + λ·b·(mean of the 2b rewards)².
 */
export function bsrLoss(rc: Tensor1D, rr: Tensor1D, lambda: number): LossParts {
  checkShapes(rc, rr);
  return tf.tidy(() => parts(tf.mean(negLogSigmoid(tf.sub(rc, rr))), bsrPenalty(rc, rr, lambda)));
}

/** The loss for an objective (paper-spec §2), with its parts. Safe inside optimizer.minimize and tf.tidy. */
export function computeLoss(objective: Objective, rc: Tensor1D, rr: Tensor1D, cfg: LossConfig): LossParts {
  switch (objective) {
    case 'bt':
      return btLoss(rc, rr);
    case 'margin':
      return marginLoss(rc, rr, cfg.margin);
    case 'hinge':
      return hingeLoss(rc, rr, cfg.margin);
    case 'norm':
      return normLoss(rc, rr, cfg.normEps);
    case 'dr':
      return drLoss(rc, rr);
    case 'center':
      return centerLoss(rc, rr, cfg.centerCoef);
    case 'bsr':
      return bsrLoss(rc, rr, cfg.lambda);
    default: {
      const never: never = objective;
      throw new Error(`unknown objective ${String(never)}`);
    }
  }
}

/** Order of the values in lossWithStats' stats. */
export const LOSS_STATS = ['loss', 'base', 'reg', 'batchMean', 'accuracy'] as const;

/**
 * The loss of one micro-batch (rewards: its b chosen, then its b rejected) and its statistics, LOSS_STATS in order.
 * BT and BT + BSR are one fused kernel each way where the backend has it (webgpu); the rest, and every other
 * backend, use computeLoss and the stock ops. Accuracy is strict: ties count as wrong.
 */
export function lossWithStats(objective: Objective, rewards: Tensor1D, b: number, cfg: LossConfig): { loss: Scalar; stats: Tensor1D } {
  if ((objective === 'bt' || objective === 'bsr') && hasKernel(PAIR_LOSS)) {
    const [loss, stats] = tf
      .engine()
      .runKernel(PAIR_LOSS, { rewards }, { pairs: b, objective: PAIR_LOSS_OBJECTIVES[objective], lambda: cfg.lambda }) as unknown as [
      Scalar,
      Tensor1D,
    ];
    return { loss, stats };
  }
  const rc = rewards.slice([0], [b]);
  const rr = rewards.slice([b], [b]);
  const { loss, base, reg } = computeLoss(objective, rc, rr, cfg);
  const accuracy = tf.mean(tf.cast(tf.greater(rc, rr), 'float32'));
  return { loss, stats: tf.stack([loss, base, reg, tf.mean(rewards), accuracy]) as Tensor1D };
}
