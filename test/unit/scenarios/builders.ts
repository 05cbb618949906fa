// Builders for scenario tests: a synthetic multi-response dataset with prompt groups and named models.
import type { MultiResponseGroup, ScoredResponse } from '../../../src/core/types';

export interface SyntheticOptions {
  readonly groups?: readonly string[];
  readonly promptsPerGroup?: number;
  readonly models?: readonly string[];
  /** Leave the model id off every response. */
  readonly noModels?: boolean;
  /** Leave the group field off every prompt. */
  readonly noGroups?: boolean;
}

/** One word per gold rank, so every response also carries words the training vocabulary knows (held-out model names are unknown to it). */
const RANK_WORDS = ['awful', 'poor', 'weak', 'fair', 'decent', 'good', 'great', 'superb', 'perfect', 'ideal'];

/** Gold = a deterministic function of (prompt, model) with no ties within a prompt. */
export function synthetic(opts: SyntheticOptions = {}): MultiResponseGroup[] {
  const groups = opts.groups ?? ['alpha', 'beta', 'gamma', 'delta'];
  const models = opts.models ?? ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'];
  const per = opts.promptsPerGroup ?? 6;
  const out: MultiResponseGroup[] = [];
  let line = 1;
  for (const g of groups) {
    for (let i = 0; i < per; i++) {
      const id = `${g}-${i}`;
      const responses: ScoredResponse[] = models.map((m, k) => ({
        text: `${RANK_WORDS[((k * 7 + i * 3) % models.length) % RANK_WORDS.length]} answer of ${m} to ${id}`,
        gold: ((k * 7 + i * 3) % models.length) / models.length,
        ...(opts.noModels ? {} : { model: m }),
        source: { file: 'synthetic.jsonl', line: line, row: line++ - 1 },
      }));
      out.push({
        id,
        prompt: `Question ${id}: what is ${i} in ${g}?`,
        responses,
        groups: opts.noGroups ? {} : { dataset: g },
        source: { file: 'synthetic.jsonl', line, row: line - 1 },
      });
    }
  }
  return out;
}
