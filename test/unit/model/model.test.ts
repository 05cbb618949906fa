// The reward model against an independent float64 numpy implementation (reference/model_ref.py), finite differences,
// and its invariants: padding invariance, deterministic init, memory hygiene.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../../src/train/tf';
import {
  countParameters,
  createModel,
  disposeModel,
  forward,
  makeBatch,
  modelFromTensors,
  paddedLength,
  parameterSpecs,
  trainableVariables,
  wpNorm,
  type RewardModel,
} from '../../../src/train/model';
import type { ModelConfig } from '../../../src/core/config';
import { PAD } from '../../../src/core/tokenize';

before(async () => {
  await tf.setBackend('cpu');
});

const REF_CFG: ModelConfig = { vocabSize: 11, dModel: 8, nLayers: 2, nHeads: 2, dFF: 16, maxLen: 12 };
const REF_IDS = [
  [4, 7, 2, 9, 5, 3],
  [6, 2, 10, 4, 4, 8, 7, 3],
  [2, 5, 3],
];
const COEF = [1.0, -2.0, 0.5];

// From `python3 test/unit/model/reference/model_ref.py` (float64 numpy + scipy erf; same formula weights and ids).
const REF_REWARDS = [-1.346639434, -1.403013857, 0.08785121526];
const REF_HIDDEN0 = [-0.9900281687, -0.7740898736, -0.436662826, 0.03573770064, 0.6116117257, 1.201771233, 1.677293803, 1.912626375];
// d(Σ coef_i·r_i)/dw by central differences (h = 1e-6) in float64.
const REF_GRADS: [string, number[], number][] = [
  ['tok_emb.weight', [4, 3], -0.01948075357], // token 4 occurs three times: the scatter-add gradient must sum them
  ['tok_emb.weight', [3, 0], 0.5149794822], // EOS, in every row
  ['pos_emb.weight', [2, 1], 0.03968824236],
  ['blocks.0.attn.q.weight', [1, 2], 0.00180954518],
  ['blocks.1.attn.k.weight', [3, 0], -0.0001625052315],
  ['blocks.0.attn.v.weight', [0, 5], -0.00941715983],
  ['blocks.1.attn.o.weight', [6, 6], 0.05268541436],
  ['blocks.0.mlp.fc.weight', [4, 7], -0.1049228038],
  ['blocks.1.mlp.proj.weight', [9, 3], 0.1869761569],
  ['blocks.1.ln2.weight', [5], 0.0655949135],
  ['blocks.0.ln1.bias', [2], 0.01463999166],
  ['ln_f.bias', [2], -0.1217954938],
  ['score.weight', [6, 0], -1.703899425],
];

/** The closed-form weights of model_ref.py: base + 0.3·sin(0.37·(k+1) + 1.3·(p+1)), base 1 for LayerNorm gains. */
function formulaModel(cfg: ModelConfig): RewardModel {
  const tensors = new Map<string, tf.Tensor>();
  parameterSpecs(cfg).forEach((s, p) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const base = /(ln1|ln2|ln_f)\.weight$/.test(s.name) ? 1 : 0;
    tensors.set(
      s.name,
      tf.tensor(
        Float32Array.from({ length: n }, (_, k) => base + 0.3 * Math.sin(0.37 * (k + 1) + 1.3 * (p + 1))),
        [...s.shape],
      ),
    );
  });
  const model = modelFromTensors(cfg, tensors);
  tf.dispose([...tensors.values()]);
  return model;
}

const seqs = (rows: number[][]) => rows.map((r) => Int32Array.from(r));

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, abs: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= abs + rel * Math.abs(expected[i]),
      `${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`,
    );
  }
}

const flatIndex = (shape: readonly number[], idx: number[]) => idx.reduce((acc, i, d) => acc * shape[d] + i, 0);

test('forward matches the float64 numpy reference (rewards and h)', () => {
  const model = formulaModel(REF_CFG);
  const batch = makeBatch(seqs(REF_IDS), undefined, REF_CFG.maxLen);
  const { rewards, hidden } = forward(model, batch);
  assertClose(rewards.dataSync(), REF_REWARDS, 1e-4, 1e-5, 'rewards');
  assertClose(hidden.dataSync().slice(0, 8), REF_HIDDEN0, 1e-4, 1e-5, 'hidden[0]');
  tf.dispose([rewards, hidden, batch.ids, batch.lastIdx]);
  disposeModel(model);
});

