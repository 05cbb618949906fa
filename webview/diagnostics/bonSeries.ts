// Best-of-N card data: which sets and groups the runs shown have, the chosen curve of each run, and its points as
// chart series and table rows. Pure (no DOM, no chart.js), like series.ts.
import type { BonCurve, BonPoint, BonReport } from '../../src/core/bon/types';
import type { RunSnapshot } from '../../src/protocol/panel';
import { captured } from '../../src/core/bon/format';
import { fmt } from './series';
import type { TableModel } from './tables';

export interface XY {
  readonly x: number;
  readonly y: number;
}

/** Set names across the runs' bon.json (primary first), e.g. the experiment pools or a file's name. */
export function bonSetNames(runs: readonly RunSnapshot[]): string[] {
  const names: string[] = [];
  for (const r of runs) for (const s of r.bon?.sets ?? []) if (!names.includes(s.name)) names.push(s.name);
  return names;
}

/** Curve groups of one set across the runs: 'all' first, then 'dataset = koala'… */
export function bonGroupNames(runs: readonly RunSnapshot[], set: string | undefined): string[] {
  const names: string[] = [];
  for (const r of runs)
    for (const c of r.bon?.sets.find((s) => s.name === set)?.curves ?? []) if (!names.includes(c.group)) names.push(c.group);
  return names;
}

export function bonCurve(bon: BonReport | undefined, set: string | undefined, group: string | undefined): BonCurve | undefined {
  return bon?.sets.find((s) => s.name === set)?.curves.find((c) => c.group === group);
}

/** x of a point: log₂ N, so 1, 2, 4, 8, 16 are evenly spaced (the axis labels them as N). */
export const xOf = (n: number) => Math.log2(n);

export function goldSeries(curve: BonCurve | undefined): { pick: XY[]; lo: XY[]; hi: XY[]; oracle: XY[]; random: XY[] } {
  const pts = curve?.points ?? [];
  const at = (f: (p: BonPoint) => number) => pts.filter((p) => Number.isFinite(f(p))).map((p) => ({ x: xOf(p.n), y: f(p) }));
  return {
    pick: at((p) => p.pick.gold),
    lo: at((p) => p.pickGoldCi.lo),
    hi: at((p) => p.pickGoldCi.hi),
    oracle: at((p) => p.oracle.gold),
    random: at((p) => p.random.gold),
  };
}

export function lengthSeries(curve: BonCurve | undefined): { pick: XY[]; oracle: XY[]; random: XY[] } {
  const pts = curve?.points ?? [];
  const at = (f: (p: BonPoint) => number) => pts.filter((p) => Number.isFinite(f(p))).map((p) => ({ x: xOf(p.n), y: f(p) }));
  return { pick: at((p) => p.pick.length), oracle: at((p) => p.oracle.length), random: at((p) => p.random.length) };
}

/** Proxy vs gold: the pick's proxy score (x) against its gold score (y), one point per N in N order. */
export function proxyGoldSeries(curve: BonCurve | undefined): (XY & { readonly n: number })[] {
  return (curve?.points ?? [])
    .filter((p) => Number.isFinite(p.pick.proxy) && Number.isFinite(p.pick.gold))
    .map((p) => ({ x: p.pick.proxy, y: p.pick.gold, n: p.n }));
}

const pct = (v: number) => (Number.isFinite(v) ? `${fmt(100 * v, 1)}%` : '–');

/** The data table under the card: one row per run and N. */
export function bonTable(
  runs: readonly { readonly label: string; readonly curve: BonCurve | undefined; readonly bon?: BonReport }[],
  set: string | undefined,
  group: string | undefined,
): TableModel {
  const gold = runs.find((r) => r.bon)?.bon?.gold;
  const goldText = gold ? `${gold.fields.join(', ') || 'gold'} (${gold.higherIsBetter ? 'higher is better' : 'lower is better'})` : 'gold';
  return {
    caption: `Best-of-N on ${set ?? 'the selected set'} (${group ?? 'all'}): gold = ${goldText}; length in characters; 95% bootstrap intervals over prompts`,
    headers: [
      'Run · N',
      'Prompts',
      'Pick gold [95% CI]',
      'Oracle gold',
      'Random gold',
      'Headroom captured',
      'Pick proxy',
      'Pick length [95% CI]',
      'Random length',
      'Pick is longest',
      'Random is longest',
    ],
    rows: runs.flatMap((r) =>
      (r.curve?.points ?? []).map((p) => ({
        cells: [
          `${r.label} · N=${p.n}`,
          String(p.prompts),
          `${fmt(p.pick.gold, 4)} [${fmt(p.pickGoldCi.lo, 4)}, ${fmt(p.pickGoldCi.hi, 4)}]`,
          fmt(p.oracle.gold, 4),
          fmt(p.random.gold, 4),
          pct(captured(p)),
          fmt(p.pick.proxy, 3),
          `${fmt(p.pick.length, 0)} [${fmt(p.pickLengthCi.lo, 0)}, ${fmt(p.pickLengthCi.hi, 0)}]`,
          fmt(p.random.length, 0),
          pct(p.pick.longest),
          pct(p.random.longest),
        ],
      })),
    ),
  };
}
