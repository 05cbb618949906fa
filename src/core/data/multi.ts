// Multi-response data: several scored responses per prompt (AlpacaEval long rows, wide rows with all_scores).
// Rows become MultiResponseGroup[]; pairsFromMulti() turns gold-score differences into preference pairs.

import type { MultiResponseGroup, PreferencePair, ScoredResponse } from '../types';
import { groupValue, PROMPT_GROUP_KEYS, pickGroups } from './groups';
import { hashString, normalizePrompt } from './normalize';
import { firstKey } from './pairwise';
import { checkNumber, checkText, SKIPPED, type RowContext } from './rowContext';

export const PROMPT_KEYS = ['instruction', 'prompt', 'input', 'question'];
export const RESPONSE_KEYS = ['output', 'response', 'completion'];
export const MODEL_KEYS = ['generator', 'model'];
export const GOLD_KEYS = ['score', 'win_prob_vs_baseline', 'gold', 'reward', 'rating'];
export const PROMPT_ID_KEYS = ['instruction_id', 'prompt_id', 'question_id'];
/** Per-response flags kept on ScoredResponse.groups (AlpacaEval's NullModel is `is_adversarial`). */
const RESPONSE_GROUP_KEYS = ['is_adversarial'];

/** A response read from a multi-response row: its text, gold (undefined: unknown) and model. */
export interface RowResponse {
  readonly text: string;
  readonly gold: number | undefined;
  readonly model?: string;
  /** The row field the gold score came from (best-of-N pools keep it). */
  readonly goldField?: string;
}

interface MutableGroup {
  id: string;
  prompt: string;
  responses: ScoredResponse[];
  groups: Record<string, string>;
  source: RowContext['source'];
}

/** Accumulates responses by prompt. Long rows merge on the prompt id (or the normalised prompt); wide rows are one group each. */
export class MultiCollector {
  private readonly byKey = new Map<string, MutableGroup>();
  private readonly order: MutableGroup[] = [];
  /** Responses whose gold score is unknown (NaN): kept for ranking by the model, never paired. */
  unscored = 0;
  /** Gold came from a rank (lower is better), stored as −rank. */
  rankBased = false;
  /** Responses added so far (the builder counts a row as a multi-response row when it added any). */
  responsesAdded = 0;

  get groups(): readonly MultiResponseGroup[] {
    return this.order;
  }

  get responseCount(): number {
    return this.order.reduce((n, g) => n + g.responses.length, 0);
  }

  /** One row per response: prompt, output, generator/model, score or win_prob_vs_baseline, or a rank (lower is better). */
  addLong(ctx: RowContext, row: Record<string, unknown>): void {
    const pk = firstKey(row, PROMPT_KEYS) ?? 'instruction';
    const rk = firstKey(row, RESPONSE_KEYS) ?? 'output';
    const prompt = checkText(ctx, pk, row[pk], 'prompt');
    if (prompt === SKIPPED) return;
    const text = checkText(ctx, rk, row[rk], 'response');
    if (text === SKIPPED) return;
    const gk = firstKey(row, GOLD_KEYS);
    const rank = gk === undefined && row.rank !== undefined && row.rank !== null;
    const raw = gk ? checkNumber(ctx, gk, row[gk]) : rank ? checkNumber(ctx, 'rank', row.rank) : undefined;
    if (raw === SKIPPED) return;
    if (rank) this.rankBased = true;
    const gold = rank && raw !== undefined ? -raw : raw;
    this.addResponse(ctx, row, prompt, text, gold, groupValue(row[firstKey(row, MODEL_KEYS) ?? 'generator']), gk);
  }

  /** One response of a prompt, merged with the prompt's other rows on the prompt id (or the normalised prompt). */
  addResponse(
    ctx: RowContext,
    row: Record<string, unknown>,
    prompt: string,
    text: string,
    gold: number | undefined,
    model: string | undefined,
    goldField?: string,
  ): void {
    const idKey = firstKey(row, PROMPT_ID_KEYS);
    const pid = idKey ? groupValue(row[idKey]) : undefined;
    const norm = normalizePrompt(prompt);
    const key = pid !== undefined ? `id:${pid}` : `p:${norm}`;
    let g = this.byKey.get(key);
    if (!g) {
      g = { id: pid ?? `p${hashString(norm)}`, prompt, responses: [], groups: pickGroups(row, PROMPT_GROUP_KEYS), source: ctx.source };
      this.byKey.set(key, g);
      this.order.push(g);
    }
    g.responses.push(this.response(ctx, text, gold, model, pickGroups(row, RESPONSE_GROUP_KEYS), goldField));
  }

  /** One prompt and all its responses from one row (UltraFeedback raw, Nectar, PPE correctness); nothing when none is usable. */
  addRowGroup(
    ctx: RowContext,
    row: Record<string, unknown>,
    prompt: string,
    items: readonly RowResponse[],
    groups: Record<string, string> = {},
  ): void {
    if (items.length === 0) return;
    const idKey = firstKey(row, [...PROMPT_ID_KEYS, 'id']);
    const pid = idKey ? groupValue(row[idKey]) : undefined;
    const g: MutableGroup = {
      id: pid ?? `p${hashString(normalizePrompt(prompt))}`,
      prompt,
      responses: [],
      groups: { ...pickGroups(row, PROMPT_GROUP_KEYS), ...groups },
      source: ctx.source,
    };
    for (const it of items) g.responses.push(this.response(ctx, it.text, it.gold, it.model, {}, it.goldField));
    this.order.push(g);
  }

