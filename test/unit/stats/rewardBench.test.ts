// RewardBench scores on hand-made cases, checked against allenai/reward-bench's own code.
//
// RewardBench 2: test/fixtures/rewardbench2.jsonl scored with the table SCORES below. Reference from the package's
// functions (rewardbench/utils.py _compute_prompt_stats + process_single_model copied verbatim, and
// reroll_and_score_dataset's per-row rule), numpy 2.4:
//   for r in rows: scores = np.array([S[t] for t in r['chosen'] + r['rejected']]); m = scores.max()
//                  r['results'] = (1 / np.sum(scores == m)) if scores[0] == m else 0
//   non-Ties subsets: mean of results; Ties: _, overall = process_single_model(ds_of_ties_rows)
// printed: Factuality 0.75, Math 0.0, Precise IF 1.0, Ties 0.4458839967720705.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBoth } from '../data/fixtures';
import { rb2RowResult, rewardBench2Report, rewardBenchSections } from '../../../src/core/stats/rewardBench';
import { buildEvalSetReport } from '../../../src/core/stats/evalSetReport';
import type { PreferencePair } from '../../../src/core/types';

const SCORES: Record<string, number> = {
  'Shakespeare wrote Hamlet.': 2.0,
  'Marlowe wrote it.': 1.0,
  'Nobody knows.': 0.5,
  'Dickens.': -1.0,
  '100 °C.': 1.0,
  '90 °C.': 1.0,
  '212 °C.': 0.0,
  '50 °C.': -2.0,
  '3': 0.2,
  '4': 0.9,
  '2': 0.7,
  '6': -1.0,
  Green: 3.0,
  'It is green.': 1.0,
  'Green, usually.': 2.0,
  'Grass is green': 0.0,
  'Red.': 2.0,
  'Blue.': 1.8,
  'Yellow.': 1.5,
  'Purple.': 1.0,
  'Brown.': 0.2,
  'Pink.': -0.5,
  Two: 0.1,
  '5': -0.3,
  '7': 0.0,
};

const score = (t: string) => {
  if (!(t in SCORES)) throw new Error(`no score for ${t}`);
  return SCORES[t]!;
};

test('RewardBench 2: per-row results, subsets, the Ties subset and the overall mean match reward-bench', async () => {
  const d = await loadBoth('rewardbench2.jsonl');
  const rc = d.pairs.map((p) => score(p.chosen));
  const rr = d.pairs.map((p) => score(p.rejected));
  const r = rewardBench2Report(d.pairs, rc, rr)!;
  assert.deepEqual(r.rows, { Factuality: 2, Math: 1, 'Precise IF': 1, Ties: 4 });
  assert.equal(r.subsets.Factuality, 0.75, 'one right row and one tied at the max with a rejected completion (½)');
  assert.equal(r.subsets.Math, 0);
  assert.equal(r.subsets['Precise IF'], 1);
  assert.ok(Math.abs(r.subsets.Ties! - 0.4458839967720705) < 1e-12, String(r.subsets.Ties));
  assert.deepEqual(
    { ...r.ties!, marginScore: Number(r.ties!.marginScore.toFixed(12)), score: 0 },
    {
      refAccuracy: 1,
      tiedAccuracy: 0.5,
      correctnessPreferred: 0,
      correctnessPreferredHard: 0,
      marginScore: Number((Math.tanh(-0.1 / 0.6 - 1) / 2).toFixed(12)),
      score: 0,
      prompts: 2,
    },
  );
  assert.ok(Math.abs(r.overall - (0.75 + 0 + 1 + 0.4458839967720705) / 4) < 1e-12);
  assert.equal(r.incomplete, 0);
});

test('RewardBench 2 row rule: ties at the maximum share the credit; rows with a skipped completion are left out', () => {
  assert.equal(rb2RowResult([1], [0, 0, 0]), 1);
  assert.equal(rb2RowResult([1], [1, 1, 0]), 1 / 3);
  assert.equal(rb2RowResult([1, 2], [0, 0, 0]), 0, 'as run_v2.py: scores[0] must be the maximum of all completions');
  const pair = (row: string, j: number): PreferencePair => ({
    id: `${row}#c0r${j}`,
    prompt: 'p',
    chosen: 'c',
    rejected: `r${j}`,
    groups: { subset: 'Focus' },
    item: { bench: 'rewardbench-2', row, chosen: 0, rejected: j },
    source: { file: 'f', line: 1, row: 0 },
  });
  const pairs = [pair('a', 0), pair('a', 1), pair('a', 2), pair('b', 0), pair('b', 2)];
  const r = rewardBench2Report(pairs, [1, 1, 1, 1, 1], [0, 0, 0, 0, 0])!;
  assert.deepEqual([r.rows, r.incomplete, r.overall], [{ Focus: 1 }, 1, 1]);
});

