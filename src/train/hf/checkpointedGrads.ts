// Gradients of a backbone step with activation checkpointing, layer by layer. tfjs keeps every intermediate of a
// tf.variableGrads closure alive until it returns: for a 0.5B model that is ~1 MB per token per layer, so one step
// of 4 sequences × 128 tokens needs ~14 GB, far past wasm's 4 GB heap. Here the forward pass keeps only each
// layer's input; the backward pass then recomputes one layer at a time under its own tape and pulls the upstream
// gradient through it (a vector-Jacobian product as the gradient of ⟨layer(x), dy⟩). Same gradients, one extra
// forward pass, and only one layer's intermediates alive at any moment.
import { decoderEmbed, decoderFinal, decoderLayers } from '../../core/hf/decoder';
import { tf, type NamedTensorMap, type Scalar, type Tensor, type Tensor1D, type Variable } from '../tf';
import type { HfBatchTensors, HfRewardModel } from './hfModel';
import { TfOps, type LoraDropout } from './tfOps';

export interface CheckpointedInput {
  readonly m: HfRewardModel;
  readonly inputs: HfBatchTensors;
  /** The residual stream entering layer `first` (embedding output, or a cached frozen prefix). */
  readonly x0: () => Tensor;
  /** The first layer that trains (layers below are frozen and never differentiated). */
  readonly first: number;
  /** Trainable variables, by the weight name they are saved under (head: 'score.weight'). */
  readonly variables: readonly Variable[];
  /** Whether the embedding table is trained (full tuning): then x0's gradient flows into it. */
  readonly embedTrained: boolean;
  /** LoRA dropout: its seeded masks are the same in the forward pass and in each layer's recompute. */
  readonly dropout?: LoraDropout;
}

/** Loss value and gradients of every trainable variable (keyed by variable name, as tf.variableGrads keys them). */
export function checkpointedGrads(c: CheckpointedInput, loss: (rewards: Tensor1D) => Scalar): { value: Scalar; grads: NamedTensorMap } {
  const { m, inputs } = c;
  const ops = new TfOps(m.weights, m.lora, c.dropout);
  const L = m.spec.numLayers;
  // 1) Forward, no tape: keep the input of every trained layer, and the final residual stream.
  const xs: Tensor[] = [];
  let x = tf.tidy(() => c.x0());
  for (let l = c.first; l < L; l++) {
    xs.push(x);
    const prev = x;
    x = tf.tidy(() => decoderLayers(ops, m.spec, inputs, prev, l, l + 1));
  }
  // 2) The head and the loss, differentiated w.r.t. the head (and final norm when trained) and the stream itself.
  const grads: NamedTensorMap = {};
  const xTop = tf.variable(x, true, `ckpt-top-${counter++}`);
  x.dispose();
  const headVars = c.variables.filter((v) => !/\/(layers|h)\.\d+\./.test(v.name) && !isEmbedding(v.name));
  const top = tf.variableGrads(
    () => loss(tf.reshape(tf.matMul(decoderFinal(ops, m.spec, xTop, inputs), m.head), [-1]) as Tensor1D),
    [...headVars, xTop],
  );
  let dy = take(top.grads, xTop.name);
  Object.assign(grads, top.grads);
  xTop.dispose();
  // 3) Backward through the layers, top to bottom, recomputing each under its own tape.
  for (let l = L - 1; l >= c.first; l--) {
    const input = tf.variable(xs[l - c.first]!, true, `ckpt-x-${counter++}`);
    xs[l - c.first]!.dispose();
    const layerVars = c.variables.filter((v) => layerOf(v.name) === l);
    const upstream = dy;
    const g = tf.variableGrads(
      () => tf.sum(tf.mul(decoderLayers(ops, m.spec, inputs, input, l, l + 1), upstream)) as Scalar,
      [...layerVars, input],
    );
    g.value.dispose();
    dy.dispose();
    dy = take(g.grads, input.name);
    addInto(grads, g.grads);
    input.dispose();
  }
  // 4) The embedding table (full tuning), from the gradient at the bottom of the stream.
  if (c.embedTrained) {
    const table = c.variables.filter((v) => isEmbedding(v.name));
    const e = tf.variableGrads(() => tf.sum(tf.mul(decoderEmbed(ops, m.spec, inputs), dy)) as Scalar, table);
    e.value.dispose();
    addInto(grads, e.grads);
  }
  dy.dispose();
  return { value: top.value, grads };
}

let counter = 0;

const layerOf = (name: string) => Number(/\/(?:layers|h)\.(\d+)\./.exec(name)?.[1] ?? -1);
const isEmbedding = (name: string) => /\/(embed_tokens|wte|wpe)\.weight$/.test(name);

function take(map: NamedTensorMap, name: string): Tensor {
  const t = map[name]!;
  delete map[name];
  return t;
}

function addInto(into: NamedTensorMap, add: NamedTensorMap): void {
  for (const [k, v] of Object.entries(add)) {
    const prev = into[k];
    if (prev) {
      into[k] = tf.add(prev, v);
      prev.dispose();
      v.dispose();
    } else into[k] = v;
  }
}
