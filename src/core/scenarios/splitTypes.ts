// Shapes of the over-optimization scenario splits (paper-spec §4): what the builders return, what the
// writer turns into JSONL, and what the manifest records. Pure data.
import { UserError } from '../errors';

/** The five sets of paper-spec §4.1, in the paper's order. File names are `${name}.jsonl`. */
export type ScenarioName = 'train' | 'in-domain' | 'prompt-ood' | 'response-ood' | 'mutual-ood';
export const SCENARIO_NAMES: readonly ScenarioName[] = ['train', 'in-domain', 'prompt-ood', 'response-ood', 'mutual-ood'];
export const EVAL_SCENARIOS: readonly Exclude<ScenarioName, 'train'>[] = ['in-domain', 'prompt-ood', 'response-ood', 'mutual-ood'];

/** A preference pair labelled by gold scores (multi-response data) or by the dataset's own label (pairwise data). */
export interface ScenarioPair {
  readonly id: string;
  readonly prompt: string;
  readonly chosen: string;
  readonly rejected: string;
  /** Flat grouping fields written next to prompt/chosen/rejected (prompt group, chosen_model, rejected_model, source_file). */
  readonly groups: Readonly<Record<string, string>>;
}

/** One prompt with every kept response, for Kendall's τ-b against gold. */
export interface ScenarioGroup {
  readonly id: string;
  readonly prompt: string;
  /** The prompt group value (e.g. the `dataset` field), '' when the data has none. */
  readonly promptGroup: string;
  readonly responses: readonly { readonly text: string; readonly gold: number; readonly model: string }[];
}

/** One built set. Pairs for accuracy sets, groups for τ sets (multi-response OOD sets). */
export interface ScenarioSet {
  readonly name: ScenarioName;
  readonly metric: 'accuracy' | 'kendall';
  readonly pairs: readonly ScenarioPair[];
  readonly groups: readonly ScenarioGroup[];
}

export interface SetSize {
  /** Distinct prompts (by normalised text). */
  readonly prompts: number;
  readonly pairs: number;
  /** Responses in τ sets (0 for pair sets). */
  readonly responses: number;
}

/** A scenario that could not be built, and why (shown to the user, recorded in the manifest). */
export interface Refusal {
  readonly scenario: ScenarioName;
  readonly reason: string;
}

export interface HeldOut {
  /** The group field that names a prompt's source ('dataset'); absent for pairwise role-based splits. */
  readonly promptGroupKey?: string;
  readonly seenPromptGroups: readonly string[];
  readonly heldOutPromptGroups: readonly string[];
  readonly seenModels: readonly string[];
  readonly heldOutModels: readonly string[];
  readonly excludedModels: readonly string[];
}

export interface ScenarioSplits {
  readonly kind: 'multi-response' | 'pairwise';
  /** Built sets in SCENARIO_NAMES order; refused ones are absent. 'train' is always present. */
  readonly sets: readonly ScenarioSet[];
  readonly sizes: Readonly<Partial<Record<ScenarioName, SetSize>>>;
  readonly heldOut: HeldOut;
  readonly refused: readonly Refusal[];
  /** Counts of everything left out, with the reason as key ("duplicate prompt (normalised text)": 3). */
  readonly dropped: Readonly<Record<string, number>>;
  readonly notes: readonly string[];
}

/** Thrown when no usable split exists at all (no training pairs, unknown held-out names, …). */
export class ScenarioError extends UserError {
  override readonly name = 'ScenarioError';
  override readonly code: string = 'scenario';
}

export function setSize(set: ScenarioSet, key: (prompt: string) => string): SetSize {
  const prompts = new Set<string>();
  for (const p of set.pairs) prompts.add(key(p.prompt));
  for (const g of set.groups) prompts.add(key(g.prompt));
  const responses = set.groups.reduce((n, g) => n + g.responses.length, 0);
  return { prompts: prompts.size, pairs: set.pairs.length, responses };
}

/** Adds `n` to a reason counter (ignores 0 so the dropped table only lists what happened). */
export function countDrop(dropped: Record<string, number>, reason: string, n = 1): void {
  if (n > 0) dropped[reason] = (dropped[reason] ?? 0) + n;
}
