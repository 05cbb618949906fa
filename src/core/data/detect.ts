// Schema detection: classify each of the first records, then take the majority. Checks run from the most
// specific schema to the most general, so a RewardBench row (which is also valid TRL) is called RewardBench.

import type { DatasetFormat } from '../types';
import { isHHTranscript } from './hh';
import { isMessageList } from './messages';
import { GOLD_KEYS, MODEL_KEYS, PROMPT_KEYS, RESPONSE_KEYS } from './multi';

type Row = Record<string, unknown>;

const has = (r: Row, k: string) => r[k] !== undefined && r[k] !== null;
const hasAny = (r: Row, ks: readonly string[]) => ks.some((k) => has(r, k));
const isText = (v: unknown) => typeof v === 'string';
const isTextOrMessages = (v: unknown) => typeof v === 'string' || isMessageList(v);
const isStringList = (v: unknown) => Array.isArray(v) && v.length >= 2 && v.every((x) => typeof x === 'string');

const FALLBACK_FORMATS: readonly DatasetFormat[] = ['prompts', 'responses'];

const SCORE_KEYS = ['score_chosen', 'score-chosen', 'chosen_score', 'chosen-score', 'chosen_rating', 'chosen-rating'];

/** The schema one record fits best, or undefined. */
export function classifyRecord(r: Row): DatasetFormat | undefined {
  if (has(r, 'output_1') && has(r, 'output_2') && has(r, 'label')) return 'llmbar';
  if (isStringList(r.chosen) && isStringList(r.rejected)) return 'rm-bench';
  if (Object.keys(r).some((k) => /^response_\d+_text$/.test(k)) && hasAny(r, PROMPT_KEYS)) return 'multi-wide';
  const pairwise = isTextOrMessages(r.chosen) && isTextOrMessages(r.rejected);
  // A record with a chosen or rejected field is a (possibly broken) pair, never a prompt-only row: its bad fields are
  // reported as skipped rows instead of the whole file being read as prompts with nothing skipped.
  if (!pairwise && ('chosen' in r || 'rejected' in r)) return 'trl-pairwise';
  if (pairwise) {
    if (hasAny(r, SCORE_KEYS)) return 'ultrafeedback';
    if (isMessageList(r.chosen) && has(r, 'source') && !has(r, 'prompt')) return 'skywork';
    if (isText(r.chosen) && hasAny(r, ['subset', 'chosen_model', 'rejected_model'])) return 'rewardbench';
    if (isText(r.chosen) && isHHTranscript(r.chosen as string) && !(typeof r.prompt === 'string' && r.prompt !== '')) return 'hh-rlhf';
    return 'trl-pairwise';
  }
  const prompt = hasAny(r, PROMPT_KEYS);
  const response = hasAny(r, RESPONSE_KEYS);
  if (prompt && response && hasAny(r, [...MODEL_KEYS, ...GOLD_KEYS])) return 'multi-long';
  if (prompt && response) return 'responses';
  if (prompt) return 'prompts';
  return undefined;
}

/**
 * The schema most of the sample records fit, or undefined when none fits. Records that are not objects are ignored.
 *
 * @example detectFormat([{ prompt: 'p', chosen: 'a', rejected: 'b' }]) === 'trl-pairwise'
 */
export function detectFormat(records: readonly unknown[]): DatasetFormat | undefined {
  const votes = new Map<DatasetFormat, number>();
  for (const r of records) {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) continue;
    const f = classifyRecord(r as Row);
    if (f) votes.set(f, (votes.get(f) ?? 0) + 1);
  }
  // Prompt-only and response-only are what a record is when it fits nothing richer (a pair with both sides missing
  // is a prompt too): they win only when no sampled record fits a richer schema.
  const rich = [...votes].filter(([f]) => !FALLBACK_FORMATS.includes(f));
  let best: DatasetFormat | undefined;
  let bestVotes = 0;
  for (const [f, v] of rich.length ? rich : votes) if (v > bestVotes) [best, bestVotes] = [f, v];
  return best;
}