test('RewardBench v1 sections: EXAMPLE_COUNTS weights (math-prm 984 against six hep-* of 164), sections present only', () => {
  const mk = (subset: string, _ok: boolean, k: number): PreferencePair => ({
    id: `${subset}${k}`,
    prompt: '',
    chosen: 'a',
    rejected: 'b',
    groups: { subset },
    source: { file: 'f', line: k, row: k },
  });
  // math-prm 3/4 right, hep-python 1/2, alpacaeval-easy 1/1, donotanswer 0/1, an unknown subset ignored.
  const spec: [string, boolean][] = [
    ['math-prm', true],
    ['math-prm', true],
    ['math-prm', true],
    ['math-prm', false],
    ['hep-python', true],
    ['hep-python', false],
    ['alpacaeval-easy', true],
    ['donotanswer', false],
    ['mine', true],
  ];
  const pairs = spec.map(([s, ok], k) => mk(s, ok, k));
  const rc = spec.map(([, ok]) => (ok ? 1 : 0));
  const rr = spec.map(() => 0.5);
  const r = rewardBenchSections(pairs, rc, rr)!;
  const reasoning = (0.75 * 984 + 0.5 * 164) / (984 + 164);
  assert.deepEqual(r.subsets, { 'math-prm': 0.75, 'hep-python': 0.5, 'alpacaeval-easy': 1, donotanswer: 0 });
  assert.deepEqual(Object.keys(r.sections), ['Chat', 'Safety', 'Reasoning']);
  assert.ok(Math.abs(r.sections.Reasoning! - reasoning) < 1e-15);
  assert.equal(r.sections.Chat, 1);
  assert.equal(r.sections.Safety, 0);
  assert.ok(Math.abs(r.score - (1 + 0 + reasoning) / 3) < 1e-15);
  assert.equal(r.complete, false);
  assert.equal(rewardBenchSections([mk('mine', true, 0)], [1], [0]), undefined);
});

test('the eval set report carries both when the pairs are RewardBench data', async () => {
  const d = await loadBoth('rewardbench2.jsonl');
  const n = d.pairs.length;
  const z = (v: number) => new Array<number>(n).fill(v);
  const scores = {
    ids: d.pairs.map((p) => p.id),
    lines: d.pairs.map((p) => p.source.line),
    rChosen: d.pairs.map((p) => score(p.chosen)),
    rRejected: d.pairs.map((p) => score(p.rejected)),
    hNormChosen: z(1),
    hNormRejected: z(1),
    hDiffNorm: z(0.5),
    lenChosen: z(3),
    lenRejected: z(4),
  };
  const rep = buildEvalSetReport({ name: 'rb2', file: 'rb2.jsonl', pairs: d.pairs, scores, wpNorm: 1 });
  assert.equal(rep.rewardBench2!.subsets.Math, 0);
  assert.equal(rep.rewardBench, undefined, 'RewardBench 2 subsets are not v1 sections');
  const v1 = await loadBoth('rewardbench.jsonl');
  const m = v1.pairs.length;
  const rep1 = buildEvalSetReport({
    name: 'rb',
    file: 'rb.jsonl',
    pairs: v1.pairs,
    scores: {
      ids: v1.pairs.map((p) => p.id),
      lines: v1.pairs.map((p) => p.source.line),
      rChosen: new Array(m).fill(1),
      rRejected: new Array(m).fill(0),
      hNormChosen: new Array(m).fill(1),
      hNormRejected: new Array(m).fill(1),
      hDiffNorm: new Array(m).fill(1),
      lenChosen: new Array(m).fill(1),
      lenRejected: new Array(m).fill(1),
    },
    wpNorm: 1,
  });
  assert.deepEqual(rep1.rewardBench?.sections, { Chat: 1, Safety: 1 });
});
