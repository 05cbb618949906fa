// Parity of the TRL job's objective with Reward Lens' own: the reward_lens_loss.py export-job writes (and
// RewardLensTrainer.compute_loss in train.py, called the way TRL calls it) evaluated by PyTorch in float64 on fixed
// rewards, against
//   - the float64 formulas of test/unit/model/lossReference.ts (the ones losses.test.ts checks losses.ts with): 1e-9;
//   - src/train/losses.ts itself (tfjs, float32): 1e-5 relative, the precision of float32;
//   - for the gradients, central finite differences of the float64 formulas: 1e-6.
// Needs python3 with torch (and transformers, datasets, trl for the compute_loss part); skipped, saying why, without.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tf } from '../../../src/train/tf';
import { computeLoss, type LossConfig } from '../../../src/train/losses';
import { OBJECTIVES, type Objective } from '../../../src/core/config';
import { mulberry32 } from '../../../src/core/random';
import { LOSS_PY, TRAIN_PY } from '../../../src/core/job/trlPython';
import { referenceParts } from '../model/lossReference';
import { tempDir } from '../train/fixtures';

const CFG: LossConfig = { lambda: 0.1, margin: 1.0, centerCoef: 0.01, normEps: 1e-8 };
const rnd = mulberry32(7);
const random = (n: number) => Array.from({ length: n }, () => Math.round((rnd() * 6 - 3) * 1e6) / 1e6);
const CASES: { name: string; rc: number[]; rr: number[] }[] = [
  { name: 'losses.test.ts batch (b=4)', rc: [1.6, -0.3, 0.8, 2.0], rr: [0.5, 0.4, -1.2, 2.5] },
  { name: 'one pair (b=1)', rc: [0.3], rr: [-0.2] },
  { name: 'random (b=16)', rc: random(16), rr: random(16) },
  { name: 'large gaps', rc: [60, -60, 25], rr: [-60, 60, -1] },
  { name: 'all zero', rc: [0, 0], rr: [0, 0] },
];

interface PyParts {
  loss: number;
  base: number;
  reg: number;
  grad_chosen: number[];
  grad_rejected: number[];
  compute_loss?: { loss: number; bt: number; reg: number; batch_mean: number; accuracy: number };
}
let py: { torch: string; trainer_error: string | null; results: Record<Objective, PyParts>[] } | undefined;
let skip: string | false = false;

