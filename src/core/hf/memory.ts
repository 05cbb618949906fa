// How much memory fine-tuning a backbone needs, estimated before loading it, so a run that cannot fit is refused
// with the numbers and a fix instead of dying in the middle. Counts fp32 bytes:
//   weights      every backbone tensor + head (+ LoRA adapters)
//   gradients    one per trained value
//   adam         two moments per trained value
//   activations  what backprop keeps per layer and token, for 2b sequences of T tokens (tfjs keeps the forward's
//                intermediates: ~ (14·H + 4·I + kv terms) floats per token per layer, plus the attention scores
//                h·T per token per layer, measured on the fixtures and the 0.5B shape; see docs/model-format.md)
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
  return head + backboneTensors(s).filter((x) => names.has(x.name)).reduce((a, x) => a + numel(x.shape), 0);
}

/** Floats backprop keeps per token for one layer (see the header). */
function activationFloatsPerToken(s: HfModelSpec, T: number): number {
  const H = s.hiddenSize, I = s.intermediateSize, q = s.numHeads * s.headDim, kv = s.numKvHeads * s.headDim;
  return 10 * H + 3 * q + 4 * kv + 4 * I + 3 * s.numHeads * T;
}

export function estimateTrainingMemory(s: HfModelSpec, t: TuningConfig, o: { readonly batchPairs: number; readonly maxTokens: number; readonly trainSequences: number }): MemoryEstimate {
  const F = 4;
  const weights = (backboneTensors(s).reduce((a, x) => a + numel(x.shape), 0) + s.hiddenSize) * F;
  const trained = trainedParameterCount(s, t);
  const loraWeights = t.mode === 'lora' ? (trained - s.hiddenSize) * F : 0;
  const layersRun = s.numLayers - firstTrainedLayer(s, t);
  const tokens = 2 * o.batchPairs * o.maxTokens;
  const activations = layersRun * tokens * activationFloatsPerToken(s, o.maxTokens) * F;
  const cache = t.mode === 'head' ? o.trainSequences * s.hiddenSize * F : t.mode === 'top-k' ? o.trainSequences * o.maxTokens * s.hiddenSize * F : 0;
  const gradients = trained * F;
  const adam = 2 * trained * F;
  return { weights: weights + loraWeights, gradients, adam, activations, cache, total: weights + loraWeights + gradients + adam + activations + cache, trainedParameters: trained };
}
