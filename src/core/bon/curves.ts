// Best-of-N curves of one set: per prompt and N the three picks (exact or sampled), then their means over the
// prompts with ≥ N responses, for all prompts and per prompt group, with percentile bootstrap intervals over prompts.
import { deriveSeed, mulberry32 } from '../random';
import { quantileSorted } from '../stats/numeric';
import { exactPromptBon, logFactorials } from './exact';
import { sampledPromptBon } from './sample';
import type { BonCurve, BonMethod, BonPoint, BonPrompt, BonSetReport, Interval, PromptBon, Selection } from './types';

export interface BonOptions {
  /** The Ns to report, ascending, each ≥ 1. */
  readonly ns: readonly number[];
  readonly method: BonMethod;
  readonly seed: number;
  /** Bootstrap resamples of the prompts for the intervals. */
  readonly bootstrap: number;
  /** False when the candidates' gold was negated (a lower-is-better field): reported gold is turned back. */
  readonly higherIsBetter: boolean;
}

export const DEFAULT_NS: readonly number[] = [1, 2, 4, 8, 16];
export const DEFAULT_BOOTSTRAP = 1000;
/** A prompt-level key with more distinct values than this is an id, not a group: no per-value curves. */
export const MAX_GROUP_VALUES = 50;

/** Checks the Ns: integers ≥ 1, strictly ascending. Returns a message, or undefined when they are fine. */
export function checkNs(ns: readonly number[]): string | undefined {
  if (ns.length === 0) return 'give at least one N';
  const bad = ns.find((n) => !(Number.isInteger(n) && n >= 1));
  if (bad !== undefined) return `N must be an integer ≥ 1, got ${bad}`;
  for (let i = 1; i < ns.length; i++) if (ns[i]! <= ns[i - 1]!) return `Ns must be strictly ascending, got ${ns.join(',')}`;
  return undefined;
}

/** The three picks of every prompt at one N (undefined where the prompt has fewer than N candidates). */
function perPrompt(prompts: readonly BonPrompt[], n: number, opts: BonOptions): (PromptBon | undefined)[] {
  return prompts.map((p) => {
    if (p.candidates.length < n) return undefined;
    if (opts.method.kind === 'exact') return exactPromptBon(p.candidates, n, logFactorials(p.candidates.length));
    return sampledPromptBon(p.candidates, n, opts.method.samples, deriveSeed(opts.seed, 'bon-sample', p.id, n));
  });
}

function meanSelection(xs: readonly Selection[]): Selection {
  const k = xs.length;
  const sum = (f: (s: Selection) => number) => xs.reduce((a, s) => a + f(s), 0) / k;
  return { gold: sum((s) => s.gold), proxy: sum((s) => s.proxy), length: sum((s) => s.length), longest: sum((s) => s.longest) };
}

/** Percentile bootstrap 95% intervals of the mean of each field, one shared resample of the prompts per replicate. */
export function bootstrapMeans(values: readonly (readonly number[])[], resamples: number, seed: number): Interval[] {
  const p = values[0]?.length ?? 0;
  if (p === 0 || resamples < 1) return values.map(() => ({ lo: NaN, hi: NaN }));
  const rng = mulberry32(seed);
  const means = values.map(() => new Float64Array(resamples));
  const sums = new Float64Array(values.length);
  for (let b = 0; b < resamples; b++) {
    sums.fill(0);
    for (let i = 0; i < p; i++) {
      const k = Math.floor(rng() * p);
      for (let f = 0; f < values.length; f++) sums[f]! += values[f]![k]!;
    }
    for (let f = 0; f < values.length; f++) means[f]![b] = sums[f]! / p;
  }
  return means.map((m) => {
    m.sort();
    return { lo: quantileSorted(m, 0.025), hi: quantileSorted(m, 0.975) };
  });
}

/** Gold back in the file's own units when it was negated for selection (a rank): intervals flip. */
function orient(s: Selection, higherIsBetter: boolean): Selection {
  return higherIsBetter ? s : { ...s, gold: -s.gold };
}

function point(n: number, rows: readonly PromptBon[], group: string, opts: BonOptions): BonPoint {
  const [goldCi, lengthCi, longestCi] = bootstrapMeans(
    [rows.map((r) => r.pick.gold), rows.map((r) => r.pick.length), rows.map((r) => r.pick.longest)],
    opts.bootstrap,
    deriveSeed(opts.seed, 'bon-bootstrap', group, n),
  ) as [Interval, Interval, Interval];
  const h = opts.higherIsBetter;
  return {
    n,
    prompts: rows.length,
    pick: orient(meanSelection(rows.map((r) => r.pick)), h),
    oracle: orient(meanSelection(rows.map((r) => r.oracle)), h),
    random: orient(meanSelection(rows.map((r) => r.random)), h),
    pickGoldCi: h ? goldCi : { lo: -goldCi.hi, hi: -goldCi.lo },
    pickLengthCi: lengthCi,
    pickLongestCi: longestCi,
  };
}

/** Prompt groups worth a curve: each prompt-level key with 2..MAX_GROUP_VALUES values, as "key = value". */
export function promptGroups(prompts: readonly BonPrompt[]): { readonly name: string; readonly members: number[] }[] {
  const byKey = new Map<string, Map<string, number[]>>();
  prompts.forEach((p, i) => {
    for (const [k, v] of Object.entries(p.groups)) {
      const values = byKey.get(k) ?? new Map<string, number[]>();
      byKey.set(k, values);
      const members = values.get(v) ?? [];
      values.set(v, members);
      members.push(i);
    }
  });
  const out: { name: string; members: number[] }[] = [];
  for (const key of [...byKey.keys()].sort()) {
    const values = byKey.get(key)!;
    if (values.size < 2 || values.size > MAX_GROUP_VALUES) continue;
    for (const v of [...values.keys()].sort()) out.push({ name: `${key} = ${v}`, members: values.get(v)! });
  }
  return out;
}

/** Curves for all prompts ('all') and every prompt group; a point only where some prompt has ≥ N candidates. */
export function bonCurves(prompts: readonly BonPrompt[], opts: BonOptions): BonCurve[] {
  const byN = opts.ns.map((n) => ({ n, rows: perPrompt(prompts, n, opts) }));
  const groups = [{ name: 'all', members: prompts.map((_, i) => i) }, ...promptGroups(prompts)];
  return groups.map((g) => ({
    group: g.name,
    points: byN.flatMap(({ n, rows }) => {
      const mine = g.members.map((i) => rows[i]).filter((r): r is PromptBon => r !== undefined);
      return mine.length ? [point(n, mine, g.name, opts)] : [];
    }),
  }));
}

/** One set's report: sizes, what was dropped, and its curves. */
export function bonSetReport(
  name: string,
  file: string,
  prompts: readonly BonPrompt[],
  dropped: Readonly<Record<string, number>>,
  opts: BonOptions,
): BonSetReport {
  const sizes = prompts.map((p) => p.candidates.length);
  return {
    name,
    file,
    prompts: prompts.length,
    responses: sizes.reduce((a, b) => a + b, 0),
    minCandidates: sizes.length ? Math.min(...sizes) : 0,
    maxCandidates: sizes.length ? Math.max(...sizes) : 0,
    dropped,
    curves: bonCurves(prompts, opts),
  };
}
