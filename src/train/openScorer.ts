// Opens any reward model folder as a RewardScorer: a Reward Lens model (a run's model/, or the run directory) or a
// Hugging Face folder, on the engine asked for. The CLI, the worker and tests all open models through here.
import { UserError } from '../core/errors';
import fs from 'node:fs';
import path from 'node:path';
import { isHfModelFolder } from '../node/hf/modelFolder';
import { readJsonFile } from '../node/atomic';
import { loadModel } from './modelIO';
import { toyScorer } from './toyScorer';
import { loadHfModel, type LoadHfOptions } from './hf/hfModel';
import { hfScorer } from './hf/hfScorer';
import { tf } from './tf';
import type { RewardScorer } from './scorer';

import type { ScoringEngine } from '../core/config';

/** 'tfjs' runs on the active tfjs backend; 'onnx' on onnxruntime (HF models, scoring only); 'auto' picks (SCORING_ENGINES). */
export type { ScoringEngine };

export interface OpenScorerOptions extends LoadHfOptions {
  readonly engine?: ScoringEngine;
  /** Longest sequence in tokens for HF models. */
  readonly maxTokens?: number;
  /** onnxruntime's intra-op threads (default: its own choice). */
  readonly threads?: number;
  /** Where the onnx engine keeps its generated graph files. */
  readonly cacheDir?: string;
}

export interface OpenedScorer {
  readonly scorer: RewardScorer;
  /** The model folder actually opened (a run directory resolves to its model/). */
  readonly dir: string;
  /** Sorted ‖h‖ of a training sample (our runs write one), for the hover's percentile; empty otherwise. */
  readonly trainNorms: readonly number[];
}

/** A run directory, its model/ folder, or a Hugging Face folder → the folder to open; throws when it is none. */
export function resolveModelFolder(dir: string): string {
  if (isHfModelFolder(dir)) return dir;
  if (fs.existsSync(path.join(dir, 'model.safetensors'))) return dir;
  if (fs.existsSync(path.join(dir, 'model', 'model.safetensors'))) return path.join(dir, 'model');
  if (fs.existsSync(path.join(dir, 'model', 'config.json')) && isHfModelFolder(path.join(dir, 'model'))) return path.join(dir, 'model');
  throw new UserError(
    `no model in ${dir}: expected a Hugging Face folder (config.json + *.safetensors + tokenizer.json), a Reward Lens model/ folder, or a run directory`,
  );
}

/** The engine 'auto' means for this folder: onnx for HF models when onnxruntime loads, else tfjs. */
export async function chooseEngine(dir: string, asked: ScoringEngine): Promise<'tfjs' | 'onnx'> {
  if (asked !== 'auto') return asked;
  if (!isHfModelFolder(dir)) return 'tfjs';
  const ort = await import('./ort/index').catch(() => undefined);
  return ort && (await ort.probeOnnxRuntime()).available ? 'onnx' : 'tfjs';
}

export async function openScorer(dirOrRun: string, opts: OpenScorerOptions = {}): Promise<OpenedScorer> {
  const dir = resolveModelFolder(dirOrRun);
  if (!isHfModelFolder(dir)) {
    const { model, vocab } = await loadModel(dir);
    const normsFile = path.join(dir, 'hnorm-train.json');
    // A damaged sample file is a one-line error naming it (readJsonFile), not a stack.
    const trainNorms = fs.existsSync(normsFile) ? readJsonFile<{ sorted: number[] }>(normsFile).sorted : [];
    return { scorer: toyScorer(model, vocab, { owned: true, engine: `tfjs-${tf.getBackend()}` }), dir, trainNorms };
  }
  const engine = await chooseEngine(dir, opts.engine ?? 'auto');
  if (engine === 'onnx') {
    const ort = await import('./ort/index');
    return { scorer: await ort.openOrtScorer(dir, opts), dir, trainNorms: [] };
  }
  const model = await loadHfModel(dir, opts);
  return { scorer: hfScorer(model, opts.maxTokens !== undefined ? { maxTokens: opts.maxTokens } : {}), dir, trainNorms: [] };
}
