// A local Hugging Face model folder: config.json, the safetensors weights, the tokenizer files and the chat
// template, read and checked before any weight is loaded. Everything here reads headers and small JSON files only.
import { UserError } from '../../core/errors';
import fs from 'node:fs';
import path from 'node:path';
import { checkpointLayout, type CheckpointLayout } from '../../core/hf/head';
import { parseHfConfig, type HfModelSpec } from '../../core/hf/spec';
import type { TokenizerFiles } from '../../core/hf/tokenizer';
import { openWeightFiles, type WeightFiles } from './safetensorsFiles';

export interface HfFolder {
  readonly dir: string;
  readonly spec: HfModelSpec;
  readonly weights: WeightFiles;
  readonly layout: CheckpointLayout;
  readonly tokenizer: TokenizerFiles;
}

/** True when dir holds a Hugging Face config.json (model_type), not one of our own model directories. */
export function isHfModelFolder(dir: string): boolean {
  const file = path.join(dir, 'config.json');
  if (!fs.existsSync(file)) return false;
  try {
    const c = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    return typeof c.model_type === 'string' && c.format !== 'reward-lens-model';
  } catch {
    return false;
  }
}

function readJson(file: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UserError('not a JSON object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`${file}: ${what} is not valid JSON (${(e as Error).message})`);
  }
}

/** Opens and checks a folder. Errors name the file and field at fault. */
export function openHfFolder(dir: string): HfFolder {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UserError(`${dir}: not a folder`);
  const configFile = path.join(dir, 'config.json');
  if (!fs.existsSync(configFile))
    throw new UserError(`${dir}: no config.json; a Hugging Face model folder has config.json, *.safetensors and tokenizer.json`);
  const spec = parseHfConfig(readJson(configFile, 'the model config'), configFile);
  const weights = openWeightFiles(dir);
  const shapes = new Map([...weights.tensors].map(([n, t]) => [n, t.shape] as const));
  const layout = checkpointLayout(spec, shapes, dir);
  return { dir, spec, weights, layout, tokenizer: readTokenizerFiles(dir) };
}

export function readTokenizerFiles(dir: string): TokenizerFiles {
  const tokFile = path.join(dir, 'tokenizer.json');
  if (!fs.existsSync(tokFile)) {
    const slow = ['tokenizer.model', 'vocab.json', 'spiece.model'].filter((f) => fs.existsSync(path.join(dir, f)));
    const hint = slow.length
      ? ` (found ${slow.join(', ')}: save a fast tokenizer with transformers, AutoTokenizer.from_pretrained(dir).save_pretrained(dir))`
      : '';
    throw new UserError(`${dir}: no tokenizer.json${hint}`);
  }
  const cfgFile = path.join(dir, 'tokenizer_config.json');
  const mapFile = path.join(dir, 'special_tokens_map.json');
  const templateFile = path.join(dir, 'chat_template.jinja');
  return {
    tokenizerJson: readJson(tokFile, 'the tokenizer'),
    tokenizerConfig: fs.existsSync(cfgFile) ? readJson(cfgFile, 'the tokenizer config') : {},
    ...(fs.existsSync(mapFile) ? { specialTokensMap: readJson(mapFile, 'the special tokens map') } : {}),
    ...(fs.existsSync(templateFile) ? { chatTemplateFile: fs.readFileSync(templateFile, 'utf8') } : {}),
  };
}
