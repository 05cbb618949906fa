// Prompt keys for cross-dataset dedupe, and a small stable string hash for ids.
// The shared data overlaps (AlpacaEval ⊃ RM-Bench chat, HH helpful-base, FairEval; XSTest ⊃ RM-Bench safety),
// so prompt-disjoint splits must group by a key that ignores case, spacing and HH transcript framing.

const HUMAN = /(?:^|\n\n)Human:/;

/**
 * The dedupe key of a prompt: lower-case, whitespace collapsed, trimmed. For an HH-RLHF transcript
 * ("\n\nHuman: … \n\nAssistant: …") only the first Human turn counts, so the same question matches
 * across HH, AlpacaEval's helpful_base and RM-Bench.
 *
 * @example normalizePrompt('\n\nHuman: Hi  THERE\n\nAssistant: yes') === 'hi there'
 */
export function normalizePrompt(text: string): string {
  return firstHumanTurn(text).toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The first Human turn of an HH transcript, or the text unchanged when it is not one. */
export function firstHumanTurn(text: string): string {
  const m = HUMAN.exec(text);
  if (!m) return text;
  const start = m.index + m[0].length;
  const rest = text.slice(start);
  const end = rest.search(/\n\n(?:Assistant|Human):/);
  return end < 0 ? rest : rest.slice(0, end);
}

/**
 * cyrb53: a fast 53-bit string hash, returned as 14 hex digits. Not cryptographic; used for prompt ids
 * where the data has none (collisions among ~10^6 prompts are about 1 in 10^4).
 */
export function hashString(text: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const n = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return n.toString(16).padStart(14, '0');
}

/** The file name without its folders, for ids such as `data.jsonl:17` (works for / and \ paths). */
export function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i < 0 ? file : file.slice(i + 1);
}
