// What scoring needs from a reward model, whatever it is: our own small transformer (a run's model/) or a Hugging
// Face checkpoint on tfjs or onnxruntime. Evaluation, inline scoring and `reward-lens score` are written against
// this interface, so every diagnostic works unchanged on every kind of model.
import type { SequenceScores } from './evaluate';
import type { ChatMessage, PreferencePair } from '../core/types';

/** One tokenized sequence, with what truncation did to it. */
export interface EncodedSeq {
  readonly ids: ArrayLike<number>;
  /** Tokens of the scored response after truncation (length-bias diagnostics). */
  readonly responseTokens: number;
  readonly promptTokensDropped: number;
  readonly responseTokensDropped: number;
}

export interface ScorerInfo {
  /** 'reward-lens' (a model we trained) or 'hf' (a Hugging Face folder). */
  readonly kind: 'reward-lens' | 'hf';
  /** What computes it: 'tfjs' (with the tfjs backend's name) or 'onnxruntime'. */
  readonly engine: string;
  /** False for a backbone whose head we initialised: its rewards mean nothing yet. */
  readonly headTrained: boolean;
  readonly hiddenSize: number;
  readonly maxTokens: number;
}

export interface RewardScorer {
  readonly info: ScorerInfo;
  /** ‖W_p‖₂. */
  wpNorm(): number;
  /** A prompt + response; `messages` keeps the data's turns when it had them. */
  encode(
    prompt: string,
    response: string,
    messages?: { readonly prompt?: readonly ChatMessage[]; readonly response?: readonly ChatMessage[] },
  ): EncodedSeq;
  encodePair(pair: PreferencePair): { readonly chosen: EncodedSeq; readonly rejected: EncodedSeq };
  /**
   * Rewards and ‖h‖ of every sequence (input order); hidden rows of the first `keepHidden`. `padding` picks the
   * padding side where the engine supports both (the invariance self-test); results must not depend on it.
   */
  score(seqs: readonly EncodedSeq[], batchSize: number, keepHidden?: number, padding?: 'left' | 'right'): Promise<SequenceScores>;
  /** Frees the model's memory. */
  dispose(): void;
}

export interface TruncationCounts {
  readonly promptCut: number;
  readonly responseCut: number;
  readonly promptTokensDropped: number;
  readonly responseTokensDropped: number;
}

export function countTruncation(seqs: Iterable<EncodedSeq>): TruncationCounts {
  let promptCut = 0,
    responseCut = 0,
    promptTokensDropped = 0,
    responseTokensDropped = 0;
  for (const s of seqs) {
    if (s.promptTokensDropped > 0) {
      promptCut++;
      promptTokensDropped += s.promptTokensDropped;
    }
    if (s.responseTokensDropped > 0) {
      responseCut++;
      responseTokensDropped += s.responseTokensDropped;
    }
  }
  return { promptCut, responseCut, promptTokensDropped, responseTokensDropped };
}

/** Row order for batching: by length, so each batch pads little. */
export function lengthOrder(seqs: readonly EncodedSeq[]): number[] {
  return Array.from({ length: seqs.length }, (_, i) => i).sort((a, b) => seqs[a]!.ids.length - seqs[b]!.ids.length);
}
