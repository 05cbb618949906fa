// RM-Bench rows: chosen[3] and rejected[3] in style order [concise, detailed plain, detailed markdown].
// Each row expands to the 3×3 matrix of pairs chosen[i] vs rejected[j]; the paper's style buckets are
// hard = i < j (chosen is plainer than rejected), normal = i == j, easy = i > j.

import { baseName } from './normalize';
import { PAIR_GROUP_KEYS, pickGroups } from './groups';
import type { EmitPair } from './pairwise';
import { checkText, limitLength, requireString, rowId, SKIPPED, type RowContext } from './rowContext';
import { typeName } from './messages';

const DOMAINS = ['safety-refuse', 'safety-response', 'chat', 'code', 'math'];

/** RM-Bench's domain from a file name such as `code_filtered.json`, when the rows carry no `domain`. */
export function domainFromFileName(file: string): string | undefined {
  const base = baseName(file).toLowerCase();
  return DOMAINS.find((d) => base.startsWith(d) || base.includes(`-${d}`) || base.includes(`_${d}`));
}

export function styleOf(i: number, j: number): 'hard' | 'normal' | 'easy' {
  return i < j ? 'hard' : i === j ? 'normal' : 'easy';
}

export function rmBenchRow(ctx: RowContext, row: Record<string, unknown>, emit: EmitPair): void {
  if (!Array.isArray(row.chosen) || !Array.isArray(row.rejected)) {
    const bad = !Array.isArray(row.chosen) ? 'chosen' : 'rejected';
    const v = row[bad];
    if (v === undefined || v === null) return void ctx.skip(bad, 'missing-field', 'absent');
    return void ctx.skip(bad, 'not-a-string', `${typeName(v)}, expected a list of style variants`);
  }
  const prompt = checkText(ctx, 'prompt', row.prompt, 'prompt');
  if (prompt === SKIPPED) return;
  const chosen = row.chosen.map((v, i) => variant(ctx, `chosen[${i}]`, v, 'chosen'));
  const rejected = row.rejected.map((v, j) => variant(ctx, `rejected[${j}]`, v, 'rejected'));
  const id = rowId(ctx, row);
  const groups = pickGroups(row, PAIR_GROUP_KEYS);
  const domain = groups.domain ?? domainFromFileName(ctx.source.file);
  if (domain !== undefined) groups.domain = domain;
  for (let i = 0; i < chosen.length; i++) {
    const c = chosen[i];
    if (c === undefined || c === SKIPPED) continue; // Already reported once for the element.
    for (let j = 0; j < rejected.length; j++) {
      const r = rejected[j];
      if (r === undefined || r === SKIPPED) continue;
      if (c === r) {
        ctx.skip(undefined, 'identical', `chosen[${i}] and rejected[${j}] are the same text`);
        continue;
      }
      emit({ id: `${id}#${i}${j}`, prompt, chosen: c, rejected: r, groups: { ...groups, style: styleOf(i, j) }, source: ctx.source });
    }
  }
}

function variant(ctx: RowContext, field: string, v: unknown, side: 'chosen' | 'rejected'): string | typeof SKIPPED {
  const s = requireString(ctx, field, v);
  return s === SKIPPED ? SKIPPED : limitLength(ctx, field, s, side);
}
