// Builders for PanelState fixtures: two runs (BT and BSR) with realistic training logs and evaluations
// shaped like the paper's findings (paper-spec §6): BT's ‖h‖ medians drift across splits and its
// ‖h_w − h_l‖ spreads over training; BSR keeps m ≈ 0 and a stable ‖h‖ range. Numbers are synthetic but
// internally consistent (Wilson intervals, histogram counts summing to the pair count).
import { DEFAULTS, type TrainConfig } from '../../src/core/config';
import { mulberry32 } from '../../src/core/random';
import type { BoxStats, EvalReport, EvalSetReport, Histogram, KendallReport, Proportion, StepMetrics } from '../../src/core/report';
import type { PanelState, RunSnapshot } from '../../src/protocol/panel';

/** Untrusted text as datasets really contain it: markup and script that must render as text. */
export const XSS = {
  img: '<img src=x onerror="window.__xss=(window.__xss||0)+1">',
  script: '<script>window.__xss=(window.__xss||0)+1</script>',
  svg: '"><svg onload="window.__xss=(window.__xss||0)+1">',
} as const;

export const SET_NAMES = ['D_train', 'D_ID', 'D_~Prompt', 'D_~Response', 'D_~Mutual'] as const;

/** Deterministic PRNG (the project's mulberry32) so screenshots and assertions are stable. */
export const rng = (seed: number): (() => number) => mulberry32(seed);

/** Wilson score interval, 95% (z = 1.96). */
export function wilson(successes: number, n: number): Proportion {
  if (n === 0) return { value: NaN, lo: NaN, hi: NaN, n: 0 };
  const z = 1.96;
  const p = successes / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return { value: p, lo: centre - half, hi: centre + half, n };
}

/** Counts of n normal draws binned on [mean ± 4 std], by the normal density at bin centres (rounded). */
function normalHist(mean: number, std: number, n: number, lo: number, hi: number, bins = 30): Histogram {
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  const w = (hi - lo) / bins;
  const counts = edges
    .slice(0, -1)
    .map((e) => Math.round((n * w * Math.exp(-0.5 * ((e + w / 2 - mean) / std) ** 2)) / (std * Math.sqrt(2 * Math.PI))));
  return { edges, counts };
}

function box(median: number, halfIqr: number, whisker: number, n: number, rand: () => number, outlierLines?: number[]): BoxStats {
  const outliers = [median - whisker - 1.5 - rand(), median + whisker + 1 + 2 * rand(), median + whisker + 2.5 + rand()];
  return {
    n,
    mean: median + 0.05,
    std: halfIqr * 1.48,
    min: Math.min(...outliers),
    max: Math.max(...outliers),
    median,
    q1: median - halfIqr,
    q3: median + halfIqr,
    iqr: 2 * halfIqr,
    whiskerLo: median - whisker,
    whiskerHi: median + whisker,
    outliers,
    ...(outlierLines ? { outlierLines } : {}),
    variance: (halfIqr * 1.48) ** 2,
    skew: 0.3,
  };
}

function kendall(mean: number, prompts: number, rand: () => number): KendallReport {
  // 4 responses per prompt: τ-b takes values in {−1, −2/3, …, 1}; ties give NaN for a few prompts.
  const values = Array.from({ length: prompts }, () => {
    if (rand() < 0.04) return NaN;
    const v = Math.round((mean + (rand() - 0.5) * 1.6) * 3) / 3;
    return Math.max(-1, Math.min(1, v));
  });
  const ok = values.filter(Number.isFinite);
  return { mean: ok.reduce((a, b) => a + b, 0) / ok.length, nanFraction: (prompts - ok.length) / prompts, prompts, values };
}

interface RunShape {
  readonly objective: 'bt' | 'bsr';
  readonly label: string;
  readonly seed: number;
  readonly file: string;
  readonly groupName: string;
  /** Append an XSS payload to the prompt-OOD set's name. */
  readonly xssSetName?: boolean;
}

