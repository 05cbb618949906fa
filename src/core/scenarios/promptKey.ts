// The key under which prompts are deduplicated across scenario sets: helper "data"'s normalizePrompt
// (lower-case, collapse whitespace, trim; HH transcripts by their first Human turn), or the same rule on
// the whole text when a caller wants multi-turn prompts that share an opening kept apart.
import { normalizePrompt } from '../data/normalize';

export type PromptKeyMode = 'full' | 'first-turn';

/**
 * @example promptKey('\n\nHuman: Hi  THERE\n\nAssistant: yes', 'first-turn') // 'hi there'
 * @example promptKey('  Hello\n\tWorld ', 'full') // 'hello world'
 */
export function promptKey(prompt: string, mode: PromptKeyMode): string {
  return mode === 'first-turn' ? normalizePrompt(prompt) : prompt.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The default key (first Human turn for HH transcripts, the whole text otherwise). */
export function normalizePromptText(prompt: string): string {
  return normalizePrompt(prompt);
}
