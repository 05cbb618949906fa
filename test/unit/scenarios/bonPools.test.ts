// Best-of-N pools of a scenario experiment: the scenario cells with every response, and an in-domain pool made of
// exactly the seen-model responses that training did not use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBonPools } from '../../../src/core/scenarios/bonPools';
import { buildMultiResponseSplits, type MultiSplitOptions } from '../../../src/core/scenarios/multiSplit';
import { synthetic } from './builders';

const OPTS: MultiSplitOptions = {
  promptGroupKey: 'dataset',
  heldOutPromptGroups: ['delta'],
  heldOutModels: ['m5', 'm6', 'm7'],
  seed: 7,
  pairsPerPrompt: 2,
  minGoldGap: 0,
  idFraction: 0.5,
  maxTauResponses: 3,
};

test('pools follow the split: held-out prompts and models, all responses, no training response in-domain', () => {
  const data = synthetic();
  const split = buildMultiResponseSplits(data, OPTS);
  const pools = buildBonPools(data, OPTS, split.heldOut);
  assert.deepEqual(
    pools.sets.map((s) => s.name),
    ['in-domain', 'prompt-ood', 'response-ood', 'mutual-ood'],
  );
  const byName = Object.fromEntries(pools.sets.map((s) => [s.name, s.groups]));
  // 8 models, 3 held out: seen prompts give 5 seen responses, in-domain share round(0.5 · 5) = 3 (2 stay for training).
  assert.deepEqual([...new Set(byName['in-domain']!.map((g) => g.responses.length))], [3]);
  assert.deepEqual([...new Set(byName['prompt-ood']!.map((g) => g.responses.length))], [5], 'no τ cap (maxTauResponses 3) in a pool');
  assert.deepEqual([...new Set(byName['mutual-ood']!.map((g) => g.responses.length))], [3]);
  assert.ok(byName['prompt-ood']!.every((g) => g.promptGroup === 'delta'));
  assert.ok(byName['in-domain']!.every((g) => g.promptGroup !== 'delta'));
  const held = new Set(['m5', 'm6', 'm7']);
  assert.ok(byName['response-ood']!.every((g) => g.responses.every((r) => held.has(r.model))));
  assert.ok(byName['in-domain']!.every((g) => g.responses.every((r) => !held.has(r.model))));
  // The in-domain pool is the split's in-domain share: disjoint from every training response, covering its pairs.
  const train = split.sets.find((s) => s.name === 'train')!.pairs;
  const trainTexts = new Set(train.flatMap((p) => [p.chosen, p.rejected]));
  const idTexts = new Set(byName['in-domain']!.flatMap((g) => g.responses.map((r) => r.text)));
  for (const t of idTexts) assert.ok(!trainTexts.has(t), `in-domain candidate used in training: ${t}`);
  for (const p of split.sets.find((s) => s.name === 'in-domain')!.pairs)
    assert.ok(idTexts.has(p.chosen) && idTexts.has(p.rejected), `in-domain pair ${p.id} outside the pool`);
});

test('without held-out models there are no model pools and nothing is counted as dropped for them', () => {
  const data = synthetic();
  const pools = buildBonPools(data, OPTS, { heldOutPromptGroups: ['delta'], heldOutModels: [] });
  assert.deepEqual(
    pools.sets.map((s) => s.name),
    ['in-domain', 'prompt-ood'],
  );
  assert.deepEqual(pools.dropped, {});
});
