// Two responses and a label naming the winner: PKU-SafeRLHF, Chatbot Arena conversations, HelpSteer2-Preference,
// HelpSteer3-Preference, PPE human preference, generic A/B files and a user's --a-key/--b-key/--label-key mapping.
// One converter reads them all from a spec; a tie is counted as a 'tie' row, never paired, and a label that is not
// understood is a 'bad-label' skip that shows the value.

import type { FieldMapping } from '../types';
import { groupValue, PAIR_GROUP_KEYS, pickGroups } from './groups';
import {
  decideLabel,
  decideSigned,
  GENERIC_LABELS,
  INDEX_LABELS,
  isProblem,
  vocabularyFrom,
  type Decision,
  type LabelProblem,
} from './labels';
import { emitPair, readSides, type EmitPair } from './pairwise';
import { getField, rowId, SKIPPED, type RowContext } from './rowContext';

type Row = Record<string, unknown>;
type KeyPair = readonly [string, string];

export interface LabelledSpec {
  /** The family, for skip details ("no response_0/response_1 fields for PKU-SafeRLHF"). */
  readonly name: string;
  /** Prompt fields, first present wins; none present gives '' (or the conversations' shared turns). */
  readonly prompt: readonly string[];
  readonly promptRequired: boolean;
  /** The two responses (strings or message lists), first pair present wins. */
  readonly pairs: readonly KeyPair[];
  /** Label fields, first present wins. */
  readonly labels: readonly string[];
  readonly decide: (value: unknown) => Decision | LabelProblem;
  /** Per-response model fields (first response's, second's): they become chosen_model / rejected_model. */
  readonly models?: readonly KeyPair[];
  /** Fields holding the row id before `id`. */
  readonly idKeys?: readonly string[];
  /** Family-specific groups, given which side won. */
  readonly extraGroups?: (row: Row, winner: 0 | 1) => Record<string, string>;
  /** A user's mapping: a row without the named fields is a missing-field skip naming the first one. */
  readonly strict?: boolean;
}

const present = (row: Row, k: string) => getField(row, k) !== undefined && getField(row, k) !== null;

/** The converter for a labelled family. */
export function labelledRow(spec: LabelledSpec): (ctx: RowContext, row: Row, emit: EmitPair) => void {
  return (ctx, row, emit) => {
    const pair = spec.pairs.find(([a, b]) => present(row, a) || present(row, b));
    if (!pair && spec.strict) return void ctx.skip(spec.pairs[0]![0], 'missing-field', 'absent');
    if (!pair)
      return void ctx.skip(
        undefined,
        'unrecognised',
        `no ${spec.pairs[0]!.join('/')} fields for ${spec.name}; row has ${Object.keys(row).slice(0, 8).join(', ') || 'no fields'}`,
      );
    const labelKey = spec.labels.find((k) => present(row, k)) ?? spec.labels[0]!;
    const d = spec.decide(getField(row, labelKey));
    if (isProblem(d)) return void ctx.skip(labelKey, d.problem, d.detail);
    if (d.verdict === 'tie') return void ctx.count('tie', d.raw);
    const winner: 0 | 1 = d.verdict === 'a' ? 0 : 1;
    const keys = {
      prompt: spec.prompt.find((k) => present(row, k)) ?? spec.prompt[0] ?? '',
      chosen: pair[winner],
      rejected: pair[1 - winner]!,
    };
    const sides = readSides(ctx, row, keys, spec.promptRequired);
    if (sides === SKIPPED) return;
    const groups = {
      ...pickGroups(row, PAIR_GROUP_KEYS),
      ...modelGroups(row, spec.models ?? [], winner),
      ...spec.extraGroups?.(row, winner),
    };
    emitPair(
      ctx,
      emit,
      { id: idOf(ctx, row, spec.idKeys ?? []), ...sides, groups, ...(d.margin !== undefined ? { margin: d.margin } : {}) },
      keys,
    );
  };
}

function modelGroups(row: Row, models: readonly KeyPair[], winner: 0 | 1): Record<string, string> {
  const keys = models.find(([a, b]) => present(row, a) && present(row, b));
  if (!keys) return {};
  const w = groupValue(getField(row, keys[winner]));
  const l = groupValue(getField(row, keys[1 - winner]!));
  return { ...(w !== undefined ? { chosen_model: w } : {}), ...(l !== undefined ? { rejected_model: l } : {}) };
}

function idOf(ctx: RowContext, row: Row, keys: readonly string[]): string {
  for (const k of keys) {
    const v = groupValue(getField(row, k));
    if (v !== undefined) return v;
  }
  return rowId(ctx, row);
}

/** A label override (--label-key with the family's own values, or --a-wins/--b-wins/--ties) on a family's decision. */
function overridden(
  labels: readonly string[],
  decide: LabelledSpec['decide'],
  base: typeof GENERIC_LABELS,
  m?: FieldMapping,
): Pick<LabelledSpec, 'labels' | 'decide'> {
  const custom = !!(m?.aWins?.length || m?.bWins?.length || m?.ties?.length);
  const vocab = vocabularyFrom(base, m ?? {});
  return { labels: m?.label ? [m.label] : labels, decide: custom ? (v) => decideLabel(v, vocab) : decide };
}

