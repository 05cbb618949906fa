// Aggregates the runs of a scenario experiment (objective × seed, each a list of EvalReports) into the
// numbers of the paper's Table 5, Figures 2–4 and Table 1. Pure: the Node writer reads the files and
// renders; tests feed hand-made reports.
import type { BoxStats, EvalReport, EvalSetReport } from '../report';
import { num, seedStat, type SeedStat } from './seedStats';
import { EVAL_SCENARIOS } from './splitTypes';

export type RunStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface RunRecord {
  readonly objective: string;
  readonly seed: number;
  readonly runId: string;
  readonly status: RunStatus;
  readonly backend?: string;
  readonly elapsedMs?: number;
  readonly steps?: number;
  readonly error?: string;
  /** Every evaluation of the run, in file order (a resumed run may repeat a step; the last one wins). */
  readonly evals: readonly EvalReport[];
}

export interface Column {
  readonly set: string;
  readonly metric: 'accuracy' | 'kendall';
}

export interface Checkpoint {
  readonly step: number;
  /** Set name -> the set's headline metric (accuracy or τ) over seeds. */
  readonly metric: Readonly<Record<string, SeedStat>>;
  /** Set name -> 1.96 × the standard error of the set's metric (mean over seeds; NaN when unknown). */
  readonly noise: Readonly<Record<string, number>>;
  /** Figure 2: mean and std of ‖h_w − h_l‖ over the pairs of `hDiffSet`, each over seeds. */
  readonly hDiffMean: SeedStat;
  readonly hDiffStd: SeedStat;
  readonly wpNorm: SeedStat;
}

export interface OverOptimization {
  readonly objective: string;
  readonly set: string;
  readonly flagged: boolean;
  readonly firstStep: number;
  readonly peakStep: number;
  readonly lastStep: number;
  readonly accFirst: number;
  readonly accPeak: number;
  readonly accLast: number;
  readonly tauFirst: number;
  readonly tauPeak: number;
  readonly tauLast: number;
  /** The noise yardsticks used (1.96·SE at the last checkpoint); changes smaller than these are not flagged. */
  readonly accNoise: number;
  readonly tauNoise: number;
}

export type BoxKey = 'median' | 'q1' | 'q3' | 'iqr' | 'whiskerLo' | 'whiskerHi' | 'variance' | 'std' | 'skew';
export const BOX_KEYS: readonly BoxKey[] = ['median', 'q1', 'q3', 'iqr', 'whiskerLo', 'whiskerHi', 'variance', 'std', 'skew'];

export interface ScenarioAggregate {
  readonly objectives: readonly string[];
  readonly seeds: readonly number[];
  readonly columns: readonly Column[];
  /** objective -> set -> final-checkpoint metric over seeds (Table 5). */
  readonly table: Readonly<Record<string, Readonly<Record<string, SeedStat>>>>;
  readonly checkpoints: Readonly<Record<string, readonly Checkpoint[]>>;
  readonly hDiffSet: string;
  readonly overOptimization: readonly OverOptimization[];
  /** Sets with ‖h‖ statistics, train sample first (Figure 3 rows). */
  readonly normSets: readonly string[];
  /** objective -> set -> box statistic -> over seeds (final checkpoint). */
  readonly hNorm: Readonly<Record<string, Readonly<Record<string, Readonly<Record<BoxKey, SeedStat>>>>>>;
  /** objective -> max − min of the splits' median ‖h‖, over seeds. */
  readonly crossSplitShift: Readonly<Record<string, SeedStat>>;
  readonly wpNorm: Readonly<Record<string, SeedStat>>;
  /** objective -> set -> erank and erank − erank(train sample), over seeds (Table 1). */
  readonly erank: Readonly<Record<string, Readonly<Record<string, { readonly erank: SeedStat; readonly gap: SeedStat }>>>>;
  readonly runs: readonly Omit<RunRecord, 'evals'>[];
  /** Eval sets beyond the scenarios (e.g. RM-Bench files): accuracy, and RM-Bench hard/normal/easy/overall when scored so. */
  readonly extra: Readonly<Record<string, Readonly<Record<string, ExtraSetStats>>>>;
  readonly extraSets: readonly string[];
}