test('autograd gradients match numpy central differences for weights of every kind', () => {
  const model = formulaModel(REF_CFG);
  const batch = makeBatch(seqs(REF_IDS), undefined, REF_CFG.maxLen);
  const vars = trainableVariables(model);
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(forward(model, batch).rewards, COEF)) as tf.Scalar, vars);
  for (const [name, idx, want] of REF_GRADS) {
    const v = model.params.get(name)!;
    const got = grads[v.name].dataSync()[flatIndex(v.shape, idx)];
    assertClose([got], [want], 2e-3, 2e-6, `d/d ${name}[${idx}]`);
  }
  tf.dispose(Object.values(grads));
  tf.dispose([batch.ids, batch.lastIdx]);
  disposeModel(model);
});

test('gradient of r w.r.t. weights of a seeded model matches fp32 finite differences', () => {
  const cfg: ModelConfig = { vocabSize: 20, dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxLen: 16 };
  const model = createModel(cfg, 7);
  const batch = makeBatch(
    seqs([
      [5, 9, 2, 11, 3],
      [7, 2, 8, 8, 19, 4, 3],
    ]),
    undefined,
    cfg.maxLen,
  );
  const objective = () => tf.tidy(() => tf.sum(tf.mul(forward(model, batch).rewards, [1, -1])).dataSync()[0]);
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(forward(model, batch).rewards, [1, -1])) as tf.Scalar, trainableVariables(model));
  const picks: [string, number][] = [
    ['score.weight', 3],
    ['ln_f.weight', 5],
    ['tok_emb.weight', 8 * 16 + 2],
    ['blocks.0.mlp.fc.weight', 40],
    ['pos_emb.weight', 16 + 4],
  ];
  for (const [name, k] of picks) {
    const v = model.params.get(name)!;
    const orig = v.dataSync().slice();
    const at = (delta: number) => {
      const w = orig.slice();
      w[k] += delta;
      v.assign(tf.tensor(w, v.shape));
      return objective();
    };
    const h = 1e-2;
    const fd = (at(h) - at(-h)) / (2 * h);
    v.assign(tf.tensor(orig, v.shape));
    const got = grads[v.name].dataSync()[k];
    assert.ok(Math.abs(got - fd) <= 1e-3 + 2e-2 * Math.abs(fd), `d/d ${name}[${k}]: autograd ${got}, finite differences ${fd}`);
  }
  tf.dispose(Object.values(grads));
  tf.dispose([batch.ids, batch.lastIdx]);
  disposeModel(model);
});

test('right padding does not change h or r (causal mask), whatever the batch length', () => {
  const cfg: ModelConfig = { vocabSize: 20, dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxLen: 16 };
  const model = createModel(cfg, 3);
  const s = seqs([
    [5, 9, 2, 11, 3],
    [7, 2, 8, 8, 19, 4, 3],
    [6, 3],
  ]);
  const run = (rows: Int32Array[], padTo?: number) =>
    tf.tidy(() => {
      const b = makeBatch(rows, padTo, cfg.maxLen);
      const out = forward(model, b);
      return { r: out.rewards.dataSync(), h: out.hidden.dataSync(), T: b.ids.shape[1] };
    });
  const base = run(s);
  assert.equal(base.T, 8);
  for (const padTo of [7, 13, 16]) {
    const other = run(s, padTo);
    assertClose(other.r, base.r, 1e-5, 1e-6, `rewards padTo=${padTo}`);
    assertClose(other.h, base.h, 1e-5, 1e-6, `hidden padTo=${padTo}`);
  }
  // The same sequence alone (padded to 8) and beside longer batchmates gives the same reward.
  const alone = run([s[2]]);
  assertClose(alone.r, [base.r[2]], 1e-5, 1e-6, 'reward of a short sequence alone');
  disposeModel(model);
});

