// The tfjs engine against transformers 5.18 on every fixture family: rewards, the pooled index and h (the score
// head's input), for batches padded on the right and on the left and for each sequence alone; plus the chat
// template and tokenizer, which must reproduce transformers' text and ids exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBatch } from '../../../src/core/hf/batch';
import { initBackend } from '../../../src/train/backends';
import { batchTensors, disposeHfModel, hfForward, loadHfModel, type HfRewardModel } from '../../../src/train/hf/hfModel';
import { tf } from '../../../src/train/tf';
import { assertClose, expected, fixtureDir, FIXTURES } from './fixtures';

async function run(m: HfRewardModel, seqs: number[][], side: 'left' | 'right') {
  const b = buildBatch(m.spec, seqs, { padId: m.fillId, side, pooling: m.headInfo.pooling });
  const t = batchTensors(b);
  const out = tf.tidy(() => hfForward(m, t));
  const [r, h] = [await out.rewards.data(), await out.hidden.data()];
  tf.dispose([...Object.values(t), out.rewards, out.hidden]);
  return { rewards: r, hidden: h, poolIndex: b.poolIndex, H: m.spec.hiddenSize };
}

test('setup: cpu-free wasm backend', async () => {
  await initBackend('wasm');
});

for (const name of FIXTURES) {
  test(`${name}: tokenizer + chat template reproduce transformers' text and ids`, async () => {
    const exp = expected(name);
    const m = await loadHfModel(fixtureDir(name));
    try {
      for (const c of exp.cases) {
        assert.equal(m.chat.render(c.messages), c.text, `render of ${JSON.stringify(c.messages).slice(0, 60)}`);
        assert.deepEqual(m.chat.ids(c.messages), c.ids);
      }
    } finally {
      disposeHfModel(m);
    }
  });

  test(`${name}: tfjs rewards and h match transformers (right, left, batch 1)`, async () => {
    const exp = expected(name);
    const m = await loadHfModel(fixtureDir(name));
    try {
      const seqs = exp.cases.map((c) => c.ids);
      for (const side of ['right', 'left'] as const) {
        const e = exp[side];
        const got = await run(m, seqs, side);
        assert.deepEqual([...got.poolIndex], e.pooled_index, `${side} pooled index`);
        if (e.logits && m.headInfo.kind !== 'untrained') assertClose(got.rewards, e.logits, `${side} rewards`);
        e.hidden.forEach((h, i) => assertClose(got.hidden.subarray(i * got.H, (i + 1) * got.H), h, `${side} h[${i}]`));
      }
      for (let i = 0; i < seqs.length; i++) {
        const got = await run(m, [seqs[i]!], 'right');
        const e = exp.single[i]!;
        assert.equal(got.poolIndex[0], e.pooled_index);
        if (e.logit !== undefined && m.headInfo.kind !== 'untrained') assertClose(got.rewards, [e.logit], `single[${i}] reward`);
        assertClose(got.hidden, e.hidden, `single[${i}] h`);
      }
    } finally {
      disposeHfModel(m);
    }
  });
}