export interface ExtraSetStats {
  readonly accuracy: SeedStat;
  readonly rmBench?: { readonly hard: SeedStat; readonly normal: SeedStat; readonly easy: SeedStat; readonly overall: SeedStat };
}

/** Minimum rise in ID accuracy and the τ tolerance used by the over-optimization flag. */
export const ACC_EPS = 0.005;
export const TAU_EPS = 0.005;

/** The headline number of a set: τ-b mean for multi-response sets, accuracy for pair sets. */
export function setMetric(s: EvalSetReport): number {
  return s.kendall ? num(s.kendall.mean) : num(s.accuracy?.value);
}

/**
 * 1.96 × the standard error of a set's headline metric: √(p(1−p)/n) for accuracy, std(τ per prompt)/√prompts for τ.
 * NaN when the report does not carry what it needs. It is a yardstick, not a test: successive checkpoints re-score
 * the same examples, so the noise of a difference is usually smaller.
 */
export function setNoise(s: EvalSetReport): number {
  if (s.kendall) {
    const v = (s.kendall.values ?? []).map(num).filter(Number.isFinite);
    if (v.length < 2) return NaN;
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1));
    return (1.96 * sd) / Math.sqrt(v.length);
  }
  const p = num(s.accuracy?.value);
  const n = num(s.accuracy?.n);
  return n > 0 && Number.isFinite(p) ? 1.96 * Math.sqrt((p * (1 - p)) / n) : NaN;
}

