// Best-of-N curves: means over prompts, per-N populations, groups, bootstrap intervals (coverage where the truth is
// known), seeded determinism, and the two synthetic proxies whose behaviour is known: gold itself and pure length.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bonCurves, bonSetReport, bootstrapMeans, checkNs, promptGroups, type BonOptions } from '../../../src/core/bon/curves';
import { exactPromptBon } from '../../../src/core/bon/exact';
import type { BonCandidate, BonPrompt } from '../../../src/core/bon/types';
import { mulberry32 } from '../../../src/core/random';
import { assertClose } from '../stats/helpers';

const EXACT: BonOptions = { ns: [1, 2, 4, 8], method: { kind: 'exact' }, seed: 1, bootstrap: 400, higherIsBetter: true };

function synthetic(
  prompts: number,
  m: number,
  seed: number,
  proxyOf: (gold: number, length: number, rng: () => number) => number,
  groups = (i: number) => ({ dataset: `src${i % 3}` }),
): BonPrompt[] {
  const rng = mulberry32(seed);
  return Array.from({ length: prompts }, (_, i) => ({
    id: `p${i}`,
    groups: groups(i),
    candidates: Array.from({ length: m }, (_, j): BonCandidate => {
      const gold = rng();
      const length = 50 + 16 * Math.floor(rng() * 2000) + j; // distinct within a prompt: "the longest" is one response
      return { gold, length, proxy: proxyOf(gold, length, rng) };
    }),
  }));
}

test('the means over prompts are the means of the per-prompt exact values (3 prompts × 4 responses, every N)', () => {
  const prompts: BonPrompt[] = [
    {
      id: 'a',
      groups: { dataset: 'x' },
      candidates: [
        { gold: 0.9, proxy: 4, length: 100 },
        { gold: 0.1, proxy: 3, length: 300 },
        { gold: 0.5, proxy: 2, length: 200 },
        { gold: 0.3, proxy: 1, length: 50 },
      ],
    },
    {
      id: 'b',
      groups: { dataset: 'x' },
      candidates: [
        { gold: 1, proxy: 2, length: 10 },
        { gold: 0, proxy: 2, length: 20 },
        { gold: 0.5, proxy: 1, length: 30 },
        { gold: 0.5, proxy: 0, length: 30 },
      ],
    },
    {
      id: 'c',
      groups: { dataset: 'y' },
      candidates: [
        { gold: 0.2, proxy: 5, length: 40 },
        { gold: 0.2, proxy: 5, length: 40 },
        { gold: 0.8, proxy: 5, length: 10 },
        { gold: 0.4, proxy: 5, length: 20 },
      ],
    },
  ];
  const [all, x, y] = bonCurves(prompts, { ...EXACT, ns: [1, 2, 3, 4] });
  assert.deepEqual([all!.group, x!.group, y!.group], ['all', 'dataset = x', 'dataset = y']);
  // Hand numbers from exact.test.ts: pick gold per prompt at N = 2 is 3.4/6, 0.5, 0.4; longest 4/6, 1/4, 3.5/6.
  const n2 = all!.points[1]!;
  assert.equal(n2.prompts, 3);
  assertClose(n2.pick.gold, (3.4 / 6 + 0.5 + 0.4) / 3, 1e-12, 'pick gold N=2');
  assertClose(n2.pick.longest, (4 / 6 + 0.25 + 3.5 / 6) / 3, 1e-12, 'pick longest N=2');
  assertClose(n2.random.gold, (0.45 + 0.5 + 0.4) / 3, 1e-12, 'random gold');
  assertClose(x!.points[2]!.pick.gold, (0.7 + 0.5) / 2, 1e-12, 'group x pick gold N=3');
  assertClose(y!.points[3]!.oracle.gold, 0.8, 1e-12, 'group y oracle N=4');
  // Random pick gold is the same at every N: the floor is flat.
  for (const p of all!.points) assertClose(p.random.gold, (0.45 + 0.5 + 0.4) / 3, 1e-12, `random N=${p.n}`);
});