before(async () => {
  await tf.setBackend('cpu');
  const probe = spawnSync('python3', ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    skip = `python3 with torch is not importable here (${(probe.error?.message ?? probe.stderr.trim().split('\n').pop()) || 'exit ' + probe.status}): the parity of the exported loss cannot be run`;
    return;
  }
  const dir = tempDir('rl-loss-parity-');
  fs.writeFileSync(path.join(dir, 'reward_lens_loss.py'), LOSS_PY);
  fs.writeFileSync(path.join(dir, 'train.py'), TRAIN_PY);
  const r = spawnSync('python3', [path.resolve('test/unit/job/loss_parity.py'), dir], {
    input: JSON.stringify({ cases: CASES, coefs: CFG }),
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.equal(r.status, 0, `loss_parity.py failed:\n${r.stderr}`);
  py = JSON.parse(r.stdout);
});

const fd = (obj: Objective, rc: number[], rr: number[], side: 'c' | 'r', i: number) => {
  const h = 1e-6;
  const at = (s: number) => {
    const a = [...rc],
      b = [...rr];
    (side === 'c' ? a : b)[i]! += s;
    return referenceParts(obj, a, b, CFG).loss;
  };
  return (at(h) - at(-h)) / (2 * h);
};

function tfjsParts(obj: Objective, rc: number[], rr: number[]) {
  return tf.tidy(() => {
    const p = computeLoss(obj, tf.tensor1d(rc), tf.tensor1d(rr), CFG);
    return { loss: p.loss.dataSync()[0]!, base: p.base.dataSync()[0]!, reg: p.reg.dataSync()[0]! };
  });
}

test('reward_lens_loss.py (float64) = the Reward Lens objectives, every objective and case: 1e-9; losses.ts (float32): 1e-5', (t) => {
  if (skip) return t.skip(skip);
  const worst: Record<string, { ref: number; tfjs: number; grad: number }> = {};
  for (const obj of OBJECTIVES) {
    const w = { ref: 0, tfjs: 0, grad: 0 };
    CASES.forEach((c, k) => {
      const got = py!.results[k]![obj];
      const ref = referenceParts(obj, c.rc, c.rr, CFG);
      const tfjs = tfjsParts(obj, c.rc, c.rr);
      for (const part of ['loss', 'base', 'reg'] as const) {
        const d = Math.abs(got[part] - ref[part]);
        w.ref = Math.max(w.ref, d);
        assert.ok(d <= 1e-9, `${obj} ${c.name} ${part}: PyTorch ${got[part]} vs float64 reference ${ref[part]} (|Δ| ${d})`);
        const dt = Math.abs(got[part] - tfjs[part]);
        w.tfjs = Math.max(w.tfjs, dt / (1 + Math.abs(ref[part])));
        assert.ok(dt <= 1e-5 * (1 + Math.abs(ref[part])), `${obj} ${c.name} ${part}: PyTorch ${got[part]} vs losses.ts ${tfjs[part]}`);
      }
      // At r_c = r_r = 0 BT-Norm's derivative is of order 1/ε (1e8): finite differences with h = 1e-6 ≫ ε cannot see it.
      if (obj === 'norm' && c.name === 'all zero') return;
      c.rc.forEach((_, i) => {
        for (const [side, g] of [
          ['c', got.grad_chosen[i]!],
          ['r', got.grad_rejected[i]!],
        ] as const) {
          const want = fd(obj, c.rc, c.rr, side, i);
          w.grad = Math.max(w.grad, Math.abs(g - want));
          assert.ok(Math.abs(g - want) <= 1e-6, `${obj} ${c.name} dL/dr_${side}[${i}]: autograd ${g} vs finite differences ${want}`);
        }
      });
    });
    worst[obj] = w;
  }
  t.diagnostic(
    `torch ${py!.torch}; max |PyTorch − float64 reference| (loss, base, reg), max relative |PyTorch − losses.ts|, max |autograd − finite differences|:`,
  );
  for (const [obj, w] of Object.entries(worst))
    t.diagnostic(`  ${obj.padEnd(7)} ${w.ref.toExponential(2)}   ${w.tfjs.toExponential(2)}   ${w.grad.toExponential(2)}`);
});

test('bsr in the export is the paper code: λ·b·mean(cat(r_c, r_r))², b the micro-batch, gradient λ·mean for every reward', (t) => {
  if (skip) return t.skip(skip);
  const k = CASES.findIndex((c) => c.name.startsWith('random'));
  const c = CASES[k]!;
  const m = [...c.rc, ...c.rr].reduce((a, b) => a + b, 0) / (2 * c.rc.length);
  const got = py!.results[k]!.bsr;
  assert.ok(Math.abs(got.reg - CFG.lambda * c.rc.length * m * m) <= 1e-12, `reg ${got.reg}`);
  // d/dr of the penalty is λ·m for every reward; the BT part adds ∓σ(−Δ)/b. Their sum over chosen and rejected of a pair is 2λm.
  c.rc.forEach((_, i) => assert.ok(Math.abs(got.grad_chosen[i]! + got.grad_rejected[i]! - 2 * CFG.lambda * m) <= 1e-12, `pair ${i}`));
  // TRL's center_rewards_coefficient is per pair: the same batch gives another value ('center' objective).
  assert.notEqual(py!.results[k]!.center.reg.toFixed(6), got.reg.toFixed(6));
});

test("RewardLensTrainer.compute_loss (train.py) returns the objective on TRL's batch layout and ignores a data margin column", (t) => {
  if (skip) return t.skip(skip);
  if (py!.trainer_error) return t.skip(`train.py does not import here (${py!.trainer_error}): transformers, datasets and trl are needed`);
  for (const obj of OBJECTIVES) {
    CASES.forEach((c, k) => {
      const got = py!.results[k]![obj];
      const cl = got.compute_loss!;
      assert.ok(Math.abs(cl.loss - got.loss) <= 1e-12, `${obj} ${c.name}: compute_loss ${cl.loss} vs reward_lens_loss ${got.loss}`);
      assert.ok(Math.abs(cl.bt - got.base) <= 1e-12 && Math.abs(cl.reg - got.reg) <= 1e-12, `${obj} ${c.name}: logged bt/reg`);
      const mean = [...c.rc, ...c.rr].reduce((a, b) => a + b, 0) / (2 * c.rc.length);
      assert.ok(Math.abs(cl.batch_mean - mean) <= 1e-12, `${obj} ${c.name}: batch_mean ${cl.batch_mean} vs ${mean}`);
      assert.ok(
        Math.abs(cl.accuracy - c.rc.filter((x, i) => x > c.rr[i]!).length / c.rc.length) <= 1e-7,
        `${obj} ${c.name}: accuracy ${cl.accuracy}`,
      ); // .float(): float32
    });
  }
});