function evalSet(shape: RunShape, name: string, setIndex: number, _step: number, progress: number, rand: () => number): EvalSetReport {
  const bt = shape.objective === 'bt';
  const ood = setIndex >= 3; // response-OOD and mutual-OOD
  const pairs = [800, 500, 500, 500, 500][setIndex]!;
  const acc = 0.5 + progress * (bt ? 0.24 : 0.22) - (ood ? 0.08 * progress : 0) - setIndex * 0.01;
  const chosenMean = bt ? 0.3 + 1.9 * progress : 0.9 * progress;
  const rejectedMean = bt ? 0.3 + 0.2 * progress : -0.9 * progress;
  const std = 0.6 + 1.2 * progress;
  const hMedian = bt ? (ood ? 179.4 : 180.65) : 181.9;
  const groups: Record<string, Proportion> = {};
  for (const [gi, g] of ['chat', 'math', 'code', 'safety', shape.groupName].entries()) {
    const n = 40 + gi * 25;
    groups[g] = wilson(Math.round(n * Math.min(0.95, acc + (gi - 2) * 0.04)), n);
  }
  const hDiffMean = 2 + progress * (bt ? 10 : 4);
  return {
    name,
    file: setIndex === 1 ? shape.file : `data/${name}.jsonl`,
    pairs,
    accuracy: wilson(Math.round(pairs * acc), pairs),
    byGroup: { subset: groups, source: { 'hh-rlhf': wilson(150, 200), ultrafeedback: wilson(Math.round(300 * acc), 300) } },
    rewardChosen: { n: pairs, mean: chosenMean, std, min: chosenMean - 3 * std, max: chosenMean + 3 * std },
    rewardRejected: { n: pairs, mean: rejectedMean, std, min: rejectedMean - 3 * std, max: rejectedMean + 3 * std },
    margin: { n: pairs, mean: chosenMean - rejectedMean, std: std * 1.2, min: -4, max: 6 },
    histChosen: normalHist(chosenMean, std, pairs, -5, 7),
    histRejected: normalHist(rejectedMean, std, pairs, -5, 7),
    hNorm: box(hMedian, bt ? 2 : 1.4, bt ? 6 : 3.4, 2 * pairs, rand, setIndex === 1 ? [17, 233, 481] : undefined),
    hDiffNorm: { n: pairs, mean: hDiffMean, std: 0.8 + progress * (bt ? 4 : 1.2), min: 0.1, max: hDiffMean * 3, skew: bt ? 1.4 : 0.5 },
    decomposition: {
      wpNorm: 1.02,
      meanHNorm: hMedian,
      meanCos: 0.004,
      meanAbsReward: 1.3,
      meanCosDelta: 0.08,
      gradProxy: 0.9 - 0.4 * progress,
    },
    lengthBias: {
      pearson: bt ? 0.31 : 0.12,
      spearman: bt ? 0.28 : 0.1,
      bins: [40, 120, 220, 350, 520, 800].map((lo, i, a) => ({
        lo,
        hi: a[i + 1] ?? 1200,
        n: Math.round((2 * pairs) / 6),
        meanReward: (bt ? 0.3 : 0.05) * i + chosenMean / 2 - 0.5,
      })),
      pickLonger: wilson(Math.round(pairs * 0.58), pairs),
      pickShorter: wilson(Math.round(pairs * 0.4), pairs),
    },
    erank: 40.1 + (bt ? [0, 1.2, 3.5, 7.9, 10.42] : [0, 0.05, 0.09, 0.11, 0.14])[setIndex]!,
    erankRows: 256,
    ...(setIndex >= 2
      ? { kendall: kendall(bt ? [0, 0, 0.705, 0.62, 0.587][setIndex]! : [0, 0, 0.71, 0.69, 0.68][setIndex]!, 120, rand) }
      : {}),
  };
}

