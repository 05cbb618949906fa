// Training from a pretrained backbone, against PyTorch (transformers 5.18 + peft 0.21, scripts/make_train_parity.py):
// 5 steps of BT + BSR (λ = 0.05, b = 4) on the committed qwen2 fixture, with LoRA (r = 4, α = 8, all projections,
// the head trained; the adapters start from the reference's own seeded values) and with full fine-tuning, through
// the project's trainStep (loss, clip, Adam). Per step: loss, BT term, regulariser, reward mean, accuracy, pre-clip
// gradient norm; after the run: every reward, ‖W_p‖ and Σ lora_B². The same LoRA run without the BSR term must miss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { decodeSafetensors } from '../../src/core/safetensors';
import { DEFAULT_TUNING, type TuneMode } from '../../src/core/hf/tuning';
import { initBackend } from '../../src/train/backends';
import { disposeHfModel, loadHfModel } from '../../src/train/hf/hfModel';
import { makeTrainable } from '../../src/train/hf/hfTrainable';
import { assignLora } from '../../src/train/hf/lora';
import { trainStep, STEP_METRICS } from '../../src/train/step';
import { DEFAULTS, type TrainConfig } from '../../src/core/config';
import { tf } from '../../src/train/tf';

const DIR = 'test/fixtures/hf/train-parity';
const exp = JSON.parse(fs.readFileSync(`${DIR}/expected.json`, 'utf8'));
const inputs = JSON.parse(fs.readFileSync(`${DIR}/inputs.json`, 'utf8')) as {
  pairs: { chosen: number[]; rejected: number[] }[];
  batches: number[][];
};
/** As the existing PyTorch parity test: 1e-4 + 1e-4·|x| on losses and terms, 2e-4 relative on gradient norms. */
const TOL = { abs: 1e-4, rel: 1e-4, norm: 2e-4 };

interface StepOut {
  loss: number;
  bt: number;
  reg: number;
  reward_mean: number;
  accuracy: number;
  grad_norm: number;
}

async function run(mode: TuneMode, lambda: number, checkpointing = false) {
  const m = await loadHfModel('test/fixtures/hf/qwen2');
  const tuning = {
    ...DEFAULT_TUNING('qwen2'),
    mode,
    lora: { rank: 4, alpha: 8, dropout: 0, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] },
  };
  const tr = makeTrainable(m, tuning, 1);
  if (mode === 'lora') {
    const init = decodeSafetensors(new Uint8Array(fs.readFileSync(`${DIR}/lora-init.safetensors`)));
    assignLora(tr.lora, new Map([...init.tensors].map(([k, t]) => [k, t.data as Float32Array])));
  }
  const n = inputs.pairs.length;
  const seqs = [...inputs.pairs.map((p) => p.chosen), ...inputs.pairs.map((p) => p.rejected)].map((ids) => ({
    ids,
    responseTokens: 0,
    promptTokensDropped: 0,
    responseTokensDropped: 0,
  }));
  await tr.prepare(seqs, 8);
  const both = (idx: readonly number[]) => [...idx, ...idx.map((i) => n + i)];
  const model = {
    variables: tr.variables,
    stepRewards: (idx: readonly number[]) => tr.rewards(both(idx)),
    wpNormTensor: () => tf.norm(m.head) as tf.Scalar,
    ...(checkpointing
      ? { stepGrads: (idx: readonly number[], loss: Parameters<typeof tr.stepGrads>[1]) => tr.stepGrads(both(idx), loss) }
      : {}),
  };
  const cfg: TrainConfig = { ...DEFAULTS, objective: 'bsr', lambda, gradClip: 1, batchSize: 4 };
  const optimizer = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  const steps: StepOut[] = [];
  const lrs = exp.lrs[mode] as number[];
  for (let s = 0; s < inputs.batches.length; s++) {
    (optimizer as unknown as { learningRate: number }).learningRate = lrs[s]!;
    const t = trainStep(model, optimizer, inputs.batches[s]!, cfg);
    const v = await t.data(); // Sync point: every step, this is a test.
    t.dispose();
    const get = (k: (typeof STEP_METRICS)[number]) => v[STEP_METRICS.indexOf(k)]!;
    steps.push({
      loss: get('loss'),
      bt: get('base'),
      reg: get('reg'),
      reward_mean: get('batchMean'),
      accuracy: get('accuracy'),
      grad_norm: get('gradNorm'),
    });
  }
  const final = Array.from(await tf.tidy(() => tr.rewards(seqs.map((_, i) => i))).data());
  const wp = (await tf.norm(m.head).data())[0]!;
  const bSq = [...tr.lora.values()].reduce((a, ad) => a + tf.tidy(() => tf.sum(tf.square(ad.b)).dataSync()[0]!), 0);
  optimizer.dispose();
  disposeHfModel(m);
  return { steps, final, wp, bSq };
}

