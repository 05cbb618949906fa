// The exact expectation of best-of-N over every N-subset of a prompt's M responses, in closed form.
//
// Draw a uniformly random N-subset S of the M candidates and pick argmax_{j∈S} s_j for a selector s (the proxy
// reward, the gold score for the oracle, a constant for the random pick). Ties in s are broken uniformly at random.
// Sort by s and group equal scores into classes; for class c let a = candidates strictly above it, n = its size,
// b = M − a − n those below. Class c holds the pick iff S avoids the a above and meets c, so
//   P(pick = j) = [C(M − a, N) − C(b, N)] / (n · C(M, N))      for every j in c (members are exchangeable).
// With distinct scores (n = 1, a = i) this is C(M − 1 − i, N − 1) / C(M, N), the i-th best being the argmax.
// "The pick is a longest response of S" needs the other N − 1 members to be no longer than j: with u_j other
// members of c and v_j candidates below c no longer than j, and k = |S ∩ c| (j wins the tie-break w.p. 1/k),
//   P(pick = j, j longest) = Σ_k (1/k) · C(u_j, k − 1) · C(v_j, N − k) / C(M, N).
// Binomials come from one log-factorial table, so M in the thousands stays finite.
import type { BonCandidate, PromptBon, Selection } from './types';

/** log k! for k = 0..m. */
export function logFactorials(m: number): Float64Array {
  const lf = new Float64Array(m + 1);
  for (let k = 2; k <= m; k++) lf[k] = lf[k - 1]! + Math.log(k);
  return lf;
}

/** log C(n, k); −∞ when the binomial is 0 (k < 0 or k > n). */
function logC(lf: Float64Array, n: number, k: number): number {
  if (k < 0 || n < 0 || k > n) return -Infinity;
  return lf[n]! - lf[k]! - lf[n - k]!;
}

/** Class index of every candidate (0 = the highest selector score) and each class's size and count above it. */
function tieClasses(scores: readonly number[]): { readonly classOf: Int32Array; readonly size: number[]; readonly above: number[] } {
  const order = scores.map((_, i) => i).sort((x, y) => scores[y]! - scores[x]!);
  const classOf = new Int32Array(scores.length);
  const size: number[] = [];
  const above: number[] = [];
  order.forEach((i, rank) => {
    const same = rank > 0 && scores[i] === scores[order[rank - 1]!];
    if (!same) {
      size.push(0);
      above.push(rank);
    }
    classOf[i] = size.length - 1;
    size[size.length - 1]!++;
  });
  return { classOf, size, above };
}

/**
 * The exact expected gold, proxy, length and longest-share of the pick of `scores`' argmax over the N-subsets of
 * `cands` (scores[i] belongs to cands[i]; NaN scores are not allowed: the caller drops them).
 */
export function exactSelection(
  cands: readonly BonCandidate[],
  scores: readonly number[],
  n: number,
  lf: Float64Array = logFactorials(cands.length),
): Selection {
  const m = cands.length;
  if (!(Number.isInteger(n) && n >= 1 && n <= m)) throw new RangeError(`best-of-N needs 1 ≤ N ≤ M (N = ${n}, M = ${m})`);
  const { classOf, size, above } = tieClasses(scores);
  const logTotal = logC(lf, m, n);
  let gold = 0,
    proxy = 0,
    length = 0,
    longest = 0;
  for (let j = 0; j < m; j++) {
    const c = classOf[j]!;
    const a = above[c]!;
    const nc = size[c]!;
    const w = (Math.exp(logC(lf, m - a, n) - logTotal) - Math.exp(logC(lf, m - a - nc, n) - logTotal)) / nc;
    const cj = cands[j]!;
    gold += w * cj.gold;
    proxy += w * cj.proxy;
    length += w * cj.length;
    if (w > 0) longest += longestWeight(cands, classOf, nc, j, n, lf, logTotal);
  }
  return { gold, proxy, length, longest };
}

/** P(pick = j and j is a longest member of S): see the file header. */
function longestWeight(
  cands: readonly BonCandidate[],
  classOf: Int32Array,
  classSize: number,
  j: number,
  n: number,
  lf: Float64Array,
  logTotal: number,
): number {
  const c = classOf[j]!;
  const lj = cands[j]!.length;
  let u = 0,
    v = 0;
  for (let i = 0; i < cands.length; i++) {
    if (i === j || cands[i]!.length > lj) continue;
    if (classOf[i] === c) u++;
    else if (classOf[i]! > c) v++;
  }
  let p = 0;
  for (let k = 1; k <= Math.min(classSize, n); k++) p += Math.exp(logC(lf, u, k - 1) + logC(lf, v, n - k) - logTotal) / k;
  return p;
}

/** Exact pick (proxy argmax), oracle (gold argmax) and random pick (a constant selector: every tie is broken at random). */
export function exactPromptBon(cands: readonly BonCandidate[], n: number, lf: Float64Array = logFactorials(cands.length)): PromptBon {
  return {
    pick: exactSelection(
      cands,
      cands.map((c) => c.proxy),
      n,
      lf,
    ),
    oracle: exactSelection(
      cands,
      cands.map((c) => c.gold),
      n,
      lf,
    ),
    random: exactSelection(
      cands,
      cands.map(() => 0),
      n,
      lf,
    ),
  };
}
