// Human-readable reports of skipped rows, for the CLI, the output channel and test messages.

import type { SkippedRow, SkipReason } from '../types';
import { baseName } from './normalize';

/** One line per skipped row: `data.jsonl:17: field "chosen": empty-field (empty string)`. */
export function formatSkippedRow(s: SkippedRow): string {
  return `${baseName(s.file)}:${s.line}: ${s.field !== undefined ? `field "${s.field}": ` : ''}${s.reason} (${s.detail})`;
}

/** Counts per reason, most frequent first. */
export function countSkipped(skipped: readonly SkippedRow[]): [SkipReason, number][] {
  const counts = new Map<SkipReason, number>();
  for (const s of skipped) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}

/**
 * The first `max` skipped rows, one per line, then "… and N more", then a summary such as
 * `skipped 3 rows: 2 empty-field, 1 malformed`. Empty string when nothing was skipped.
 */
export function formatSkipped(skipped: readonly SkippedRow[], max = 20): string {
  if (skipped.length === 0) return '';
  const lines = skipped.slice(0, max).map(formatSkippedRow);
  if (skipped.length > max) lines.push(`… and ${skipped.length - max} more`);
  const summary = countSkipped(skipped)
    .map(([r, n]) => `${n} ${r}`)
    .join(', ');
  lines.push(`skipped ${skipped.length} row${skipped.length === 1 ? '' : 's'}: ${summary}`);
  return lines.join('\n');
}
