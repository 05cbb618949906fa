// The model and the losses on the stock wasm backend (no custom kernels registered): every op they use, and every
// gradient, exists there, and the numbers agree with the cpu backend. Guards the pitfalls of tfjs-backend-wasm 4.22
// (no UnsortedSegmentSum for gather's gradient; logSigmoid's gradient crashes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { tf } from '../../../src/train/tf';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createModel, disposeModel, forward, makeBatch, trainableVariables } from '../../../src/train/model';
import { computeLoss } from '../../../src/train/losses';
import { OBJECTIVES, type ModelConfig } from '../../../src/core/config';

const CFG: ModelConfig = { vocabSize: 20, dModel: 16, nLayers: 2, nHeads: 2, dFF: 32, maxLen: 16 };
const SEQS = [
  [5, 9, 2, 11, 3],
  [7, 2, 8, 8, 19, 4, 3],
  [6, 2, 3],
  [5, 5, 2, 12, 13, 3],
].map((s) => Int32Array.from(s));
const LOSS_CFG = { lambda: 0.1, margin: 1, centerCoef: 0.01, normEps: 1e-8 };

function run(): { rewards: Float32Array; grads: Map<string, Float32Array[]> } {
  const model = createModel(CFG, 11);
  const batch = makeBatch(SEQS, undefined, CFG.maxLen);
  const rewards = tf.tidy(() => forward(model, batch).rewards.dataSync() as Float32Array);
  const grads = new Map<string, Float32Array[]>();
  for (const obj of OBJECTIVES) {
    const { value, grads: g } = tf.variableGrads(() => {
      const r = forward(model, batch).rewards;
      return computeLoss(obj, r.slice([0], [2]), r.slice([2], [2]), LOSS_CFG).loss;
    }, trainableVariables(model));
    grads.set(
      obj,
      [...model.params.values()].map((v) => g[v.name].dataSync() as Float32Array),
    );
    tf.dispose([value, ...Object.values(g)]);
  }
  tf.dispose([batch.ids, batch.lastIdx]);
  disposeModel(model);
  return { rewards, grads };
}

test("wasm: forward and every objective's gradients match the cpu backend", async () => {
  await tf.setBackend('cpu');
  const cpu = run();
  setWasmPaths(path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
  assert.ok(await tf.setBackend('wasm'), 'the wasm backend starts');
  assert.equal(tf.getBackend(), 'wasm');
  const wasm = run();
  cpu.rewards.forEach((r, i) =>
    assert.ok(Math.abs(wasm.rewards[i] - r) <= 1e-5 + 1e-4 * Math.abs(r), `reward ${i}: wasm ${wasm.rewards[i]}, cpu ${r}`),
  );
  for (const [obj, gs] of cpu.grads) {
    gs.forEach((g, p) => {
      const w = wasm.grads.get(obj)![p];
      const scale = Math.max(...g.map(Math.abs), 1e-6);
      g.forEach((x, i) =>
        assert.ok(Math.abs(w[i] - x) <= 1e-4 * scale + 1e-7, `${obj} grad of parameter #${p}[${i}]: wasm ${w[i]}, cpu ${x}`),
      );
    });
  }
});
