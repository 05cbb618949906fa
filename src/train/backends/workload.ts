// The reference workload of shared/reference (2-layer d=256 transformer RM, vocab 8192, T=128, B pairs, BT+BSR,
// Adam), built from the project's own model, loss and step code. The benchmark and the profiler time it; the
// PyTorch twin (scripts/bench_torch.py) builds the same model with the same parameter names.
import { DEFAULTS, PRESETS, type ModelConfig, type TrainConfig } from '../../core/config';
import { tf } from '../tf';
import { createModel, disposeModel, forward, type RewardModel } from '../model';
import { trainStepOnBatch, type StepBatch } from '../step';

export const REFERENCE_VOCAB = 8192;

export interface Workload {
  readonly model: RewardModel;
  readonly optimizer: tf.Optimizer;
  readonly batch: StepBatch;
  readonly cfg: TrainConfig;
  dispose(): void;
}

export function referenceModelConfig(small = false): ModelConfig {
  const { maxVocab: _maxVocab, ...shape } = PRESETS.reference;
  return small ? { ...shape, vocabSize: 512, dModel: 64, dFF: 256, maxLen: 32 } : { ...shape, vocabSize: REFERENCE_VOCAB };
}

/** Deterministic token ids in [4, vocab): the 4 special ids are left out, every row is full length. */
export function referenceIds(pairs: number, T: number, vocab: number, seed = 7): Int32Array {
  const ids = new Int32Array(2 * pairs * T);
  let s = seed >>> 0;
  for (let i = 0; i < ids.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0; // LCG: same sequence in scripts/bench_torch.py
    ids[i] = 4 + (s % (vocab - 4));
  }
  return ids;
}

export function makeWorkload(pairs: number, small = false): Workload {
  const mc = referenceModelConfig(small);
  const T = mc.maxLen;
  const model = createModel(mc, 1);
  const cfg: TrainConfig = { ...DEFAULTS, objective: 'bsr', lambda: 1e-3, lr: 1e-4, batchSize: pairs, gradClip: 1.0 };
  const optimizer = tf.train.adam(cfg.lr, cfg.beta1, cfg.beta2, cfg.adamEps);
  const ids = tf.tensor2d(referenceIds(pairs, T, mc.vocabSize), [2 * pairs, T], 'int32');
  const lastIdx = tf.fill([2 * pairs], T - 1, 'int32') as tf.Tensor1D;
  const batch: StepBatch = { ids, lastIdx, pairs };
  return {
    model,
    optimizer,
    batch,
    cfg,
    dispose: () => {
      tf.dispose([ids, lastIdx]);
      optimizer.dispose();
      disposeModel(model);
    },
  };
}

/** One optimizer step; returns the metrics tensor (the caller disposes or reads it). */
export function stepOnce(w: Workload): tf.Tensor1D {
  return trainStepOnBatch(w.model, w.optimizer, w.batch, w.cfg);
}

/** One scoring pass (forward only); returns the rewards. */
export function scoreOnce(w: Workload): tf.Tensor1D {
  return tf.tidy(() => forward(w.model, w.batch).rewards);
}
