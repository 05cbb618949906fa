// Best-of-N selection against a proxy reward model (Gao et al., "Scaling Laws for Reward Model Overoptimization"):
// the data model shared by the computation (src/core/bon), the writers (bon.json), the experiment report and the
// diagnostics panel. Pure types.
import type { MultiResponseGroup } from '../types';

/** One response of a prompt as best-of-N sees it. */
export interface BonCandidate {
  /** Gold score, oriented so that higher is better (a "lower is better" field is negated before it gets here). */
  readonly gold: number;
  /** The proxy reward model's score. */
  readonly proxy: number;
  /** Response length in characters (Unicode code points): the same unit for every model, so runs compare. */
  readonly length: number;
}

/** One prompt with its candidates and its prompt-level groups (prompt source, …). */
export interface BonPrompt {
  readonly id: string;
  readonly groups: Readonly<Record<string, string>>;
  readonly candidates: readonly BonCandidate[];
}

/** One set to pick from, before scoring: prompts loaded from a file, or built as a scenario pool. */
export interface BonInputSet {
  readonly name: string;
  readonly file: string;
  readonly multi: readonly MultiResponseGroup[];
}

/** The expected outcome of one selection rule on one prompt at one N (or their means over prompts). */
export interface Selection {
  /** Gold score of the picked response. */
  readonly gold: number;
  /** Proxy score of the picked response. */
  readonly proxy: number;
  /** Length of the picked response. */
  readonly length: number;
  /** Probability (share) that the pick is a longest response among the N drawn (length ties count as longest). */
  readonly longest: number;
}

/** Proxy argmax, gold argmax (the ceiling) and a uniformly random pick (the floor), on one prompt at one N. */
export interface PromptBon {
  readonly pick: Selection;
  readonly oracle: Selection;
  readonly random: Selection;
}

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

/** Means over the prompts that have at least N responses. */
export interface BonPoint {
  readonly n: number;
  /** Prompts with ≥ N candidates (the others cannot supply N distinct responses and are left out at this N). */
  readonly prompts: number;
  readonly pick: Selection;
  readonly oracle: Selection;
  readonly random: Selection;
  /** Percentile bootstrap 95% intervals over prompts (resampled with replacement). */
  readonly pickGoldCi: Interval;
  readonly pickLengthCi: Interval;
  readonly pickLongestCi: Interval;
}

/** One curve: every requested N for one group of prompts ('all', or 'dataset = koala'). */
export interface BonCurve {
  readonly group: string;
  readonly points: readonly BonPoint[];
}

export interface BonSetReport {
  /** The file's base name, or a scenario pool name (in-domain, prompt-ood, …). */
  readonly name: string;
  readonly file: string;
  readonly prompts: number;
  readonly responses: number;
  readonly minCandidates: number;
  readonly maxCandidates: number;
  /** Why responses or prompts were left out, with counts (adversarial, no gold score, a single response). */
  readonly dropped: Readonly<Record<string, number>>;
  /** 'all' first, then one curve per value of each prompt-level group key. */
  readonly curves: readonly BonCurve[];
}

export type BonMethod = { readonly kind: 'exact' } | { readonly kind: 'sampled'; readonly samples: number };

/** The gold score's source, as the report must state it. */
export interface GoldSpec {
  /** Field(s) the gold score was read from, e.g. 'win_prob_vs_baseline' (several when files differ). */
  readonly fields: readonly string[];
  /** False when the field is "lower is better" (a rank) and was inverted for selection. */
  readonly higherIsBetter: boolean;
}

/** bon.json: best-of-N of one model on one or more sets. */
export interface BonReport {
  readonly format: 'reward-lens-bon';
  readonly version: 1;
  readonly createdAt: string;
  /** The model scored: a label for legends, its folder, 'reward-lens' or 'hf', the engine, and whether its head is trained. */
  readonly model: {
    readonly label: string;
    readonly dir: string;
    readonly kind: string;
    readonly engine: string;
    readonly headTrained: boolean;
  };
  readonly gold: GoldSpec;
  readonly lengthUnit: 'characters';
  readonly method: BonMethod;
  readonly seed: number;
  readonly bootstrap: number;
  readonly ns: readonly number[];
  readonly sets: readonly BonSetReport[];
}
