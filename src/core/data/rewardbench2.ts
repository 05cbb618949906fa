// RewardBench 2 rows: id, prompt, chosen[] (one or more correct completions), rejected[] (incorrect ones, three in
// most subsets), num_correct, num_incorrect, total_completions, models, subset. Each row becomes the pairs
// chosen[i] × rejected[j], each tagged with its cell (PreferencePair.item) so that src/core/stats/rewardBench2.ts can
// rebuild every completion's score and score the row as scripts/run_v2.py does.

import { groupValue, PAIR_GROUP_KEYS, pickGroups } from './groups';
import { typeName } from './messages';
import type { EmitPair } from './pairwise';
import { checkNumber, checkText, limitLength, requireString, rowId, SKIPPED, type RowContext } from './rowContext';

type Row = Record<string, unknown>;

function fail(ctx: RowContext, field: string, reason: Parameters<RowContext['skip']>[1], detail: string): typeof SKIPPED {
  ctx.skip(field, reason, detail);
  return SKIPPED;
}

/** Both lists present and lists of strings, with the counts the row states; else one skip and SKIPPED. */
function completions(ctx: RowContext, row: Row): { chosen: string[]; rejected: string[] } | typeof SKIPPED {
  const out: Record<'chosen' | 'rejected', string[]> = { chosen: [], rejected: [] };
  for (const side of ['chosen', 'rejected'] as const) {
    const v = row[side];
    if (v === undefined || v === null) return fail(ctx, side, 'missing-field', v === null ? 'null' : 'absent');
    if (!Array.isArray(v)) return fail(ctx, side, 'not-a-string', `${typeName(v)}, expected a list of completions`);
    if (v.length === 0) return fail(ctx, side, 'empty-field', 'an empty list: RewardBench 2 needs at least one completion on each side');
    for (let i = 0; i < v.length; i++) {
      const s = requireString(ctx, `${side}[${i}]`, v[i]);
      if (s === SKIPPED) return SKIPPED;
      const t = limitLength(ctx, `${side}[${i}]`, s, side);
      if (t === SKIPPED) return SKIPPED;
      out[side].push(t);
    }
  }
  for (const [field, n] of [
    ['num_correct', out.chosen.length],
    ['num_incorrect', out.rejected.length],
  ] as const) {
    const stated = checkNumber(ctx, field, row[field]);
    if (stated === SKIPPED) return SKIPPED;
    if (stated !== undefined && stated !== n)
      return fail(
        ctx,
        field,
        'bad-label',
        `says ${stated} but the row has ${n} ${field === 'num_correct' ? 'chosen' : 'rejected'} completions`,
      );
  }
  return out;
}

/** The model of completion k (chosen first, then rejected), when `models` lists one per completion. */
function modelOf(row: Row, k: number, total: number): string | undefined {
  return Array.isArray(row.models) && row.models.length === total ? groupValue(row.models[k]) : undefined;
}

export function rewardBench2Row(ctx: RowContext, row: Row, emit: EmitPair): void {
  const prompt = checkText(ctx, 'prompt', row.prompt, 'prompt');
  if (prompt === SKIPPED) return;
  const c = completions(ctx, row);
  if (c === SKIPPED) return;
  const id = rowId(ctx, row);
  const groups = pickGroups(row, PAIR_GROUP_KEYS);
  const total = c.chosen.length + c.rejected.length;
  for (let i = 0; i < c.chosen.length; i++) {
    for (let j = 0; j < c.rejected.length; j++) {
      if (c.chosen[i] === c.rejected[j]) {
        ctx.skip(undefined, 'identical', `chosen[${i}] and rejected[${j}] are the same text`);
        continue;
      }
      const cm = modelOf(row, i, total);
      const rm = modelOf(row, c.chosen.length + j, total);
      emit({
        id: `${id}#c${i}r${j}`,
        prompt,
        chosen: c.chosen[i]!,
        rejected: c.rejected[j]!,
        groups: { ...groups, ...(cm !== undefined ? { chosen_model: cm } : {}), ...(rm !== undefined ? { rejected_model: rm } : {}) },
        item: { bench: 'rewardbench-2', row: id, chosen: i, rejected: j },
        source: ctx.source,
      });
    }
  }
}
