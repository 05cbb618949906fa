// Plain float64 versions of the objectives of paper-spec §2, written independently of src/train/losses.ts: the
// finite-difference reference of losses.test.ts and the float64 side of the TRL parity test (test/unit/job).
import type { LossConfig } from '../../../src/train/losses';
import type { Objective } from '../../../src/core/config';

export const nls = (z: number) => Math.max(-z, 0) + Math.log1p(Math.exp(-Math.abs(z))); // −log σ(z)
export const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** loss = base + reg, as losses.ts splits them (base: the pairwise term; reg: the added term, 0 when none). */
export function referenceParts(
  obj: Objective,
  rc: readonly number[],
  rr: readonly number[],
  c: LossConfig,
): { loss: number; base: number; reg: number } {
  const d = rc.map((x, i) => x - rr[i]!);
  const bt = mean(d.map(nls));
  const parts = (base: number, reg = 0) => ({ loss: base + reg, base, reg });
  switch (obj) {
    case 'bt':
      return parts(bt);
    case 'margin':
      return parts(mean(d.map((x) => nls(x - c.margin))));
    case 'hinge':
      return parts(mean(d.map((x) => Math.max(0, c.margin - x))));
    case 'norm':
      return parts(mean(d.map((x, i) => nls(x / (Math.sqrt(Math.max(rc[i]! ** 2 + rr[i]! ** 2, 1e-30)) + c.normEps)))));
    case 'dr':
      return parts(bt, mean(rc.map((x, i) => nls(x) + nls(-rr[i]!))));
    case 'center':
      return parts(bt, c.centerCoef * mean(rc.map((x, i) => (x + rr[i]!) ** 2)));
    case 'bsr':
      return parts(bt, c.lambda * rc.length * mean([...rc, ...rr]) ** 2);
  }
}

export const reference = (obj: Objective, rc: readonly number[], rr: readonly number[], c: LossConfig): number =>
  referenceParts(obj, rc, rr, c).loss;
