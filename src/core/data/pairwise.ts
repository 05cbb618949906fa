// Row → PreferencePair for the pairwise schemas (TRL, HH-RLHF, UltraFeedback/Argilla, Skywork, RewardBench,
// LLMBar, custom mapping). One function per schema; the shared steps (text-or-messages sides, the length policy,
// the identical check) live here once so the file loader and the editor-text loader behave the same.

import type { ChatMessage, FieldMapping, PreferencePair } from '../types';
import { PAIR_GROUP_KEYS, pickGroups } from './groups';
import { splitHH, isHHTranscript } from './hh';
import { isMessageList, renderMessages, renderResponse, splitConversations, toMessages, typeName } from './messages';
import { checkNumber, getField, limitLength, requireString, rowId, SKIPPED, type RowContext } from './rowContext';

export type EmitPair = (pair: PreferencePair) => void;
type Row = Record<string, unknown>;

/** Finishes a pair: length policy on each side, the identical check, then emit. */
export function emitPair(
  ctx: RowContext,
  emit: EmitPair,
  p: {
    id: string;
    prompt: string;
    chosen: string;
    rejected: string;
    groups: Record<string, string>;
    margin?: number;
    messages?: PreferencePair['messages'];
    item?: PreferencePair['item'];
  },
  fields: { prompt: string; chosen: string; rejected: string },
): void {
  const prompt = limitLength(ctx, fields.prompt, p.prompt, 'prompt');
  if (prompt === SKIPPED) return;
  const chosen = limitLength(ctx, fields.chosen, p.chosen, 'chosen');
  if (chosen === SKIPPED) return;
  const rejected = limitLength(ctx, fields.rejected, p.rejected, 'rejected');
  if (rejected === SKIPPED) return;
  if (chosen === rejected) {
    ctx.skip(undefined, 'identical', `${fields.chosen} and ${fields.rejected} are the same text`);
    return;
  }
  // Turns are kept only while the texts are untouched: a length-truncated text no longer matches its messages.
  const intact = p.messages && prompt === p.prompt && chosen === p.chosen && rejected === p.rejected;
  emit({
    id: p.id,
    prompt,
    chosen,
    rejected,
    groups: p.groups,
    ...(p.margin !== undefined ? { margin: p.margin } : {}),
    ...(intact ? { messages: p.messages } : {}),
    ...(p.item ? { item: p.item } : {}),
    source: ctx.source,
  });
}

/** Skips a row that has none of the schema's fields, naming what it does have. Returns true when skipped. */
export function unrecognised(ctx: RowContext, row: Row, keys: readonly string[], schema: string): boolean {
  if (keys.some((k) => getField(row, k) !== undefined)) return false;
  ctx.skip(
    undefined,
    'unrecognised',
    `no ${keys.join('/')} field for ${schema}; row has ${Object.keys(row).slice(0, 8).join(', ') || 'no fields'}`,
  );
  return true;
}

type SideKeys = { prompt: string; chosen: string; rejected: string };
type Sides = { prompt: string; chosen: string; rejected: string; messages?: PreferencePair['messages'] };

/**
 * Reads prompt/chosen/rejected that are either strings or message lists. Message lists share their prompt
 * prefix: the prompt is that prefix (or the explicit prompt) and each response is what follows it.
 */
export function readSides(ctx: RowContext, row: Row, keys: SideKeys, promptRequired: boolean): Sides | typeof SKIPPED {
  const rawPrompt = getField(row, keys.prompt);
  const rawChosen = getField(row, keys.chosen);
  const rawRejected = getField(row, keys.rejected);
  if (promptRequired && (rawPrompt === undefined || rawPrompt === null)) return skipped(ctx, keys.prompt, 'missing-field', 'absent');
  if (Array.isArray(rawChosen) || Array.isArray(rawRejected)) return readMessageSides(ctx, keys, rawPrompt, rawChosen, rawRejected);
  return readTextSides(ctx, keys, promptRequired, rawPrompt, rawChosen, rawRejected);
}

