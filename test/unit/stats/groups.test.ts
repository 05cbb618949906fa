import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyByGroup, groupIndices } from '../../../src/core/stats/byGroup';
import { proportion } from '../../../src/core/stats/proportion';
import { rmBenchReport } from '../../../src/core/stats/rmBench';
import { assertClose, pair } from './helpers';

test('accuracyByGroup: every key and value, strict accuracy with a Wilson CI', () => {
  const pairs = [
    pair(0, { subset: 'math', split: 'x' }),
    pair(1, { subset: 'math' }),
    pair(2, { subset: 'chat', split: 'x' }),
    pair(3, { subset: 'chat' }),
  ];
  const rc = [1, 0, 2, 2];
  const rr = [0, 1, 1, 2]; // Pair 3 ties: wrong.
  const g = accuracyByGroup(pairs, rc, rr);
  assert.deepEqual(Object.keys(g).sort(), ['split', 'subset']);
  assert.deepEqual(g.subset?.math, proportion(1, 2));
  assert.deepEqual(g.subset?.chat, proportion(1, 2));
  assert.deepEqual(g.split?.x, proportion(2, 2));
  assert.deepEqual(groupIndices(pairs).split, { x: [0, 2] });
  assert.throws(() => accuracyByGroup(pairs, [1], [0]), /aligned/);
});

/** The 9 pairs of one RM-Bench prompt: chosen style i vs rejected style j (0 concise, 1 detailed, 2 markdown). */
function rmBenchPrompt(start: number, domain: string) {
  const out = [];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const style = i < j ? 'hard' : i === j ? 'normal' : 'easy';
      out.push({ pair: pair(start + out.length, { style, domain }), i, j });
    }
  }
  return out;
}

test('RM-Bench: hard/normal/easy pooled over pairs, overall = mean(H, N, E), per-domain accuracy', () => {
  // A length-biased model: reward = style level, plus 0.5 for being chosen. It wins when the chosen
  // side is at least as styled (normal, easy) and loses every hard pair.
  const cells = [...rmBenchPrompt(0, 'chat'), ...rmBenchPrompt(9, 'code')];
  const pairs = cells.map((c) => c.pair);
  const rc = cells.map((c) => c.i + 0.5);
  const rr = cells.map((c) => c.j);
  const r = rmBenchReport(pairs, rc, rr);
  assert.ok(r);
  assert.deepEqual(r.hard, proportion(0, 6));
  assert.deepEqual(r.normal, proportion(6, 6));
  assert.deepEqual(r.easy, proportion(6, 6));
  assertClose(r.overall, 2 / 3);
  assert.deepEqual(r.byDomain.chat, proportion(6, 9));
  assert.deepEqual(r.byDomain.code, proportion(6, 9));
});

test('RM-Bench is absent without style hard/normal/easy; other style values are ignored; empty level → NaN overall', () => {
  assert.equal(rmBenchReport([pair(0, { subset: 'a' })], [1], [0]), undefined);
  assert.equal(rmBenchReport([pair(0, { style: 'formal' })], [1], [0]), undefined);
  const r = rmBenchReport([pair(0, { style: 'Hard' }), pair(1, { style: 'formal' }), pair(2, { style: 'easy' })], [1, 1, 0], [0, 0, 1]);
  assert.ok(r);
  assert.equal(r.hard.n, 1);
  assert.equal(r.easy.value, 0);
  assert.equal(r.normal.n, 0);
  assert.ok(Number.isNaN(r.overall));
  assert.deepEqual(r.byDomain, {});
});
