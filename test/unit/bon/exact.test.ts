// Best-of-N selection: hand-computed cases (3 prompts × 4 responses, every N, ties in proxy, gold and length), the
// closed form against brute force over every subset, and the sampled path against the closed form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactPromptBon, exactSelection } from '../../../src/core/bon/exact';
import { sampledPromptBon } from '../../../src/core/bon/sample';
import type { BonCandidate, PromptBon, Selection } from '../../../src/core/bon/types';
import { mulberry32 } from '../../../src/core/random';
import { assertClose } from '../stats/helpers';

const c = (gold: number, proxy: number, length: number): BonCandidate => ({ gold, proxy, length });

/** Prompt A: distinct proxy scores and lengths. Prompt B: a proxy tie at the top, a length tie. Prompt C: every proxy tied. */
const A = [c(0.9, 4, 100), c(0.1, 3, 300), c(0.5, 2, 200), c(0.3, 1, 50)];
const B = [c(1.0, 2, 10), c(0.0, 2, 20), c(0.5, 1, 30), c(0.5, 0, 30)];
const C = [c(0.2, 5, 40), c(0.2, 5, 40), c(0.8, 5, 10), c(0.4, 5, 20)];

function assertSelection(actual: Selection, expected: Partial<Selection>, what: string): void {
  for (const [k, v] of Object.entries(expected)) assertClose(actual[k as keyof Selection], v, 1e-12, `${what}.${k}`);
}

// Worked by hand, subset by subset (see the derivations beside each row).
test('prompt A (distinct scores): every N by hand', () => {
  // N=1: every response alone; every pick is trivially the longest.
  assertSelection(exactPromptBon(A, 1).pick, { gold: 0.45, length: 162.5, longest: 1, proxy: 2.5 }, 'A N=1');
  // N=2 (6 pairs): a1 wins 3, a2 wins 2, a3 wins 1. Gold (2.7+0.2+0.5)/6; length (300+600+200)/6;
  // longest: {a1,a4}, {a2,a3}, {a2,a4}, {a3,a4} → 4/6. Oracle: gold order a1 > a3 > a4 > a2 → (2.7+1.0+0.3)/6.
  const n2 = exactPromptBon(A, 2);
  assertSelection(n2.pick, { gold: 3.4 / 6, length: 1100 / 6, longest: 4 / 6, proxy: 20 / 6 }, 'A N=2 pick');
  assertSelection(n2.oracle, { gold: 4 / 6 }, 'A N=2 oracle');
  // Random pick of 2 distinct lengths is the longer one half the time.
  assertSelection(n2.random, { gold: 0.45, length: 162.5, longest: 0.5 }, 'A N=2 random');
  // N=3 (4 triples): a1 wins 3 (never the longest: each triple holds a2 or a3), a2 wins {a2,a3,a4} (longest).
  const n3 = exactPromptBon(A, 3);
  assertSelection(n3.pick, { gold: 0.7, length: 150, longest: 0.25 }, 'A N=3 pick');
  assertSelection(n3.oracle, { gold: 0.8 }, 'A N=3 oracle');
  assertSelection(exactPromptBon(A, 4).pick, { gold: 0.9, length: 100, longest: 0 }, 'A N=4 pick');
  assertSelection(exactPromptBon(A, 4).oracle, { gold: 0.9 }, 'A N=4 oracle');
});

test('prompt B (proxy tie at the top, length tie): every N by hand', () => {
  assertSelection(exactPromptBon(B, 1).pick, { gold: 0.5, length: 22.5, longest: 1 }, 'B N=1');
  // N=2: {b1,b2} tie → gold 0.5, length 15, longest ½ (b2); {b1,b3} {b1,b4} → b1; {b2,b3} {b2,b4} → b2;
  // {b3,b4} → b3, tied longest with b4. Gold 3/6, length 105/6, longest 1.5/6, proxy 11/6.
  const n2 = exactPromptBon(B, 2);
  assertSelection(n2.pick, { gold: 0.5, length: 17.5, longest: 0.25, proxy: 11 / 6 }, 'B N=2 pick');
  assertSelection(n2.oracle, { gold: 0.75 }, 'B N=2 oracle');
  // N=3: {b1,b2,b3} and {b1,b2,b4} → tie (gold 0.5, length 15); {b1,b3,b4} → b1; {b2,b3,b4} → b2. No pick is longest.
  const n3 = exactPromptBon(B, 3);
  assertSelection(n3.pick, { gold: 0.5, length: 15, longest: 0 }, 'B N=3 pick');
  assertSelection(n3.oracle, { gold: 0.875 }, 'B N=3 oracle');
  assertSelection(exactPromptBon(B, 4).pick, { gold: 0.5, length: 15, longest: 0 }, 'B N=4 pick');
});

test('prompt C (every proxy tied = a random pick; gold and length ties): every N by hand', () => {
  const longest = [1, 3.5 / 6, 0.5, 0.5]; // N=2: {c1,c2} both longest, five pairs ½ each; N=3: (2/3+2/3+1/3+1/3)/4; N=4: 2 of 4
  for (let n = 1; n <= 4; n++) {
    const r = exactPromptBon(C, n);
    assertSelection(r.pick, { gold: 0.4, length: 27.5, longest: longest[n - 1]!, proxy: 5 }, `C N=${n} pick`);
    assertSelection(r.random, { gold: 0.4, length: 27.5, longest: longest[n - 1]! }, `C N=${n} random`);
  }
  // Oracle N=2: c3 in the pair 3/6 → 0.8; else c4 top in 2/6 → 0.4; {c1,c2} 1/6 → 0.2.
  assertSelection(exactPromptBon(C, 2).oracle, { gold: 0.8 * 0.5 + 0.4 / 3 + 0.2 / 6 }, 'C N=2 oracle');
});

