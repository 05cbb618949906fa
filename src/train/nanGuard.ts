// The NaN/Inf guard. The loop reads the backend only on log steps, and by then every metric of a diverged run is NaN,
// which says nothing about the cause. So every step also keeps, on the backend and without a sync, the metrics of the
// first step that went non-finite; the log step reads them with its own metrics (one read), and the diagnosis blames
// the term that overflowed first: the regulariser, the rewards (BT term), the gradients or the weights.
import { tf } from './tf';
import { STEP_METRICS } from './step';
import type { TrainConfig } from '../core/config';

const K = STEP_METRICS.length;
type Metric = (typeof STEP_METRICS)[number];
export type StepValues = Readonly<Record<Metric, number>> & { readonly step: number };

/** K metrics + the step of the first step that went non-finite (step −1 while none has). */
export class NonFiniteTracker {
  private readonly first = tf.tidy(() => tf.variable(tf.tensor1d([...Array(K).fill(0), -1]), false));

  /** After each step: on the backend only, no sync. */
  update(metrics: tf.Tensor1D, step: number): void {
    tf.tidy(() => {
      const bad = tf.logicalNot(tf.all(tf.isFinite(metrics)));
      const noneYet = tf.less(this.first.slice([K], [1]), 0);
      const take = tf.broadcastTo(tf.reshape(tf.logicalAnd(bad, noneYet), [1]), [K + 1]);
      this.first.assign(tf.where(take, tf.concat([metrics, tf.tensor1d([step])]), this.first));
    });
  }

  /** The state, to be read together with the log step's metrics (one sync). */
  snapshot(): tf.Tensor1D {
    return tf.clone(this.first);
  }

  /** Decodes what snapshot() read: the first non-finite step, if any. */
  static decode(v: ArrayLike<number>, offset = 0): StepValues | undefined {
    const step = v[offset + K]!;
    if (!(step >= 0)) return undefined;
    return { ...Object.fromEntries(STEP_METRICS.map((m, i) => [m, v[offset + i]!])), step } as StepValues;
  }

  dispose(): void {
    this.first.dispose();
  }
}

const REGULARISER: Partial<Record<TrainConfig['objective'], { readonly term: string; readonly knob: (c: TrainConfig) => string }>> = {
  bsr: { term: 'the BSR regulariser λ·b·m²', knob: (c) => `λ (--lambda, now ${c.lambda})` },
  center: {
    term: 'the centering term c·mean((r_w + r_l)²)',
    knob: (c) => `the centering coefficient (--center-coef, now ${c.centerCoef})`,
  },
  dr: { term: 'the DR terms −log σ(r_w) − log σ(−r_l)', knob: (c) => `the learning rate (--lr, now ${c.lr})` },
};

const fmt = (x: number) =>
  Number.isFinite(x) ? (Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : x.toFixed(4)) : String(x);

/** What overflowed first, and what to change. */
function cause(first: StepValues, cfg: TrainConfig): string {
  const bad = (m: Metric) => !Number.isFinite(first[m]);
  const reg = REGULARISER[cfg.objective];
  const lr = `the learning rate (--lr, now ${cfg.lr})`;
  const clip =
    cfg.gradClip > 0
      ? `gradient clipping (--grad-clip ${cfg.gradClip}) is on but cannot rescale an infinite norm`
      : 'or clip gradients (--grad-clip 1)';
  if (reg && bad('reg') && !bad('base'))
    return `${reg.term} overflowed (${fmt(first.reg)}) while the BT term was ${fmt(first.base)}: lower ${reg.knob(cfg)}`;
  if (bad('batchMean') || bad('base'))
    return `the rewards overflowed (batch mean ${fmt(first.batchMean)}, BT term ${fmt(first.base)}): lower ${lr}`;
  if (bad('gradNorm')) {
    if (reg && Math.abs(first.reg) > 1e3 * Math.max(1e-12, Math.abs(first.base)))
      return `the gradients overflowed, driven by ${reg.term} (${fmt(first.reg)} vs BT ${fmt(first.base)}): lower ${reg.knob(cfg)}`;
    return `the gradients overflowed: lower ${lr}${cfg.gradClip > 0 ? `; ${clip}` : `, ${clip}`}`;
  }
  if (bad('wpNorm')) return `the weights overflowed: lower ${lr}${cfg.gradClip > 0 ? '' : `, ${clip}`}`;
  return `the loss overflowed: lower ${lr}`;
}

/**
 * The guard's message, or undefined while everything is finite. `first` is the first non-finite step seen on the
 * backend (the log step itself when the tracker saw none); `checkpointStep` is the last checkpoint saved, if any.
 */
export function nanDiagnosis(logged: StepValues, cfg: TrainConfig, first?: StepValues, checkpointStep?: number): string | undefined {
  const culprit = first ?? logged;
  const names = (s: StepValues) =>
    (['loss', 'base', 'reg', 'batchMean', 'gradNorm', 'wpNorm'] as const)
      .filter((k) => !Number.isFinite(s[k]))
      .map((k) => (k === 'base' ? 'bt' : k));
  if (names(logged).length === 0 && !first) return undefined;
  const kept =
    checkpointStep !== undefined
      ? `The checkpoint of step ${checkpointStep} is kept; start a new run with the change (resume would keep the old settings).`
      : 'No checkpoint was saved before it, so nothing is kept; start a new run with the change.';
  return `non-finite ${names(culprit).join(', ')} at step ${culprit.step}: ${cause(culprit, cfg)}. ${kept}`;
}
