// Shapes of every diagnostic the engine produces (paper-spec §7). Pure data: numbers in, numbers out.
// The CLI prints them, the run directory stores them (evals.jsonl), the panel charts them.

/** A proportion with a confidence interval (Wilson score, 95%). */
export interface Proportion {
  readonly value: number;
  readonly lo: number;
  readonly hi: number;
  readonly n: number;
}

/** Mean, spread and extremes of a sample. NaN fields when n = 0. */
export interface Summary {
  readonly n: number;
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
}

/** Tukey box-plot statistics plus the moments the paper's hypothesis is about (Var, skew). */
export interface BoxStats extends Summary {
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
  readonly iqr: number;
  /** Most extreme data points inside [q1 - 1.5·iqr, q3 + 1.5·iqr]. */
  readonly whiskerLo: number;
  readonly whiskerHi: number;
  /** Points outside the whiskers (capped at 200, the most extreme kept). */
  readonly outliers: readonly number[];
  /** Optional: 1-based line in the eval set's file of each outlier (aligned with outliers), so the panel can reveal it. */
  readonly outlierLines?: readonly number[];
  readonly variance: number;
  /** E[(z-μ)³]/σ³ (population skewness). */
  readonly skew: number;
}

/** Histogram with shared edges so chosen and rejected overlay on one axis. counts.length = edges.length - 1. */
export interface Histogram {
  readonly edges: readonly number[];
  readonly counts: readonly number[];
}

/** Per-pair model outputs: the raw material of every diagnostic. Arrays are aligned by pair index. */
export interface PairScores {
  readonly ids: readonly string[];
  readonly lines: readonly number[];
  readonly rChosen: Float32Array | readonly number[];
  readonly rRejected: Float32Array | readonly number[];
  /** ‖h‖ for chosen and rejected. */
  readonly hNormChosen: Float32Array | readonly number[];
  readonly hNormRejected: Float32Array | readonly number[];
  /** ‖h_w − h_l‖ per pair. */
  readonly hDiffNorm: Float32Array | readonly number[];
  /** Response lengths in tokens (after truncation) for length-bias diagnostics. */
  readonly lenChosen: readonly number[];
  readonly lenRejected: readonly number[];
}

/** r = ‖W_p‖·‖h‖·cos ψ, averaged over a set (paper-spec §7.7). */
export interface Decomposition {
  readonly wpNorm: number;
  readonly meanHNorm: number;
  readonly meanCos: number;
  readonly meanAbsReward: number;
  /** Mean over pairs of cos ψ_Δ, the angle between W_p and h_w − h_l. */
  readonly meanCosDelta: number;
  /** BT gradient-norm proxy mean σ(−Δr)·‖h_w − h_l‖ (paper-spec §7.8). */
  readonly gradProxy: number;
}

export interface LengthBias {
  /** Correlation of reward with response length (tokens) over all responses of the set. */
  readonly pearson: number;
  readonly spearman: number;
  /** Mean reward per length bin (quantile bins). */
  readonly bins: readonly { readonly lo: number; readonly hi: number; readonly n: number; readonly meanReward: number }[];
  /** Accuracy of "pick the longer response" and "pick the shorter" as label predictors (ties count as wrong). */
  readonly pickLonger: Proportion;
  readonly pickShorter: Proportion;
}

export interface KendallReport {
  /** nanmean over prompts of τ-b(gold, model). */
  readonly mean: number;
  readonly nanFraction: number;
  readonly prompts: number;
  /** τ per prompt (NaN kept), for the histogram. */
  readonly values: readonly number[];
}

export interface RmBenchReport {
  readonly hard: Proportion;
  readonly normal: Proportion;
  readonly easy: Proportion;
  /** mean(hard, normal, easy), as the paper defines Overall. */
  readonly overall: number;
  readonly byDomain: Readonly<Record<string, Proportion>>;
}

