// Winner labels of A/B preference rows: which of two responses a row prefers, or that it calls a tie. A label that is
// not understood is never guessed: the row is skipped with the value shown. Ties are counted (NonPairRowKind 'tie').

import { typeName } from './messages';

export type Verdict = 'a' | 'b' | 'tie';

/** A decided label: the winner (or a tie), the label as the data spelled it, and a strength when the label has one. */
export interface Decision {
  readonly verdict: Verdict;
  readonly raw: string;
  /** |strength| of signed labels (HelpSteer2/3 −3…3), kept as the pair's margin. */
  readonly margin?: number;
}

/** Why a label could not be read: the SkippedRow reason and detail. */
export interface LabelProblem {
  readonly problem: 'missing-field' | 'bad-label';
  readonly detail: string;
}

/** Label values per verdict; matched after trimming, lower-casing and removing spaces ("A >> B" = "a>>b"). */
export interface LabelVocabulary {
  readonly a: readonly string[];
  readonly b: readonly string[];
  readonly ties: readonly string[];
}

/** The spellings of "first wins", "second wins" and "tie" that public A/B data uses. */
export const GENERIC_LABELS: LabelVocabulary = {
  a: ['1', 'a', 'model_a', 'response_a', 'answer_a', 'output_1', 'response_1', 'a>b', 'a>>b', 'first'],
  b: ['2', 'b', 'model_b', 'response_b', 'answer_b', 'output_2', 'response_2', 'b>a', 'b>>a', 'second'],
  ties: ['tie', 'tie (bothbad)', 'tie (all bad)', 'a=b', 'b=a', 'equal', 'draw', 'both_bad', 'bothbad'],
};

/** PKU-SafeRLHF's better_response_id / safer_response_id: 0 names response_0, 1 names response_1. */
export const INDEX_LABELS: LabelVocabulary = { a: ['0'], b: ['1'], ties: [] };

const norm = (v: string) => v.trim().toLowerCase().replace(/\s+/g, '');

/** The label as text ('1' for the number 1), or undefined for values that are not labels (objects, lists, NaN). */
function labelText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

const shown = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v.slice(0, 60)) : (labelText(v) ?? typeName(v)));

/** Reads a winner label against a vocabulary. */
export function decideLabel(value: unknown, vocab: LabelVocabulary): Decision | LabelProblem {
  if (value === undefined || value === null) return { problem: 'missing-field', detail: value === null ? 'null' : 'absent' };
  const text = labelText(value);
  if (text === undefined) return { problem: 'bad-label', detail: `${typeName(value)} is not a winner label` };
  const n = norm(text);
  const has = (xs: readonly string[]) => xs.some((x) => norm(x) === n);
  if (has(vocab.a)) return { verdict: 'a', raw: text };
  if (has(vocab.b)) return { verdict: 'b', raw: text };
  if (has(vocab.ties)) return { verdict: 'tie', raw: text.trim() };
  const list = (xs: readonly string[]) => xs.slice(0, 6).join('/');
  return {
    problem: 'bad-label',
    detail: `label ${shown(value)} is not understood (first wins: ${list(vocab.a)}; second wins: ${list(vocab.b)}${vocab.ties.length ? `; tie: ${list(vocab.ties)}` : ''})`,
  };
}

/**
 * A signed preference (HelpSteer2-Preference preference_strength, HelpSteer3 overall_preference): negative means the
 * first response is better, positive the second, 0 a tie; |value| ≤ `limit`. The strength is kept as the margin.
 */
export function decideSigned(value: unknown, limit = 3): Decision | LabelProblem {
  if (value === undefined || value === null) return { problem: 'missing-field', detail: value === null ? 'null' : 'absent' };
  const v = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(v) || Math.abs(v) > limit)
    return {
      problem: 'bad-label',
      detail: `expected a number from −${limit} to ${limit} (negative: the first response is better), got ${shown(value)}`,
    };
  if (v === 0) return { verdict: 'tie', raw: '0' };
  return { verdict: v < 0 ? 'a' : 'b', raw: String(v), margin: Math.abs(v) };
}

/** A user's --a-wins/--b-wins/--ties values over a default vocabulary: given lists replace the default ones. */
export function vocabularyFrom(
  base: LabelVocabulary,
  m: { aWins?: readonly string[]; bWins?: readonly string[]; ties?: readonly string[] },
): LabelVocabulary {
  return { a: m.aWins?.length ? m.aWins : base.a, b: m.bWins?.length ? m.bWins : base.b, ties: m.ties?.length ? m.ties : base.ties };
}

export const isProblem = (d: Decision | LabelProblem): d is LabelProblem => 'problem' in d;