/** Evaluations sorted by step, one per step (the last written wins: a resumed run re-evaluates). */
export function evalsByStep(evals: readonly EvalReport[]): EvalReport[] {
  const byStep = new Map<number, EvalReport>();
  for (const e of evals) byStep.set(e.step, e);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

export function aggregateScenarios(objectives: readonly string[], seeds: readonly number[], runs: readonly RunRecord[]): ScenarioAggregate {
  const f = finalsOf(runs, seeds);
  const present = new Set<string>();
  for (const e of f.finals.values()) for (const s of e?.sets ?? []) present.add(s.name);
  const columns: Column[] = EVAL_SCENARIOS.filter((n) => present.has(n)).map((set) => {
    const any = [...f.finals.values()].map((e) => e?.sets.find((x) => x.name === set)).find((x) => x !== undefined);
    return { set, metric: any?.kendall ? 'kendall' : 'accuracy' };
  });
  const normSets = ['train', ...EVAL_SCENARIOS].filter((n) => present.has(n));
  const hDiffSet = present.has('train') ? 'train' : 'in-domain';

  const { table, hNorm, erank, crossSplitShift, wpNorm, checkpoints } = objectiveStats(f, objectives, columns, normSets, hDiffSet);
  const overOptimization = objectives.flatMap((o) => flagOverOptimization(o, checkpoints[o] ?? [], columns));
  const known = new Set(['train', ...EVAL_SCENARIOS]);
  const extraSets = [...present].filter((n) => !known.has(n));
  const extra: Record<string, Record<string, ExtraSetStats>> = {};
  for (const o of objectives) extra[o] = Object.fromEntries(extraSets.map((set) => [set, extraSetStats(f, o, set)]));
  return {
    extra,
    extraSets,
    objectives,
    seeds,
    columns,
    table,
    checkpoints,
    hDiffSet,
    overOptimization,
    normSets,
    hNorm,
    crossSplitShift,
    wpNorm,
    erank,
    runs: runs.map(({ evals: _evals, ...rest }) => rest),
  };
}

/** Per objective, over the seeds: the scenario table, ‖h‖ boxes, effective ranks, the ‖h‖ shift, ‖W_p‖ and checkpoints. */
function objectiveStats(
  f: Finals,
  objectives: readonly string[],
  columns: readonly Column[],
  normSets: readonly string[],
  hDiffSet: string,
) {
  const table: Record<string, Record<string, SeedStat>> = {};
  const hNorm: Record<string, Record<string, Record<BoxKey, SeedStat>>> = {};
  const erank: Record<string, Record<string, { erank: SeedStat; gap: SeedStat }>> = {};
  const crossSplitShift: Record<string, SeedStat> = {};
  const wpNorm: Record<string, SeedStat> = {};
  const checkpoints: Record<string, Checkpoint[]> = {};
  for (const o of objectives) {
    table[o] = Object.fromEntries(
      columns.map((c) => [
        c.set,
        f.overSeeds((s) => {
          const x = f.finalSet(o, s, c.set);
          return x ? setMetric(x) : NaN;
        }),
      ]),
    );
    hNorm[o] = Object.fromEntries(normSets.map((set) => [set, boxOverSeeds((s) => f.finalSet(o, s, set)?.hNorm, f.seeds)]));
    erank[o] = erankOverSeeds(f, o, normSets);
    crossSplitShift[o] = f.overSeeds((s) => {
      const medians = normSets.map((set) => num(f.finalSet(o, s, set)?.hNorm?.median)).filter(Number.isFinite);
      return medians.length ? Math.max(...medians) - Math.min(...medians) : NaN;
    });
    wpNorm[o] = f.overSeeds((s) => num(f.finalSet(o, s, normSets[0] ?? '')?.decomposition?.wpNorm));
    checkpoints[o] = checkpointCurve(
      f.seeds.map((s) => f.run(o, s)),
      [hDiffSet, ...columns.map((c) => c.set)],
      hDiffSet,
    );
  }
  return { table, hNorm, erank, crossSplitShift, wpNorm, checkpoints };
}

/** Lookups into the final evaluation of each (objective, seed) run, and a statistic over the seeds. */
interface Finals {
  readonly seeds: readonly number[];
  readonly finals: ReadonlyMap<RunRecord, EvalReport | undefined>;
  run(o: string, s: number): RunRecord | undefined;
  finalSet(o: string, s: number, name: string): EvalSetReport | undefined;
  overSeeds(f: (seed: number) => number): SeedStat;
}

function finalsOf(runs: readonly RunRecord[], seeds: readonly number[]): Finals {
  const run = (o: string, s: number) => runs.find((r) => r.objective === o && r.seed === s);
  const finals = new Map<RunRecord, EvalReport | undefined>(runs.map((r) => [r, evalsByStep(r.evals).at(-1)]));
  return {
    seeds,
    finals,
    run,
    finalSet: (o, s, name) => {
      const r = run(o, s);
      return r ? finals.get(r)?.sets.find((x) => x.name === name) : undefined;
    },
    overSeeds: (f) => seedStat(seeds.map(f)),
  };
}

function erankOverSeeds(f: Finals, o: string, normSets: readonly string[]): Record<string, { erank: SeedStat; gap: SeedStat }> {
  return Object.fromEntries(
    normSets.map((set) => [
      set,
      {
        erank: f.overSeeds((s) => num(f.finalSet(o, s, set)?.erank)),
        gap: f.overSeeds((s) => {
          const r = f.run(o, s);
          return num(r ? f.finals.get(r)?.erankGap?.[set] : undefined);
        }),
      },
    ]),
  );
}

/** A set outside the four scenarios (e.g. RM-Bench): its accuracy, and RM-Bench's levels when a seed has them. */
function extraSetStats(f: Finals, o: string, set: string): ExtraSetStats {
  const of = (g: (x: EvalSetReport) => number) =>
    f.overSeeds((s) => {
      const x = f.finalSet(o, s, set);
      return x ? g(x) : NaN;
    });
  const anyRm = f.seeds.some((s) => f.finalSet(o, s, set)?.rmBench);
  return {
    accuracy: of((x) => num(x.accuracy?.value)),
    ...(anyRm
      ? {
          rmBench: {
            hard: of((x) => num(x.rmBench?.hard.value)),
            normal: of((x) => num(x.rmBench?.normal.value)),
            easy: of((x) => num(x.rmBench?.easy.value)),
            overall: of((x) => num(x.rmBench?.overall)),
          },
        }
      : {}),
  };
}

function boxOverSeeds(get: (seed: number) => BoxStats | undefined, seeds: readonly number[]): Record<BoxKey, SeedStat> {
  const boxes = seeds.map(get);
  return Object.fromEntries(BOX_KEYS.map((k) => [k, seedStat(boxes.map((b) => num(b?.[k])))])) as Record<BoxKey, SeedStat>;
}

/** Per step (union over seeds): each set's metric, Figure 2's ‖h_w − h_l‖ on `hDiffSet`, and ‖W_p‖. */
function checkpointCurve(runsBySeed: readonly (RunRecord | undefined)[], sets: readonly string[], hDiffSet: string): Checkpoint[] {
  const perSeed = runsBySeed.map((r) => new Map(evalsByStep(r?.evals ?? []).map((e) => [e.step, e])));
  const steps = [...new Set(perSeed.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  return steps.map((step) => {
    const at = (f: (e: EvalReport) => number) =>
      seedStat(
        perSeed.map((m) => {
          const e = m.get(step);
          return e ? f(e) : NaN;
        }),
      );
    const setOf = (e: EvalReport, name: string) => e.sets.find((s) => s.name === name);
    const metric: Record<string, SeedStat> = {};
    const noise: Record<string, number> = {};
    for (const name of sets) {
      metric[name] = at((e) => {
        const s = setOf(e, name);
        return s ? setMetric(s) : NaN;
      });
      noise[name] = at((e) => {
        const s = setOf(e, name);
        return s ? setNoise(s) : NaN;
      }).mean;
    }
    return {
      step,
      metric,
      noise,
      hDiffMean: at((e) => num(setOf(e, hDiffSet)?.hDiffNorm?.mean)),
      hDiffStd: at((e) => num(setOf(e, hDiffSet)?.hDiffNorm?.std)),
      wpNorm: at((e) => num(e.sets[0]?.decomposition?.wpNorm)),
    };
  });
}

/**
 * The paper's over-optimization definition (paper-spec §3.1, §7.9) on the seed-mean curves, per OOD set, over the
 * checkpoints after step 0 (step 0 is the untrained model, where everything starts at chance). Flagged when
 * (a) τ peaked before the last checkpoint and has since fallen by ≥ TAU_EPS while ID accuracy rose by ≥ ACC_EPS, or
 * (b) from the first to the last checkpoint ID accuracy rose by ≥ ACC_EPS while τ rose by less than TAU_EPS (flat).
 * A rise or fall must also exceed the noise yardstick (1.96·SE at the last checkpoint, see setNoise) when it is known,
 * so that small eval sets do not flag sampling noise.
 */
export function flagOverOptimization(objective: string, curve: readonly Checkpoint[], columns: readonly Column[]): OverOptimization[] {
  const cps = curve.filter((c) => c.step > 0 && Number.isFinite(c.metric['in-domain']?.mean ?? NaN));
  if (cps.length < 2) return [];
  const acc = (c: Checkpoint) => c.metric['in-domain']?.mean ?? NaN;
  const out: OverOptimization[] = [];
  for (const col of columns) {
    if (col.set === 'in-domain') continue;
    const usable = cps.filter((c) => Number.isFinite(c.metric[col.set]?.mean ?? NaN));
    if (usable.length < 2) continue;
    const tau = (c: Checkpoint) => c.metric[col.set]?.mean ?? NaN;
    const first = usable[0] as Checkpoint;
    const last = usable[usable.length - 1] as Checkpoint;
    const peak = usable.reduce((best, c) => (tau(c) > tau(best) ? c : best), first);
    const accNoise = last.noise['in-domain'] ?? NaN;
    const tauNoise = last.noise[col.set] ?? NaN;
    const accStep = Math.max(ACC_EPS, Number.isFinite(accNoise) ? accNoise : 0);
    const tauStep = Math.max(TAU_EPS, Number.isFinite(tauNoise) ? tauNoise : 0);
    const fellAfterPeak = peak !== last && acc(last) - acc(peak) >= accStep && tau(last) - tau(peak) <= -tauStep;
    const flat = acc(last) - acc(first) >= accStep && tau(last) - tau(first) < TAU_EPS;
    out.push({
      objective,
      set: col.set,
      flagged: fellAfterPeak || flat,
      firstStep: first.step,
      peakStep: peak.step,
      lastStep: last.step,
      accFirst: acc(first),
      accPeak: acc(peak),
      accLast: acc(last),
      tauFirst: tau(first),
      tauPeak: tau(peak),
      tauLast: tau(last),
      accNoise,
      tauNoise,
    });
  }
  return out;
}