test('a prompt with fewer than N responses is left out at that N only', () => {
  const prompts = [...synthetic(5, 3, 1, (g) => g), ...synthetic(7, 8, 2, (g) => g)];
  const [all] = bonCurves(prompts, { ...EXACT, ns: [1, 2, 4, 8, 16] });
  assert.deepEqual(
    all!.points.map((p) => [p.n, p.prompts]),
    [
      [1, 12],
      [2, 12],
      [4, 7],
      [8, 7],
    ],
    'N = 16: no prompt has 16 responses, no point',
  );
});

test('a proxy equal to gold tracks the oracle at every N; a proxy of pure length buys length, not gold', () => {
  const byGold = bonCurves(
    synthetic(300, 16, 5, (g) => g),
    { ...EXACT, ns: [1, 2, 4, 8, 16] },
  )[0]!;
  for (const p of byGold.points) {
    assertClose(p.pick.gold, p.oracle.gold, 1e-12, `N=${p.n} pick = oracle`);
    if (p.n > 1) assert.ok(p.pick.gold > p.random.gold + 0.1, `N=${p.n} beats random`);
  }
  const byLength = bonCurves(
    synthetic(300, 16, 5, (_g, len) => len),
    { ...EXACT, ns: [1, 2, 4, 8, 16] },
  )[0]!;
  let prev = -Infinity;
  for (const p of byLength.points) {
    assertClose(p.pick.longest, 1, 1e-9, `N=${p.n}: every pick is the longest`);
    assert.ok(p.pick.length > prev, `N=${p.n}: length grows with N`);
    prev = p.pick.length;
    // Gold is independent of length here: the length proxy's pick is as good as a random one (within noise).
    assert.ok(p.pickGoldCi.lo <= p.random.gold + 0.02 && p.pickGoldCi.hi >= p.random.gold - 0.02, `N=${p.n}: gold ≈ random`);
  }
  // A random pick is the longest of N distinct lengths with probability 1/N.
  for (const p of byLength.points) assertClose(p.random.longest, 1 / p.n, 1e-12, `random longest N=${p.n}`);
  // The anti-length proxy never picks the longest once N ≥ 2.
  const shortest = bonCurves(
    synthetic(100, 16, 5, (_g, len) => -len),
    { ...EXACT, ns: [2, 4] },
  )[0]!;
  for (const p of shortest.points) assertClose(p.pick.longest, 0, 1e-9, `N=${p.n}`);
});

test('bootstrap 95% intervals cover the population mean about 95% of the time', () => {
  // A finite population of prompts whose exact N = 4 pick gold is known; each replicate resamples 60 prompts from it.
  const population = synthetic(2000, 6, 11, (g, _l, rng) => g + 0.6 * (rng() - 0.5));
  const truth = population.reduce((a, p) => a + exactPromptBon(p.candidates, 4).pick.gold, 0) / population.length;
  const rng = mulberry32(77);
  const reps = 300;
  let covered = 0;
  for (let r = 0; r < reps; r++) {
    const sample = Array.from({ length: 60 }, (_, i) => ({ ...population[Math.floor(rng() * population.length)]!, id: `r${r}-${i}` }));
    const p = bonCurves(sample, { ...EXACT, ns: [4], seed: r, bootstrap: 500 })[0]!.points[0]!;
    if (p.pickGoldCi.lo <= truth && truth <= p.pickGoldCi.hi) covered++;
  }
  const rate = covered / reps;
  assert.ok(rate >= 0.9 && rate <= 0.985, `coverage ${rate} (expected ≈ 0.95)`);
});

