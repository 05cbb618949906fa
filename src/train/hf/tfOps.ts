// Ops<tf.Tensor>: the generic decoder (src/core/hf/decoder.ts) on TensorFlow.js, for every tfjs backend, forward and
// backward. Weights are looked up by canonical name; a LoRA adapter registered for a weight adds its low-rank update
// (x·Aᵀ·Bᵀ·scale) to that linear layer, which is how LoRA training reuses this file unchanged.
//
// Backend notes: every op stays ≤ 4-D (WebGPU cannot pad 5-D tensors); dense layers use transposed matmuls, which
// our wasm BatchMatMul kernel sends to XNNPACK; the embedding and pooling use the differentiable forms of model.ts.
import { embed } from '../model';
import { activation as fusedActivation, layerNorm as fusedLayerNorm, pickRows, rmsNorm as fusedRmsNorm } from '../fusedOps';
import { deriveSeed } from '../../core/random';
import { tf, type Tensor } from '../tf';
import type { Activation } from '../../core/hf/spec';
import type { LinearWeights, Ops } from '../../core/hf/ops';

/** A LoRA adapter on one linear layer: y += (x · Aᵀ) · Bᵀ · scale, A [r, in], B [out, r]. */
export interface LoraAdapter {
  readonly a: Tensor;
  readonly b: Tensor;
  readonly scale: number;
}

export interface TfWeights {
  get(name: string): Tensor | undefined;
}

/** LoRA dropout during training: rate, and a seed that fixes the masks (the same for a layer's recompute). */
export interface LoraDropout {
  readonly rate: number;
  readonly seed: number;
}

export class TfOps implements Ops<Tensor> {
  constructor(
    private readonly weights: TfWeights,
    private readonly lora?: ReadonlyMap<string, LoraAdapter>,
    private readonly dropout?: LoraDropout,
  ) {}

  private w(name: string): Tensor {
    const t = this.weights.get(name);
    if (!t) throw new Error(`the model has no tensor "${name}"`);
    return t;
  }

  embed(table: string, ids: Tensor): Tensor {
    return embed(this.w(table), ids as tf.Tensor2D);
  }

  add(a: Tensor, b: Tensor): Tensor {
    return tf.add(a, b);
  }

  mul(a: Tensor, b: Tensor): Tensor {
    return tf.mul(a, b);
  }

  scale(x: Tensor, factor: number): Tensor {
    return tf.mul(x, factor);
  }

  linear(x: Tensor, lw: LinearWeights): Tensor {
    const inDim = x.shape[x.rank - 1]!;
    const x2 = tf.reshape(x, [-1, inDim]);
    const W = this.w(lw.weight);
    let y = lw.layout === 'out_in' ? tf.matMul(x2, W, false, true) : tf.matMul(x2, W);
    const adapter = this.lora?.get(lw.weight);
    // The scale multiplies the [M, r] intermediate, not the [M, out] update: one fewer full-size tensor per layer.
    // PEFT applies lora_dropout to the adapter's input only; the seed per weight makes each mask reproducible.
    if (adapter) {
      const xa = this.dropout ? tf.dropout(x2, this.dropout.rate, undefined, deriveSeed(this.dropout.seed, lw.weight)) : x2;
      y = tf.add(y, tf.matMul(tf.mul(tf.matMul(xa, adapter.a, false, true), adapter.scale), adapter.b, false, true));
    }
    if (lw.bias) y = tf.add(y, this.w(lw.bias));
    return tf.reshape(y, [...x.shape.slice(0, -1), y.shape[1]!]);
  }

  // Both norms are one fused kernel each way on webgpu and the stock ops elsewhere (src/train/fusedOps.ts).
  rmsNorm(x: Tensor, weight: string, eps: number, onePlus: boolean): Tensor {
    return fusedRmsNorm(x, this.w(weight), eps, onePlus);
  }

  layerNorm(x: Tensor, weight: string, bias: string, eps: number): Tensor {
    return fusedLayerNorm(x, this.w(weight), this.w(bias), eps);
  }

  activation(x: Tensor, kind: Activation): Tensor {
    return fusedActivation(x, kind);
  }

  sliceLast(x: Tensor, start: number, size: number): Tensor {
    const begin = x.shape.map((_, i) => (i === x.rank - 1 ? start : 0));
    const sizes = x.shape.map((d, i) => (i === x.rank - 1 ? size : d));
    return tf.slice(x, begin, sizes);
  }

  splitHeads(x: Tensor, heads: number, headDim: number): Tensor {
    const [N, T] = x.shape as [number, number, number];
    return tf.transpose(tf.reshape(x, [N, T, heads, headDim]), [0, 2, 1, 3]);
  }

  mergeHeads(x: Tensor): Tensor {
    const [N, h, T, d] = x.shape as [number, number, number, number];
    return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [N, T, h * d]);
  }

  rope(x: Tensor, cos: Tensor, sin: Tensor): Tensor {
    const d = x.shape[3]!;
    const [x1, x2] = tf.split(x, [d / 2, d / 2], 3);
    const rotated = tf.concat([tf.neg(x2!), x1!], 3);
    return tf.add(tf.mul(x, cos), tf.mul(rotated, sin));
  }

  repeatKv(x: Tensor, groups: number): Tensor {
    // [N, kv, T, d] → [N, kv, 1, T·d] → tile the third axis → [N, kv·groups, T, d]: 4-D throughout.
    const [N, kv, T, d] = x.shape as [number, number, number, number];
    return tf.reshape(tf.tile(tf.reshape(x, [N, kv, 1, T * d]), [1, 1, groups, 1]), [N, kv * groups, T, d]);
  }

  attention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor, scale: number, softcap?: number): Tensor {
    let scores = tf.mul(tf.matMul(q, k, false, true), scale);
    if (softcap !== undefined) scores = tf.mul(tf.tanh(tf.div(scores, softcap)), softcap);
    return tf.matMul(tf.softmax(tf.add(scores, mask), -1), v);
  }

  pool(x: Tensor, index: Tensor): Tensor {
    // A batched one-hot matmul (differentiable on every backend, no gather gradient needed); fused on webgpu.
    return pickRows(x, index);
  }
}
