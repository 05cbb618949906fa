import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tf } from '../../../src/train/tf';
import { createModel, disposeModel, forward, makeBatch, trainableVariables, type Batch, type RewardModel } from '../../../src/train/model';
import { computeLoss } from '../../../src/train/losses';
import { loadModel, loadOptimizerState, saveModel, saveOptimizerState, MODEL_FILES } from '../../../src/train/modelIO';
import { decodeSafetensors } from '../../../src/core/safetensors';
import { Vocabulary, encodePair } from '../../../src/core/tokenize';
import type { ModelConfig } from '../../../src/core/config';

let tmp: string;
before(async () => {
  await tf.setBackend('cpu');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-modelio-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const TEXTS = ['What is 2+2?', 'It is 4.', 'It is 5.', 'Name a color.', 'Blue.', 'Seven.'];
const vocab = Vocabulary.build(TEXTS, 32);
const cfg: ModelConfig = { vocabSize: vocab.size, dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxLen: 16 };
const LOSS_CFG = { lambda: 1e-3, margin: 1, centerCoef: 0.01, normEps: 1e-8 };

function pairBatch(): Batch {
  const seq = (p: string, r: string) => encodePair(vocab, p, r, cfg.maxLen).ids;
  return makeBatch(
    [seq(TEXTS[0], TEXTS[1]), seq(TEXTS[3], TEXTS[4]), seq(TEXTS[0], TEXTS[2]), seq(TEXTS[3], TEXTS[5])],
    undefined,
    cfg.maxLen,
  );
}

const rewardsOf = (m: RewardModel, b: Batch) => tf.tidy(() => forward(m, b).rewards.dataSync());

function adamSteps(model: RewardModel, opt: tf.AdamOptimizer, b: Batch, n: number): void {
  for (let i = 0; i < n; i++) {
    opt.minimize(
      () => {
        const r = forward(model, b).rewards;
        return computeLoss('bsr', r.slice([0], [2]), r.slice([2], [2]), LOSS_CFG).loss;
      },
      false,
      trainableVariables(model),
    );
  }
}

test('save → load gives identical weights, rewards, vocabulary, config and meta', async () => {
  const dir = path.join(tmp, 'roundtrip');
  const model = createModel(cfg, 5);
  const b = pairBatch();
  await saveModel(model, dir, vocab, { step: '12', objective: 'bsr' });
  assert.deepEqual(fs.readdirSync(dir).sort(), [MODEL_FILES.config, MODEL_FILES.weights, MODEL_FILES.vocab].sort(), 'no temp files left');
  const loaded = await loadModel(dir);
  assert.deepEqual(loaded.config, cfg);
  assert.deepEqual(loaded.meta, { step: '12', objective: 'bsr' });
  assert.deepEqual([...loaded.vocab.bpeIds], [...vocab.bpeIds]);
  for (const [name, v] of model.params) assert.deepEqual(loaded.model.params.get(name)!.dataSync(), v.dataSync(), name);
  assert.deepEqual(rewardsOf(loaded.model, b), rewardsOf(model, b));
  // The weights file is plain safetensors with the documented names and shapes.
  const st = decodeSafetensors(new Uint8Array(fs.readFileSync(path.join(dir, MODEL_FILES.weights))));
  assert.deepEqual(st.tensors.get('score.weight')!.shape, [16, 1]);
  assert.deepEqual(st.tensors.get('tok_emb.weight')!.shape, [vocab.size, 16]);
  assert.equal(st.metadata['format'], 'reward-lens-model');
  tf.dispose([b.ids, b.lastIdx]);
  disposeModel(model);
  disposeModel(loaded.model);
});

test('load errors name the file: missing file, torn save, shape mismatch, wrong vocabulary', async () => {
  const model = createModel(cfg, 5);
  const fresh = async (name: string) => {
    const d = path.join(tmp, name);
    await saveModel(model, d, vocab);
    return d;
  };
  const missing = await fresh('missing');
  fs.rmSync(path.join(missing, MODEL_FILES.weights));
  await assert.rejects(
    loadModel(missing),
    (e: Error) => e.message.includes(path.join(missing, MODEL_FILES.weights)) && /missing/.test(e.message),
  );
  await assert.rejects(loadModel(path.join(tmp, 'nowhere')), /config\.json: missing/);

  const torn = await fresh('torn');
  const w = new Uint8Array(fs.readFileSync(path.join(torn, MODEL_FILES.weights)));
  w[w.length - 1] ^= 0xff;
  fs.writeFileSync(path.join(torn, MODEL_FILES.weights), w);
  await assert.rejects(loadModel(torn), /model\.safetensors: does not match config\.json/);

  const shape = await fresh('shape');
  const cfgFile = path.join(shape, MODEL_FILES.config);
  const c = JSON.parse(fs.readFileSync(cfgFile, 'utf8'));
  c.model.maxLen = 32;
  fs.writeFileSync(cfgFile, JSON.stringify(c));
  // config.json is sealed: an edit is caught before anything is read from it.
  await assert.rejects(loadModel(shape), /config\.json: field "checksum": does not match the file/);
  delete c.checksum; // as a model saved before config.json carried a checksum
  fs.writeFileSync(cfgFile, JSON.stringify(c));
  await assert.rejects(
    loadModel(shape),
    /model\.safetensors: tensor pos_emb\.weight has shape \[16,16\], but config\.json implies \[32,16\]/,
  );

  const badVocab = await fresh('badvocab');
  const vf = path.join(badVocab, MODEL_FILES.vocab);
  const vj = JSON.parse(fs.readFileSync(vf, 'utf8'));
  vj.bpeIds.pop();
  fs.writeFileSync(vf, JSON.stringify(vj));
  const c2 = JSON.parse(fs.readFileSync(path.join(badVocab, MODEL_FILES.config), 'utf8'));
  delete c2.files[MODEL_FILES.vocab]; // skip the hash check to reach the size check
  delete c2.checksum;
  fs.writeFileSync(path.join(badVocab, MODEL_FILES.config), JSON.stringify(c2));
  await assert.rejects(loadModel(badVocab), /vocab\.json: has \d+ ids but config\.json says vocabSize/);

  await assert.rejects(saveModel(model, path.join(tmp, 'x'), Vocabulary.build(['a'], 10)), /vocabSize/);
  disposeModel(model);
});

test('resume: saved model + Adam state continue exactly the same trajectory', async () => {
  const dir = path.join(tmp, 'resume');
  const b = pairBatch();
  const model = createModel(cfg, 9);
  const opt = tf.train.adam(1e-2, 0.9, 0.999, 1e-8);
  adamSteps(model, opt, b, 3);
  await saveModel(model, dir, vocab, { step: '3' });
  await saveOptimizerState(opt, dir);
  adamSteps(model, opt, b, 2); // the uninterrupted run

  const loaded = await loadModel(dir);
  const opt2 = tf.train.adam(1e-2, 0.9, 0.999, 1e-8);
  await loadOptimizerState(opt2, dir, loaded.model);
  assert.equal(opt2.iterations, 3);
  adamSteps(loaded.model, opt2, b, 2); // the resumed run
  for (const [name, v] of model.params) assert.deepEqual(loaded.model.params.get(name)!.dataSync(), v.dataSync(), `${name} after resume`);

  // Without the moments the trajectory differs: the test above can fail.
  const cold = await loadModel(dir);
  const opt3 = tf.train.adam(1e-2, 0.9, 0.999, 1e-8);
  adamSteps(cold.model, opt3, b, 2);
  assert.notDeepEqual(cold.model.params.get('score.weight')!.dataSync(), model.params.get('score.weight')!.dataSync());

  const optBeta = tf.train.adam(1e-2, 0.8, 0.999, 1e-8);
  await assert.rejects(loadOptimizerState(optBeta, dir), /beta1 = 0\.9, but the optimizer has 0\.8/);
  await assert.rejects(loadOptimizerState(tf.train.adam(1e-2), path.join(tmp, 'roundtrip')), /optimizer\.safetensors: missing/);
  [model, loaded.model, cold.model].forEach(disposeModel);
  [opt, opt2, opt3, optBeta].forEach((o) => o.dispose());
  tf.dispose([b.ids, b.lastIdx]);
});
