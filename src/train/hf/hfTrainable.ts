// A Hugging Face backbone made trainable for one tuning mode (src/core/hf/tuning.ts): which tensors become tfjs
// variables, the LoRA adapters, and the frozen-part caches of head and top-k tuning.
//
// Frozen tensors stay plain tensors, so tf.variableGrads computes nothing for them. With `head` tuning the backbone
// runs once per training sequence (its h is cached) and a step is one [2b, H]·W_p product; with `top-k` the residual
// stream after the frozen layers is cached per sequence and a step runs only the last k blocks.
import { buildBatch } from '../../core/hf/batch';
import { decoderEmbed, decoderFinal, decoderForward, decoderLayers } from '../../core/hf/decoder';
import { firstTrainedLayer, loraTargets, trainedBackboneTensors, type TuningConfig } from '../../core/hf/tuning';
import { tf, type NamedTensorMap, type Scalar, type Tensor, type Tensor1D, type Variable } from '../tf';
import { checkpointedGrads } from './checkpointedGrads';
import type { EncodedSeq } from '../scorer';
import { batchTensors, type HfRewardModel } from './hfModel';
import { createLora, type TrainableLora } from './lora';
import { TfOps, type LoraDropout } from './tfOps';
import { nextModelId, variableName } from '../model';

export interface HfTrainable {
  readonly model: HfRewardModel;
  readonly tuning: TuningConfig;
  /** Trainable variables in a fixed order: head, LoRA A/B per target, trained backbone tensors. */
  readonly variables: readonly Variable[];
  /** Variable name → the name it is saved under in checkpoints ('score.weight', '<module>.lora_A', backbone names). */
  readonly savedNames: ReadonlyMap<Variable, string>;
  readonly lora: ReadonlyMap<string, TrainableLora>;
  /** Caches the frozen part for the training sequences (head/top-k); a no-op for lora/full. */
  prepare(train: readonly EncodedSeq[], batchSize: number): Promise<void>;
  /**
   * Rewards of training sequences by index, in order. Differentiable; call inside variableGrads. A dropout seed
   * switches LoRA dropout on (training steps only; evaluation never passes one).
   */
  rewards(seqIdx: readonly number[], dropoutSeed?: number): Tensor1D;
  /** Loss and gradients with activation checkpointing (one layer's intermediates alive at a time). */
  stepGrads(seqIdx: readonly number[], loss: (rewards: Tensor1D) => Scalar, dropoutSeed?: number): { value: Scalar; grads: NamedTensorMap };
}

export function makeTrainable(m: HfRewardModel, tuning: TuningConfig, seed: number): HfTrainable {
  const savedNames = new Map<Variable, string>();
  // Variables are named rm<id>/<saved name>, as our own models' are, so Adam's state is saved under stable names.
  const id = nextModelId();
  const head = tf.variable(m.head, true, variableName(id, 'score.weight'));
  m.head.dispose();
  m.head = head;
  savedNames.set(head, 'score.weight');
  const lora =
    tuning.mode === 'lora' ? createLora(loraTargets(m.spec, tuning.lora.targets), tuning.lora, seed, id) : new Map<string, TrainableLora>();
  if (lora.size) m.lora = lora;
  for (const ad of lora.values()) {
    savedNames.set(ad.a, `${ad.target.module}.lora_A`);
    savedNames.set(ad.b, `${ad.target.module}.lora_B`);
  }
  for (const name of trainedBackboneTensors(m.spec, tuning)) {
    const t = m.weights.get(name)!;
    const v = tf.variable(t, true, variableName(id, name));
    t.dispose();
    m.weights.set(name, v);
    savedNames.set(v, name);
  }
  const cache = new FrozenCache(m, tuning);
  const variables = [...savedNames.keys()];
  const tr = () => ({ variables, embedTrained: variables.some((v) => /\/(embed_tokens|wte)\.weight$/.test(v.name)) });
  return {
    model: m,
    tuning,
    variables,
    savedNames,
    lora,
    prepare: (train, batchSize) => cache.fill(train, batchSize),
    rewards: (idx, seed) => cache.rewards(idx, dropoutOf(tuning, seed)),
    stepGrads: (idx, loss, seed) => cache.stepGrads(idx, loss, tr(), dropoutOf(tuning, seed)),
  };
}

const dropoutOf = (t: TuningConfig, seed: number | undefined): LoraDropout | undefined =>
  t.mode === 'lora' && t.lora.dropout > 0 && seed !== undefined ? { rate: t.lora.dropout, seed } : undefined;

