// The batch/padding invariance self-test. Our batching is invariant by construction (pooling from the unpadded ids,
// positions counting real tokens only), so the failing case is an engine with the classic left-padding bug: GPT-2
// with arange positions (what transformers does without position_ids), which shifts every left-padded row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../../src/train/backends';
import { loadHfModel } from '../../../src/train/hf/hfModel';
import { hfScorer } from '../../../src/train/hf/hfScorer';
import { paddingSelfTest } from '../../../src/train/selfTest';
import { expected } from './fixtures';

const seqs = () =>
  expected('qwen2').cases.map((c) => ({ ids: c.ids, responseTokens: 0, promptTokensDropped: 0, responseTokensDropped: 0 }));

test('a correct model passes: rewards agree at batch 1, right- and left-padded batches', async () => {
  await initBackend('wasm');
  const r = await paddingSelfTest(hfScorer(await loadHfModel('test/fixtures/hf/qwen2')), seqs(), ['a', 'b', 'c', 'd', 'e'], 4);
  assert.deepEqual(r.drifting, []);
  assert.ok(r.maxDrift < 1e-5, `drift ${r.maxDrift}`);
  assert.equal(r.leftSupported, true);
});

test('left padding with arange positions (GPT-2) drifts, and exactly the padded sequences are named', async () => {
  const m = await loadHfModel('test/fixtures/hf/gpt2');
  const ok = hfScorer(m);
  const gpt2 = expected('gpt2').cases.map((c) => ({ ids: c.ids, responseTokens: 0, promptTokensDropped: 0, responseTokensDropped: 0 }));
  const longest = Math.max(...gpt2.map((x) => x.ids.length));
  // Left-padded and positioned 0..T-1 over the padding too: the same as putting the padding in the ids themselves.
  const buggy = {
    ...ok,
    score: (xs: typeof gpt2, b: number, keep?: number, side?: 'left' | 'right') =>
      side === 'left' && b > 1
        ? ok.score(
            xs.map((x) => ({ ...x, ids: [...Array(longest - x.ids.length).fill(560), ...x.ids] })),
            b,
            keep,
            'right',
          )
        : ok.score(xs, b, keep, side),
  };
  const r = await paddingSelfTest(buggy, gpt2, ['a', 'b', 'c', 'd', 'e'], 8);
  const padded = gpt2.map((x, i) => (x.ids.length < longest ? 'abcde'[i] : '')).filter(Boolean);
  assert.deepEqual(r.drifting.map((d) => d.label).sort(), padded.sort());
  assert.ok(r.drifting.every((d) => d.drift > r.tolerance && d.left !== d.right));
});
