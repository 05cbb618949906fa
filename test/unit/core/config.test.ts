import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULTS, lrAt, validateTrainConfig } from '../../../src/core/config';
import { deriveSeed, mulberry32, permutation } from '../../../src/core/random';

test('defaults are valid and bad values are named', () => {
  assert.deepEqual(validateTrainConfig(DEFAULTS), []);
  const problems = validateTrainConfig({ ...DEFAULTS, batchSize: 0, lr: -1, objective: 'nope' as never, warmupFrac: 1 });
  assert.equal(problems.length, 4);
  assert.match(problems.join('\n'), /batchSize must be an integer ≥ 1, got 0/);
  assert.match(problems.join('\n'), /lr must be a positive number, got -1/);
  assert.match(problems.join('\n'), /objective must be one of/);
});

test('lrAt: linear warmup then linear decay to zero (hand-computed)', () => {
  const cfg = { lr: 1e-3, warmupFrac: 0.1 };
  // 100 steps, warmup = 10: step 0 → 1e-4, step 9 → 1e-3, then decays over the remaining 90 steps.
  assert.ok(Math.abs(lrAt(0, 100, cfg) - 1e-4) < 1e-12);
  assert.ok(Math.abs(lrAt(9, 100, cfg) - 1e-3) < 1e-12);
  assert.ok(Math.abs(lrAt(10, 100, cfg) - 1e-3) < 1e-12);
  assert.ok(Math.abs(lrAt(55, 100, cfg) - 1e-3 * (1 - 45 / 90)) < 1e-12);
  assert.ok(lrAt(99, 100, cfg) > 0 && lrAt(100, 100, cfg) === 0);
});

test('seeded randomness is reproducible and seeds separate streams', () => {
  const a = mulberry32(42),
    b = mulberry32(42);
  const xs = Array.from({ length: 5 }, () => a());
  assert.deepEqual(
    xs,
    Array.from({ length: 5 }, () => b()),
  );
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.notEqual(deriveSeed(1, 'epoch', 0), deriveSeed(1, 'epoch', 1));
  const p = permutation(100, 7);
  assert.deepEqual(
    [...p].sort((x, y) => x - y),
    Array.from({ length: 100 }, (_, i) => i),
  );
  assert.deepEqual([...p], [...permutation(100, 7)]);
  assert.notDeepEqual([...p], [...permutation(100, 8)]);
});
