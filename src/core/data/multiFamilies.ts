// Multi-response families with gold scores, for Kendall's τ and pair building: UltraFeedback raw (completions[] with
// annotations), Nectar (answers[] with a rank, lower is better), HelpSteer2 (one row per response with five
// attributes, grouped by prompt) and PPE correctness (response_1…response_K with scores[] per response).

import { UserError } from '../errors';
import { groupValue, pickGroups } from './groups';
import { typeName } from './messages';
import type { MultiCollector, RowResponse } from './multi';
import { checkNumber, checkText, getField, SKIPPED, type RowContext } from './rowContext';

type Row = Record<string, unknown>;

/** A gold score: one attribute, or a weighted sum of several. */
export interface GoldSpec {
  readonly terms: readonly { readonly attr: string; readonly weight: number }[];
  readonly text: string;
}

export const HELPSTEER2_ATTRIBUTES = ['helpfulness', 'correctness', 'coherence', 'complexity', 'verbosity'];
const UF_ASPECTS = ['helpfulness', 'honesty', 'instruction_following', 'truthfulness'];

/**
 * Reads --gold: "helpfulness" or "helpfulness=0.65,correctness=0.8". A malformed value is a UserError.
 * @example parseGold('helpfulness=1,verbosity=-0.5', 'helpfulness').terms // [{attr:'helpfulness',weight:1},{attr:'verbosity',weight:-0.5}]
 */
export function parseGold(spec: string | undefined, fallback: string): GoldSpec {
  const text = spec?.trim() || fallback;
  const terms = text.split(',').map((part) => {
    const [attr, w] = part.split('=').map((x) => x.trim());
    const weight = w === undefined ? 1 : w === '' ? NaN : Number(w);
    if (!attr || !/^[\w.-]+$/.test(attr) || !Number.isFinite(weight))
      throw new UserError(
        `--gold ${JSON.stringify(text)}: expected ATTRIBUTE or ATTRIBUTE=WEIGHT,… (e.g. helpfulness=0.65,correctness=0.8)`,
      );
    return { attr, weight };
  });
  return { terms, text };
}

/** HelpSteer2: prompt, response and the five 0–4 attributes; gold = the chosen attribute or weighted sum. */
export function helpSteer2Row(collector: MultiCollector, gold: GoldSpec) {
  return (ctx: RowContext, row: Row): void => {
    const prompt = checkText(ctx, 'prompt', row.prompt, 'prompt');
    if (prompt === SKIPPED) return;
    const text = checkText(ctx, 'response', row.response, 'response');
    if (text === SKIPPED) return;
    let sum = 0;
    for (const t of gold.terms) {
      const v = row[t.attr];
      if (v === undefined || v === null)
        return void ctx.skip(t.attr, 'missing-field', `${v === null ? 'null' : 'absent'} (the gold score is ${gold.text})`);
      const n = checkNumber(ctx, t.attr, v);
      if (n === SKIPPED || n === undefined) return;
      sum += t.weight * n;
    }
    collector.addResponse(ctx, row, prompt, text, sum, groupValue(row.model));
  };
}

/** A UltraFeedback completion's gold: fine-grained_score / overall_score, or aspect ratings (annotations.X.Rating). N/A → NaN. */
function ultraGold(c: Row, gold: GoldSpec): number {
  let sum = 0;
  for (const t of gold.terms) {
    const v = UF_ASPECTS.includes(t.attr) ? getField(c, `annotations.${t.attr}.Rating`) : getField(c, t.attr);
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    sum += t.weight * n;
  }
  return sum;
}

/** UltraFeedback raw: instruction and completions[] {model, response, annotations, fine-grained_score, overall_score}. */
export function ultraFeedbackRawRow(collector: MultiCollector, gold: GoldSpec) {
  return (ctx: RowContext, row: Row): void => {
    const prompt = checkText(ctx, 'instruction', row.instruction, 'prompt');
    if (prompt === SKIPPED) return;
    const list = listField(ctx, row, 'completions');
    if (list === SKIPPED) return;
    const items: RowResponse[] = [];
    list.forEach((c, k) => {
      if (typeof c !== 'object' || c === null || Array.isArray(c))
        return void ctx.skip(`completions[${k}]`, 'not-a-string', `${typeName(c)}, expected an object`);
      const text = checkText(ctx, `completions[${k}].response`, (c as Row).response, 'response');
      if (text === SKIPPED) return;
      const g = ultraGold(c as Row, gold);
      items.push({ text, gold: Number.isFinite(g) ? g : undefined, ...model((c as Row).model) });
    });
    collector.addRowGroup(ctx, row, prompt, items);
  };
}

