// HH-RLHF transcripts: chosen and rejected are whole dialogues that differ only in the final Assistant turn.

const ASSISTANT = '\n\nAssistant:';

/** True when the text is framed as an HH transcript (a Human turn and an Assistant turn). */
export function isHHTranscript(text: string): boolean {
  return (text.startsWith('Human:') || text.includes('\n\nHuman:')) && text.includes(ASSISTANT);
}

/**
 * Splits two transcripts into the shared prompt (everything up to and including the last "\n\nAssistant:" that
 * both share) and the two responses after it (leading whitespace dropped). Returns a reason string when the
 * transcripts diverge before any shared Assistant marker.
 *
 * @example splitHH('\n\nHuman: hi\n\nAssistant: a', '\n\nHuman: hi\n\nAssistant: b')
 *   // → { prompt: '\n\nHuman: hi\n\nAssistant:', chosen: 'a', rejected: 'b' }
 */
export function splitHH(chosen: string, rejected: string): { prompt: string; chosen: string; rejected: string } | string {
  let common = 0;
  const n = Math.min(chosen.length, rejected.length);
  while (common < n && chosen.charCodeAt(common) === rejected.charCodeAt(common)) common++;
  // The marker must end inside the common prefix; searching from `common` back finds the last shared one.
  const at = chosen.lastIndexOf(ASSISTANT, Math.max(0, common - ASSISTANT.length));
  if (at < 0 || at + ASSISTANT.length > common) return 'chosen and rejected share no "\\n\\nAssistant:" turn before they differ';
  const cut = at + ASSISTANT.length;
  return { prompt: chosen.slice(0, cut), chosen: chosen.slice(cut).trimStart(), rejected: rejected.slice(cut).trimStart() };
}
