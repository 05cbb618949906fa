// Chat message lists (TRL conversational format, UltraFeedback, Skywork): validation, rendering, and
// splitting a chosen/rejected conversation pair into a shared prompt and the two final responses.

import type { ChatMessage } from '../types';

/** True when the value looks like a message list: a non-empty array of objects that carry a `role`. */
export function isMessageList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value) && value.length > 0 && value.every((m) => typeof m === 'object' && m !== null && 'role' in m);
}

/** Why a message list could not be read, for a SkippedRow detail. */
export interface MessageProblem {
  readonly reason: 'not-a-string' | 'empty-field' | 'missing-field';
  readonly detail: string;
}

/**
 * Reads a message list. `content` may be a string or OpenAI-style parts [{type:'text', text}], whose text parts
 * are joined. Returns the messages, or the first problem found.
 */
export function toMessages(value: readonly unknown[]): ChatMessage[] | MessageProblem {
  const out: ChatMessage[] = [];
  for (let i = 0; i < value.length; i++) {
    const m = value[i] as Record<string, unknown>;
    if (typeof m !== 'object' || m === null) return { reason: 'not-a-string', detail: `message ${i} is ${typeName(m)}, not an object` };
    if (typeof m.role !== 'string') return { reason: 'missing-field', detail: `message ${i} has no string "role"` };
    const content = contentText(m.content);
    if (content === undefined) return { reason: 'not-a-string', detail: `message ${i} content is ${typeName(m.content)}` };
    out.push({ role: m.role, content });
  }
  return out;
}

function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const texts = content.map((p) =>
      typeof p === 'string'
        ? p
        : typeof p === 'object' && p !== null && typeof (p as { text?: unknown }).text === 'string'
          ? (p as { text: string }).text
          : undefined,
    );
    return texts.every((t) => t !== undefined) ? texts.join('') : undefined;
  }
  return undefined;
}

const ROLE_NAMES: Readonly<Record<string, string>> = {
  user: 'User',
  assistant: 'Assistant',
  system: 'System',
  human: 'User',
  gpt: 'Assistant',
  tool: 'Tool',
};

/**
 * Renders messages as plain text for tokenisation. A single user message is its content (so that a TRL
 * conversational prompt and a plain-string prompt give the same text); otherwise "Role: content" blocks
 * separated by blank lines.
 *
 * @example renderMessages([{ role: 'user', content: 'Hi' }]) === 'Hi'
 * @example renderMessages([{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'Hi' }]) === 'System: Be brief\n\nUser: Hi'
 */
export function renderMessages(messages: readonly ChatMessage[]): string {
  if (messages.length === 1 && messages[0]!.role === 'user') return messages[0]!.content;
  return messages.map((m) => `${ROLE_NAMES[m.role] ?? m.role}: ${m.content}`).join('\n\n');
}

/** The response side of a conversation: a lone assistant turn is its content, anything else is rendered. */
export function renderResponse(messages: readonly ChatMessage[]): string {
  if (messages.length === 1 && messages[0]!.role === 'assistant') return messages[0]!.content;
  return renderMessages(messages);
}

/** Number of leading messages two lists share (same role and content). */
export function sharedPrefixLength(a: readonly ChatMessage[], b: readonly ChatMessage[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n]!.role === b[n]!.role && a[n]!.content === b[n]!.content) n++;
  return n;
}

/**
 * Splits chosen/rejected conversations into prompt + responses. When `prompt` messages are given and both sides
 * start with them, they are stripped; otherwise the longest shared prefix is the prompt, but never the whole of
 * either side (each side keeps at least its final message as the response).
 */
export function splitConversations(
  prompt: readonly ChatMessage[] | undefined,
  chosen: readonly ChatMessage[],
  rejected: readonly ChatMessage[],
): { prompt: ChatMessage[]; chosen: ChatMessage[]; rejected: ChatMessage[] } {
  let shared = sharedPrefixLength(chosen, rejected);
  shared = Math.min(shared, chosen.length - 1, rejected.length - 1);
  if (prompt && prompt.length > 0) {
    // An explicit prompt that both sides repeat is stripped; when the sides do not repeat it, the prompt
    // stands alone and the lists are the responses (TRL's explicit-prompt conversational format).
    const p = Math.min(sharedPrefixLength(prompt, chosen), sharedPrefixLength(prompt, rejected));
    const strip = p === prompt.length ? Math.min(p, chosen.length - 1, rejected.length - 1) : 0;
    return { prompt: [...prompt], chosen: chosen.slice(strip), rejected: rejected.slice(strip) };
  }
  shared = Math.max(shared, 0);
  return { prompt: chosen.slice(0, shared), chosen: chosen.slice(shared), rejected: rejected.slice(shared) };
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
