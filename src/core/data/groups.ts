// Grouping keys found in the data (subset, source, domain, models, …): they drive per-group accuracy and
// prompt-/response-OOD splits. Hyphenated spellings (Argilla's `chosen-model`) are folded to snake_case.

/** Row fields that become pair groups when present with a scalar value. */
export const PAIR_GROUP_KEYS: readonly string[] = [
  'subset',
  'source',
  'domain',
  'category',
  'split',
  'dataset',
  'type',
  'prompt_type',
  'chosen_model',
  'rejected_model',
  'generator',
  'language',
  'is_adversarial',
];

/** Prompt-level keys of multi-response rows (the response's own model and flags are kept per response). */
export const PROMPT_GROUP_KEYS: readonly string[] = [
  'subset',
  'source',
  'domain',
  'category',
  'split',
  'dataset',
  'type',
  'prompt_type',
  'language',
];

/** Keys tallied for files without pairs (responses-only and prompts-only), e.g. XSTest's type and labels. */
export const ROW_GROUP_KEYS: readonly string[] = ['type', 'label', 'final_label', 'subset', 'source', 'dataset', 'category', 'focus'];

/** Scalar value as a group label; undefined for absent, empty, or structured values. */
export function groupValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Collects the listed keys (also their hyphenated spelling) from a row. */
export function pickGroups(record: Record<string, unknown>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = groupValue(record[k] ?? record[k.replace(/_/g, '-')]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Adds one unit (a pair, a prompt, a row) to the per-key tallies. */
export function tally(into: Record<string, Record<string, number>>, groups: Readonly<Record<string, string>>): void {
  for (const [k, v] of Object.entries(groups)) {
    const t = (into[k] ??= {});
    t[v] = (t[v] ?? 0) + 1;
  }
}
