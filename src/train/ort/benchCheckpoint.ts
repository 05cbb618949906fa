// Random Hugging Face checkpoints, written at run time into a temp folder (never committed): any supported config
// for the engine tests (test/unit/hf/ortEngine.test.ts), and the scoring benchmark's, Qwen2.5-0.5B's shape by default (24 layers, hidden 896, 14 heads / 2 KV heads of 64, intermediate
// 4864, vocab 151936, q/k/v biases, tied embeddings, a score head), as Qwen2ForSequenceClassification so that
// transformers loads the same folder. Values are seeded noise at realistic scales (weights N(0, 0.02), norms near
// 1): speed does not depend on them, and the engines are compared on the same bytes.
import fs from 'node:fs';
import path from 'node:path';
import { backboneTensors } from '../../core/hf/tensors';
import { parseHfConfig } from '../../core/hf/spec';

export interface BenchShape {
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly intermediate: number;
  readonly vocab: number;
}

export const QWEN25_05B: BenchShape = { layers: 24, hidden: 896, heads: 14, kvHeads: 2, intermediate: 4864, vocab: 151936 };

/** config.json of the bench model (transformers 5 style). */
export function benchConfig(s: BenchShape, dtype: 'bfloat16' | 'float32'): Record<string, unknown> {
  return {
    architectures: ['Qwen2ForSequenceClassification'],
    model_type: 'qwen2',
    dtype,
    hidden_size: s.hidden,
    num_hidden_layers: s.layers,
    num_attention_heads: s.heads,
    num_key_value_heads: s.kvHeads,
    intermediate_size: s.intermediate,
    vocab_size: s.vocab,
    max_position_embeddings: 32768,
    hidden_act: 'silu',
    rms_norm_eps: 1e-6,
    rope_parameters: { rope_theta: 1000000.0, rope_type: 'default' },
    tie_word_embeddings: true,
    use_sliding_window: false,
    sliding_window: null,
    max_window_layers: s.layers,
    attention_dropout: 0.0,
    pad_token_id: s.vocab - 1,
    eos_token_id: s.vocab - 1,
    bos_token_id: null,
    num_labels: 1,
    id2label: { 0: 'LABEL_0' },
    label2id: { LABEL_0: 0 },
  };
}

/** xorshift32 → approximately N(0, 1) by the sum of four uniforms (fast; the exact distribution is irrelevant here). */
function noise(seed: number): () => number {
  let x = seed >>> 0 || 1;
  const u = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
  return () => (u() + u() + u() + u() - 2) * Math.sqrt(3);
}

function fill(name: string, n: number, rnd: () => number, weightSd: number): Float32Array {
  const out = new Float32Array(n);
  const isNorm = /(norm|ln_\w+)\.weight$/.test(name);
  const sd = isNorm || name.endsWith('.bias') ? 0.05 : weightSd;
  for (let i = 0; i < n; i++) out[i] = (isNorm ? 1 : 0) + sd * rnd();
  return out;
}

/** float32 → bf16 bits (round to nearest even), two bytes little-endian per value. */
function toBf16(v: Float32Array): Uint8Array {
  const bits = new Uint32Array(v.buffer, v.byteOffset, v.length);
  const out = new Uint16Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const b = bits[i]!;
    out[i] = (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
  }
  return new Uint8Array(out.buffer);
}

export interface RandomCheckpointOptions {
  readonly dtype: 'bfloat16' | 'float16' | 'float32';
  /** A tokenizer.json to copy in (openHfFolder needs one; the benchmark feeds ids, so any tokenizer will do). */
  readonly tokenizerFrom: string;
  readonly seed?: number;
  /** Standard deviation of the matrices (default 0.02, the HF init); norms are 1 ± 0.05, biases ± 0.05. */
  readonly weightSd?: number;
  /** Write a score head (default true; false gives a bare backbone). */
  readonly head?: boolean;
}

/** float32 → IEEE binary16 bits (round to nearest even; overflow to ±inf, tiny values flush through subnormals). */
function toF16(v: Float32Array): Uint8Array {
  const out = new Uint16Array(v.length);
  const bits = new Uint32Array(v.buffer, v.byteOffset, v.length);
  for (let i = 0; i < v.length; i++) {
    const b = bits[i]!,
      sign = (b >>> 16) & 0x8000,
      exp = ((b >>> 23) & 0xff) - 127 + 15,
      mant = b & 0x7fffff;
    if (exp >= 31) out[i] = sign | 0x7c00;
    else if (exp <= 0) out[i] = exp < -10 ? sign : sign | Math.round((mant | 0x800000) / 2 ** (14 - exp));
    else {
      const h = (exp << 10) | (mant >>> 13),
        rest = mant & 0x1fff;
      out[i] = sign | (rest > 0x1000 || (rest === 0x1000 && h & 1) ? h + 1 : h);
    }
  }
  return new Uint8Array(out.buffer);
}

const STORED = {
  bfloat16: { dtype: 'BF16', width: 2, encode: toBf16 },
  float16: { dtype: 'F16', width: 2, encode: toF16 },
  float32: { dtype: 'F32', width: 4, encode: (v: Float32Array) => new Uint8Array(v.buffer) },
} as const;

/** Writes a folder for any supported config (config.json, model.safetensors, tokenizer.json); returns the file's bytes. */
export function writeRandomCheckpoint(dir: string, config: Record<string, unknown>, o: RandomCheckpointOptions): number {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
  fs.copyFileSync(o.tokenizerFrom, path.join(dir, 'tokenizer.json'));
  const spec = parseHfConfig(config, path.join(dir, 'config.json'));
  const prefix = spec.family === 'gpt2' ? 'transformer.' : 'model.';
  const tensors = [
    ...backboneTensors(spec).map((t) => ({ name: prefix + t.name, shape: t.shape })),
    ...(o.head === false ? [] : [{ name: 'score.weight', shape: [1, spec.hiddenSize] }]),
  ];
  const stored = STORED[o.dtype];
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * stored.width;
    header[t.name] = { dtype: stored.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // safetensors pads the header to 8 bytes
  const fd = fs.openSync(path.join(dir, 'model.safetensors'), 'w');
  try {
    const len = new Uint8Array(8);
    new DataView(len.buffer).setBigUint64(0, BigInt(json.length), true);
    fs.writeSync(fd, len);
    fs.writeSync(fd, json);
    const rnd = noise(o.seed ?? 1);
    for (const t of tensors) {
      const v = fill(
        t.name,
        t.shape.reduce((a, b) => a * b, 1),
        rnd,
        o.weightSd ?? 0.02,
      );
      fs.writeSync(fd, stored.encode(v));
    }
  } finally {
    fs.closeSync(fd);
  }
  return 8 + json.length + offset;
}

/** The benchmark's folder: Qwen2.5-0.5B-shaped by default. */
export function writeBenchCheckpoint(dir: string, s: BenchShape, dtype: 'bfloat16' | 'float32', tokenizerFrom: string, seed = 1): number {
  return writeRandomCheckpoint(dir, benchConfig(s, dtype), { dtype, tokenizerFrom, seed });
}