/** RewardBench v1 section scores (rewardbench calculate_scores_per_section, EXAMPLE_COUNTS weights). */
export interface RewardBenchSections {
  /** Strict accuracy per RewardBench subset present. */
  readonly subsets: Readonly<Record<string, number>>;
  /** Chat, Chat Hard, Safety, Reasoning: the sections with at least one subset present. */
  readonly sections: Readonly<Record<string, number>>;
  /** Mean of the sections present. */
  readonly score: number;
  /** All 23 subsets and all 4 sections are present (the leaderboard's number). */
  readonly complete: boolean;
}

/** The Ties subset of RewardBench 2, as process_single_model scores it. */
export interface TiesScore {
  readonly refAccuracy: number;
  readonly tiedAccuracy: number;
  readonly correctnessPreferred: number;
  readonly correctnessPreferredHard: number;
  readonly marginScore: number;
  readonly score: number;
  /** Prompts with both a ref and a tied row. */
  readonly prompts: number;
}

/** RewardBench 2 (scripts/run_v2.py): per subset, and the unweighted mean of the subsets present. */
export interface RewardBench2Report {
  readonly subsets: Readonly<Record<string, number>>;
  /** Rows scored per subset. */
  readonly rows: Readonly<Record<string, number>>;
  readonly overall: number;
  /** Rows left out because a completion has no score (a cell of the row was skipped). */
  readonly incomplete: number;
  readonly ties?: TiesScore;
}

/** Everything we know about one eval set at one checkpoint. */
export interface EvalSetReport {
  readonly name: string;
  readonly file: string;
  readonly pairs: number;
  readonly accuracy: Proportion;
  /** group key -> group value -> accuracy. */
  readonly byGroup: Readonly<Record<string, Readonly<Record<string, Proportion>>>>;
  readonly rewardChosen: Summary;
  readonly rewardRejected: Summary;
  readonly margin: Summary;
  readonly histChosen: Histogram;
  readonly histRejected: Histogram;
  /** ‖h‖ over every response of the set (chosen and rejected, or all responses of multi-response prompts). */
  readonly hNorm: BoxStats;
  readonly hDiffNorm: Summary & { readonly skew: number };
  readonly decomposition: Decomposition;
  readonly lengthBias: LengthBias;
  /** Effective rank of the hidden states (Roy & Vetterli), on a fixed-size sample; see erankRows. */
  readonly erank: number;
  readonly erankRows: number;
  readonly kendall?: KendallReport;
  readonly rmBench?: RmBenchReport;
  /** RewardBench v1 sections, when pairs carry RewardBench subsets. */
  readonly rewardBench?: RewardBenchSections;
  /** RewardBench 2 scores, when the set is RewardBench 2 rows. */
  readonly rewardBench2?: RewardBench2Report;
}

/** One evaluation pass over all eval sets at one step. */
export interface EvalReport {
  readonly step: number;
  readonly sets: readonly EvalSetReport[];
  /** max − min of median ‖h‖ across sets (Figure 3's visible effect). */
  readonly crossSetMedianShift: number;
  /** erank(eval set) − erank(first set, the training sample), per set name (Table 1). */
  readonly erankGap: Readonly<Record<string, number>>;
}

/** One logged training step (metrics.jsonl). */
export interface StepMetrics {
  readonly step: number;
  readonly epoch: number;
  readonly lr: number;
  readonly loss: number;
  /** The BT (or base) term of the loss. */
  readonly bt: number;
  /** The regulariser term (BSR λ·b·m², centering, DR terms); 0 for plain BT. */
  readonly reg: number;
  /** m = mean of the 2b rewards of the micro-batch: what BSR drives to 0. */
  readonly batchMean: number;
  readonly accuracy: number;
  readonly wpNorm: number;
  readonly gradNorm: number;
  /** Wall time since the run started, ms. */
  readonly elapsedMs: number;
  readonly pairsPerSec: number;
}