test('init is deterministic per seed and follows the stated distributions', () => {
  const cfg: ModelConfig = { vocabSize: 12, dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxLen: 16 };
  const a = createModel(cfg, 42);
  const b = createModel(cfg, 42);
  const c = createModel(cfg, 43);
  let differs = 0;
  for (const [name, v] of a.params) {
    assert.deepEqual(v.dataSync(), b.params.get(name)!.dataSync(), `${name} differs for the same seed`);
    if (v.dataSync().some((x, i) => x !== c.params.get(name)!.dataSync()[i])) differs++;
  }
  assert.equal(differs, 2 + 6 + 1, 'every random parameter changes with the seed (embeddings, 6 block matrices, W_p)');
  assert.notDeepEqual(a.params.get('blocks.0.attn.q.weight')!.dataSync(), a.params.get('blocks.0.attn.k.weight')!.dataSync());
  assert.deepEqual([...a.params.get('ln_f.weight')!.dataSync()], new Array(16).fill(1));
  assert.deepEqual([...a.params.get('blocks.0.ln1.bias')!.dataSync()], new Array(16).fill(0));
  [a, b, c].forEach(disposeModel);

  const wide = createModel({ vocabSize: 5, dModel: 256, nLayers: 1, nHeads: 4, dFF: 8, maxLen: 8 }, 1);
  const std = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
  const wp = wide.params.get('score.weight')!.dataSync() as Float32Array;
  assert.ok(Math.abs(std(wp) - 1 / 16) < 0.15 / 16, `W_p std ${std(wp)}, expected 1/√256 = 0.0625`);
  assert.ok(Math.abs(wpNorm(wide) - 1) < 0.15, `‖W_p‖ ${wpNorm(wide)} ≈ 1 at init`);
  const q = wide.params.get('blocks.0.attn.q.weight')!.dataSync() as Float32Array;
  assert.ok(Math.abs(std(q) - 0.02) < 0.001, `q std ${std(q)}, expected 0.02`);
  disposeModel(wide);
});

test('makeBatch pads with PAD to a multiple of 8 (capped at maxLen) and records lastIdx', () => {
  const b = makeBatch(
    seqs([
      [5, 6, 3],
      [7, 8, 9, 10, 11, 12, 13, 14, 15, 3],
    ]),
    undefined,
    12,
  );
  assert.deepEqual(b.ids.shape, [2, 12]); // 10 → 16, capped at 12
  assert.equal(b.ids.dtype, 'int32');
  assert.deepEqual([...b.lastIdx.dataSync()], [2, 9]);
  assert.deepEqual([...b.ids.dataSync().slice(0, 12)], [5, 6, 3, PAD, PAD, PAD, PAD, PAD, PAD, PAD, PAD, PAD]);
  tf.dispose([b.ids, b.lastIdx]);
  assert.equal(paddedLength([1, 8]), 8);
  assert.equal(paddedLength([9]), 16);
  assert.throws(() => makeBatch(seqs([[1, 2, 3]]), 2), /more than the padded length/);
  assert.throws(() => makeBatch([new Int32Array(0)]), /empty/);
  assert.throws(() => makeBatch([]), /no sequences/);
});

test('forward refuses sequences longer than maxLen; a model config is validated', () => {
  const cfg: ModelConfig = { vocabSize: 12, dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxLen: 8 };
  const model = createModel(cfg, 1);
  const b = makeBatch(seqs([[1, 2, 3]]), 16);
  assert.throws(() => forward(model, b), /exceeds the model's maxLen 8/);
  tf.dispose([b.ids, b.lastIdx]);
  disposeModel(model);
  assert.throws(() => createModel({ ...cfg, nHeads: 3 }, 1), /divisible by nHeads/);
});

test('no tensor leaks: forward inside tidy, and disposeModel frees every variable', () => {
  const before = tf.memory().numTensors;
  const cfg: ModelConfig = { vocabSize: 12, dModel: 16, nLayers: 2, nHeads: 2, dFF: 32, maxLen: 16 };
  const model = createModel(cfg, 1);
  assert.equal(trainableVariables(model).length, parameterSpecs(cfg).length);
  // 12·16 + 16·16 embeddings; per block 4·16² + 2·16·32 + 4·16 (LN); final LN 2·16; head 16.
  assert.equal(countParameters(cfg), 12 * 16 + 16 * 16 + 2 * (4 * 256 + 2 * 16 * 32 + 4 * 16) + 2 * 16 + 16);
  assert.equal(
    trainableVariables(model).reduce((n, v) => n + v.size, 0),
    countParameters(cfg),
  );
  const afterCreate = tf.memory().numTensors;
  assert.equal(afterCreate - before, parameterSpecs(cfg).length);
  const b = makeBatch(
    seqs([
      [1, 2, 3],
      [4, 5, 6, 7],
    ]),
  );
  const out = forward(model, b); // outside tidy: only its two results remain
  assert.equal(tf.memory().numTensors, afterCreate + 2 + 2);
  tf.dispose([out.rewards, out.hidden]);
  const opt = tf.train.sgd(0.1); // holds one scalar (−lr)
  const withOpt = tf.memory().numTensors;
  opt.minimize(() => tf.mean(forward(model, b).rewards) as tf.Scalar, false, trainableVariables(model));
  assert.equal(tf.memory().numTensors, withOpt);
  tf.dispose([b.ids, b.lastIdx]);
  disposeModel(model);
  opt.dispose();
  assert.equal(tf.memory().numTensors, before);
});
