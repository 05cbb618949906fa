// The LoRA training row of the HF benchmark: one BT+BSR Adam step of LoRA (r 8, α 16, every attention and MLP
// projection, the head trained) on the bench checkpoint, with activation checkpointing, through the project's own
// trainStep. scripts/bench_hf_train_torch.py runs the same step with transformers + peft on the same ids. Timed after
// a warm-up step; the best step counts (the machine is shared). Benchmarks are never timed tests.
import { DEFAULTS } from '../../core/config';
import { DEFAULT_TUNING } from '../../core/hf/tuning';
import { benchIds } from '../ort/benchHf';
import { initBackend } from '../backends';
import { trainStep } from '../step';
import { tf } from '../tf';
import { disposeHfModel, loadHfModel } from './hfModel';
import { makeTrainable } from './hfTrainable';

export interface BenchTrainOptions {
  readonly pairs: number;
  readonly tokens: number;
  readonly steps: number;
  readonly checkpointing: boolean;
}

export async function benchLoraTrain(dir: string, o: BenchTrainOptions) {
  const choice = await initBackend('wasm');
  const t0 = performance.now();
  const m = await loadHfModel(dir);
  const tr = makeTrainable(m, DEFAULT_TUNING(m.spec.family), 1);
  const ids = benchIds(2 * o.pairs, o.tokens, m.spec.vocabSize);
  await tr.prepare(
    ids.map((x) => ({ ids: x, responseTokens: x.length, promptTokensDropped: 0, responseTokensDropped: 0 })),
    8,
  );
  const loadS = (performance.now() - t0) / 1000;
  const both = (idx: readonly number[]) => [...idx, ...idx.map((i) => o.pairs + i)];
  const model = {
    variables: tr.variables,
    stepRewards: (idx: readonly number[]) => tr.rewards(both(idx)),
    wpNormTensor: () => tf.norm(m.head) as tf.Scalar,
    ...(o.checkpointing
      ? { stepGrads: (idx: readonly number[], loss: Parameters<typeof tr.stepGrads>[1]) => tr.stepGrads(both(idx), loss) }
      : {}),
  };
  const optimizer = tf.train.adam(1e-4);
  const idx = Array.from({ length: o.pairs }, (_, i) => i);
  const cfg = { ...DEFAULTS, objective: 'bsr' as const, batchSize: o.pairs };
  const ms: number[] = [];
  let loss = NaN;
  for (let s = 0; s <= o.steps; s++) {
    const t1 = performance.now();
    const metrics = trainStep(model, optimizer, idx, cfg);
    loss = (await metrics.data())[0]!; // Sync point: the step is timed to its end.
    metrics.dispose();
    if (s > 0) ms.push(performance.now() - t1); // step 0 is the warm-up (kernel compilation, Adam's moments)
  }
  const trained = tr.variables.reduce((a, v) => a + v.size, 0);
  optimizer.dispose();
  disposeHfModel(m);
  const best = Math.min(...ms);
  return {
    engine: `tfjs-${choice.name} LoRA${o.checkpointing ? ' (checkpointed)' : ''}`,
    tokensPerS: (2 * o.pairs * o.tokens) / (best / 1000),
    msPerBatch: best,
    msPerBatchAll: ms,
    loadS,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    loss,
    trainedParameters: trained,
    rewards: [],
  };
}