/** Nectar: prompt and answers[] {answer, model, rank}; gold = −rank (rank 1 is the best answer). */
export function nectarRow(collector: MultiCollector) {
  return (ctx: RowContext, row: Row): void => {
    const prompt = checkText(ctx, 'prompt', row.prompt, 'prompt');
    if (prompt === SKIPPED) return;
    const list = listField(ctx, row, 'answers');
    if (list === SKIPPED) return;
    collector.rankBased = true;
    const items: RowResponse[] = [];
    list.forEach((a, k) => {
      if (typeof a !== 'object' || a === null || Array.isArray(a))
        return void ctx.skip(`answers[${k}]`, 'not-a-string', `${typeName(a)}, expected an object`);
      const text = checkText(ctx, `answers[${k}].answer`, (a as Row).answer, 'response');
      if (text === SKIPPED) return;
      const rank = checkNumber(ctx, `answers[${k}].rank`, (a as Row).rank);
      if (rank === SKIPPED) return;
      items.push({ text, gold: rank === undefined ? undefined : -rank, ...model((a as Row).model) });
    });
    // Nectar's source is a list of origins (["anthropic-hh"]): joined into one group value.
    const src = Array.isArray(row.source) ? row.source.filter((s) => typeof s === 'string').join('+') : undefined;
    collector.addRowGroup(ctx, row, prompt, items, src ? { source: src } : {});
  };
}

/** PPE correctness (best-of-K): prompt, response_1…response_K, scores[k−1] true/false (or is_correct[]), model_name. */
export function ppeCorrectnessRow(collector: MultiCollector) {
  return (ctx: RowContext, row: Row): void => {
    const pk = row.prompt !== undefined ? 'prompt' : 'question';
    const prompt = checkText(ctx, pk, row[pk], 'prompt');
    if (prompt === SKIPPED) return;
    const key = row.scores === undefined && row.is_correct !== undefined ? 'is_correct' : 'scores';
    const scores = row[key];
    if (!Array.isArray(scores))
      return void ctx.skip(
        'scores',
        scores === undefined ? 'missing-field' : 'bad-label',
        scores === undefined ? 'absent (needs scores[] or is_correct[] per response)' : `${typeName(scores)}, expected a list`,
      );
    const ks = Object.keys(row)
      .map((k) => /^response_(\d+)$/.exec(k))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const items: RowResponse[] = [];
    for (const k of ks) {
      const text = checkText(ctx, `response_${k}`, row[`response_${k}`], 'response');
      if (text === SKIPPED) continue;
      const s = scores[k - 1];
      const gold = typeof s === 'boolean' ? Number(s) : checkNumber(ctx, `${key}[${k - 1}]`, s);
      if (gold === SKIPPED) continue;
      items.push({ text, gold, ...model(row.model_name) });
    }
    collector.addRowGroup(ctx, row, prompt, items, pickGroups(row, ['category']));
  };
}

function listField(ctx: RowContext, row: Row, field: string): unknown[] | typeof SKIPPED {
  const v = row[field];
  if (Array.isArray(v) && v.length > 0) return v;
  if (v === undefined || v === null) ctx.skip(field, 'missing-field', v === null ? 'null' : 'absent');
  else
    ctx.skip(
      field,
      Array.isArray(v) ? 'empty-field' : 'not-a-string',
      Array.isArray(v) ? 'an empty list' : `${typeName(v)}, expected a list`,
    );
  return SKIPPED;
}

const model = (v: unknown): { model?: string } => {
  const m = groupValue(v);
  return m !== undefined ? { model: m } : {};
};
