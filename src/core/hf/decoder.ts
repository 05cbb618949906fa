// The network of every supported family, written once over Ops<T> (ops.ts) and switched by the HfModelSpec.
//
//   x = embed(ids) · embedScale (+ learned positions)
//   per layer:  a = attn(norm1(x));           Gemma-2: a = postAttnNorm(a)
//               x = x + a
//               m = mlp(norm2(x));            Gemma-2: norm2 = preFfnNorm, m = postFfnNorm(m)
//               x = x + m
//   h = finalNorm(x)[poolIndex]               the score head's input: the paper's h
//
// Attention: q, k, v projections (+ biases), Qwen3's per-head q/k norms, RoPE on q and k, GQA by repeating each KV
// head for consecutive query heads, softmax(softcap(q·kᵀ·scale) + mask)·v, the output projection.
import { layerNames } from './tensors';
import type { DecoderInputs, LinearWeights, Ops } from './ops';
import type { AttentionKind, HfModelSpec } from './spec';

/** The pooled hidden state h [N, H] of a batch. */
export function decoderForward<T>(ops: Ops<T>, s: HfModelSpec, inputs: DecoderInputs<T>): T {
  return decoderFinal(ops, s, decoderLayers(ops, s, inputs, decoderEmbed(ops, s, inputs), 0, s.numLayers), inputs);
}

/**
 * The three stages separately, so training can run only part of the network: top-k tuning caches the residual
 * stream after the frozen layers (stage 1 + layers [0, L−k)) and trains the rest.
 */
export function decoderEmbed<T>(ops: Ops<T>, s: HfModelSpec, inputs: DecoderInputs<T>): T {
  if (s.family === 'gpt2') {
    if (!inputs.positionIds) throw new Error('gpt2: position ids are missing from the batch');
    return ops.add(ops.embed('wte.weight', inputs.ids), ops.embed('wpe.weight', inputs.positionIds));
  }
  const x = ops.embed('embed_tokens.weight', inputs.ids);
  return s.embedScale !== 1 ? ops.scale(x, s.embedScale) : x;
}

/** Layers [from, to) on the residual stream x [N, T, H]. */
export function decoderLayers<T>(ops: Ops<T>, s: HfModelSpec, inputs: DecoderInputs<T>, x: T, from: number, to: number): T {
  const masks = masksOf(ops, inputs);
  for (let l = from; l < to; l++) x = s.family === 'gpt2' ? gpt2Layer(ops, s, masks.full!, l, x) : llamaLayer(ops, s, inputs, masks, l, x);
  return x;
}

/** The final norm and the pooled row: h [N, H]. */
export function decoderFinal<T>(ops: Ops<T>, s: HfModelSpec, x: T, inputs: DecoderInputs<T>): T {
  const normed = s.family === 'gpt2' ? ops.layerNorm(x, 'ln_f.weight', 'ln_f.bias', s.norm.eps) : norm(ops, s, x, 'norm.weight');
  return ops.pool(normed, inputs.poolIndex);
}

/** The additive masks each attention kind uses: causal + padding, computed once per forward. */
function masksOf<T>(ops: Ops<T>, inputs: DecoderInputs<T>): Record<AttentionKind, T | undefined> {
  const full = ops.add(inputs.causal, inputs.keyPadding);
  const sliding = inputs.causalSliding ? ops.add(inputs.causalSliding, inputs.keyPadding) : undefined;
  return { full, sliding };
}

function norm<T>(ops: Ops<T>, s: HfModelSpec, x: T, weight: string): T {
  return ops.rmsNorm(x, weight, s.norm.eps, s.norm.onePlus);
}

