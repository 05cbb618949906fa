// Hand-made EvalReports for runner and report tests: only the fields the scenario report reads are meaningful.
import type { BoxStats, EvalReport, EvalSetReport } from '../../../src/core/report';

export interface FakeSet {
  readonly name: string;
  readonly acc?: number;
  readonly tau?: number;
  readonly median?: number;
  readonly hDiffMean?: number;
  readonly hDiffStd?: number;
  readonly wp?: number;
  readonly erank?: number;
  /** Pairs behind the accuracy (its noise yardstick); default 100000, i.e. negligible noise. */
  readonly n?: number;
  /** Per-prompt τ values (their spread is the τ noise yardstick); default none (noise unknown). */
  readonly tauValues?: readonly number[];
  /** RM-Bench style accuracies. */
  readonly rm?: { readonly hard: number; readonly normal: number; readonly easy: number };
}

export function fakeBox(median: number, halfIqr = 1): BoxStats {
  return {
    n: 10,
    mean: median,
    std: halfIqr,
    min: median - 3 * halfIqr,
    max: median + 3 * halfIqr,
    median,
    q1: median - halfIqr,
    q3: median + halfIqr,
    iqr: 2 * halfIqr,
    whiskerLo: median - 2 * halfIqr,
    whiskerHi: median + 2 * halfIqr,
    outliers: [],
    variance: halfIqr ** 2,
    skew: 0,
  };
}

export function fakeSet(s: FakeSet): EvalSetReport {
  const acc = s.acc ?? 0.5;
  return {
    name: s.name,
    file: `${s.name}.jsonl`,
    pairs: 10,
    accuracy: { value: acc, lo: acc - 0.1, hi: acc + 0.1, n: s.n ?? 100000 },
    hNorm: fakeBox(s.median ?? 10),
    hDiffNorm: { n: 10, mean: s.hDiffMean ?? 1, std: s.hDiffStd ?? 0.5, min: 0, max: 3, skew: 0 },
    decomposition: { wpNorm: s.wp ?? 1, meanHNorm: 10, meanCos: 0, meanAbsReward: 1, meanCosDelta: 0, gradProxy: 0 },
    erank: s.erank ?? 20,
    erankRows: 64,
    ...(s.rm
      ? {
          rmBench: {
            hard: { value: s.rm.hard },
            normal: { value: s.rm.normal },
            easy: { value: s.rm.easy },
            overall: (s.rm.hard + s.rm.normal + s.rm.easy) / 3,
            byDomain: {},
          },
        }
      : {}),
    ...(s.tau !== undefined ? { kendall: { mean: s.tau, nanFraction: 0, prompts: 5, values: s.tauValues ?? [] } } : {}),
  } as unknown as EvalSetReport;
}

export function fakeReport(step: number, sets: readonly FakeSet[]): EvalReport {
  const built = sets.map(fakeSet);
  const ref = built[0]?.erank ?? NaN;
  return { step, sets: built, crossSetMedianShift: 0, erankGap: Object.fromEntries(built.map((s) => [s.name, s.erank - ref])) };
}
