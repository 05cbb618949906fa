// Export of a fine-tuned backbone as a Hugging Face folder that transformers, TRL and RewardBench load as
// AutoModelForSequenceClassification with no code: config.json (architectures <Family>ForSequenceClassification,
// num_labels 1, pad_token_id), model.safetensors with HF tensor names (LoRA merged into the base weights) and
// score.weight, the tokenizer files, and the eval reward mean/std as OpenRLHF records them (for normalisation).
// A LoRA run also gets a PEFT adapter (adapter_config.json + adapter_model.safetensors, the head as
// modules_to_save) beside it in adapter/.
import { UserError } from '../../core/errors';
import fs from 'node:fs';
import path from 'node:path';
import { encodeSafetensors, type SafeTensor } from '../../core/safetensors';
import { backboneTensors } from '../../core/hf/tensors';
import { writeFileAtomic } from '../../node/atomic';
import type { HfTrainable } from './hfTrainable';
import { mergedWeight } from './lora';

/** transformers' class names per family. */
export const SEQ_CLS_CLASS: Readonly<Record<string, string>> = {
  llama: 'LlamaForSequenceClassification',
  mistral: 'MistralForSequenceClassification',
  qwen2: 'Qwen2ForSequenceClassification',
  qwen3: 'Qwen3ForSequenceClassification',
  gemma2: 'Gemma2ForSequenceClassification',
  gpt2: 'GPT2ForSequenceClassification',
};

const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'chat_template.jinja',
  'generation_config.json',
];

export interface ExportInfo {
  /** Eval reward statistics recorded in config.json (OpenRLHF's mean/std). */
  readonly rewardMean?: number;
  readonly rewardStd?: number;
  /** Free-form facts (run id, objective, step) stored in the safetensors metadata. */
  readonly meta?: Readonly<Record<string, string>>;
}

const f32 = async (t: import('../tf').Tensor): Promise<SafeTensor> => ({
  dtype: 'F32',
  shape: t.shape,
  data: (await t.data()) as Float32Array,
});

/** Writes the merged model to outDir (created; must be empty or absent). Returns the files written. */
export async function exportHfFolder(tr: HfTrainable, outDir: string, info: ExportInfo = {}): Promise<string[]> {
  const m = tr.model;
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0) throw new UserError(`${outDir}: not empty; export into a new folder`);
  const prefix = m.spec.family === 'gpt2' ? 'transformer.' : 'model.';
  const tensors = new Map<string, SafeTensor>();
  for (const t of backboneTensors(m.spec)) {
    const w = m.weights.get(t.name)!;
    const ad = tr.lora.get(t.name);
    if (ad) {
      const merged = mergedWeight(w, ad);
      tensors.set(prefix + t.name, await f32(merged));
      merged.dispose();
    } else tensors.set(prefix + t.name, await f32(w));
  }
  const head = await f32(m.head);
  tensors.set('score.weight', { dtype: 'F32', shape: [1, m.spec.hiddenSize], data: head.data });
  const files: string[] = [];
  const write = (name: string, data: string | Uint8Array) => {
    writeFileAtomic(path.join(outDir, name), data);
    files.push(name);
  };
  write('model.safetensors', encodeSafetensors(tensors, { format: 'pt', ...(info.meta ?? {}) }));
  write('config.json', JSON.stringify(exportConfig(tr, info), null, 2) + '\n');
  for (const f of TOKENIZER_FILES) {
    const src = path.join(m.folder.dir, f);
    if (fs.existsSync(src)) write(f, new Uint8Array(fs.readFileSync(src)));
  }
  return files;
}

/** The source config with what a sequence-classification reward model needs set. */
function exportConfig(tr: HfTrainable, info: ExportInfo): Record<string, unknown> {
  const m = tr.model;
  const src = JSON.parse(fs.readFileSync(path.join(m.folder.dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const { value_head_prefix: _v, ...rest } = src;
  // transformers needs a pad id to batch; RewardBench's convention for models without one is pad = eos.
  const pad = m.spec.padTokenId ?? m.spec.eosTokenIds[0];
  return {
    ...rest,
    architectures: [SEQ_CLS_CLASS[m.spec.family]],
    num_labels: 1,
    id2label: { 0: 'LABEL_0' },
    label2id: { LABEL_0: 0 },
    ...(pad !== undefined ? { pad_token_id: pad } : {}),
    ...(src.dtype !== undefined ? { dtype: 'float32' } : {}),
    ...(src.torch_dtype !== undefined ? { torch_dtype: 'float32' } : {}),
    normalize_reward: false,
    ...(info.rewardMean !== undefined ? { mean: info.rewardMean } : {}),
    ...(info.rewardStd !== undefined ? { std: info.rewardStd } : {}),
  };
}

/** The current trained tensors (checkpoints): head, LoRA A/B, trained backbone tensors, under their saved names. */
export async function trainedTensors(tr: HfTrainable): Promise<Map<string, SafeTensor>> {
  const out = new Map<string, SafeTensor>();
  for (const v of tr.variables) out.set(tr.savedNames.get(v)!, await f32(v));
  return out;
}

/**
 * The LoRA adapter as PEFT 0.21 saves it (checked name for name against a real save, test/fixtures/hf/train-parity):
 * tensors `base_model.model.<HF module>.lora_A.weight` / `.lora_B.weight` and the head as
 * `base_model.model.score.weight` (modules_to_save, stored without its wrapper's name), plus adapter_config.json.
 * `PeftModel.from_pretrained(AutoModelForSequenceClassification.from_pretrained(base), adapter)` loads it.
 */
export async function exportPeftAdapter(tr: HfTrainable, outDir: string): Promise<string[]> {
  const m = tr.model;
  const prefix = m.spec.family === 'gpt2' ? 'transformer.' : 'model.';
  const tensors = new Map<string, SafeTensor>();
  for (const ad of tr.lora.values()) {
    tensors.set(`base_model.model.${prefix}${ad.target.module}.lora_A.weight`, await f32(ad.a));
    tensors.set(`base_model.model.${prefix}${ad.target.module}.lora_B.weight`, await f32(ad.b));
  }
  const head = await f32(m.head);
  tensors.set('base_model.model.score.weight', { dtype: 'F32', shape: [1, m.spec.hiddenSize], data: head.data });
  const sorted = new Map([...tensors].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  const lora = tr.tuning.lora;
  const config = {
    peft_type: 'LORA',
    task_type: 'SEQ_CLS',
    base_model_name_or_path: path.resolve(m.folder.dir),
    r: lora.rank,
    lora_alpha: lora.alpha,
    lora_dropout: lora.dropout,
    target_modules: [...lora.targets],
    modules_to_save: ['score'],
    bias: 'none',
    fan_in_fan_out: m.spec.family === 'gpt2',
    inference_mode: true,
    init_lora_weights: true,
    use_rslora: false,
    use_dora: false,
    layers_to_transform: null,
    layers_pattern: null,
    rank_pattern: {},
    alpha_pattern: {},
    revision: null,
  };
  writeFileAtomic(path.join(outDir, 'adapter_model.safetensors'), encodeSafetensors(sorted, { format: 'pt' }));
  writeFileAtomic(path.join(outDir, 'adapter_config.json'), JSON.stringify(config, null, 2) + '\n');
  return ['adapter_model.safetensors', 'adapter_config.json'];
}