/** Sides where chosen or rejected is a message list: both must be, and the shared turns become the prompt. */
function readMessageSides(
  ctx: RowContext,
  keys: SideKeys,
  rawPrompt: unknown,
  rawChosen: unknown,
  rawRejected: unknown,
): Sides | typeof SKIPPED {
  for (const [k, v] of [
    [keys.chosen, rawChosen],
    [keys.rejected, rawRejected],
  ] as const) {
    if (v === undefined || v === null) return skipped(ctx, k, 'missing-field', v === null ? 'null' : 'absent');
    if (!isMessageList(v)) return skipped(ctx, k, 'not-a-string', `${typeName(v)} that is not a message list [{role, content}]`);
  }
  const chosen = toMessages(rawChosen as unknown[]);
  if (!Array.isArray(chosen)) return skipped(ctx, keys.chosen, chosen.reason, chosen.detail);
  const rejected = toMessages(rawRejected as unknown[]);
  if (!Array.isArray(rejected)) return skipped(ctx, keys.rejected, rejected.reason, rejected.detail);
  const promptMsgs = promptTurnsOf(ctx, keys, rawPrompt);
  if (promptMsgs === SKIPPED) return SKIPPED;
  const split = splitConversations(promptMsgs, chosen, rejected);
  const prompt = typeof rawPrompt === 'string' ? rawPrompt : renderMessages(split.prompt);
  const c = requireString(ctx, keys.chosen, renderResponse(split.chosen));
  if (c === SKIPPED) return SKIPPED;
  const r = requireString(ctx, keys.rejected, renderResponse(split.rejected));
  if (r === SKIPPED) return SKIPPED;
  return { prompt, chosen: c, rejected: r, messages: { prompt: split.prompt, chosen: split.chosen, rejected: split.rejected } };
}

/** The explicit prompt of message-list sides as turns: a message list, a non-empty string as one user turn, or none. */
function promptTurnsOf(ctx: RowContext, keys: SideKeys, rawPrompt: unknown): ChatMessage[] | undefined | typeof SKIPPED {
  if (isMessageList(rawPrompt)) {
    const m = toMessages(rawPrompt);
    if (!Array.isArray(m)) return skipped(ctx, keys.prompt, m.reason, m.detail);
    return m;
  }
  if (typeof rawPrompt === 'string' && rawPrompt !== '') return [{ role: 'user', content: rawPrompt }];
  if (rawPrompt !== undefined && rawPrompt !== null && typeof rawPrompt !== 'string')
    return skipped(ctx, keys.prompt, 'not-a-string', typeName(rawPrompt));
  return undefined;
}

/** Sides where chosen and rejected are strings; a message-list prompt is rendered and kept as turns. */
function readTextSides(
  ctx: RowContext,
  keys: SideKeys,
  promptRequired: boolean,
  rawPrompt: unknown,
  rawChosen: unknown,
  rawRejected: unknown,
): Sides | typeof SKIPPED {
  let prompt = '';
  let promptTurns: ChatMessage[] | undefined;
  if (isMessageList(rawPrompt)) {
    const m = toMessages(rawPrompt);
    if (!Array.isArray(m)) return skipped(ctx, keys.prompt, m.reason, m.detail);
    prompt = renderMessages(m);
    promptTurns = m;
  } else if (rawPrompt !== undefined && rawPrompt !== null) {
    const p = requireString(ctx, keys.prompt, rawPrompt, { allowEmpty: !promptRequired });
    if (p === SKIPPED) return SKIPPED;
    prompt = p;
  }
  const chosen = requireString(ctx, keys.chosen, rawChosen);
  if (chosen === SKIPPED) return SKIPPED;
  const rejected = requireString(ctx, keys.rejected, rawRejected);
  if (rejected === SKIPPED) return SKIPPED;
  if (!promptTurns) return { prompt, chosen, rejected };
  const reply = (content: string) => [{ role: 'assistant', content }];
  return { prompt, chosen, rejected, messages: { prompt: promptTurns, chosen: reply(chosen), rejected: reply(rejected) } };
}

function skipped(ctx: RowContext, field: string, reason: Parameters<RowContext['skip']>[1], detail: string): typeof SKIPPED {
  ctx.skip(field, reason, detail);
  return SKIPPED;
}

const STD = { prompt: 'prompt', chosen: 'chosen', rejected: 'rejected' } as const;

/** TRL pairwise: prompt?, chosen, rejected (strings or message lists), optional numeric margin. */
export function trlRow(ctx: RowContext, row: Row, emit: EmitPair): void {
  if (unrecognised(ctx, row, ['chosen', 'rejected'], 'TRL pairwise')) return;
  const sides = readSides(ctx, row, STD, false);
  if (sides === SKIPPED) return;
  const margin = checkNumber(ctx, 'margin', row.margin);
  if (margin === SKIPPED) return;
  emitPair(ctx, emit, { id: rowId(ctx, row), ...sides, groups: pickGroups(row, PAIR_GROUP_KEYS), margin }, STD);
}

/** HH-RLHF: full transcripts; the prompt is the shared dialogue up to the last shared "\n\nAssistant:". */
export function hhRow(ctx: RowContext, row: Row, emit: EmitPair): void {
  if (unrecognised(ctx, row, ['chosen', 'rejected'], 'HH-RLHF')) return;
  const chosen = requireString(ctx, 'chosen', row.chosen);
  if (chosen === SKIPPED) return;
  const rejected = requireString(ctx, 'rejected', row.rejected);
  if (rejected === SKIPPED) return;
  if (!isHHTranscript(chosen))
    return void ctx.skip('chosen', 'unrecognised', 'not an HH transcript (no "\\n\\nHuman:" … "\\n\\nAssistant:" turns)');
  const split = splitHH(chosen, rejected);
  if (typeof split === 'string') return void ctx.skip(undefined, 'unrecognised', split);
  emitPair(ctx, emit, { id: rowId(ctx, row), ...split, groups: pickGroups(row, PAIR_GROUP_KEYS) }, STD);
}

