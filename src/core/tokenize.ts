// Text → model ids. Two layers:
//   1. BPE: OpenAI's cl100k_base through gpt-tokenizer (pure JS, bundles for node and the browser). Special-token
//      strings in user text (e.g. "<|endoftext|>") are encoded as plain text, never as control tokens.
//   2. Vocabulary: the ~100k BPE ids are compacted to the `maxVocab` most frequent ids of the training texts, so the
//      embedding table stays small. Ids 0..3 are reserved (PAD, UNK, SEP, EOS); unseen BPE ids map to UNK.
//
// Sequence layout (what the reward model reads): [prompt…][SEP][response…][EOS]. The reward is read at EOS.
//
// Memory: a bounded per-text cache (default 64 MiB by estimate) remembers BPE ids of texts already seen, because
// every prompt is tokenized twice (chosen and rejected) and every epoch re-reads the same texts. An entry is
// estimated at 2 bytes per character (the key) + 4 bytes per token + 64 bytes of overhead; the oldest entries are
// evicted first. setTokenCacheLimit(0) turns it off.
import { encode as cl100kEncode, decode as cl100kDecode, vocabularySize as cl100kSize } from 'gpt-tokenizer/encoding/cl100k_base';

/** The BPE the vocabulary was built over; stored in vocab.json and config.json. */
export const TOKENIZER_NAME = 'cl100k_base';

export const PAD = 0;
export const UNK = 1;
export const SEP = 2;
export const EOS = 3;
/** Number of reserved ids before the first BPE-derived id. */
export const NUM_SPECIAL = 4;
const SPECIAL_NAMES = ['<pad>', '<unk>', '<sep>', '<eos>'] as const;

// gpt-tokenizer throws on special-token strings unless told they are ordinary text.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

// ---------------------------------------------------------------------------------------------------------------
// BPE with a bounded cache

const ENTRY_OVERHEAD_BYTES = 64;
let cacheLimitBytes = 64 * 1024 * 1024;
let cacheBytes = 0;
const cache = new Map<string, Int32Array>();
let cacheHits = 0;
let cacheMisses = 0;

const entryBytes = (text: string, ids: Int32Array) => 2 * text.length + ids.byteLength + ENTRY_OVERHEAD_BYTES;

/** Caps the per-text BPE cache (bytes, by the estimate in the file header). 0 disables it and empties it. */
export function setTokenCacheLimit(bytes: number): void {
  cacheLimitBytes = Math.max(0, bytes);
  evictTo(cacheLimitBytes);
}

export function clearTokenCache(): void {
  cache.clear();
  cacheBytes = 0;
  cacheHits = 0;
  cacheMisses = 0;
}

export function tokenCacheStats(): { entries: number; bytes: number; limitBytes: number; hits: number; misses: number } {
  return { entries: cache.size, bytes: cacheBytes, limitBytes: cacheLimitBytes, hits: cacheHits, misses: cacheMisses };
}

function evictTo(limit: number): void {
  // Map iteration order is insertion order, so the first keys are the oldest.
  for (const [k, v] of cache) {
    if (cacheBytes <= limit) break;
    cache.delete(k);
    cacheBytes -= entryBytes(k, v);
  }
}

/**
 * The raw cl100k_base ids of a text (not compacted). Cached; the returned array is shared, do not modify it.
 * @example bpeEncode('hello world') // Int32Array [15339, 1917]
 */
export function bpeEncode(text: string): Int32Array {
  const hit = cache.get(text);
  if (hit) {
    cacheHits++;
    return hit;
  }
  cacheMisses++;
  const ids = Int32Array.from(cl100kEncode(text, PLAIN_TEXT));
  const size = entryBytes(text, ids);
  if (size <= cacheLimitBytes) {
    cache.set(text, ids);
    cacheBytes += size;
    evictTo(cacheLimitBytes);
  }
  return ids;
}

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary

export interface VocabularyJSON {
  readonly format: 'reward-lens-vocab';
  readonly version: 1;
  readonly tokenizer: string;
  /** Names of ids 0..NUM_SPECIAL-1. */
  readonly specials: readonly string[];
  /** Original BPE ids, in compact-id order: bpeIds[k] has compact id NUM_SPECIAL + k. */
  readonly bpeIds: readonly number[];
}

export class Vocabulary {
  /** Original BPE ids in compact order (compact id = NUM_SPECIAL + index). */
  readonly bpeIds: Int32Array;
  readonly tokenizer: string;
  private readonly toCompact = new Map<number, number>();

  constructor(bpeIds: ArrayLike<number>, tokenizer: string = TOKENIZER_NAME) {
    if (tokenizer !== TOKENIZER_NAME) throw new Error(`vocabulary: tokenizer "${tokenizer}" is not supported (only ${TOKENIZER_NAME})`);
    this.bpeIds = Int32Array.from(bpeIds);
    this.tokenizer = tokenizer;
    this.bpeIds.forEach((id, k) => {
      if (!Number.isInteger(id) || id < 0 || id >= cl100kSize)
        throw new Error(`vocabulary: bpeIds[${k}] is not a ${tokenizer} token id (${id})`);
      if (this.toCompact.has(id))
        throw new Error(`vocabulary: BPE id ${id} appears twice (bpeIds[${this.toCompact.get(id)! - NUM_SPECIAL}] and bpeIds[${k}])`);
      this.toCompact.set(id, NUM_SPECIAL + k);
    });
  }

  /** Total ids, specials included: the embedding table's row count (ModelConfig.vocabSize). */
  get size(): number {
    return NUM_SPECIAL + this.bpeIds.length;
  }