/** The training sequences and, for head/top-k, the cached output of the frozen part. */
class FrozenCache {
  private seqs: readonly EncodedSeq[] = [];
  /** head: h per sequence [H]; top-k: residual stream per sequence [len, H]. */
  private rows: Float32Array[] = [];
  private readonly first: number;

  constructor(
    private readonly m: HfRewardModel,
    private readonly tuning: TuningConfig,
  ) {
    this.first = firstTrainedLayer(m.spec, tuning);
  }

  async fill(train: readonly EncodedSeq[], batchSize: number): Promise<void> {
    this.seqs = train;
    if (this.tuning.mode !== 'head' && this.tuning.mode !== 'top-k') return;
    this.rows = new Array<Float32Array>(train.length);
    const ops = new TfOps(this.m.weights);
    for (let start = 0; start < train.length; start += batchSize) {
      const idx = Array.from({ length: Math.min(batchSize, train.length - start) }, (_, k) => start + k);
      const b = buildBatch(
        this.m.spec,
        idx.map((i) => train[i]!.ids),
        { padId: this.m.fillId, side: 'right', pooling: this.m.headInfo.pooling },
      );
      const inputs = batchTensors(b);
      const out = tf.tidy(() =>
        this.tuning.mode === 'head'
          ? decoderForward(ops, this.m.spec, inputs)
          : decoderLayers(ops, this.m.spec, inputs, decoderEmbed(ops, this.m.spec, inputs), 0, this.first),
      );
      // Sync point: the frozen part's output, once per training sequence (not per step).
      const data = (await out.data()) as Float32Array;
      const H = this.m.spec.hiddenSize;
      idx.forEach((i, k) => {
        const len = train[i]!.ids.length;
        this.rows[i] =
          this.tuning.mode === 'head' ? data.slice(k * H, (k + 1) * H) : data.slice(k * b.length * H, (k * b.length + len) * H);
      });
      tf.dispose([...Object.values(inputs), out]);
    }
  }

  rewards(idx: readonly number[], dropout?: LoraDropout): Tensor1D {
    const m = this.m;
    const H = m.spec.hiddenSize;
    if (this.tuning.mode === 'head') {
      const h = tf.tensor2d(concat(idx.map((i) => this.rows[i]!)), [idx.length, H]);
      return tf.reshape(tf.matMul(h, m.head), [-1]) as Tensor1D;
    }
    const b = buildBatch(
      m.spec,
      idx.map((i) => this.seqs[i]!.ids),
      { padId: m.fillId, side: 'right', pooling: m.headInfo.pooling },
    );
    const inputs = batchTensors(b);
    const ops = new TfOps(m.weights, m.lora, dropout);
    const x = this.tuning.mode === 'top-k' ? this.prefix(idx, b.length) : decoderEmbed(ops, m.spec, inputs);
    const h = decoderFinal(ops, m.spec, decoderLayers(ops, m.spec, inputs, x, this.first, m.spec.numLayers), inputs);
    return tf.reshape(tf.matMul(h, m.head), [-1]) as Tensor1D;
  }

  stepGrads(
    idx: readonly number[],
    loss: (rewards: Tensor1D) => Scalar,
    t: { variables: readonly Variable[]; embedTrained: boolean },
    dropout?: LoraDropout,
  ) {
    const m = this.m;
    if (this.tuning.mode === 'head') return tf.variableGrads(() => loss(this.rewards(idx)), [...t.variables]);
    const b = buildBatch(
      m.spec,
      idx.map((i) => this.seqs[i]!.ids),
      { padId: m.fillId, side: 'right', pooling: m.headInfo.pooling },
    );
    const inputs = batchTensors(b);
    try {
      const x0 =
        this.tuning.mode === 'top-k' ? () => this.prefix(idx, b.length) : () => decoderEmbed(new TfOps(m.weights, m.lora), m.spec, inputs);
      return checkpointedGrads(
        { m, inputs, x0, first: this.first, variables: t.variables, embedTrained: t.embedTrained, ...(dropout ? { dropout } : {}) },
        loss,
      );
    } finally {
      tf.dispose(Object.values(inputs));
    }
  }

  /** The cached residual streams of a batch, right-padded with zeros to T. */
  private prefix(idx: readonly number[], T: number): Tensor {
    const H = this.m.spec.hiddenSize;
    const out = new Float32Array(idx.length * T * H);
    idx.forEach((i, k) => out.set(this.rows[i]!, k * T * H));
    return tf.tensor3d(out, [idx.length, T, H]);
  }
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
