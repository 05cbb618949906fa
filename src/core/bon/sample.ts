// Best-of-N by seeded resampling: K draws of N distinct candidates per prompt (a partial Fisher-Yates shuffle),
// the same three picks as the exact path (proxy argmax, gold argmax, a uniform pick), ties broken uniformly at
// random. It estimates what exact.ts computes; `reward-lens bon --samples K` uses it, and the tests check that the
// two agree. Same seed → same draws on every runtime (src/core/random).
import { mulberry32 } from '../random';
import type { BonCandidate, PromptBon, Selection } from './types';

type Rng = () => number;

/** N distinct indices of 0..m-1, uniformly (the first N of a partial Fisher-Yates shuffle). */
function drawSubset(m: number, n: number, rng: Rng, scratch: Int32Array): Int32Array {
  for (let i = 0; i < m; i++) scratch[i] = i;
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rng() * (m - i));
    const t = scratch[i]!;
    scratch[i] = scratch[j]!;
    scratch[j] = t;
  }
  return scratch.subarray(0, n);
}

/** The index of the subset's argmax of `key`, a uniformly random one among tied maxima. */
function argmax(subset: Int32Array, key: (i: number) => number, rng: Rng): number {
  let best = -Infinity;
  const tied: number[] = [];
  for (const i of subset) {
    const v = key(i);
    if (v > best) {
      best = v;
      tied.length = 0;
      tied.push(i);
    } else if (v === best) tied.push(i);
  }
  return tied.length === 1 ? tied[0]! : tied[Math.floor(rng() * tied.length)]!;
}

interface Acc {
  gold: number;
  proxy: number;
  length: number;
  longest: number;
}
const zero = (): Acc => ({ gold: 0, proxy: 0, length: 0, longest: 0 });

function add(acc: Acc, c: BonCandidate, maxLength: number): void {
  acc.gold += c.gold;
  acc.proxy += c.proxy;
  acc.length += c.length;
  if (c.length >= maxLength) acc.longest += 1;
}

const mean = (acc: Acc, k: number): Selection => ({
  gold: acc.gold / k,
  proxy: acc.proxy / k,
  length: acc.length / k,
  longest: acc.longest / k,
});

/** K seeded draws of N candidates; the means of the three picks over the draws. */
export function sampledPromptBon(cands: readonly BonCandidate[], n: number, samples: number, seed: number): PromptBon {
  const m = cands.length;
  if (!(Number.isInteger(n) && n >= 1 && n <= m)) throw new RangeError(`best-of-N needs 1 ≤ N ≤ M (N = ${n}, M = ${m})`);
  if (!(Number.isInteger(samples) && samples >= 1)) throw new RangeError(`samples must be an integer ≥ 1, got ${samples}`);
  const rng = mulberry32(seed);
  const scratch = new Int32Array(m);
  const pick = zero(),
    oracle = zero(),
    random = zero();
  for (let s = 0; s < samples; s++) {
    const subset = drawSubset(m, n, rng, scratch);
    let maxLength = -Infinity;
    for (const i of subset) maxLength = Math.max(maxLength, cands[i]!.length);
    add(pick, cands[argmax(subset, (i) => cands[i]!.proxy, rng)]!, maxLength);
    add(oracle, cands[argmax(subset, (i) => cands[i]!.gold, rng)]!, maxLength);
    add(random, cands[subset[Math.floor(rng() * n)]!]!, maxLength);
  }
  return { pick: mean(pick, samples), oracle: mean(oracle, samples), random: mean(random, samples) };
}
