// How much memory fine-tuning a backbone needs, estimated before loading it, so a run that cannot fit is refused
// with the numbers and a fix instead of dying in the middle. Counts fp32 bytes:
//   weights      every backbone tensor + head (+ LoRA adapters)
//   gradients    one per trained value
//   adam         two moments per trained value
//   activations  what a step allocates per layer and token for 2b sequences of T tokens. tfjs keeps every forward
//                intermediate alive until the step's tidy ends and the backward pass allocates as much again, so
//                the count is S = 10·H + 3·q + 4·kv + 4·I floats (the layer's full-size tensors) and the attention
//                scores h·T, times multipliers measured with tf.profile (test/unit/hf/memory.test.ts): 3.9·S + 14·h·T
//                for full and top-k tuning, 8.4·S + 9.1·h·T for LoRA (its extra matmuls keep more)
//   cache        head / top-k modes: the cached h or residual stream of every training sequence
import { backboneTensors } from './tensors';
import { firstTrainedLayer, loraTargets, trainedBackboneTensors, type TuningConfig } from './tuning';
import type { HfModelSpec } from './spec';

export interface MemoryEstimate {
  readonly weights: number;
  readonly gradients: number;
  readonly adam: number;
  readonly activations: number;
  readonly cache: number;
  readonly total: number;
  readonly trainedParameters: number;
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function trainedParameterCount(s: HfModelSpec, t: TuningConfig): number {
  const head = s.hiddenSize;
  if (t.mode === 'lora') return head + loraTargets(s, t.lora.targets).reduce((a, x) => a + t.lora.rank * (x.inFeatures + x.outFeatures), 0);
  const names = new Set(trainedBackboneTensors(s, t));
  return (
    head +
    backboneTensors(s)
      .filter((x) => names.has(x.name))
      .reduce((a, x) => a + numel(x.shape), 0)
  );
}

/** Multipliers measured with tf.profile on wasm (see the header). */
const MEASURED = { full: { s: 3.9, scores: 14 }, lora: { s: 8.4, scores: 9.1 } } as const;

/** Floats a training step allocates per token for one layer (see the header). */
function activationFloatsPerToken(s: HfModelSpec, T: number, mode: TuningConfig['mode']): number {
  const H = s.hiddenSize,
    I = s.intermediateSize,
    q = s.numHeads * s.headDim,
    kv = s.numKvHeads * s.headDim;
  const k = mode === 'lora' ? MEASURED.lora : MEASURED.full;
  return k.s * (10 * H + 3 * q + 4 * kv + 4 * I) + k.scores * s.numHeads * T;
}

/**
 * With activation checkpointing (o.checkpointing, the default for backbones) one layer's tape is alive at a time,
 * plus the stored input of every trained layer (tokens · H floats each).
 */
export function estimateTrainingMemory(
  s: HfModelSpec,
  t: TuningConfig,
  o: { readonly batchPairs: number; readonly maxTokens: number; readonly trainSequences: number; readonly checkpointing?: boolean },
): MemoryEstimate {
  const F = 4;
  const weights = (backboneTensors(s).reduce((a, x) => a + numel(x.shape), 0) + s.hiddenSize) * F;
  const trained = trainedParameterCount(s, t);
  const loraWeights = t.mode === 'lora' ? (trained - s.hiddenSize) * F : 0;
  const layersRun = s.numLayers - firstTrainedLayer(s, t);
  const tokens = 2 * o.batchPairs * o.maxTokens;
  const perLayer = tokens * activationFloatsPerToken(s, o.maxTokens, t.mode) * F;
  const activations = o.checkpointing && t.mode !== 'head' ? perLayer + layersRun * tokens * s.hiddenSize * F : layersRun * perLayer;
  const cache =
    t.mode === 'head' ? o.trainSequences * s.hiddenSize * F : t.mode === 'top-k' ? o.trainSequences * o.maxTokens * s.hiddenSize * F : 0;
  const gradients = trained * F;
  const adam = 2 * trained * F;
  return {
    weights: weights + loraWeights,
    gradients,
    adam,
    activations,
    cache,
    total: weights + loraWeights + gradients + adam + activations + cache,
    trainedParameters: trained,
  };
}
