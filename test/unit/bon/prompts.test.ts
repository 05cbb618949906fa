// From loaded files to best-of-N candidates: the gold field is recorded by the loader, adversarial and gold-less
// responses are left out and counted, length is in code points, a lower-is-better gold is negated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { loadDatasetText } from '../../../src/core/data/loadText';
import { charLength, prepareBonPrompts, toBonPrompts } from '../../../src/core/bon/prompts';

const load = (file: string) => loadDatasetText(file, fs.readFileSync(file, 'utf8'));

test('long rows: gold from win_prob_vs_baseline, NullModel and the unscored response left out and counted', () => {
  const ds = load('test/fixtures/multi-long.jsonl');
  const p = prepareBonPrompts(ds.multi);
  assert.deepEqual(p.goldFields, ['win_prob_vs_baseline']);
  assert.deepEqual(p.dropped, { 'responses flagged is_adversarial': 1 });
  assert.deepEqual(
    p.prompts.map((x) => x.responses.map((r) => r.text)),
    [['joke one', 'joke two'], ['def one']],
  );
  const kept = prepareBonPrompts(ds.multi, { includeAdversarial: true });
  assert.equal(kept.prompts[0]!.responses.length, 3, '--include-adversarial keeps NullModel');
});

test('wide rows: gold from all_scores', () => {
  const p = prepareBonPrompts(load('test/fixtures/multi-wide.jsonl').multi);
  assert.deepEqual(p.goldFields, ['all_scores']);
  assert.deepEqual(
    p.prompts[0]!.responses.map((r) => r.gold),
    [1, 3, 2],
  );
});

test('toBonPrompts: proxy attached in order, gold negated when lower is better, non-finite proxy counted', () => {
  const p = prepareBonPrompts(load('test/fixtures/multi-wide.jsonl').multi);
  const dropped: Record<string, number> = {};
  const [up] = toBonPrompts(p.prompts, [[0.1, 0.2, 0.3]], true, dropped);
  assert.deepEqual(up!.candidates, [
    { gold: 1, proxy: 0.1, length: 3 },
    { gold: 3, proxy: 0.2, length: 3 },
    { gold: 2, proxy: 0.3, length: 5 },
  ]);
  const [down] = toBonPrompts(p.prompts, [[0.1, NaN, 0.3]], false, dropped);
  assert.deepEqual(
    down!.candidates.map((c) => c.gold),
    [-1, -2],
  );
  assert.deepEqual(dropped, { 'responses whose proxy score is not finite': 1 });
});

test('length counts code points, not UTF-16 units', () => {
  assert.equal(charLength('héllo'), 5);
  assert.equal(charLength('😀😀'), 2);
  assert.equal('😀😀'.length, 4);
});