/** Reference: enumerate every N-subset; within one, the pick is uniform over the tied maxima of the selector. */
function bruteForce(cands: readonly BonCandidate[], key: (x: BonCandidate) => number, n: number): Selection {
  const m = cands.length;
  const acc = { gold: 0, proxy: 0, length: 0, longest: 0 };
  let subsets = 0;
  const rec = (start: number, chosen: number[]) => {
    if (chosen.length === n) {
      subsets++;
      const best = Math.max(...chosen.map((i) => key(cands[i]!)));
      const tied = chosen.filter((i) => key(cands[i]!) === best);
      const maxLen = Math.max(...chosen.map((i) => cands[i]!.length));
      for (const t of tied) {
        const x = cands[t]!;
        acc.gold += x.gold / tied.length;
        acc.proxy += x.proxy / tied.length;
        acc.length += x.length / tied.length;
        acc.longest += (x.length >= maxLen ? 1 : 0) / tied.length;
      }
      return;
    }
    for (let i = start; i < m; i++) rec(i + 1, [...chosen, i]);
  };
  rec(0, []);
  return { gold: acc.gold / subsets, proxy: acc.proxy / subsets, length: acc.length / subsets, longest: acc.longest / subsets };
}

test('the closed form equals brute force over all subsets (random prompts with many ties, every N ≤ M ≤ 9)', () => {
  const rng = mulberry32(12);
  let checked = 0;
  for (let trial = 0; trial < 150; trial++) {
    const m = 1 + Math.floor(rng() * 9);
    // Small value sets force ties in proxy, gold and length; some trials use continuous values.
    const levels = trial % 3 === 0 ? 1000 : 1 + Math.floor(rng() * 4);
    const cands = Array.from({ length: m }, () =>
      c(Math.floor(rng() * levels) / levels, Math.floor(rng() * levels), 10 + Math.floor(rng() * levels)),
    );
    for (let n = 1; n <= m; n++) {
      const exact = exactPromptBon(cands, n);
      const expect: Record<keyof PromptBon, Selection> = {
        pick: bruteForce(cands, (x) => x.proxy, n),
        oracle: bruteForce(cands, (x) => x.gold, n),
        random: bruteForce(cands, () => 0, n),
      };
      for (const rule of ['pick', 'oracle', 'random'] as const)
        assertSelection(exact[rule], expect[rule], `trial ${trial} M=${m} N=${n} ${rule}`);
      checked++;
    }
  }
  assert.ok(checked > 500, `checked ${checked} (prompt, N) cases`);
});

test('large M stays finite and exact: M = 2000, N = 512 against the distinct-score formula', () => {
  const m = 2000;
  const cands = Array.from({ length: m }, (_, i) => c(i % 7, m - i, i)); // proxy strictly decreasing in i
  const n = 512;
  const r = exactSelection(
    cands,
    cands.map((x) => x.proxy),
    n,
  );
  // P(i-th best is the argmax) = C(M−1−i, N−1)/C(M, N), built as a product: independent of the log table.
  let p = n / m; // i = 0: C(M−1, N−1)/C(M, N) = N/M
  let gold = 0,
    total = 0;
  for (let i = 0; i <= m - n; i++) {
    gold += p * cands[i]!.gold;
    total += p;
    p *= (m - n - i) / (m - 1 - i); // C(M−2−i, N−1)/C(M−1−i, N−1)
  }
  assertClose(total, 1, 1e-9, 'probabilities sum to 1');
  assertClose(r.gold, gold, 1e-9, 'expected gold');
  assert.ok(Number.isFinite(r.longest) && r.longest >= 0 && r.longest <= 1);
});

test('sampled draws converge to the closed form and are seeded', () => {
  const rng = mulberry32(3);
  const cands = Array.from({ length: 12 }, () => c(rng(), Math.floor(rng() * 5), Math.floor(rng() * 6)));
  for (const n of [1, 3, 8]) {
    const exact = exactPromptBon(cands, n);
    const s = sampledPromptBon(cands, n, 40_000, 99);
    for (const rule of ['pick', 'oracle', 'random'] as const) {
      assertClose(s[rule].gold, exact[rule].gold, 0.01, `N=${n} ${rule} gold`);
      assertClose(s[rule].longest, exact[rule].longest, 0.01, `N=${n} ${rule} longest`);
    }
  }
  assert.deepEqual(sampledPromptBon(cands, 3, 50, 7), sampledPromptBon(cands, 3, 50, 7), 'same seed, same draws');
  assert.notDeepEqual(sampledPromptBon(cands, 3, 50, 7), sampledPromptBon(cands, 3, 50, 8), 'another seed, other draws');
});

test('N outside 1..M is refused', () => {
  assert.throws(() => exactPromptBon(A, 5), /1 ≤ N ≤ M/);
  assert.throws(() => exactPromptBon(A, 0), /1 ≤ N ≤ M/);
  assert.throws(() => sampledPromptBon(A, 2, 0, 1), /samples/);
});
