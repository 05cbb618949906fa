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
  return s.family === 'gpt2' ? gpt2Forward(ops, s, inputs) : llamaForward(ops, s, inputs);
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

function llamaForward<T>(ops: Ops<T>, s: HfModelSpec, inputs: DecoderInputs<T>): T {
  if (!inputs.cos || !inputs.sin) throw new Error(`${s.family}: rotary tables (cos, sin) are missing from the batch`);
  const masks = masksOf(ops, inputs);
  let x = ops.embed('embed_tokens.weight', inputs.ids);
  if (s.embedScale !== 1) x = ops.scale(x, s.embedScale);
  for (let l = 0; l < s.numLayers; l++) {
    const L = layerNames(s, l);
    const mask = masks[s.layerTypes[l]!];
    if (!mask) throw new Error(`layer ${l} is a sliding-window layer but the batch has no sliding mask`);
    let a = selfAttention(ops, s, norm(ops, s, x, L.inputNorm), { q: L.q, k: L.k, v: L.v, o: L.o, qNorm: L.qNorm, kNorm: L.kNorm }, inputs, mask);
    if (L.postFfnNorm) a = norm(ops, s, a, L.postAttnNorm);
    x = ops.add(x, a);
    let m = gatedMlp(ops, s, norm(ops, s, x, L.preFfnNorm ?? L.postAttnNorm), L.gate!, L.up, L.down);
    if (L.postFfnNorm) m = norm(ops, s, m, L.postFfnNorm);
    x = ops.add(x, m);
  }
  return ops.pool(norm(ops, s, x, 'norm.weight'), inputs.poolIndex);
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

function gpt2Forward<T>(ops: Ops<T>, s: HfModelSpec, inputs: DecoderInputs<T>): T {
  if (!inputs.positionIds) throw new Error('gpt2: position ids are missing from the batch');
  const H = s.hiddenSize;
  const mask = masksOf(ops, inputs).full!;
  const conv = (name: string): LinearWeights => ({ weight: `${name}.weight`, bias: `${name}.bias`, layout: 'in_out' });
  let x = ops.add(ops.embed('wte.weight', inputs.ids), ops.embed('wpe.weight', inputs.positionIds));
  for (let l = 0; l < s.numLayers; l++) {
    const p = `h.${l}`;
    const qkv = ops.linear(ops.layerNorm(x, `${p}.ln_1.weight`, `${p}.ln_1.bias`, s.norm.eps), conv(`${p}.attn.c_attn`));
    const heads = (i: number) => ops.splitHeads(ops.sliceLast(qkv, i * H, H), s.numHeads, s.headDim);
    const y = ops.attention(heads(0), heads(1), heads(2), mask, s.attnScale);
    x = ops.add(x, ops.linear(ops.mergeHeads(y), conv(`${p}.attn.c_proj`)));
    const m = ops.layerNorm(x, `${p}.ln_2.weight`, `${p}.ln_2.bias`, s.norm.eps);
    x = ops.add(x, ops.linear(ops.activation(ops.linear(m, conv(`${p}.mlp.c_fc`)), s.activation), conv(`${p}.mlp.c_proj`)));
  }
  return ops.pool(ops.layerNorm(x, 'ln_f.weight', 'ln_f.bias', s.norm.eps), inputs.poolIndex);
}
