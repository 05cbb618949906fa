// What every row converter needs: where the row is, the length policy, and where to report a skipped row.
// Converters stop at the first problem of a row (one SkippedRow per row), except RM-Bench, which reports
// each bad element of its 3×3 matrix separately because the other pairs of the row are still usable.

import type { NonPairRowKind, SkipReason, SourceRef } from '../types';
import { typeName } from './messages';

export type TextSide = 'prompt' | 'chosen' | 'rejected' | 'response';

export interface TruncationCounts {
  prompt: number;
  chosen: number;
  rejected: number;
  response: number;
}

export interface RowContext {
  readonly source: SourceRef;
  /** File name without folders, for default ids `${base}:${line}`. */
  readonly base: string;
  readonly maxChars: number;
  readonly overLong: 'skip' | 'truncate';
  readonly truncated: TruncationCounts;
  skip(field: string | undefined, reason: SkipReason, detail: string): void;
  /** Counts the row as a non-pair row of this kind (a labelled row whose label is a tie); `label` is tallied for the notes. */
  count(kind: NonPairRowKind, label?: string): void;
}

/** Marks a row (or one element of it) as unusable; the SkippedRow has already been recorded. */
export const SKIPPED = Symbol('skipped');
export type Checked<T> = T | typeof SKIPPED;

/**
 * Validates one text field: present, a string, not blank, within maxChars (or cut to it when overLong is
 * 'truncate'; the cut is counted under `side`). Records a SkippedRow and returns SKIPPED otherwise.
 */
export function checkText(
  ctx: RowContext,
  field: string,
  value: unknown,
  side: TextSide,
  opts: { allowEmpty?: boolean } = {},
): Checked<string> {
  const text = requireString(ctx, field, value, opts);
  return text === SKIPPED ? SKIPPED : limitLength(ctx, field, text, side);
}

/** Present, a string, and (unless allowEmpty) not blank; no length policy. */
export function requireString(ctx: RowContext, field: string, value: unknown, opts: { allowEmpty?: boolean } = {}): Checked<string> {
  if (value === undefined || value === null) {
    ctx.skip(field, 'missing-field', value === null ? 'null' : 'absent');
    return SKIPPED;
  }
  if (typeof value !== 'string') {
    ctx.skip(field, 'not-a-string', `${typeName(value)}`);
    return SKIPPED;
  }
  if (!opts.allowEmpty && value.trim() === '') {
    ctx.skip(field, 'empty-field', value === '' ? 'empty string' : 'only whitespace');
    return SKIPPED;
  }
  return value;
}

/** Applies the maxChars policy to a text that is already known to be a string. */
export function limitLength(ctx: RowContext, field: string, text: string, side: TextSide): Checked<string> {
  if (text.length <= ctx.maxChars) return text;
  if (ctx.overLong === 'truncate') {
    ctx.truncated[side]++;
    return text.slice(0, ctx.maxChars);
  }
  ctx.skip(field, 'too-long', `${text.length} chars > maxChars ${ctx.maxChars}`);
  return SKIPPED;
}

/** A numeric field: absent → undefined; a finite number (or numeric string) → the number; else SKIPPED as 'bad-label'. */
export function checkNumber(ctx: RowContext, field: string, value: unknown): Checked<number | undefined> {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (n === Infinity || n === -Infinity) {
    // JSON.parse reads 1e999 as Infinity (and JSON.stringify would print it as null).
    ctx.skip(
      field,
      'bad-label',
      `number out of range (${typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : 'beyond ±1.8e308, e.g. 1e999'}): not a finite 64-bit number`,
    );
    return SKIPPED;
  }
  if (!Number.isFinite(n)) {
    ctx.skip(field, 'bad-label', `expected a number, got ${JSON.stringify(value)?.slice(0, 40) ?? typeName(value)}`);
    return SKIPPED;
  }
  return n;
}

/** The row's own id (string or number field `id`), else `${base}:${line}`. */
export function rowId(ctx: RowContext, record: Record<string, unknown>): string {
  const id = record.id;
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  return `${ctx.base}:${ctx.source.line}`;
}

/** Reads a field by name, or by a dotted path ("conversations.0.value") when the name itself is absent. */
export function getField(record: Record<string, unknown>, key: string): unknown {
  if (key in record) return record[key];
  if (!key.includes('.')) return undefined;
  let cur: unknown = record;
  for (const part of key.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
