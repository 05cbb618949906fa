// Split files must load back through Reward Lens's own loader with the same counts (pairs as TRL rows,
// τ sets as multi-response long rows).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDatasetText } from '../../../src/core/data';
import { buildMultiResponseSplits } from '../../../src/core/scenarios/multiSplit';
import { buildPairwiseSplits } from '../../../src/core/scenarios/pairwiseSplit';
import { setRowCount, setToJsonl } from '../../../src/core/scenarios/splitRows';
import { synthetic } from './builders';

test('multi-response splits load back with the same pairs, prompts, responses, models, gold and prompt groups', () => {
  const s = buildMultiResponseSplits(synthetic(), {
    promptGroupKey: 'dataset',
    heldOutPromptGroups: ['delta'],
    heldOutModels: ['m5', 'm6', 'm7'],
    seed: 3,
    pairsPerPrompt: 2,
    minGoldGap: 0,
    idFraction: 0.5,
  });
  for (const set of s.sets) {
    const text = setToJsonl(set, 'dataset');
    assert.equal(text.trim().split('\n').length, setRowCount(set));
    const loaded = loadDatasetText(`${set.name}.jsonl`, text);
    assert.deepEqual(loaded.skipped, [], `${set.name}: skipped rows`);
    if (set.metric === 'accuracy') {
      assert.equal(loaded.pairs.length, set.pairs.length, set.name);
      assert.deepEqual(
        loaded.pairs.map((p) => [p.prompt, p.chosen, p.rejected]),
        set.pairs.map((p) => [p.prompt, p.chosen, p.rejected]),
      );
      assert.deepEqual(
        loaded.pairs.map((p) => p.groups['dataset']),
        set.pairs.map((p) => p.groups['dataset']),
      );
    } else {
      assert.equal(loaded.format, 'multi-long', set.name);
      assert.equal(loaded.multi.length, set.groups.length, set.name);
      loaded.multi.forEach((g, i) => {
        const want = set.groups[i]!;
        assert.equal(g.prompt, want.prompt);
        assert.equal(g.groups['dataset'], want.promptGroup);
        assert.deepEqual(
          g.responses.map((r) => [r.text, r.gold, r.model]),
          want.responses.map((r) => [r.text, r.gold, r.model]),
        );
      });
    }
  }
});

const hh = (q: string, a: string) => `\n\nHuman: ${q}\n\nAssistant: ${a}`;
const hhFile = (name: string, qs: readonly string[]) =>
  loadDatasetText(
    name,
    qs.map((q, i) => JSON.stringify({ chosen: hh(q, `good answer ${i}`), rejected: hh(q, `bad answer ${i}`) })).join('\n') + '\n',
  );

test('pairwise role splits (HH style) dedupe by first human turn and load back with the same counts', () => {
  const helpful = hhFile(
    'helpful-base-test.jsonl',
    Array.from({ length: 20 }, (_, i) => `helpful question ${i}`),
  );
  // harmless repeats two helpful prompts (different case/spacing): they must leave the prompt-OOD set.
  const harmless = hhFile('harmless-base-test.jsonl', [
    ...Array.from({ length: 10 }, (_, i) => `harmful question ${i}`),
    'HELPFUL  question 3',
    'helpful question 4',
  ]);
  const online0 = hhFile(
    'helpful-online-test.jsonl',
    Array.from({ length: 8 }, (_, i) => `online question ${i}`),
  );
  // HH allows an empty final turn; such a pair cannot be written as a TRL row, so the builder drops and counts it.
  const online = {
    ...online0,
    pairs: [...online0.pairs, { ...online0.pairs[0]!, id: 'empty', prompt: 'online question 99', rejected: '' }],
  };
  assert.equal(helpful.pairs.length, 20);
  const s = buildPairwiseSplits(
    [
      { role: 'train', dataset: helpful },
      { role: 'prompt-ood', dataset: harmless },
      { role: 'response-ood', dataset: online },
    ],
    { seed: 1, idFraction: 0.25 },
  );
  assert.deepEqual(
    s.sets.map((x) => x.name),
    ['train', 'in-domain', 'prompt-ood', 'response-ood'],
  );
  assert.deepEqual(
    s.refused.map((r) => r.scenario),
    ['mutual-ood'],
  );
  assert.match(s.refused[0]!.reason, /no dataset has the role mutual-ood/);
  assert.equal(s.sizes['train']!.pairs + s.sizes['in-domain']!.pairs, 20);
  assert.equal(s.sizes['in-domain']!.pairs, 5);
  assert.equal(s.sizes['prompt-ood']!.pairs, 10);
  assert.equal(s.dropped['prompt-ood: prompt also in a seen-prompt set (train, in-domain or response-ood)'], 2);
  assert.equal(s.dropped['response-ood: empty chosen or rejected response'], 1);
  assert.equal(s.sizes['response-ood']!.pairs, 8);
  assert.deepEqual(s.heldOut.heldOutPromptGroups, ['harmless-base-test.jsonl']);
  assert.deepEqual(s.heldOut.heldOutModels, ['helpful-online-test.jsonl']);
  for (const set of s.sets) {
    const loaded = loadDatasetText(`${set.name}.jsonl`, setToJsonl(set, 'dataset'));
    assert.equal(loaded.pairs.length, set.pairs.length, set.name);
    assert.deepEqual(loaded.skipped, []);
  }
});

test('pairwise splits: no train-role data is an error; every prompt-OOD prompt seen is a refusal with the reason', () => {
  const helpful = hhFile('a.jsonl', ['q1', 'q2', 'q3', 'q4']);
  assert.throws(
    () => buildPairwiseSplits([{ role: 'prompt-ood', dataset: helpful }], { seed: 1, idFraction: 0.25 }),
    /give at least one dataset the role train/,
  );
  const s = buildPairwiseSplits(
    [
      { role: 'train', dataset: helpful },
      { role: 'prompt-ood', dataset: hhFile('b.jsonl', ['Q1', 'q2 ']) },
    ],
    { seed: 1, idFraction: 0.25 },
  );
  assert.match(s.refused.find((r) => r.scenario === 'prompt-ood')!.reason, /every prompt-ood pair was removed/);
});
