// RewardScorer for our own small transformer (a run's model/): compact-vocabulary encoding and the model's forward.
import { encodePair, type Vocabulary } from '../core/tokenize';
import { disposeModel, wpNorm, type RewardModel } from './model';
import { scoreSequences } from './evaluate';
import type { EncodedSeq, RewardScorer } from './scorer';

export function toyScorer(
  model: RewardModel,
  vocab: Vocabulary,
  opts: { readonly engine?: string; readonly owned?: boolean } = {},
): RewardScorer {
  const maxLen = model.config.maxLen;
  const encode = (prompt: string, response: string): EncodedSeq => {
    const e = encodePair(vocab, prompt, response, maxLen);
    return {
      ids: e.ids,
      responseTokens: e.responseTokens,
      promptTokensDropped: e.promptTruncated,
      responseTokensDropped: e.responseTruncated,
    };
  };
  return {
    info: { kind: 'reward-lens', engine: opts.engine ?? 'tfjs', headTrained: true, hiddenSize: model.config.dModel, maxTokens: maxLen },
    wpNorm: () => wpNorm(model),
    encode,
    encodePair: (p) => ({ chosen: encode(p.prompt, p.chosen), rejected: encode(p.prompt, p.rejected) }),
    score: (seqs, batchSize, keepHidden = 0) =>
      scoreSequences(
        model,
        seqs.map((s) => s.ids as Int32Array),
        batchSize,
        keepHidden,
      ),
    dispose: () => {
      if (opts.owned) disposeModel(model);
    },
  };
}
