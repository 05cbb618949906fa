// A Hugging Face folder of any size without the disk: config.json, a real safetensors header for every tensor the
// config implies, and a sparse file extended to the full size (the data reads as zeros and takes no space). Lets the
// tests check what is decided before any weight is read (model summaries, memory refusals) at real model sizes.
import fs from 'node:fs';
import path from 'node:path';
import { parseHfConfig } from '../../../src/core/hf/spec';
import { backboneTensors } from '../../../src/core/hf/tensors';

export function writeSparseCheckpoint(dir: string, config: Record<string, unknown>, dtype: 'BF16' | 'F32' = 'BF16'): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const spec = parseHfConfig(config, 'config.json');
  const bytes = dtype === 'BF16' ? 2 : 4;
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const t of [
    ...backboneTensors(spec).map((x) => ({ ...x, name: `model.${x.name}` })),
    { name: 'score.weight', shape: [1, spec.hiddenSize] },
  ]) {
    const n = t.shape.reduce((a, b) => a * b, 1) * bytes;
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + n] };
    offset += n;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const file = path.join(dir, 'model.safetensors');
  const head = new Uint8Array(8 + json.length);
  new DataView(head.buffer).setBigUint64(0, BigInt(json.length), true);
  head.set(json, 8);
  fs.writeFileSync(file, head);
  fs.truncateSync(file, 8 + json.length + offset);
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja'])
    fs.copyFileSync(path.join('test/fixtures/hf/qwen2', f), path.join(dir, f));
}

/** Qwen2.5-7B's dimensions (from its public config.json). */
export const QWEN25_7B = {
  model_type: 'qwen2',
  architectures: ['Qwen2ForSequenceClassification'],
  hidden_size: 3584,
  intermediate_size: 18944,
  num_hidden_layers: 28,
  num_attention_heads: 28,
  num_key_value_heads: 4,
  vocab_size: 152064,
  max_position_embeddings: 32768,
  rope_theta: 1000000,
  rms_norm_eps: 1e-6,
  tie_word_embeddings: false,
  torch_dtype: 'bfloat16',
  pad_token_id: 151643,
  eos_token_id: 151645,
  num_labels: 1,
};