  /**
   * Keeps the `maxVocab - NUM_SPECIAL` most frequent BPE ids of `texts` (ties: smaller BPE id first, so the result
   * does not depend on the order of the texts).
   * @example Vocabulary.build(['a b', 'a c'], 6).size // 6: 4 specials + 'a' (2×) + ' b' (tie with ' c', smaller id)
   */
  static build(texts: Iterable<string>, maxVocab: number): Vocabulary {
    if (!Number.isInteger(maxVocab) || maxVocab <= NUM_SPECIAL) {
      throw new Error(`vocabulary: maxVocab must be an integer > ${NUM_SPECIAL} (the special ids), got ${maxVocab}`);
    }
    const counts = new Map<number, number>();
    for (const text of texts) for (const id of bpeEncode(text)) counts.set(id, (counts.get(id) ?? 0) + 1);
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    return new Vocabulary(ranked.slice(0, maxVocab - NUM_SPECIAL).map(([id]) => id));
  }

  toJSON(): VocabularyJSON {
    return {
      format: 'reward-lens-vocab',
      version: 1,
      tokenizer: this.tokenizer,
      specials: [...SPECIAL_NAMES],
      bpeIds: Array.from(this.bpeIds),
    };
  }

  /** Parses vocab.json content. Errors name the field; the caller adds the file name. */
  static fromJSON(json: unknown): Vocabulary {
    if (typeof json !== 'object' || json === null) throw new Error('vocabulary: expected a JSON object');
    const j = json as Partial<Record<keyof VocabularyJSON, unknown>>;
    if (j.format !== 'reward-lens-vocab')
      throw new Error(`vocabulary: field "format" must be "reward-lens-vocab", got ${JSON.stringify(j.format)}`);
    if (j.version !== 1) throw new Error(`vocabulary: field "version" must be 1, got ${JSON.stringify(j.version)}`);
    if (typeof j.tokenizer !== 'string') throw new Error('vocabulary: field "tokenizer" must be a string');
    if (!Array.isArray(j.specials) || j.specials.length !== NUM_SPECIAL || j.specials.some((s, i) => s !== SPECIAL_NAMES[i])) {
      throw new Error(`vocabulary: field "specials" must be ${JSON.stringify(SPECIAL_NAMES)}`);
    }
    if (!Array.isArray(j.bpeIds)) throw new Error('vocabulary: field "bpeIds" must be an array of integers');
    return new Vocabulary(j.bpeIds as number[], j.tokenizer);
  }

  /** Compact ids of a text (no specials added). */
  encodeText(text: string): Int32Array {
    const bpe = bpeEncode(text);
    const out = new Int32Array(bpe.length);
    for (let i = 0; i < bpe.length; i++) out[i] = this.toCompact.get(bpe[i]!) ?? UNK;
    return out;
  }

  /** Back to text, for hovers and debugging. Specials render as their names; UNK as '<unk>'. */
  decode(ids: ArrayLike<number>): string {
    let out = '';
    let run: number[] = [];
    const flush = () => {
      if (run.length) out += cl100kDecode(run);
      run = [];
    };
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id >= NUM_SPECIAL && id < this.size) run.push(this.bpeIds[id - NUM_SPECIAL]!);
      else {
        flush();
        out += SPECIAL_NAMES[id] ?? '<unk>';
      }
    }
    flush();
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Pairs

export interface EncodedSequence {
  /** [prompt…][SEP][response…][EOS], no padding; length ≤ maxLen. */
  readonly ids: Int32Array;
  /** Prompt tokens dropped from the prompt's left end (the part nearest the response is kept). */
  readonly promptTruncated: number;
  /** Response tokens dropped from the response's right end. */
  readonly responseTruncated: number;
  /** Response tokens kept (after truncation). */
  readonly responseTokens: number;
}

/**
 * How many prompt and response tokens fit in `maxLen` (SEP and EOS take two slots). When both do not fit, the
 * prompt is cut from the left first; the response is cut from the right only beyond what keeps it at
 * max(maxLen/2, what the prompt leaves), so it always keeps at least min(response, floor(maxLen/2)) tokens.
 * @example fitLengths(100, 20, 64) // { prompt: 42, response: 20 }: only the prompt is cut
 * @example fitLengths(100, 80, 128) // { prompt: 62, response: 64 }: the response keeps half the window
 */
export function fitLengths(promptLen: number, responseLen: number, maxLen: number): { prompt: number; response: number } {
  if (!Number.isInteger(maxLen) || maxLen < 4) throw new Error(`maxLen must be an integer ≥ 4, got ${maxLen}`);
  const budget = maxLen - 2;
  if (promptLen + responseLen <= budget) return { prompt: promptLen, response: responseLen };
  const response = Math.min(responseLen, Math.max(budget - promptLen, Math.floor(maxLen / 2)));
  return { prompt: Math.min(promptLen, budget - response), response };
}

/**
 * Encodes one (prompt, response) as the reward model reads it.
 * @example encodePair(vocab, 'Hi', 'Hello!', 128).ids // [..'Hi', SEP, ..'Hello!', EOS]
 */
export function encodePair(vocab: Vocabulary, prompt: string, response: string, maxLen: number): EncodedSequence {
  const p = vocab.encodeText(prompt);
  const r = vocab.encodeText(response);
  const fit = fitLengths(p.length, r.length, maxLen);
  const ids = new Int32Array(fit.prompt + fit.response + 2);
  ids.set(p.subarray(p.length - fit.prompt), 0);
  ids[fit.prompt] = SEP;
  ids.set(r.subarray(0, fit.response), fit.prompt + 1);
  ids[ids.length - 1] = EOS;
  return { ids, promptTruncated: p.length - fit.prompt, responseTruncated: r.length - fit.response, responseTokens: fit.response };
}
