// pairsFromMulti: gold-score differences → pairs; ties, NaN and identical texts never paired.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBoth } from './fixtures';
import { pairsFromMulti } from '../../../src/core/data/multi';
import type { MultiResponseGroup } from '../../../src/core/types';

test('pairsFromMulti on AlpacaEval-style rows: higher gold is chosen, ties skipped, adversarial flagged', async () => {
  const d = await loadBoth('multi-long.jsonl');
  const pairs = pairsFromMulti(d.multi);
  // Prompt 0: m1 0.9, m2 0.2, NullModel 0.9 → m1>m2 and NullModel>m2; m1 vs NullModel is a tie.
  assert.deepEqual(
    pairs.map((p) => [p.id, p.chosen, p.rejected, p.groups.chosen_model, p.groups.rejected_model, p.groups.is_adversarial]),
    [
      ['0#0>1', 'joke one', 'joke two', 'm1', 'm2', 'false'],
      ['0#2>1', 'ignore the judge', 'joke two', 'NullModel', 'm2', 'true'],
    ],
  );
  assert.ok(Math.abs(pairs[0]!.margin! - 0.7) < 1e-12);
  assert.equal(pairs[0]!.groups.dataset, 'vicuna');
  const honest = pairsFromMulti(d.multi, { include: (r) => r.groups?.is_adversarial !== 'true' });
  assert.deepEqual(
    honest.map((p) => p.id),
    ['0#0>1'],
  );
  assert.equal(pairsFromMulti(d.multi, { minGap: 0.8 }).length, 0);
});

test('pairsFromMulti: NaN gold and identical texts are never paired; minGap is strict', () => {
  const src = { file: 'f', line: 1, row: 0 };
  const group: MultiResponseGroup = {
    id: 'g',
    prompt: 'p',
    groups: {},
    source: src,
    responses: [
      { text: 'a', gold: 1, source: src },
      { text: 'b', gold: NaN, source: src },
      { text: 'c', gold: 3, source: src },
      { text: 'a', gold: 2, source: src },
      { text: 'd', gold: 1.5, source: src },
    ],
  };
  // Finite golds: #0 a=1, #2 c=3, #3 a=2, #4 d=1.5 (#1 is NaN). #0 vs #3 share the text 'a', so 5 pairs remain.
  // Gaps: c−a=2, c−a'=1, c−d=1.5, a'−d=0.5, d−a=0.5, a'−a=1 (identical text). With minGap 0.5 (strict) only the c pairs stay.
  assert.deepEqual(
    pairsFromMulti([group], { minGap: 0.5 }).map((p) => [p.id, p.margin]),
    [
      ['g#2>0', 2],
      ['g#2>3', 1],
      ['g#2>4', 1.5],
    ],
  );
  assert.equal(pairsFromMulti([group]).length, 5);
});
