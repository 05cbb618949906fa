// The tensors each family's backbone must have, by canonical name and shape, and how checkpoint names map to them.
// A checkpoint may prefix the backbone ('model.' for Llama-style *ForSequenceClassification / *ForCausalLM and
// OpenRLHF, 'transformer.' for GPT-2) or not (a bare base model); the loader strips the prefix it finds.
import type { LinearWeights } from './ops';
import type { HfModelSpec } from './spec';

export interface TensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
}

/** Every backbone tensor the decoder reads, in file order of a typical checkpoint. */
export function backboneTensors(s: HfModelSpec): TensorSpec[] {
  return s.family === 'gpt2' ? gpt2Tensors(s) : decoderTensors(s);
}

function decoderTensors(s: HfModelSpec): TensorSpec[] {
  const H = s.hiddenSize,
    q = s.numHeads * s.headDim,
    kv = s.numKvHeads * s.headDim,
    I = s.intermediateSize;
  const out: TensorSpec[] = [{ name: 'embed_tokens.weight', shape: [s.vocabSize, H] }];
  for (let l = 0; l < s.numLayers; l++) {
    const L = layerNames(s, l);
    out.push({ name: L.inputNorm, shape: [H] });
    for (const [w, rows] of [
      [L.q, q],
      [L.k, kv],
      [L.v, kv],
    ] as const) {
      out.push({ name: w.weight, shape: [rows, H] });
      if (w.bias) out.push({ name: w.bias, shape: [rows] });
    }
    out.push({ name: L.o.weight, shape: [H, q] });
    if (L.o.bias) out.push({ name: L.o.bias, shape: [H] });
    if (L.qNorm && L.kNorm) out.push({ name: L.qNorm, shape: [s.headDim] }, { name: L.kNorm, shape: [s.headDim] });
    out.push({ name: L.postAttnNorm, shape: [H] });
    if (L.preFfnNorm && L.postFfnNorm) out.push({ name: L.preFfnNorm, shape: [H] }, { name: L.postFfnNorm, shape: [H] });
    for (const [w, shape] of [
      [L.gate!, [I, H]],
      [L.up, [I, H]],
      [L.down, [H, I]],
    ] as const) {
      out.push({ name: w.weight, shape });
      if (w.bias) out.push({ name: w.bias, shape: [shape[0]] });
    }
  }
  out.push({ name: 'norm.weight', shape: [H] });
  return out;
}

function gpt2Tensors(s: HfModelSpec): TensorSpec[] {
  const H = s.hiddenSize,
    I = s.intermediateSize;
  const out: TensorSpec[] = [
    { name: 'wte.weight', shape: [s.vocabSize, H] },
    { name: 'wpe.weight', shape: [s.maxPositions, H] },
  ];
  for (let l = 0; l < s.numLayers; l++) {
    const p = `h.${l}`;
    out.push(
      { name: `${p}.ln_1.weight`, shape: [H] },
      { name: `${p}.ln_1.bias`, shape: [H] },
      { name: `${p}.attn.c_attn.weight`, shape: [H, 3 * H] },
      { name: `${p}.attn.c_attn.bias`, shape: [3 * H] },
      { name: `${p}.attn.c_proj.weight`, shape: [H, H] },
      { name: `${p}.attn.c_proj.bias`, shape: [H] },
      { name: `${p}.ln_2.weight`, shape: [H] },
      { name: `${p}.ln_2.bias`, shape: [H] },
      { name: `${p}.mlp.c_fc.weight`, shape: [H, I] },
      { name: `${p}.mlp.c_fc.bias`, shape: [I] },
      { name: `${p}.mlp.c_proj.weight`, shape: [I, H] },
      { name: `${p}.mlp.c_proj.bias`, shape: [H] },
    );
  }
  out.push({ name: 'ln_f.weight', shape: [H] }, { name: 'ln_f.bias', shape: [H] });
  return out;
}

/** Names of one Llama-style layer's tensors (the decoder and the inventory above both read them from here). */
export interface LayerNames {
  readonly inputNorm: string;
  readonly q: LinearWeights;
  readonly k: LinearWeights;
  readonly v: LinearWeights;
  readonly o: LinearWeights;
  readonly qNorm?: string;
  readonly kNorm?: string;
  readonly postAttnNorm: string;
  readonly preFfnNorm?: string;
  readonly postFfnNorm?: string;
  readonly gate?: LinearWeights;
  readonly up: LinearWeights;
  readonly down: LinearWeights;
}

export function layerNames(s: HfModelSpec, l: number): LayerNames {
  const p = `layers.${l}`;
  const lin = (name: string, bias: boolean): LinearWeights => ({
    weight: `${name}.weight`,
    ...(bias ? { bias: `${name}.bias` } : {}),
    layout: 'out_in',
  });
  return {
    inputNorm: `${p}.input_layernorm.weight`,
    q: lin(`${p}.self_attn.q_proj`, s.attentionBias.qkv),
    k: lin(`${p}.self_attn.k_proj`, s.attentionBias.qkv),
    v: lin(`${p}.self_attn.v_proj`, s.attentionBias.qkv),
    o: lin(`${p}.self_attn.o_proj`, s.attentionBias.o),
    ...(s.qkNorm ? { qNorm: `${p}.self_attn.q_norm.weight`, kNorm: `${p}.self_attn.k_norm.weight` } : {}),
    postAttnNorm: `${p}.post_attention_layernorm.weight`,
    ...(s.sandwichNorms
      ? { preFfnNorm: `${p}.pre_feedforward_layernorm.weight`, postFfnNorm: `${p}.post_feedforward_layernorm.weight` }
      : {}),
    gate: lin(`${p}.mlp.gate_proj`, s.mlpBias),
    up: lin(`${p}.mlp.up_proj`, s.mlpBias),
    down: lin(`${p}.mlp.down_proj`, s.mlpBias),
  };
}

/** Prefixes a checkpoint may put before the backbone's names, most specific first. */
export const BACKBONE_PREFIXES = ['model.', 'transformer.', ''] as const;

/** Checkpoint tensors that are known and ignored (not weights the reward model uses). */
export function isIgnoredTensor(name: string): boolean {
  return name === 'lm_head.weight' || /(^|\.)attn\.(masked_)?bias$/.test(name) || /rotary_emb\.inv_freq$/.test(name);
}
