// What the rows of each schema family are, declared once: which families carry several responses per prompt, which
// have no pairs at all, and what a row without a pair counts as. The builder's accounting, the head description and
// the editor's chunking all read these lists.
import type { DatasetFormat, NonPairRowKind } from '../types';

/** What a record is when it fits nothing richer: they win detection only when no sampled record fits more. */
export const FALLBACK_FORMATS: readonly DatasetFormat[] = ['prompts', 'responses'];

/** Families whose prompts have several scored or ranked responses (read into MultiResponseGroups). */
export const MULTI_RESPONSE_FORMATS: readonly DatasetFormat[] = [
  'multi-long',
  'multi-wide',
  'ultrafeedback-raw',
  'nectar',
  'helpsteer2',
  'ppe-correctness',
];

/** What a row of a format without pairs is, for the accounting. Pairwise formats have none: their rows pair or skip. */
export const NON_PAIR_KIND: Partial<Record<DatasetFormat, NonPairRowKind>> = {
  prompts: 'prompt-only',
  responses: 'response-only',
  'multi-long': 'scored-response',
  'multi-wide': 'multi-response',
  helpsteer2: 'scored-response',
  'ultrafeedback-raw': 'multi-response',
  nectar: 'multi-response',
  'ppe-correctness': 'multi-response',
};

/**
 * True for families with one row per response, merged by prompt across the whole file (so a chunk of the file
 * cannot be parsed on its own).
 */
export function isOneRowPerResponse(format: DatasetFormat | undefined): boolean {
  const kind = format ? NON_PAIR_KIND[format] : undefined;
  return kind === 'scored-response' || kind === 'response-only';
}