function llamaLayer<T>(
  ops: Ops<T>,
  s: HfModelSpec,
  inputs: DecoderInputs<T>,
  masks: Record<AttentionKind, T | undefined>,
  l: number,
  x: T,
): T {
  if (!inputs.cos || !inputs.sin) throw new Error(`${s.family}: rotary tables (cos, sin) are missing from the batch`);
  const L = layerNames(s, l);
  const mask = masks[s.layerTypes[l]!];
  if (!mask) throw new Error(`layer ${l} is a sliding-window layer but the batch has no sliding mask`);
  let a = selfAttention(
    ops,
    s,
    norm(ops, s, x, L.inputNorm),
    { q: L.q, k: L.k, v: L.v, o: L.o, qNorm: L.qNorm, kNorm: L.kNorm },
    inputs,
    mask,
  );
  if (L.postFfnNorm) a = norm(ops, s, a, L.postAttnNorm);
  x = ops.add(x, a);
  let m = gatedMlp(ops, s, norm(ops, s, x, L.preFfnNorm ?? L.postAttnNorm), L.gate!, L.up, L.down);
  if (L.postFfnNorm) m = norm(ops, s, m, L.postFfnNorm);
  return ops.add(x, m);
}

interface AttentionWeights {
  readonly q: LinearWeights;
  readonly k: LinearWeights;
  readonly v: LinearWeights;
  readonly o: LinearWeights;
  readonly qNorm?: string | undefined;
  readonly kNorm?: string | undefined;
}

function selfAttention<T>(ops: Ops<T>, s: HfModelSpec, x: T, w: AttentionWeights, inputs: DecoderInputs<T>, mask: T): T {
  const d = s.headDim;
  let q = ops.splitHeads(ops.linear(x, w.q), s.numHeads, d);
  let k = ops.splitHeads(ops.linear(x, w.k), s.numKvHeads, d);
  const v = ops.splitHeads(ops.linear(x, w.v), s.numKvHeads, d);
  if (w.qNorm && w.kNorm) {
    q = ops.rmsNorm(q, w.qNorm, s.norm.eps, false);
    k = ops.rmsNorm(k, w.kNorm, s.norm.eps, false);
  }
  q = ops.rope(q, inputs.cos!, inputs.sin!);
  k = ops.rope(k, inputs.cos!, inputs.sin!);
  const groups = s.numHeads / s.numKvHeads;
  const kAll = groups > 1 ? ops.repeatKv(k, groups) : k;
  const vAll = groups > 1 ? ops.repeatKv(v, groups) : v;
  const y = ops.attention(q, kAll, vAll, mask, s.attnScale, s.attnSoftcap);
  return ops.linear(ops.mergeHeads(y), w.o);
}

function gatedMlp<T>(ops: Ops<T>, s: HfModelSpec, x: T, gate: LinearWeights, up: LinearWeights, down: LinearWeights): T {
  return ops.linear(ops.mul(ops.activation(ops.linear(x, gate), s.activation), ops.linear(x, up)), down);
}

function gpt2Layer<T>(ops: Ops<T>, s: HfModelSpec, mask: T, l: number, x: T): T {
  const H = s.hiddenSize;
  const conv = (name: string): LinearWeights => ({ weight: `${name}.weight`, bias: `${name}.bias`, layout: 'in_out' });
  const p = `h.${l}`;
  const qkv = ops.linear(ops.layerNorm(x, `${p}.ln_1.weight`, `${p}.ln_1.bias`, s.norm.eps), conv(`${p}.attn.c_attn`));
  const heads = (i: number) => ops.splitHeads(ops.sliceLast(qkv, i * H, H), s.numHeads, s.headDim);
  const y = ops.attention(heads(0), heads(1), heads(2), mask, s.attnScale);
  x = ops.add(x, ops.linear(ops.mergeHeads(y), conv(`${p}.attn.c_proj`)));
  const m = ops.layerNorm(x, `${p}.ln_2.weight`, `${p}.ln_2.bias`, s.norm.eps);
  return ops.add(x, ops.linear(ops.activation(ops.linear(m, conv(`${p}.mlp.c_fc`)), s.activation), conv(`${p}.mlp.c_proj`)));
}