const boolGroup = (v: unknown) => (typeof v === 'boolean' ? String(v) : groupValue(v));

export function pkuSpec(m?: FieldMapping): LabelledSpec {
  return {
    name: 'PKU-SafeRLHF',
    prompt: ['prompt'],
    promptRequired: true,
    pairs: [['response_0', 'response_1']],
    ...overridden(['better_response_id'], (v) => decideLabel(v, INDEX_LABELS), INDEX_LABELS, m),
    models: [['response_0_source', 'response_1_source']],
    extraGroups: (row, w) => {
      const out: Record<string, string> = {};
      const src = groupValue(row.prompt_source);
      if (src !== undefined) out.source = src;
      const safe = [boolGroup(row.is_response_0_safe), boolGroup(row.is_response_1_safe)];
      if (safe[w] !== undefined) out.chosen_safe = safe[w]!;
      if (safe[1 - w] !== undefined) out.rejected_safe = safe[1 - w]!;
      return out;
    },
  };
}

export function arenaSpec(m?: FieldMapping): LabelledSpec {
  return {
    name: 'Chatbot Arena',
    prompt: [],
    promptRequired: false,
    pairs: [['conversation_a', 'conversation_b']],
    ...overridden(['winner'], (v) => decideLabel(v, GENERIC_LABELS), GENERIC_LABELS, m),
    models: [['model_a', 'model_b']],
    idKeys: ['question_id'],
    extraGroups: (row) => pickGroups(row, ['judge']),
  };
}

export function helpSteer2PrefSpec(m?: FieldMapping): LabelledSpec {
  return {
    name: 'HelpSteer2-Preference',
    prompt: ['prompt'],
    promptRequired: true,
    pairs: [['response_1', 'response_2']],
    ...overridden(['preference_strength'], (v) => decideSigned(v), GENERIC_LABELS, m),
  };
}

export function helpSteer3Spec(m?: FieldMapping): LabelledSpec {
  return {
    name: 'HelpSteer3-Preference',
    prompt: ['context'],
    promptRequired: true,
    pairs: [['response1', 'response2']],
    ...overridden(['overall_preference'], (v) => decideSigned(v), GENERIC_LABELS, m),
  };
}

export function ppeHumanSpec(m?: FieldMapping): LabelledSpec {
  return {
    name: 'PPE human preference',
    prompt: ['prompt'],
    promptRequired: true,
    pairs: [['response_1', 'response_2']],
    ...overridden(['winner'], (v) => decideLabel(v, GENERIC_LABELS), GENERIC_LABELS, m),
    models: [['model_a', 'model_b']],
    idKeys: ['question_id'],
  };
}

/** Generic A/B files: the prompt, response and label spellings people use. */
export const AB_PROMPT_KEYS = ['question', 'prompt', 'instruction', 'input'];
export const AB_PAIRS: readonly KeyPair[] = [
  ['response_A', 'response_B'],
  ['response_a', 'response_b'],
  ['answer_a', 'answer_b'],
  ['output_1', 'output_2'],
  ['output_a', 'output_b'],
  ['completion_a', 'completion_b'],
];
export const AB_LABEL_KEYS = ['winner', 'label', 'preference', 'choice', 'better', 'human_preference'];
const AB_MODELS: readonly KeyPair[] = [
  ['model_a', 'model_b'],
  ['generator_a', 'generator_b'],
  ['model_1', 'model_2'],
  ['response_A_model', 'response_B_model'],
  ['response_a_model', 'response_b_model'],
];

export function abSpec(m?: FieldMapping): LabelledSpec {
  return {
    name: 'A/B preference',
    prompt: AB_PROMPT_KEYS,
    promptRequired: false,
    pairs: AB_PAIRS,
    ...overridden(AB_LABEL_KEYS, (v) => decideLabel(v, GENERIC_LABELS), GENERIC_LABELS, m),
    models: AB_MODELS,
    extraGroups: (row): Record<string, string> => {
      const g = groupValue(row.response_model);
      return g !== undefined ? { generator: g } : {};
    },
  };
}

/** The user's --a-key/--b-key mapping: exactly those fields, the prompt field required when named. */
export function customAbSpec(m: FieldMapping): LabelledSpec {
  const a = m.a ?? 'response_a';
  const b = m.b ?? 'response_b';
  return {
    name: `the field mapping (${a}/${b})`,
    prompt: m.prompt ? [m.prompt] : AB_PROMPT_KEYS,
    promptRequired: m.prompt !== undefined,
    pairs: [[a, b]],
    labels: m.label ? [m.label] : AB_LABEL_KEYS,
    decide: (v) => decideLabel(v, vocabularyFrom(GENERIC_LABELS, m)),
    models: AB_MODELS,
    strict: true,
  };
}