const SCORE_CHOSEN = ['score_chosen', 'score-chosen', 'chosen_score', 'chosen-score', 'chosen_rating', 'chosen-rating'];
const SCORE_REJECTED = ['score_rejected', 'score-rejected', 'rejected_score', 'rejected-score', 'rejected_rating', 'rejected-rating'];

/** The first of `keys` present in the row. */
export function firstKey(row: Row, keys: readonly string[]): string | undefined {
  return keys.find((k) => row[k] !== undefined && row[k] !== null);
}

/** UltraFeedback binarized and Argilla's hyphenated variant: margin = score_chosen − score_rejected. */
export function ultrafeedbackRow(ctx: RowContext, row: Row, emit: EmitPair): void {
  if (unrecognised(ctx, row, ['chosen', 'rejected'], 'UltraFeedback')) return;
  const sides = readSides(ctx, row, STD, false);
  if (sides === SKIPPED) return;
  const kc = firstKey(row, SCORE_CHOSEN);
  const kr = firstKey(row, SCORE_REJECTED);
  const sc = kc ? checkNumber(ctx, kc, row[kc]) : undefined;
  if (sc === SKIPPED) return;
  const sr = kr ? checkNumber(ctx, kr, row[kr]) : undefined;
  if (sr === SKIPPED) return;
  const margin = sc !== undefined && sr !== undefined ? sc - sr : undefined;
  emitPair(ctx, emit, { id: rowId(ctx, row), ...sides, groups: pickGroups(row, PAIR_GROUP_KEYS), margin }, STD);
}

/** Skywork preference: chosen/rejected message lists that share the user turn(s); `source` is the group. */
export function skyworkRow(ctx: RowContext, row: Row, emit: EmitPair): void {
  trlRow(ctx, row, emit);
}

/** RewardBench-style rows (also XSTest derived_pairs.jsonl): strings plus subset/model groups. */
export function rewardbenchRow(ctx: RowContext, row: Row, emit: EmitPair): void {
  if (unrecognised(ctx, row, ['chosen', 'rejected'], 'RewardBench')) return;
  const sides = readSides(ctx, row, STD, false);
  if (sides === SKIPPED) return;
  emitPair(ctx, emit, { id: rowId(ctx, row), ...sides, groups: pickGroups(row, PAIR_GROUP_KEYS) }, STD);
}

/** LLMBar: input, output_1, output_2, label ∈ {1, 2} naming the better output. */
export function llmbarRow(ctx: RowContext, row: Row, emit: EmitPair): void {
  if (unrecognised(ctx, row, ['output_1', 'output_2'], 'LLMBar')) return;
  const label = row.label;
  if (label === undefined || label === null) return void ctx.skip('label', 'missing-field', 'absent');
  const l = typeof label === 'string' ? label.trim() : label;
  if (l !== 1 && l !== 2 && l !== '1' && l !== '2')
    return void ctx.skip('label', 'bad-label', `expected 1 or 2, got ${JSON.stringify(label)}`);
  const prompt = requireString(ctx, 'input', row.input);
  if (prompt === SKIPPED) return;
  const o1 = requireString(ctx, 'output_1', row.output_1);
  if (o1 === SKIPPED) return;
  const o2 = requireString(ctx, 'output_2', row.output_2);
  if (o2 === SKIPPED) return;
  const first = l === 1 || l === '1';
  emitPair(
    ctx,
    emit,
    { id: rowId(ctx, row), prompt, chosen: first ? o1 : o2, rejected: first ? o2 : o1, groups: pickGroups(row, PAIR_GROUP_KEYS) },
    { prompt: 'input', chosen: first ? 'output_1' : 'output_2', rejected: first ? 'output_2' : 'output_1' },
  );
}

/** A user-given mapping: the named keys (dotted paths allowed); a named key missing from a row skips it. */
export function customRow(mapping: FieldMapping): (ctx: RowContext, row: Row, emit: EmitPair) => void {
  const keys = { prompt: mapping.prompt ?? 'prompt', chosen: mapping.chosen ?? 'chosen', rejected: mapping.rejected ?? 'rejected' };
  return (ctx, row, emit) => {
    const sides = readSides(ctx, row, keys, mapping.prompt !== undefined);
    if (sides === SKIPPED) return;
    const margin = checkNumber(ctx, 'margin', row.margin);
    if (margin === SKIPPED) return;
    emitPair(ctx, emit, { id: rowId(ctx, row), ...sides, groups: pickGroups(row, PAIR_GROUP_KEYS), margin }, keys);
  };
}