function metrics(shape: RunShape, totalSteps: number, logEvery: number, rand: () => number): StepMetrics[] {
  const bt = shape.objective === 'bt';
  const out: StepMetrics[] = [];
  let drift = 0;
  for (let step = 0; step < totalSteps; step += logEvery) {
    const p = step / totalSteps;
    drift += (rand() - 0.45) * 0.15;
    const batchMean = bt ? drift * (0.5 + 2 * p) : (rand() - 0.5) * 0.08;
    const reg = bt ? 0 : 1e-3 * 16 * batchMean * batchMean;
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: a made-up loss curve that starts near ln 2, not ln 2 itself.
    const btLoss = 0.693 - 0.25 * (1 - Math.exp(-4 * p)) + (rand() - 0.5) * 0.08;
    out.push({
      step,
      epoch: p,
      lr: 1e-3 * Math.min(1, (step + 1) / (0.05 * totalSteps)) * (1 - p),
      loss: btLoss + reg,
      bt: btLoss,
      reg,
      batchMean,
      accuracy: Math.min(1, Math.max(0, 0.5 + 0.25 * (1 - Math.exp(-4 * p)) + (rand() - 0.5) * 0.18)),
      wpNorm: 1 + (bt ? 0.06 : 0.03) * Math.sqrt(p) + (rand() - 0.5) * 0.004,
      gradNorm: 0.8 + rand() * 0.4,
      elapsedMs: step * 35,
      pairsPerSec: 450 + rand() * 30,
    });
  }
  return out;
}

function run(shape: RunShape, status: RunSnapshot['status']): RunSnapshot {
  const rand = rng(shape.seed);
  const totalSteps = 2000;
  const evalSteps = [0, 500, 1000, 1500, 2000];
  const names = SET_NAMES.map((n, i) => (i === 2 && shape.xssSetName ? `${n} ${XSS.svg}` : n));
  const evals: EvalReport[] = evalSteps.map((step) => {
    const sets = names.map((n, i) => evalSet(shape, n, i, step, step / totalSteps, rand));
    const medians = sets.map((s) => s.hNorm.median);
    return {
      step,
      sets,
      crossSetMedianShift: Math.max(...medians) - Math.min(...medians),
      erankGap: Object.fromEntries(sets.map((s) => [s.name, s.erank - sets[0]!.erank])),
    };
  });
  const config: TrainConfig = { ...DEFAULTS, objective: shape.objective, steps: totalSteps, evalEvery: 500 };
  return {
    runId: `${shape.objective}-${shape.seed}`,
    label: shape.label,
    status,
    config,
    backend: 'webgpu',
    step: totalSteps,
    totalSteps,
    metrics: metrics(shape, totalSteps, 10, rand),
    evals,
    trainFiles: ['data/train.jsonl'],
  };
}

export interface FixtureOptions {
  /** Put XSS payloads in the group name, run label, eval-set name and file name. */
  readonly xss?: boolean;
  /** Include the second run as `secondary` (Compare mode on the host side). */
  readonly compare?: boolean;
  /** Status of the primary run ('running' shows the Cancel button). */
  readonly primaryStatus?: RunSnapshot['status'];
}

export function buildPanelState(opts: FixtureOptions = {}): PanelState {
  const xss = opts.xss === true;
  const bt = run(
    {
      objective: 'bt',
      label: xss ? `BT ${XSS.img}` : 'BT',
      seed: 1,
      file: xss ? `data/${XSS.script}.jsonl` : 'data/id_eval.jsonl',
      groupName: xss ? XSS.img : 'reasoning',
      xssSetName: xss,
    },
    opts.primaryStatus ?? 'completed',
  );
  const bsr = run({ objective: 'bsr', label: 'BT-BSR', seed: 2, file: 'data/id_eval.jsonl', groupName: 'reasoning' }, 'completed');
  return {
    runs: [bt, bsr].map((r) => ({ runId: r.runId, label: r.label, status: r.status })),
    primary: bt,
    ...(opts.compare ? { secondary: bsr } : {}),
  };
}

/** The snapshot for a given selection, as the host would answer SelectRuns. */
export function stateFor(primaryId: string, secondaryId?: string, opts: FixtureOptions = {}): PanelState {
  const all = buildPanelState({ ...opts, compare: true });
  const byId = new Map([all.primary!, all.secondary!].map((r) => [r.runId, r]));
  const secondary = secondaryId ? byId.get(secondaryId) : undefined;
  return { runs: all.runs, primary: byId.get(primaryId) ?? all.primary!, ...(secondary ? { secondary } : {}) };
}
