// What trains when a reward model is fine-tuned from a pretrained backbone (reward-lens train --from FOLDER --tune):
//   lora   low-rank adapters on the target linear layers (per-family defaults below) + the head   (default)
//   full   every backbone tensor + the head
//   head   the head alone; the backbone is frozen, so h is computed once per sequence and cached
//   top-k  the last k blocks + final norm + the head; the frozen prefix's output is computed once and cached
// The head always trains. Pure: shapes and names only; the engines create the tensors.
import { UserError } from '../errors';
import { backboneTensors } from './tensors';
import type { HfFamily, HfModelSpec } from './spec';

export type TuneMode = 'lora' | 'full' | 'head' | 'top-k';
export const TUNE_MODES: readonly TuneMode[] = ['lora', 'full', 'head', 'top-k'];

export interface LoraConfig {
  readonly rank: number;
  readonly alpha: number;
  readonly dropout: number;
  /** Module names as PEFT spells them ('q_proj', 'c_attn', …). */
  readonly targets: readonly string[];
}

export interface TuningConfig {
  readonly mode: TuneMode;
  readonly lora: LoraConfig;
  /** Blocks trained in top-k mode. */
  readonly topK: number;
}

/** PEFT-style target modules per family: every attention and MLP projection. */
export const DEFAULT_LORA_TARGETS: Readonly<Record<HfFamily, readonly string[]>> = {
  llama: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
  mistral: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
  qwen2: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
  qwen3: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
  gemma2: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
  gpt2: ['c_attn', 'c_proj', 'c_fc'],
};

/** What `reward-lens train --from FOLDER` uses for every tuning flag left out (LoRA r=8, α=16, max 1024 tokens). */
export const BACKBONE_DEFAULTS = {
  tune: 'lora',
  loraRank: 8,
  loraAlpha: 16,
  loraDropout: 0,
  topK: 2,
  resetHead: false,
  maxTokens: 1024,
  gradCheckpointing: true,
} as const;

export const DEFAULT_TUNING = (family: HfFamily): TuningConfig => ({
  mode: 'lora',
  lora: { rank: 8, alpha: 16, dropout: 0, targets: DEFAULT_LORA_TARGETS[family] },
  topK: 2,
});

export interface LoraTarget {
  /** The adapted weight's canonical name ('layers.0.self_attn.q_proj.weight'). */
  readonly weight: string;
  /** The PEFT module path without '.weight' ('layers.0.self_attn.q_proj'). */
  readonly module: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** GPT-2 Conv1D stores [in, out] (PEFT's fan_in_fan_out). */
  readonly fanInFanOut: boolean;
}

/** The linear layers LoRA adapts: 2-D weights whose module's last name is a target. */
export function loraTargets(s: HfModelSpec, targets: readonly string[]): LoraTarget[] {
  const out: LoraTarget[] = [];
  for (const t of backboneTensors(s)) {
    if (t.shape.length !== 2 || !t.name.endsWith('.weight')) continue;
    const module = t.name.slice(0, -'.weight'.length);
    const last = module.split('.').pop()!;
    if (!targets.includes(last) || !/^(layers|h)\.\d+\./.test(module)) continue;
    const fanInFanOut = s.family === 'gpt2';
    const [a, b] = t.shape as [number, number];
    out.push({ weight: t.name, module, inFeatures: fanInFanOut ? a : b, outFeatures: fanInFanOut ? b : a, fanInFanOut });
  }
  const unknown = targets.filter((name) => !out.some((t) => t.module.endsWith(`.${name}`)));
  if (unknown.length)
    throw new UserError(
      `LoRA target modules ${unknown.join(', ')} match no ${s.family} layer (the ${s.family} defaults are ${DEFAULT_LORA_TARGETS[s.family].join(', ')})`,
    );
  return out;
}

/** Backbone tensors trained in full / top-k mode (canonical names). */
export function trainedBackboneTensors(s: HfModelSpec, t: TuningConfig): string[] {
  if (t.mode === 'full') return backboneTensors(s).map((x) => x.name);
  if (t.mode !== 'top-k') return [];
  const first = firstTrainedLayer(s, t);
  const finalNorms = s.family === 'gpt2' ? ['ln_f.weight', 'ln_f.bias'] : ['norm.weight'];
  return backboneTensors(s)
    .map((x) => x.name)
    .filter((n) => finalNorms.includes(n) || layerOf(n) >= first);
}

/** The first block that trains (top-k: numLayers − k; lora/full: 0; head: numLayers). */
export function firstTrainedLayer(s: HfModelSpec, t: TuningConfig): number {
  if (t.mode === 'head') return s.numLayers;
  if (t.mode === 'top-k') {
    if (!(Number.isInteger(t.topK) && t.topK >= 1 && t.topK <= s.numLayers))
      throw new UserError(`--top-k must be between 1 and ${s.numLayers} (the model's layers), got ${t.topK}`);
    return s.numLayers - t.topK;
  }
  return 0;
}

function layerOf(name: string): number {
  const m = /^(?:layers|h)\.(\d+)\./.exec(name);
  return m ? Number(m[1]) : -1;
}
