// Schema detection: classify each of the first records, then take the majority. Checks run from the most
// specific schema to the most general, so a RewardBench row (which is also valid TRL) is called RewardBench.

import type { DatasetFormat } from '../types';
import { isHHTranscript } from './hh';
import { isMessageList } from './messages';
import { AB_LABEL_KEYS, AB_PAIRS } from './labelled';
import { GOLD_KEYS, MODEL_KEYS, PROMPT_KEYS, RESPONSE_KEYS } from './multi';
import { HELPSTEER2_ATTRIBUTES } from './multiFamilies';
import { FALLBACK_FORMATS } from './families';

type Row = Record<string, unknown>;

const has = (r: Row, k: string) => r[k] !== undefined && r[k] !== null;
const hasAny = (r: Row, ks: readonly string[]) => ks.some((k) => has(r, k));
const isText = (v: unknown) => typeof v === 'string';
const isTextOrMessages = (v: unknown) => typeof v === 'string' || isMessageList(v);
const isStringList = (v: unknown) => Array.isArray(v) && v.length >= 2 && v.every((x) => typeof x === 'string');
const isTextList = (v: unknown) => Array.isArray(v) && v.length >= 1 && v.every((x) => typeof x === 'string');
const isList = (v: unknown) => Array.isArray(v);

const SCORE_KEYS = ['score_chosen', 'score-chosen', 'chosen_score', 'chosen-score', 'chosen_rating', 'chosen-rating'];

/** The rule each format is detected by, in words: inspect and the editor report it. */
export const DETECTION_RULES: Readonly<Record<DatasetFormat, string>> = {
  llmbar: 'LLMBar: output_1, output_2 and label (1 or 2)',
  'rewardbench-2': 'RewardBench 2: chosen[] and rejected[] lists with num_correct / num_incorrect / total_completions',
  'rm-bench': 'RM-Bench: chosen[] and rejected[] lists of style variants (no num_correct)',
  'pku-saferlhf': 'PKU-SafeRLHF: response_0, response_1 and better_response_id (or safer_response_id)',
  'chatbot-arena': 'Chatbot Arena conversations: conversation_a and conversation_b message lists, winner',
  helpsteer3: 'HelpSteer3-Preference: response1, response2 and a signed overall_preference (context as messages)',
  'helpsteer2-preference': 'HelpSteer2-Preference: response_1, response_2 and a signed preference_strength',
  'ppe-correctness': 'PPE correctness: a prompt, response_1…response_K and scores[] / is_correct[] per response',
  'ppe-human': 'PPE human preference: prompt, response_1, response_2 and winner',
  'ab-label': `A/B preference: a prompt (${['question', 'prompt', 'instruction', 'input'].join('/')}), two responses (response_A/B, response_a/b, answer_a/b, output_1/2, …) and a winner label (${AB_LABEL_KEYS.slice(0, 4).join('/')}, …)`,
  'ultrafeedback-raw': 'UltraFeedback raw: instruction and completions[] with annotations / fine-grained_score / overall_score',
  nectar: 'Nectar: prompt and answers[] with answer, model and rank (lower is better)',
  helpsteer2: `HelpSteer2: one row per response with prompt, response and the attributes ${HELPSTEER2_ATTRIBUTES.join(', ')}`,
  'multi-wide': 'multi-response (wide): a prompt with response_k_text fields and all_scores',
  ultrafeedback: 'UltraFeedback binarized: chosen, rejected and score_chosen / score_rejected',
  skywork: 'Skywork: chosen/rejected message lists with source and no prompt',
  rewardbench: 'RewardBench: prompt, chosen, rejected strings with subset / chosen_model / rejected_model',
  'hh-rlhf': 'HH-RLHF: chosen/rejected transcripts with "\n\nHuman:" / "\n\nAssistant:" turns',
  'trl-pairwise': 'TRL pairwise: prompt?, chosen, rejected (strings or message lists)',
  'multi-long': 'multi-response (long): one row per response with a prompt, the response, and a model, score or rank',
  responses: 'single responses: a prompt and a response without a preference',
  prompts: 'prompts only',
  custom: 'the field mapping',
};

/** Labelled two-response families, most specific first. */
function classifyLabelled(r: Row): DatasetFormat | undefined {
  if (has(r, 'response_0') && has(r, 'response_1') && hasAny(r, ['better_response_id', 'safer_response_id'])) return 'pku-saferlhf';
  if (has(r, 'conversation_a') && has(r, 'conversation_b')) return 'chatbot-arena';
  if (has(r, 'response1') && has(r, 'response2') && has(r, 'overall_preference')) return 'helpsteer3';
  if (has(r, 'response_1') && has(r, 'response_2') && has(r, 'preference_strength')) return 'helpsteer2-preference';
  if (hasAny(r, ['prompt', 'question']) && has(r, 'response_1') && (isList(r.scores) || isList(r.is_correct))) return 'ppe-correctness';
  if (has(r, 'prompt') && has(r, 'response_1') && has(r, 'response_2') && has(r, 'winner')) return 'ppe-human';
  if (AB_PAIRS.some(([a, b]) => has(r, a) && has(r, b)) && hasAny(r, AB_LABEL_KEYS)) return 'ab-label';
  return undefined;
}

/** Rows with several scored or ranked responses. */
function classifyMulti(r: Row): DatasetFormat | undefined {
  if (has(r, 'instruction') && isList(r.completions)) return 'ultrafeedback-raw';
  if (has(r, 'prompt') && isList(r.answers)) return 'nectar';
  if (has(r, 'prompt') && has(r, 'response') && HELPSTEER2_ATTRIBUTES.filter((k) => has(r, k)).length >= 3) return 'helpsteer2';
  if (Object.keys(r).some((k) => /^response_\d+_text$/.test(k)) && hasAny(r, PROMPT_KEYS)) return 'multi-wide';
  return undefined;
}

/** The schema one record fits best, or undefined. */
export function classifyRecord(r: Row): DatasetFormat | undefined {
  if (has(r, 'output_1') && has(r, 'output_2') && has(r, 'label') && has(r, 'input')) return 'llmbar';
  if (isTextList(r.chosen) && isTextList(r.rejected) && hasAny(r, ['num_correct', 'num_incorrect', 'total_completions']))
    return 'rewardbench-2';
  if (isStringList(r.chosen) && isStringList(r.rejected)) return 'rm-bench';
  const labelled = classifyLabelled(r) ?? classifyMulti(r);
  if (labelled) return labelled;
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
  if (prompt && response && hasAny(r, [...MODEL_KEYS, ...GOLD_KEYS, 'rank'])) return 'multi-long';
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
  return detectWithVotes(records)?.format;
}

/** The detected format, with how many of the sampled records fit it (for the report's detection line). */
export function detectWithVotes(records: readonly unknown[]): { format: DatasetFormat; votes: number; sampled: number } | undefined {
  let sampled = 0;
  const votes = new Map<DatasetFormat, number>();
  for (const r of records) {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) continue;
    sampled++;
    const f = classifyRecord(r as Row);
    if (f) votes.set(f, (votes.get(f) ?? 0) + 1);
  }
  // Prompt-only and response-only are what a record is when it fits nothing richer (a pair with both sides missing
  // is a prompt too): they win only when no sampled record fits a richer schema.
  const rich = [...votes].filter(([f]) => !FALLBACK_FORMATS.includes(f));
  let best: DatasetFormat | undefined;
  let bestVotes = 0;
  for (const [f, v] of rich.length ? rich : votes) if (v > bestVotes) [best, bestVotes] = [f, v];
  return best === undefined ? undefined : { format: best, votes: bestVotes, sampled };
}
