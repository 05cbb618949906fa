// Tokenises pairs once, up front, and reports truncation (which side, how many) instead of hiding it.
import { encodePair, type Vocabulary } from '../core/tokenize';
import type { PreferencePair } from '../core/types';

export interface EncodedPairs {
  readonly chosen: readonly Int32Array[];
  readonly rejected: readonly Int32Array[];
  /** Response lengths in tokens after truncation (length-bias diagnostics). */
  readonly lenChosen: readonly number[];
  readonly lenRejected: readonly number[];
  readonly truncation: {
    readonly promptCut: number;
    readonly responseCut: number;
    readonly promptTokensDropped: number;
    readonly responseTokensDropped: number;
  };
}

export function encodePairs(vocab: Vocabulary, pairs: readonly PreferencePair[], maxLen: number): EncodedPairs {
  const chosen: Int32Array[] = [];
  const rejected: Int32Array[] = [];
  const lenChosen: number[] = [];
  const lenRejected: number[] = [];
  let promptCut = 0,
    responseCut = 0,
    promptTokensDropped = 0,
    responseTokensDropped = 0;
  for (const p of pairs) {
    for (const [text, seqs, lens] of [
      [p.chosen, chosen, lenChosen],
      [p.rejected, rejected, lenRejected],
    ] as const) {
      const e = encodePair(vocab, p.prompt, text, maxLen);
      seqs.push(e.ids);
      lens.push(e.responseTokens);
      if (e.promptTruncated > 0) {
        promptCut++;
        promptTokensDropped += e.promptTruncated;
      }
      if (e.responseTruncated > 0) {
        responseCut++;
        responseTokensDropped += e.responseTruncated;
      }
    }
  }
  return { chosen, rejected, lenChosen, lenRejected, truncation: { promptCut, responseCut, promptTokensDropped, responseTokensDropped } };
}

export function describeTruncation(t: EncodedPairs['truncation'], sequences: number): string {
  if (t.promptCut === 0 && t.responseCut === 0) return `no truncation (${sequences} sequences)`;
  return (
    `truncated ${t.promptCut}/${sequences} prompts (from the left, ${t.promptTokensDropped} tokens) and ` +
    `${t.responseCut}/${sequences} responses (from the right, ${t.responseTokensDropped} tokens) to fit maxLen`
  );
}