  /** One row per prompt: instruction, response_k_text (k = 1…), all_scores[k-1], optional response_k_model. */
  addWide(ctx: RowContext, row: Record<string, unknown>): void {
    const pk = firstKey(row, PROMPT_KEYS) ?? 'instruction';
    const prompt = checkText(ctx, pk, row[pk], 'prompt');
    if (prompt === SKIPPED) return;
    const ks = Object.keys(row)
      .map((k) => /^response_(\d+)_text$/.exec(k))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const scores = row.all_scores;
    if (scores !== undefined && !Array.isArray(scores)) return void ctx.skip('all_scores', 'bad-label', 'expected a list of numbers');
    const idKey = firstKey(row, [...PROMPT_ID_KEYS, 'id']);
    const pid = idKey ? groupValue(row[idKey]) : undefined;
    const g: MutableGroup = {
      id: pid ?? `p${hashString(normalizePrompt(prompt))}`,
      prompt,
      responses: [],
      groups: pickGroups(row, PROMPT_GROUP_KEYS),
      source: ctx.source,
    };
    ks.forEach((k, idx) => {
      const text = checkText(ctx, `response_${k}_text`, row[`response_${k}_text`], 'response');
      if (text === SKIPPED) return;
      const raw = Array.isArray(scores) ? scores[idx] : row[`response_${k}_score`];
      const gold = checkNumber(ctx, Array.isArray(scores) ? `all_scores[${idx}]` : `response_${k}_score`, raw);
      if (gold === SKIPPED) return;
      const model = groupValue(row[`response_${k}_model`] ?? row[`response_${k}_generator`]);
      g.responses.push(this.response(ctx, text, gold, model, {}, Array.isArray(scores) ? 'all_scores' : 'response_<k>_score'));
    });
    if (g.responses.length === 0) return;
    this.order.push(g);
  }

  private response(
    ctx: RowContext,
    text: string,
    gold: number | undefined,
    model: string | undefined,
    groups: Record<string, string>,
    goldField?: string,
  ): ScoredResponse {
    if (gold === undefined) this.unscored++;
    this.responsesAdded++;
    return {
      text,
      gold: gold ?? NaN,
      ...(model !== undefined ? { model } : {}),
      ...(Object.keys(groups).length ? { groups } : {}),
      ...(gold !== undefined && goldField !== undefined ? { goldField } : {}),
      source: ctx.source,
    };
  }
}

export interface MultiPairOptions {
  /** Pair two responses only when their gold scores differ by more than this (default 0: any strict difference). */
  readonly minGap?: number;
  /** Keep only responses for which this returns true (e.g. drop `is_adversarial` ones before computing τ). */
  readonly include?: (r: ScoredResponse, g: MultiResponseGroup) => boolean;
}

/**
 * Every within-prompt pair whose gold scores differ by more than minGap: chosen = higher gold, margin = the gap.
 * Ties, NaN gold and identical texts are never paired. Pair ids are `${groupId}#${a}>${b}` with response indices.
 * Groups: the prompt's groups, chosen_model/rejected_model, and is_adversarial ('true' when either side is).
 *
 * @example pairsFromMulti(loaded.multi, { minGap: 0.1, include: (r) => r.groups?.is_adversarial !== 'true' })
 */
export function pairsFromMulti(groups: readonly MultiResponseGroup[], opts: MultiPairOptions = {}): PreferencePair[] {
  const minGap = opts.minGap ?? 0;
  const out: PreferencePair[] = [];
  for (const g of groups) {
    const rs = g.responses.map((r, i) => ({ r, i })).filter(({ r }) => Number.isFinite(r.gold) && (!opts.include || opts.include(r, g)));
    for (let a = 0; a < rs.length; a++) {
      for (let b = a + 1; b < rs.length; b++) {
        const x = rs[a]!;
        const y = rs[b]!;
        const gap = Math.abs(x.r.gold - y.r.gold);
        if (!(gap > 0 && gap > minGap) || x.r.text === y.r.text) continue;
        const [w, l] = x.r.gold > y.r.gold ? [x, y] : [y, x];
        out.push({
          id: `${g.id}#${w.i}>${l.i}`,
          prompt: g.prompt,
          chosen: w.r.text,
          rejected: l.r.text,
          groups: pairGroups(g, w.r, l.r),
          margin: gap,
          source: w.r.source,
        });
      }
    }
  }
  return out;
}

function pairGroups(g: MultiResponseGroup, w: ScoredResponse, l: ScoredResponse): Record<string, string> {
  const out: Record<string, string> = { ...g.groups };
  if (w.model !== undefined) out.chosen_model = w.model;
  if (l.model !== undefined) out.rejected_model = l.model;
  const adv = [w, l].map((r) => r.groups?.is_adversarial);
  if (adv.some((a) => a !== undefined)) out.is_adversarial = adv.includes('true') ? 'true' : 'false';
  return out;
}
