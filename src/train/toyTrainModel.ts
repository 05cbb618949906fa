// TrainModel for our own small transformer trained from scratch: a vocabulary compacted to the training texts, the
// preset's shape, and the Reward Lens model format (docs/model-format.md) for checkpoints and the final model.
import { PRESETS, type ModelConfig, type TrainConfig } from '../core/config';
import { Vocabulary } from '../core/tokenize';
import { writeFileAtomic } from '../node/atomic';
import { encodePairs } from './encode';
import { scoreSequences } from './evaluate';
import { loadModel, saveModel } from './modelIO';
import { createModel, disposeModel, forward, makeBatch, trainableVariables, wpNormTensor, type RewardModel } from './model';
import { toyScorer } from './toyScorer';
import type { PreferencePair } from '../core/types';
import type { TrainModel } from './trainModel';

/** A new model for the training pairs, or the one of a checkpoint (resume). */
export async function toyTrainModel(
  cfg: TrainConfig,
  train: readonly PreferencePair[],
  sample: readonly PreferencePair[],
  checkpointDir?: string,
): Promise<TrainModel> {
  let model: RewardModel, vocab: Vocabulary;
  if (checkpointDir) ({ model, vocab } = await loadModel(checkpointDir));
  else {
    const preset = PRESETS[cfg.preset];
    vocab = Vocabulary.build(texts(train), preset.maxVocab);
    const modelConfig: ModelConfig = {
      vocabSize: vocab.size,
      dModel: preset.dModel,
      nLayers: preset.nLayers,
      nHeads: preset.nHeads,
      dFF: preset.dFF,
      maxLen: preset.maxLen,
    };
    model = createModel(modelConfig, cfg.seed);
  }
  const enc = encodePairs(vocab, train, model.config.maxLen);
  return {
    kind: 'reward-lens',
    variables: trainableVariables(model),
    params: model.params,
    pairs: train.length,
    truncation: enc.truncation,
    stepRewards: (idx) => {
      const batch = makeBatch([...idx.map((i) => enc.chosen[i]!), ...idx.map((i) => enc.rejected[i]!)]);
      return forward(model, batch).rewards;
    },
    wpNormTensor: () => wpNormTensor(model),
    scorer: () => toyScorer(model, vocab),
    writeCheckpoint: (dir, step) => saveModel(model, dir, vocab, { step: String(step) }),
    writeFinal: async (dir, meta) => {
      await saveModel(model, dir, vocab, meta);
      await writeTrainNormSample(model, vocab, sample, dir);
    },
    record: { ...model.config },
    description: `objective ${cfg.objective}, preset ${cfg.preset}, vocab ${vocab.size}`,
    dispose: () => disposeModel(model),
  };
}

function* texts(train: readonly PreferencePair[]): Iterable<string> {
  for (const p of train) {
    yield p.prompt;
    yield p.chosen;
    yield p.rejected;
  }
}

/** ‖h‖ of a training sample, sorted, next to the model: hovers show a response's percentile in it. */
export async function writeTrainNormSample(
  model: RewardModel,
  vocab: Vocabulary,
  sample: readonly PreferencePair[],
  modelDir: string,
): Promise<void> {
  const enc = encodePairs(vocab, sample, model.config.maxLen);
  const scores = await scoreSequences(model, [...enc.chosen, ...enc.rejected], 32);
  const sorted = Array.from(scores.hNorm).sort((a, b) => a - b);
  writeFileAtomic(`${modelDir}/hnorm-train.json`, JSON.stringify({ sorted }));
}
