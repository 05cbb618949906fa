// The objectives of paper-spec §2 against float64 references: values from numpy (reference/losses_ref.py) and
// gradients from central finite differences of plain-JS float64 formulas.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../../src/train/tf';
import { bsrPenalty, computeLoss, type LossConfig } from '../../../src/train/losses';
import { OBJECTIVES, type Objective } from '../../../src/core/config';
import { mean, reference } from './lossReference';

before(async () => {
  await tf.setBackend('cpu');
});

const RC = [1.6, -0.3, 0.8, 2.0];
const RR = [0.5, 0.4, -1.2, 2.5];
const CFG: LossConfig = { lambda: 0.1, margin: 1.0, centerCoef: 0.01, normEps: 1e-8 };

// From `python3 test/unit/model/reference/losses_ref.py` (numpy float64, same RC/RR/CFG).
const EXPECTED: Record<Objective, { loss: number; reg: number }> = {
  bt: { loss: 0.622881592306, reg: 0 },
  margin: { loss: 1.13171441374, reg: 0 },
  hinge: { loss: 0.8, reg: 0 },
  norm: { loss: 0.75892022683, reg: 0 },
  dr: { loss: 2.18926886745, reg: 1.56638727514 },
  center: { loss: 0.684956592306, reg: 0.062075 },
  bsr: { loss: 0.870944092306, reg: 0.2480625 },
};

function finiteDiffGrad(obj: Objective, rc: number[], rr: number[], c: LossConfig): { gc: number[]; gr: number[] } {
  const h = 1e-6;
  const g = (which: 'c' | 'r', i: number) => {
    const bump = (s: number) => {
      const a = [...rc];
      const b = [...rr];
      (which === 'c' ? a : b)[i] += s;
      return reference(obj, a, b, c);
    };
    return (bump(h) - bump(-h)) / (2 * h);
  };
  return { gc: rc.map((_, i) => g('c', i)), gr: rr.map((_, i) => g('r', i)) };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, abs: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    assert.ok(Math.abs(a - e) <= abs + rel * Math.abs(e), `${what}[${i}]: got ${a}, expected ${e}`);
  }
}

function lossAndGrads(obj: Objective, rc: number[], rr: number[], c: LossConfig) {
  return tf.tidy(() => {
    const parts = computeLoss(obj, tf.tensor1d(rc), tf.tensor1d(rr), c);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => computeLoss(obj, a as tf.Tensor1D, b as tf.Tensor1D, c).loss)([
      tf.tensor1d(rc),
      tf.tensor1d(rr),
    ]);
    return {
      loss: parts.loss.dataSync()[0],
      base: parts.base.dataSync()[0],
      reg: parts.reg.dataSync()[0],
      gc: g[0].dataSync(),
      gr: g[1].dataSync(),
    };
  });
}

test('the reference formulas reproduce the numpy values (guards the finite-difference reference itself)', () => {
  for (const obj of OBJECTIVES) assertClose([reference(obj, RC, RR, CFG)], [EXPECTED[obj].loss], 1e-10, 1e-12, obj);
});

for (const obj of OBJECTIVES) {
  test(`${obj}: value matches numpy and base + reg = loss`, () => {
    const r = lossAndGrads(obj, RC, RR, CFG);
    assertClose([r.loss], [EXPECTED[obj].loss], 1e-5, 1e-6, `${obj} loss`);
    assertClose([r.reg], [EXPECTED[obj].reg], 1e-5, 1e-6, `${obj} reg`);
    assertClose([r.base + r.reg], [r.loss], 1e-6, 1e-6, `${obj} base+reg`);
  });

  test(`${obj}: gradient w.r.t. rc and rr matches central finite differences`, () => {
    const r = lossAndGrads(obj, RC, RR, CFG);
    const fd = finiteDiffGrad(obj, RC, RR, CFG);
    assertClose(r.gc, fd.gc, 1e-3, 1e-6, `${obj} dL/drc`);
    assertClose(r.gr, fd.gr, 1e-3, 1e-6, `${obj} dL/drr`);
  });
}

test('bsr: dL/dr_j = λ·mean(r) + the BT part, for every reward (paper-spec §2.7)', () => {
  const b = RC.length;
  const m = mean([...RC, ...RR]);
  const s = RC.map((x, i) => 1 / (1 + Math.exp(x - RR[i]))); // σ(−Δr_i)
  const r = lossAndGrads('bsr', RC, RR, CFG);
  assertClose(
    r.gc,
    s.map((si) => CFG.lambda * m - si / b),
    1e-5,
    1e-7,
    'dL/drc',
  );
  assertClose(
    r.gr,
    s.map((si) => CFG.lambda * m + si / b),
    1e-5,
    1e-7,
    'dL/drr',
  );
  // The penalty alone: λ·m per reward, independent of b (checked at two batch sizes).
  for (const [rc, rr] of [
    [RC, RR],
    [RC.slice(0, 2), RR.slice(0, 2)],
  ]) {
    const g = tf.tidy(() =>
      tf
        .grads((a: tf.Tensor, c: tf.Tensor) => bsrPenalty(a as tf.Tensor1D, c as tf.Tensor1D, CFG.lambda))([
          tf.tensor1d(rc),
          tf.tensor1d(rr),
        ])
        .map((t) => t.dataSync()),
    );
    const mm = mean([...rc, ...rr]);
    assertClose([...g[0], ...g[1]], new Array(2 * rc.length).fill(CFG.lambda * mm), 1e-5, 1e-7, `penalty grad (b=${rc.length})`);
  }
});

test('losses stay finite for large reward gaps and for all-zero rewards', () => {
  for (const obj of OBJECTIVES) {
    for (const [rc, rr] of [
      [
        [60, -60],
        [-60, 60],
      ],
      [
        [0, 0],
        [0, 0],
      ],
    ]) {
      const r = lossAndGrads(obj, rc, rr, CFG);
      const all = [r.loss, r.base, r.reg, ...r.gc, ...r.gr];
      assert.ok(all.every(Number.isFinite), `${obj} at rc=${rc} rr=${rr}: ${all}`);
    }
  }
  // −log σ(−120) = 120 exactly in float math; a naive log(sigmoid) would give Infinity.
  assertClose([lossAndGrads('bt', [-60], [60], CFG).loss], [120], 1e-6, 1e-6, 'bt at Δr = −120');
});

test('every objective trains inside optimizer.minimize (the logSigmoid-gradient pitfall)', () => {
  for (const obj of OBJECTIVES) {
    const rc = tf.variable(tf.tensor1d([0.1, -0.2]));
    const rr = tf.variable(tf.tensor1d([0.3, 0.0]));
    const opt = tf.train.sgd(0.5);
    const first = opt.minimize(() => computeLoss(obj, rc, rr, CFG).loss, true, [rc, rr])!;
    let last = first;
    for (let i = 0; i < 20; i++) {
      last.dispose();
      last = opt.minimize(() => computeLoss(obj, rc, rr, CFG).loss, true, [rc, rr])!;
    }
    const l = last.dataSync()[0];
    last.dispose();
    const gap = tf.tidy(() => tf.sub(rc, rr).dataSync());
    assert.ok(Number.isFinite(l) && gap[0] > 0 && gap[1] > 0, `${obj}: after 20 SGD steps, loss ${l}, Δr ${gap}`);
    tf.dispose([rc, rr]);
    opt.dispose();
  }
});

test('computeLoss rejects mismatched reward vectors', () => {
  assert.throws(() => tf.tidy(() => computeLoss('bt', tf.tensor1d([1, 2]), tf.tensor1d([1]), CFG)), /same length/);
});
