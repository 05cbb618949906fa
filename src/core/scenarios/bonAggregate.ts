// Best-of-N across the runs of a scenario experiment: for each pool and N, the gold, length and longest-share of
// each objective's pick over seeds, next to the oracle ceiling and the random floor (which depend on the pool and
// gold only, not on the model). Pure: the Node writer reads each run's bon.json; tests feed hand-made reports.
import type { BonMethod, BonPoint, BonReport, GoldSpec } from '../bon/types';
import { captured } from '../bon/format';
import { seedStat, type SeedStat } from './seedStats';

export interface BonRun {
  readonly objective: string;
  readonly seed: number;
  readonly runId: string;
  /** The run's bon.json; undefined when it has none (not finished, or best-of-N was off or failed). */
  readonly bon?: BonReport;
}

export interface BonObjectivePoint {
  readonly gold: SeedStat;
  /** The run's bootstrap 95% interval bounds, over seeds. */
  readonly goldLo: SeedStat;
  readonly goldHi: SeedStat;
  readonly proxy: SeedStat;
  readonly length: SeedStat;
  readonly longest: SeedStat;
  /** (pick − random) / (oracle − random) per run, over seeds: the share of the gold headroom the proxy captures. */
  readonly captured: SeedStat;
}

export interface BonAggregatePoint {
  readonly n: number;
  readonly prompts: number;
  readonly oracle: { readonly gold: number; readonly length: number; readonly longest: number };
  readonly random: { readonly gold: number; readonly length: number; readonly longest: number };
  readonly byObjective: Readonly<Record<string, BonObjectivePoint>>;
}

export interface BonAggregatePool {
  readonly name: string;
  readonly prompts: number;
  readonly responses: number;
  readonly minCandidates: number;
  readonly maxCandidates: number;
  readonly points: readonly BonAggregatePoint[];
}

export interface BonAggregate {
  readonly gold: GoldSpec;
  readonly method: BonMethod;
  readonly bootstrap: number;
  readonly ns: readonly number[];
  readonly objectives: readonly string[];
  readonly seeds: readonly number[];
  readonly pools: readonly BonAggregatePool[];
  /** Runs without a bon.json. */
  readonly missing: readonly string[];
}

/** The all-prompts point of `pool` at N in a run's report. */
function pointOf(bon: BonReport | undefined, pool: string, n: number): BonPoint | undefined {
  return bon?.sets
    .find((s) => s.name === pool)
    ?.curves.find((c) => c.group === 'all')
    ?.points.find((p) => p.n === n);
}

function objectivePoint(runs: readonly (BonRun | undefined)[], pool: string, n: number): BonObjectivePoint {
  const pts = runs.map((r) => pointOf(r?.bon, pool, n));
  const stat = (f: (p: BonPoint) => number) => seedStat(pts.map((p) => (p ? f(p) : NaN)));
  return {
    gold: stat((p) => p.pick.gold),
    goldLo: stat((p) => p.pickGoldCi.lo),
    goldHi: stat((p) => p.pickGoldCi.hi),
    proxy: stat((p) => p.pick.proxy),
    length: stat((p) => p.pick.length),
    longest: stat((p) => p.pick.longest),
    captured: stat(captured),
  };
}

/** Undefined when no run has a bon.json. */
export function aggregateBon(objectives: readonly string[], seeds: readonly number[], runs: readonly BonRun[]): BonAggregate | undefined {
  const first = runs.find((r) => r.bon)?.bon;
  if (!first) return undefined;
  const find = (o: string, s: number) => runs.find((r) => r.objective === o && r.seed === s);
  const pools = first.sets.map(
    (set): BonAggregatePool => ({
      name: set.name,
      prompts: set.prompts,
      responses: set.responses,
      minCandidates: set.minCandidates,
      maxCandidates: set.maxCandidates,
      points: (set.curves.find((c) => c.group === 'all')?.points ?? []).map((p) => ({
        n: p.n,
        prompts: p.prompts,
        oracle: { gold: p.oracle.gold, length: p.oracle.length, longest: p.oracle.longest },
        random: { gold: p.random.gold, length: p.random.length, longest: p.random.longest },
        byObjective: Object.fromEntries(
          objectives.map((o) => [
            o,
            objectivePoint(
              seeds.map((s) => find(o, s)),
              set.name,
              p.n,
            ),
          ]),
        ),
      })),
    }),
  );
  return {
    gold: first.gold,
    method: first.method,
    bootstrap: first.bootstrap,
    ns: first.ns,
    objectives,
    seeds,
    pools,
    missing: runs.filter((r) => !r.bon).map((r) => r.runId),
  };
}
