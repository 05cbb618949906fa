// Checkpoints: model + vocabulary (modelIO), Adam's moments, and the loop position. Written as a directory
// atomically, so resume never starts from half a checkpoint.
import fs from 'node:fs';
import path from 'node:path';
import { writeDirAtomic } from '../node/atomic';
import { loadModel, loadOptimizerState, saveModel, saveOptimizerState } from './modelIO';
import type { RewardModel } from './model';
import type { Vocabulary } from '../core/tokenize';
import type { tf } from './tf';

/** Where the loop was: with the seed, this fixes the rest of the trajectory (epoch order is derived from seed + epoch). */
export interface LoopState {
  readonly step: number;
  readonly totalSteps: number;
  readonly elapsedMs: number;
  readonly backend: string;
  readonly savedAt: string;
}

const STATE = 'state.json';

export async function saveCheckpoint(dir: string, model: RewardModel, vocab: Vocabulary, optimizer: tf.AdamOptimizer, state: LoopState): Promise<void> {
  await writeDirAtomic(dir, async (tmp) => {
    await saveModel(model, tmp, vocab, { step: String(state.step) });
    await saveOptimizerState(optimizer, tmp);
    fs.writeFileSync(path.join(tmp, STATE), JSON.stringify(state, null, 2));
  });
}

export function hasCheckpoint(dir: string): boolean {
  return fs.existsSync(path.join(dir, STATE));
}

export function readLoopState(dir: string): LoopState {
  const file = path.join(dir, STATE);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LoopState;
  } catch (e) {
    throw new Error(`cannot read checkpoint state ${file}: ${(e as Error).message}`);
  }
}

/** Loads the model and vocabulary; the optimizer state is restored separately once the optimizer exists. */
export async function loadCheckpointModel(dir: string) {
  return loadModel(dir);
}

export async function restoreOptimizer(dir: string, optimizer: tf.AdamOptimizer): Promise<void> {
  await loadOptimizerState(optimizer, dir);
}
