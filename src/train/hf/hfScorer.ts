// RewardScorer for a Hugging Face model on tfjs: chat-templated encoding, length-sorted batches, one read per batch.
import { buildBatch, type PaddingSide } from '../../core/hf/batch';
import { pairConversations, promptMessages } from '../../core/hf/chat';
import { tf } from '../tf';
import type { SequenceScores } from '../evaluate';
import { lengthOrder, type EncodedSeq, type RewardScorer } from '../scorer';
import type { ChatFormatter } from '../../core/hf/chat';
import type { HfModelSpec } from '../../core/hf/spec';
import { batchTensors, disposeHfModel, hfForward, type HfRewardModel } from './hfModel';

export interface HfScorerOptions {
  /** Longest sequence in tokens (default: the model's max_position_embeddings, capped at 4096). */
  readonly maxTokens?: number;
  /** Padding side of every batch (rewards do not depend on it; the self-test checks that). */
  readonly padding?: PaddingSide;
  /** Cap on N·T per batch, so long sequences come in smaller batches. */
  readonly maxBatchTokens?: number;
  readonly engine?: string;
}

export const DEFAULT_MAX_TOKENS = 4096;

/**
 * How a Hugging Face model's inputs are encoded, shared by every engine (tfjs here, onnxruntime in src/train/ort):
 * the chat template (or transcript), truncation to maxTokens (capped by max_position_embeddings).
 */
export function hfEncoding(
  chat: ChatFormatter,
  spec: HfModelSpec,
  maxTokensAsked?: number,
): { readonly maxTokens: number } & Pick<RewardScorer, 'encode' | 'encodePair'> {
  const maxTokens = Math.min(maxTokensAsked ?? DEFAULT_MAX_TOKENS, spec.maxPositions);
  return {
    maxTokens,
    encode: (prompt, response, messages) =>
      chat.encode(
        [...promptMessages(prompt, messages?.prompt), ...(messages?.response ?? [{ role: 'assistant', content: response }])],
        maxTokens,
      ),
    encodePair: (p) => {
      const conv = pairConversations(p);
      return { chosen: chat.encode(conv.chosen, maxTokens), rejected: chat.encode(conv.rejected, maxTokens) };
    },
  };
}

export function hfScorer(m: HfRewardModel, opts: HfScorerOptions = {}): RewardScorer {
  const { maxTokens, encode, encodePair } = hfEncoding(m.chat, m.spec, opts.maxTokens);
  return {
    info: {
      kind: 'hf',
      engine: opts.engine ?? `tfjs-${tf.getBackend()}`,
      headTrained: m.headInfo.kind !== 'untrained',
      hiddenSize: m.spec.hiddenSize,
      maxTokens,
    },
    wpNorm: () => tf.tidy(() => tf.norm(m.head).dataSync()[0]!),
    encode,
    encodePair,
    score: (seqs, batchSize, keepHidden = 0, padding) =>
      scoreHf(m, seqs, {
        batchSize,
        keepHidden,
        padding: padding ?? opts.padding ?? 'right',
        maxBatchTokens: opts.maxBatchTokens ?? 16384,
      }),
    dispose: () => disposeHfModel(m),
  };
}

interface ScoreOptions {
  readonly batchSize: number;
  readonly keepHidden: number;
  readonly padding: PaddingSide;
  readonly maxBatchTokens: number;
}

/** Groups length-sorted rows into batches of at most batchSize rows and maxBatchTokens padded tokens. */
export function planBatches(seqs: readonly EncodedSeq[], batchSize: number, maxBatchTokens: number): number[][] {
  const batches: number[][] = [];
  let cur: number[] = [];
  for (const i of lengthOrder(seqs)) {
    const len = seqs[i]!.ids.length;
    if (cur.length > 0 && (cur.length >= batchSize || (cur.length + 1) * len > maxBatchTokens)) {
      batches.push(cur);
      cur = [];
    }
    cur.push(i);
  }
  if (cur.length) batches.push(cur);
  return batches;
}

export async function scoreHf(m: HfRewardModel, seqs: readonly EncodedSeq[], o: ScoreOptions): Promise<SequenceScores> {
  const n = seqs.length,
    dim = m.spec.hiddenSize;
  const rewards = new Float32Array(n),
    hNorm = new Float32Array(n);
  const keep = Math.min(o.keepHidden, n);
  const hidden = new Float32Array(keep * dim);
  for (const idx of planBatches(seqs, o.batchSize, o.maxBatchTokens)) {
    const batch = buildBatch(
      m.spec,
      idx.map((i) => seqs[i]!.ids),
      { padId: m.fillId, side: o.padding, pooling: m.headInfo.pooling },
    );
    const inputs = batchTensors(batch);
    const out = tf.tidy(() => {
      const { rewards: r, hidden: h } = hfForward(m, inputs);
      return { r, norm: tf.norm(h, 'euclidean', 1), h };
    });
    // Sync point: one read per batch.
    const [r, norm, h] = await Promise.all([out.r.data(), out.norm.data(), keep > 0 ? out.h.data() : Promise.resolve(undefined)]);
    idx.forEach((orig, k) => {
      rewards[orig] = r[k]!;
      hNorm[orig] = norm[k]!;
      if (h && orig < keep) hidden.set(h.subarray(k * dim, (k + 1) * dim), orig * dim);
    });
    tf.dispose([...Object.values(inputs), out.r, out.norm, out.h]);
  }
  return { rewards, hNorm, hidden, dim };
}
