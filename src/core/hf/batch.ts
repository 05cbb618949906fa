// A batch of token sequences as the decoder reads it: padded ids, position ids, masks, rotary tables and the pooled
// position of each row. Pure: the engines only upload these arrays.
//
// Padding never changes a reward: keys at padding positions are masked, and position ids count real tokens only
// (cumsum(mask) − 1, OpenRLHF's convention), so a left-padded row sees the same positions as a right-padded one.
// transformers uses arange positions instead; for RoPE families that is the same function (RoPE depends on position
// differences only), and for GPT-2 it is what transformers gives with position_ids passed explicitly.
import { UserError } from '../errors';
import { ropeTables } from './rope';
import type { HfModelSpec } from './spec';

/** Additive mask value: large and finite, so a fully masked row (a left-padding query) softmaxes to uniform, not NaN. */
export const MASK_VALUE = -1e9;

/**
 * How the scored position is found:
 * - 'rightmost-non-pad': transformers' *ForSequenceClassification: the rightmost token whose id ≠ pad_token_id,
 *   computed from the ids (so with pad = eos, trailing eos tokens of the text are skipped). With no pad id, the
 *   last real token (transformers then accepts batch size 1 only, where that is the last token).
 * - 'last-token': the last real token (OpenRLHF: the last attention_mask == 1 position).
 */
export type PoolingRule = 'rightmost-non-pad' | 'last-token';

export type PaddingSide = 'right' | 'left';

export interface HfBatch {
  readonly n: number;
  readonly length: number;
  readonly ids: Int32Array;
  readonly positionIds: Int32Array;
  /** [N] pooled position of each row, in padded coordinates. */
  readonly poolIndex: Int32Array;
  /** [T·T] and, for sliding-window layers, its windowed variant. */
  readonly causal: Float32Array;
  readonly causalSliding?: Float32Array;
  /** [N·T]: 0 at real tokens, MASK_VALUE at padding. */
  readonly keyPadding: Float32Array;
  /** [N·T·d] rotary tables (RoPE families). */
  readonly cos?: Float32Array;
  readonly sin?: Float32Array;
}

export interface BatchOptions {
  readonly padId: number;
  readonly side: PaddingSide;
  readonly pooling: PoolingRule;
  /** Padded length: the longest row rounded up to this multiple (fewer distinct shapes for compiled backends). */
  readonly multipleOf?: number;
}

/** The pooled index of one unpadded sequence under a rule (before padding offsets are applied). */
export function pooledIndexOf(ids: ArrayLike<number>, rule: PoolingRule, padId: number | undefined): number {
  if (ids.length === 0) throw new Error('cannot pool an empty sequence');
  if (rule === 'rightmost-non-pad' && padId !== undefined) {
    for (let i = ids.length - 1; i >= 0; i--) if (ids[i] !== padId) return i;
    return 0; // transformers' argmax over an all-zero row
  }
  return ids.length - 1;
}

export function buildBatch(spec: HfModelSpec, seqs: readonly ArrayLike<number>[], o: BatchOptions): HfBatch {
  if (seqs.length === 0) throw new Error('buildBatch: no sequences');
  const longest = Math.max(...seqs.map((s) => s.length));
  if (longest === 0) throw new Error('buildBatch: a sequence is empty');
  const m = o.multipleOf ?? 1;
  const T = Math.ceil(longest / m) * m;
  const n = seqs.length;
  const ids = new Int32Array(n * T).fill(o.padId);
  const positionIds = new Int32Array(n * T);
  const keyPadding = new Float32Array(n * T).fill(MASK_VALUE);
  const poolIndex = new Int32Array(n);
  seqs.forEach((s, r) => {
    if (s.length === 0) throw new Error(`buildBatch: sequence ${r} is empty`);
    const offset = o.side === 'left' ? T - s.length : 0;
    for (let i = 0; i < s.length; i++) {
      // An id past the embedding table means the tokenizer does not belong to this model: say so, not an index error.
      if (!(s[i]! >= 0 && s[i]! < spec.vocabSize))
        throw new UserError(
          `token id ${s[i]} is outside the model's vocabulary (vocab_size ${spec.vocabSize}): tokenizer.json and config.json do not belong together`,
        );
      ids[r * T + offset + i] = s[i]!;
      keyPadding[r * T + offset + i] = 0;
      positionIds[r * T + offset + i] = i;
    }
    // Padding positions: clamp(cumsum − 1, 0), i.e. 0 before the text and length − 1 after it.
    for (let i = 0; i < offset; i++) positionIds[r * T + i] = 0;
    for (let i = offset + s.length; i < T; i++) positionIds[r * T + i] = s.length - 1;
    // The rule compares against the model's own pad id; the fill id may be a stand-in when the model has none.
    poolIndex[r] = offset + pooledIndexOf(s, o.pooling, spec.padTokenId);
  });
  const rope =
    spec.positions.kind === 'rope' ? ropeTables(positionIds, spec.positions.invFreq, spec.positions.attentionScaling) : undefined;
  const needsSliding = spec.slidingWindow !== undefined && spec.layerTypes.includes('sliding');
  return {
    n,
    length: T,
    ids,
    positionIds,
    poolIndex,
    keyPadding,
    causal: causalMask(T),
    ...(needsSliding ? { causalSliding: causalMask(T, spec.slidingWindow) } : {}),
    ...(rope ? { cos: rope.cos, sin: rope.sin } : {}),
  };
}

/** [T·T] additive causal mask; with a window w, key k is visible from query q when q − w < k ≤ q (transformers). */
export function causalMask(T: number, window?: number): Float32Array {
  const m = new Float32Array(T * T);
  for (let q = 0; q < T; q++) {
    for (let k = 0; k < T; k++) if (k > q || (window !== undefined && k <= q - window)) m[q * T + k] = MASK_VALUE;
  }
  return m;
}