test('bootstrapMeans: a constant has a zero-width interval; an empty sample has none; the seed fixes the draws', () => {
  const [k] = bootstrapMeans([[3, 3, 3, 3]], 200, 1);
  assert.deepEqual(k, { lo: 3, hi: 3 });
  assert.ok(Number.isNaN(bootstrapMeans([[]], 200, 1)[0]!.lo));
  const xs = [[1, 5, 2, 8, 3, 9, 4]];
  assert.deepEqual(bootstrapMeans(xs, 300, 4), bootstrapMeans(xs, 300, 4));
  assert.notDeepEqual(bootstrapMeans(xs, 300, 4), bootstrapMeans(xs, 300, 5));
  const [ci] = bootstrapMeans(xs, 2000, 4);
  assert.ok(ci!.lo < 32 / 7 && 32 / 7 < ci!.hi, 'the sample mean lies inside');
});

test('seeded determinism: the same options give identical reports; sampled and exact agree on the means', () => {
  const prompts = synthetic(80, 10, 3, (g, l, rng) => g + l / 4000 + 0.3 * rng());
  const sampled: BonOptions = { ...EXACT, method: { kind: 'sampled', samples: 400 }, seed: 9 };
  const a = bonSetReport('s', 'f.jsonl', prompts, {}, sampled);
  assert.deepEqual(a, bonSetReport('s', 'f.jsonl', prompts, {}, sampled));
  assert.notDeepEqual(a, bonSetReport('s', 'f.jsonl', prompts, {}, { ...sampled, seed: 10 }));
  const exact = bonSetReport('s', 'f.jsonl', prompts, {}, EXACT);
  exact.curves[0]!.points.forEach((p, i) => {
    const s = a.curves[0]!.points[i]!;
    assertClose(s.pick.gold, p.pick.gold, 0.01, `N=${p.n} gold`);
    assertClose(s.pick.longest, p.pick.longest, 0.02, `N=${p.n} longest`);
  });
  assert.deepEqual([a.prompts, a.responses, a.minCandidates, a.maxCandidates], [80, 800, 10, 10]);
});

test('a lower-is-better gold (a rank) is negated for selection and reported in its own units', () => {
  // Ranks 1 (best) … 4; the proxy agrees with the rank, so the pick is the oracle; gold was negated by the caller.
  const prompts: BonPrompt[] = [
    { id: 'r', groups: {}, candidates: [1, 2, 3, 4].map((rank) => ({ gold: -rank, proxy: -rank, length: 10 * rank })) },
  ];
  const [all] = bonCurves(prompts, { ...EXACT, ns: [1, 2, 4], higherIsBetter: false });
  const [n1, n2, n4] = all!.points;
  assertClose(n1!.pick.gold, 2.5, 1e-12, 'mean rank of a single response');
  assertClose(n2!.pick.gold, (3 * 1 + 2 * 2 + 1 * 3) / 6, 1e-12, 'best rank of two');
  assertClose(n4!.oracle.gold, 1, 1e-12, 'rank 1 is the best');
  assert.ok(n2!.pickGoldCi.lo <= n2!.pickGoldCi.hi, 'the interval keeps lo ≤ hi after the flip');
});

test('groups: a key with one value or with more values than a group should have gets no curves', () => {
  const prompts = synthetic(
    120,
    4,
    2,
    (g) => g,
    (i) => ({ dataset: `d${i % 2}`, lang: 'en', question_id: String(i) }),
  );
  assert.deepEqual(
    promptGroups(prompts).map((g) => [g.name, g.members.length]),
    [
      ['dataset = d0', 60],
      ['dataset = d1', 60],
    ],
  );
});

test('checkNs', () => {
  assert.equal(checkNs([1, 2, 4]), undefined);
  assert.match(checkNs([])!, /at least one/);
  assert.match(checkNs([1, 0])!, /integer ≥ 1, got 0/);
  assert.match(checkNs([1, 2.5])!, /integer ≥ 1, got 2.5/);
  assert.match(checkNs([4, 2])!, /ascending/);
});
