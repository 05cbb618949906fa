// Pure transforms from RunSnapshot data to chart series and table rows. No DOM, no chart.js:
// unit-testable in plain Node, and the one place that decides what each chart plots.
import type { BoxStats, EvalReport, EvalSetReport, Histogram, Proportion, StepMetrics } from '../../src/core/report';
import type { RunSnapshot } from '../../src/protocol/panel';
import { equalWidthEdges, histogramWithEdges } from '../../src/core/stats/histogram';

export interface XY {
  readonly x: number;
  readonly y: number;
}

/** Metrics a training-curve chart can plot. */
export type CurveKey = 'loss' | 'accuracy' | 'batchMean' | 'reg' | 'wpNorm';

/** (step, value) points of one logged metric; non-finite values are dropped (a NaN loss must not break the axis). */
export function metricSeries(metrics: readonly StepMetrics[], key: CurveKey): XY[] {
  const out: XY[] = [];
  for (const m of metrics) if (Number.isFinite(m[key]) && Number.isFinite(m.step)) out.push({ x: m.step, y: m[key] });
  return out;
}

/**
 * A histogram as the corner points of its outline, for a stepped line (chart.js `stepped: 'before'` holds
 * each y until the next x). Runs with different bin edges can then share one linear axis.
 * @example histogramOutline({ edges: [0, 1, 2], counts: [3, 5] }) // (0,0) (0,3) (1,5) (2,5) (2,0)
 */
export function histogramOutline(h: Histogram): XY[] {
  const n = Math.min(h.counts.length, h.edges.length - 1);
  if (n <= 0) return [];
  const pts: XY[] = [{ x: h.edges[0]!, y: 0 }];
  for (let i = 0; i < n; i++) pts.push({ x: h.edges[i]!, y: h.counts[i]! });
  pts.push({ x: h.edges[n]!, y: h.counts[n - 1]! }, { x: h.edges[n]!, y: 0 });
  return pts;
}

export function latestEval(run: RunSnapshot): EvalReport | undefined {
  return run.evals[run.evals.length - 1];
}

/** Eval set names across the runs shown, in the primary run's order, then any the secondary adds. */
export function evalSetNames(runs: readonly RunSnapshot[]): string[] {
  const names: string[] = [];
  for (const run of runs) for (const s of latestEval(run)?.sets ?? []) if (!names.includes(s.name)) names.push(s.name);
  return names;
}

/** The eval set to show: the chosen one when it exists, else the first. */
export function pickEvalSet(names: readonly string[], wanted: string | undefined): string | undefined {
  return wanted !== undefined && names.includes(wanted) ? wanted : names[0];
}

export function findSet(evalReport: EvalReport | undefined, name: string | undefined): EvalSetReport | undefined {
  return name === undefined ? undefined : evalReport?.sets.find((s) => s.name === name);
}

export interface BandPoint {
  readonly step: number;
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
  readonly n: number;
}

/** Figure 2: mean ± std of ‖h_w − h_l‖ on one eval set at every checkpoint. */
export function hDiffBand(run: RunSnapshot, setName: string | undefined): BandPoint[] {
  const out: BandPoint[] = [];
  for (const ev of run.evals) {
    const s = findSet(ev, setName);
    if (!s || !Number.isFinite(s.hDiffNorm.mean)) continue;
    const std = Number.isFinite(s.hDiffNorm.std) ? s.hDiffNorm.std : 0;
    out.push({ step: ev.step, mean: s.hDiffNorm.mean, lo: s.hDiffNorm.mean - std, hi: s.hDiffNorm.mean + std, n: s.hDiffNorm.n });
  }
  return out;
}

export interface GroupRow {
  /** "key = value", the category label. */
  readonly label: string;
  readonly key: string;
  readonly value: string;
  readonly acc: Proportion;
}

/** Accuracy per group value, grouped by key, larger groups first; at most `cap` rows (the rest are counted). */
export function groupRows(set: EvalSetReport | undefined, cap = 30): { rows: GroupRow[]; hidden: number } {
  const all: GroupRow[] = [];
  for (const key of Object.keys(set?.byGroup ?? {}).sort()) {
    const values = set!.byGroup[key]!;
    const entries = Object.entries(values).sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]));
    for (const [value, acc] of entries) all.push({ label: `${key} = ${value}`, key, value, acc });
  }
  return { rows: all.slice(0, cap), hidden: Math.max(0, all.length - cap) };
}

/**
 * Fixed bins over [-1, 1] so that two runs' τ histograms share one axis; NaN prompts are counted apart. The binning
 * is core's (numpy's: τ = 1 falls in the last bin).
 */
export function tauHistogram(values: readonly number[], bins = 20): { edges: number[]; counts: number[]; nan: number } {
  const finite = values.filter((v) => Number.isFinite(v));
  const { edges, counts } = histogramWithEdges(finite, equalWidthEdges(-1, 1, bins));
  return { edges: [...edges], counts: [...counts], nan: values.length - finite.length };
}

export interface BoxRow {
  readonly name: string;
  readonly file: string;
  readonly box: BoxStats;
}

/** Figure 3: ‖h‖ box statistics per eval set at the latest checkpoint. */
export function hNormBoxes(run: RunSnapshot): BoxRow[] {
  return (latestEval(run)?.sets ?? []).map((s) => ({ name: s.name, file: s.file, box: s.hNorm }));
}

/** Table 1: erank(eval) − erank(train sample) per set at the latest checkpoint (the reference set itself is 0). */
export function erankGapRows(run: RunSnapshot): { name: string; gap: number; erank: number; rows: number }[] {
  const ev = latestEval(run);
  if (!ev) return [];
  return ev.sets
    .filter((s) => Number.isFinite(ev.erankGap[s.name] ?? NaN))
    .map((s) => ({ name: s.name, gap: ev.erankGap[s.name]!, erank: s.erank, rows: s.erankRows }));
}

/** Mean reward per length bin, plotted at the bin's midpoint. */
export function lengthBinSeries(set: EvalSetReport | undefined): XY[] {
  return (set?.lengthBias.bins ?? [])
    .filter((b) => b.n > 0 && Number.isFinite(b.meanReward))
    .map((b) => ({ x: (b.lo + b.hi) / 2, y: b.meanReward }));
}

/** The model's accuracy next to the length heuristics' accuracy on the same set. */
export function lengthBaselineRows(set: EvalSetReport | undefined): { label: string; p: Proportion }[] {
  if (!set) return [];
  return [
    { label: 'Reward model', p: set.accuracy },
    { label: 'Pick longer', p: set.lengthBias.pickLonger },
    { label: 'Pick shorter', p: set.lengthBias.pickShorter },
  ];
}

/** Short, stable number formatting for tables and tooltips. */
export function fmt(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '∞' : '−∞';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2);
  return Number(v.toFixed(digits)).toString();
}

export function fmtProportion(p: Proportion): string {
  return `${fmt(p.value * 100, 1)}% [${fmt(p.lo * 100, 1)}, ${fmt(p.hi * 100, 1)}] (n=${p.n})`;
}
