// The ONNX model of a Hugging Face reward model: the batch arrays of src/core/hf/batch.ts as graph inputs, the
// generic decoder (decoder.ts) emitted through GraphOps, then the head. Outputs: rewards [N] and the pooled hidden
// states h [N, H]. The head W_p [H, 1] is an input too, so a head trained or replaced later needs no new model.
import { decoderForward } from '../hf/decoder';
import type { HfBatch } from '../hf/batch';
import type { HfModelSpec } from '../hf/spec';
import { GraphBuilder } from './graphBuilder';
import { GraphOps, type GraphWeights } from './graphOps';
import { DataType, type ModelInit } from './proto';

/** Graph input names of the batch arrays, and of the head. */
export const INPUT = {
  ids: 'ids',
  positionIds: 'position_ids',
  cos: 'cos',
  sin: 'sin',
  causal: 'causal',
  causalSliding: 'causal_sliding',
  keyPadding: 'key_padding',
  poolIndex: 'pool_index',
  head: 'head',
} as const;
export const OUTPUT = { rewards: 'rewards', hidden: 'hidden' } as const;

/** Whether a batch of this spec carries a sliding-window mask (the same condition buildBatch uses). */
export function needsSlidingMask(s: HfModelSpec): boolean {
  return s.slidingWindow !== undefined && s.layerTypes.includes('sliding');
}

/** Builds the model; `weights` makes the GraphWeights (external initializers or inputs) on the builder. */
export function buildHfModel(
  s: HfModelSpec,
  weights: (g: GraphBuilder) => GraphWeights,
  metadata: Readonly<Record<string, string>> = {},
): ModelInit {
  const g = new GraphBuilder();
  const N = 'batch',
    T = 'seq',
    d = s.headDim,
    H = s.hiddenSize;
  const ids = g.input(INPUT.ids, DataType.INT32, [N, T]);
  const rope = s.positions.kind === 'rope';
  const inputs = {
    ids,
    ...(rope ? {} : { positionIds: g.input(INPUT.positionIds, DataType.INT32, [N, T]) }),
    ...(rope ? { cos: g.input(INPUT.cos, DataType.FLOAT, [N, 1, T, d]), sin: g.input(INPUT.sin, DataType.FLOAT, [N, 1, T, d]) } : {}),
    causal: g.input(INPUT.causal, DataType.FLOAT, [1, 1, T, T]),
    ...(needsSlidingMask(s) ? { causalSliding: g.input(INPUT.causalSliding, DataType.FLOAT, [1, 1, T, T]) } : {}),
    keyPadding: g.input(INPUT.keyPadding, DataType.FLOAT, [N, 1, 1, T]),
    poolIndex: g.input(INPUT.poolIndex, DataType.INT32, [N]),
  };
  const head = g.input(INPUT.head, DataType.FLOAT, [H, 1]);
  const ops = new GraphOps(g, weights(g), g.op('Shape', [ids]));
  const hidden = decoderForward(ops, s, inputs);
  const rewards = g.op('Reshape', [g.op('MatMul', [hidden, head]), g.int64([-1])]);
  g.output(OUTPUT.rewards, rewards, DataType.FLOAT, [N]);
  g.output(OUTPUT.hidden, hidden, DataType.FLOAT, [N, H]);
  return g.toModel(`${s.modelType}_reward_model`, metadata);
}

export interface FeedArray {
  readonly type: 'int32' | 'float32';
  readonly data: Int32Array | Float32Array;
  readonly dims: readonly number[];
}

/** The batch arrays as named, shaped feeds (only those the spec's graph declares). */
export function batchFeeds(s: HfModelSpec, b: HfBatch): Record<string, FeedArray> {
  const N = b.n,
    T = b.length,
    d = s.headDim;
  const i32 = (data: Int32Array, dims: number[]): FeedArray => ({ type: 'int32', data, dims });
  const f32 = (data: Float32Array, dims: number[]): FeedArray => ({ type: 'float32', data, dims });
  const feeds: Record<string, FeedArray> = {
    [INPUT.ids]: i32(b.ids, [N, T]),
    [INPUT.causal]: f32(b.causal, [1, 1, T, T]),
    [INPUT.keyPadding]: f32(b.keyPadding, [N, 1, 1, T]),
    [INPUT.poolIndex]: i32(b.poolIndex, [N]),
  };
  if (s.positions.kind === 'rope') {
    if (!b.cos || !b.sin) throw new Error(`${s.family}: the batch has no rotary tables`);
    feeds[INPUT.cos] = f32(b.cos, [N, 1, T, d]);
    feeds[INPUT.sin] = f32(b.sin, [N, 1, T, d]);
  } else feeds[INPUT.positionIds] = i32(b.positionIds, [N, T]);
  if (needsSlidingMask(s)) {
    if (!b.causalSliding) throw new Error(`${s.family}: the batch has no sliding-window mask`);
    feeds[INPUT.causalSliding] = f32(b.causalSliding, [1, 1, T, T]);
  }
  return feeds;
}