function compare(
  got: Awaited<ReturnType<typeof run>>,
  want: { steps: StepOut[]; final_rewards: number[]; score_weight_norm: number; lora_B_sum_sq?: number },
): string[] {
  const bad: string[] = [];
  const near = (g: number, w: number, tol = TOL.abs + TOL.rel * Math.abs(w)) => Math.abs(g - w) <= tol;
  want.steps.forEach((w, i) => {
    const g = got.steps[i]!;
    for (const k of ['loss', 'bt', 'reg', 'reward_mean', 'accuracy'] as const)
      if (!near(g[k], w[k])) bad.push(`step ${i} ${k}: ${g[k]} vs torch ${w[k]}`);
    if (!near(g.grad_norm, w.grad_norm, TOL.norm * Math.abs(w.grad_norm)))
      bad.push(`step ${i} grad_norm: ${g.grad_norm} vs torch ${w.grad_norm}`);
  });
  want.final_rewards.forEach((w, i) => {
    if (!near(got.final[i]!, w)) bad.push(`final reward ${i}: ${got.final[i]} vs torch ${w}`);
  });
  if (!near(got.wp, want.score_weight_norm)) bad.push(`‖W_p‖ ${got.wp} vs torch ${want.score_weight_norm}`);
  if (want.lora_B_sum_sq !== undefined && !near(got.bSq, want.lora_B_sum_sq))
    bad.push(`Σ lora_B² ${got.bSq} vs torch ${want.lora_B_sum_sq}`);
  return bad;
}

const worst = (got: StepOut[], want: StepOut[]) => Math.max(...want.map((w, i) => Math.abs(got[i]!.loss - w.loss) / Math.abs(w.loss)));

test('setup: wasm backend', async () => {
  await initBackend('wasm');
});

test('LoRA: 5 BT+BSR steps match transformers + peft (losses, terms, reward means, gradient norms, final rewards)', async (t) => {
  const got = await run('lora', exp.lambda);
  assert.deepEqual(compare(got, exp.lora), []);
  t.diagnostic(`max relative loss deviation ${worst(got.steps, exp.lora.steps).toExponential(2)}`);
  assert.ok(
    got.steps.every((s) => s.reg > 0),
    'the BSR term is active',
  );
});

test('LoRA without the BSR term matches the λ = 0 reference and misses the BSR one by far more than the tolerance', async () => {
  const got = await run('lora', 0);
  assert.deepEqual(compare(got, { ...exp.lora_no_bsr, steps: exp.lora_no_bsr.steps }), []);
  const miss = worst(got.steps, exp.lora.steps);
  assert.ok(miss > 10 * TOL.rel, `dropping BSR moved the losses by only ${miss}`);
  assert.ok(compare(got, exp.lora).length > 0, 'the λ = 0 run must not pass as the BSR run');
});

test('full fine-tuning: 5 BT+BSR steps match transformers (every tensor trained, embeddings included)', async (t) => {
  const got = await run('full', exp.lambda);
  assert.deepEqual(compare(got, exp.full), []);
  t.diagnostic(`max relative loss deviation ${worst(got.steps, exp.full.steps).toExponential(2)}`);
});

test('with activation checkpointing (layer-by-layer backward), LoRA and full fine-tuning still match the reference', async (t) => {
  for (const mode of ['lora', 'full'] as const) {
    const got = await run(mode, exp.lambda, true);
    assert.deepEqual(compare(got, exp[mode]), [], mode);
    t.diagnostic(`${mode}, checkpointed: max relative loss deviation ${worst(got.steps, exp[mode].steps).toExponential(2)}`);
  }
});
