// The onnxruntime engine against transformers' own numbers: the committed fixtures test/fixtures/hf/<name>/ (made by
// scripts/make_hf_fixtures.py) with their expected logits and pooled hidden states, for single rows, a right-padded
// and a left-padded batch. The cases' ids are fed directly, so tokenization is not under test here.
// Tolerance: relative error ≤ 1e-4 (logits: per value, floor 1e-3; hidden: per row, in L2).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openOrtScorer } from '../../../src/train/ort/ortScorer';
import type { EncodedSeq, RewardScorer } from '../../../src/train/scorer';
import { maxRelError, ortSkipReason, rowRelError, tempDir } from '../onnx/hfTestModels';

const TOL = 1e-4;
const ROOT = path.join(__dirname, '..', '..', 'fixtures', 'hf');
const EXPECTED = path.join(ROOT, 'expected');

interface Side {
  readonly logits?: number[];
  readonly hidden: number[][];
  readonly pooled_index: number[];
}
interface Expected {
  readonly cases: { readonly ids: number[] }[];
  readonly single: { readonly logit?: number; readonly hidden: number[]; readonly pooled_index: number }[];
  readonly right: Side;
  readonly left: Side;
}

const fixtures = fs.existsSync(EXPECTED)
  ? fs
      .readdirSync(EXPECTED)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .filter((n) => fs.existsSync(path.join(ROOT, n)))
      .sort()
  : [];

const seqOf = (ids: number[]): EncodedSeq => ({ ids, responseTokens: ids.length, promptTokensDropped: 0, responseTokensDropped: 0 });

test('onnxruntime engine reproduces transformers on the HF fixtures', async (t) => {
  const skip =
    (await ortSkipReason()) ?? (fixtures.length ? undefined : `no fixtures in ${EXPECTED} (scripts/make_hf_fixtures.py writes them)`);
  if (skip) return void t.skip(skip);
  const cacheDir = tempDir('rl-ort-fx-');
  try {
    for (const name of fixtures) {
      await t.test(name, async () => {
        const exp = JSON.parse(fs.readFileSync(path.join(EXPECTED, `${name}.json`), 'utf8')) as Expected;
        const scorer = await openOrtScorer(path.join(ROOT, name), { cacheDir, threads: 1 });
        try {
          await checkFixture(name, scorer, exp);
        } finally {
          scorer.dispose();
        }
      });
    }
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});

async function checkFixture(name: string, scorer: RewardScorer, exp: Expected): Promise<void> {
  const seqs = exp.cases.map((c) => seqOf(c.ids));
  const dim = exp.right.hidden[0]!.length;
  assert.equal(scorer.info.hiddenSize, dim);
  for (const side of ['right', 'left'] as const) {
    const got = await scorer.score(seqs, seqs.length, seqs.length, side);
    const want = exp[side];
    const h = rowRelError(got.hidden, want.hidden.flat(), dim);
    assert.ok(h <= TOL, `${name} ${side}: hidden states differ from transformers by ${h.toExponential(2)} (relative)`);
    // A backbone without a head has no logits in the fixture: its rewards come from a fresh head of ours.
    if (want.logits) {
      const r = maxRelError(got.rewards, want.logits);
      assert.ok(
        r <= TOL,
        `${name} ${side}: logits ${[...got.rewards]} vs transformers ${want.logits} (relative error ${r.toExponential(2)})`,
      );
    }
  }
  for (const [i, one] of exp.single.entries()) {
    const got = await scorer.score([seqs[i]!], 1, 1);
    assert.ok(rowRelError(got.hidden, one.hidden, dim) <= TOL, `${name} case ${i} alone: hidden states differ`);
    if (one.logit !== undefined)
      assert.ok(maxRelError(got.rewards, [one.logit]) <= TOL, `${name} case ${i} alone: logit ${got.rewards[0]} vs ${one.logit}`);
  }
}
