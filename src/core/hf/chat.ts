// How a pair is fed to a Hugging Face reward model, the way RewardBench scores it: through the model's chat template
// when it has one (the prompt as user turn(s), the response as the final assistant turn), rendered with
// @huggingface/jinja and tokenized without adding special tokens (what apply_chat_template(tokenize=True) does, so
// a template that writes its own BOS gets exactly one). Without a template: the HH-RLHF transcript
// ("\n\nHuman: …\n\nAssistant: …") with the tokenizer's own special tokens.
//
// Truncation to maxTokens is never silent: the prompt is cut from the left first (earliest turns' text first), then
// the response from the right; the template's framing is kept, so the scored token is still the end of the turn.
import { Template } from '@huggingface/jinja';
import { isHHTranscript } from '../data/hh';
import type { ChatMessage, PreferencePair } from '../types';
import type { HfTokenizer } from './tokenizer';

export interface EncodedConversation {
  readonly ids: number[];
  /** Tokens of the scored (final) response after truncation, for the length-bias diagnostics. */
  readonly responseTokens: number;
  readonly promptTokensDropped: number;
  readonly responseTokensDropped: number;
}

const ROLE_ALIASES: Readonly<Record<string, string>> = { human: 'user', gpt: 'assistant', bot: 'assistant', model: 'assistant' };

/** Message lists from the data, with ShareGPT-style role names mapped to user/assistant. */
export function normaliseRoles(messages: readonly ChatMessage[]): ChatMessage[] {
  return messages.map((m) => ({ role: ROLE_ALIASES[m.role] ?? m.role, content: m.content }));
}

/** Splits an HH transcript prompt ("\n\nHuman: a\n\nAssistant: b\n\nHuman: c\n\nAssistant:") into its turns. */
export function hhTurns(prompt: string): ChatMessage[] {
  const parts = prompt.split(/\n\n(Human|Assistant):/);
  const out: ChatMessage[] = [];
  const head = parts[0]!.replace(/^Human:/, '').trim();
  if (head) out.push({ role: 'user', content: head });
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const content = parts[i + 1]!.trim();
    if (content) out.push({ role: parts[i] === 'Human' ? 'user' : 'assistant', content });
  }
  return out;
}

/** The prompt of a pair or group as messages: its own turns when the data had them, else one user turn. */
export function promptMessages(prompt: string, messages?: readonly ChatMessage[]): ChatMessage[] {
  if (messages) return normaliseRoles(messages);
  if (isHHTranscript(prompt)) return hhTurns(prompt);
  return prompt ? [{ role: 'user', content: prompt }] : [];
}

/**
 * A pair as turns: the prompt's (its own message list, or the text as user turn(s)) and each side's (its own
 * messages, or the response as one assistant turn). The TRL export writes exactly these (prompt/chosen/rejected).
 */
export function pairTurns(pair: PreferencePair): { prompt: ChatMessage[]; chosen: ChatMessage[]; rejected: ChatMessage[] } {
  const side = (text: string, msgs?: readonly ChatMessage[]) => (msgs ? normaliseRoles(msgs) : [{ role: 'assistant', content: text }]);
  return {
    prompt: promptMessages(pair.prompt, pair.messages?.prompt),
    chosen: side(pair.chosen, pair.messages?.chosen),
    rejected: side(pair.rejected, pair.messages?.rejected),
  };
}

/** The two conversations a pair is scored as: the prompt's turns, then each side's. */
export function pairConversations(pair: PreferencePair): { chosen: ChatMessage[]; rejected: ChatMessage[] } {
  const t = pairTurns(pair);
  return { chosen: [...t.prompt, ...t.chosen], rejected: [...t.prompt, ...t.rejected] };
}

const TRANSCRIPT_ROLE: Readonly<Record<string, string>> = { user: 'Human', assistant: 'Assistant', system: 'System' };

/** The HH-RLHF transcript of a conversation (the fallback input format). */
export function transcript(messages: readonly ChatMessage[]): string {
  return messages.map((m) => `\n\n${TRANSCRIPT_ROLE[m.role] ?? m.role}: ${m.content}`).join('');
}

export class ChatFormatter {
  private readonly template?: Template;

  constructor(
    private readonly tok: HfTokenizer,
    opts: { readonly useTemplate?: boolean } = {},
  ) {
    if (tok.chatTemplate && opts.useTemplate !== false) this.template = new Template(tok.chatTemplate.source);
  }

  get usesTemplate(): boolean {
    return this.template !== undefined;
  }

  /** The exact text the tokenizer sees for a conversation. */
  render(messages: readonly ChatMessage[]): string {
    if (!this.template) return transcript(messages);
    const s = this.tok.special;
    return this.template.render({
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      add_generation_prompt: false,
      bos_token: s.bos ?? '',
      eos_token: s.eos ?? '',
      pad_token: s.pad ?? '',
      unk_token: s.unk ?? '',
    });
  }

  ids(messages: readonly ChatMessage[]): number[] {
    return this.tok.encode(this.render(messages), !this.template);
  }

  /** Token ids of a conversation whose last message is the scored response, truncated to maxTokens if needed. */
  encode(messages: readonly ChatMessage[], maxTokens: number): EncodedConversation {
    const conv = messages.map((m) => ({ ...m }));
    const last = conv.length - 1;
    const responseLength = () => this.tok.encode(conv[last]!.content, false).length;
    let ids = this.ids(conv);
    const full = { response: responseLength() };
    let promptDropped = 0;
    // 1) The prompt, from the left: the earliest non-system turn with text loses its leading tokens.
    for (let guard = 0; ids.length > maxTokens && guard < 64; guard++) {
      const i = conv.findIndex((m, k) => k < last && m.role !== 'system' && m.content.length > 0);
      if (i < 0) break;
      const before = ids.length;
      conv[i] = { ...conv[i]!, content: this.dropLeft(conv[i]!.content, ids.length - maxTokens) };
      ids = this.ids(conv);
      promptDropped += Math.max(0, before - ids.length);
    }
    // 2) Then the response, from the right.
    for (let guard = 0; ids.length > maxTokens && guard < 64 && conv[last]!.content.length > 0; guard++) {
      conv[last] = { ...conv[last]!, content: this.dropRight(conv[last]!.content, ids.length - maxTokens) };
      ids = this.ids(conv);
    }
    // 3) The framing alone is longer than maxTokens: keep the end, where the scored token is.
    if (ids.length > maxTokens) ids = ids.slice(ids.length - maxTokens);
    const response = responseLength();
    return { ids, responseTokens: response, promptTokensDropped: promptDropped, responseTokensDropped: full.response - response };
  }

  private dropLeft(text: string, tokens: number): string {
    const t = this.tok.encode(text, false);
    return tokens >= t.length ? '' : this.tok.decode(t.slice(tokens));
  }

  private dropRight(text: string, tokens: number): string {
    const t = this.tok.encode(text, false);
    return tokens >= t.length ? '' : this.tok.decode(t.slice(0, t.length - tokens));
  }
}
