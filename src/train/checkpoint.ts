// Checkpoints: model + vocabulary (modelIO), Adam's moments, and the loop position, in <run>/checkpoints/latest and
// <run>/checkpoints/previous (the last two). Each is built in a temp directory and renamed into place, and its
// state.json (written last, sealed with a checksum) records the size and sha256 of every other file, so a torn,
// truncated or bit-flipped checkpoint is detected and named at resume, which then falls back to the previous one.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readSealedJson, writeSealedJson } from '../node/atomic';
import { saveOptimizerState } from './modelIO';
import type { TrainModel } from './trainModel';
import type { tf } from './tf';

/** Where the loop was: with the seed, this fixes the rest of the trajectory (epoch order is derived from seed + epoch). */
export interface LoopState {
  readonly step: number;
  readonly totalSteps: number;
  readonly elapsedMs: number;
  readonly backend: string;
  readonly savedAt: string;
}

interface StateFile extends LoopState {
  /** Every other file of the checkpoint: its size and sha256. */
  readonly files: Readonly<Record<string, { readonly bytes: number; readonly sha256: string }>>;
}

export const STATE = 'state.json';
/** Newest first. */
export const CHECKPOINT_SLOTS = ['latest', 'previous'] as const;

let counter = 0;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const readBytes = (file: string) => {
  const b = fs.readFileSync(file);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};

/** Saves a checkpoint as checkpoints/latest; the one it replaces becomes checkpoints/previous, the older one goes. */
export async function saveCheckpoint(
  checkpointsDir: string,
  model: Pick<TrainModel, 'writeCheckpoint'>,
  optimizer: tf.AdamOptimizer,
  state: LoopState,
): Promise<void> {
  fs.mkdirSync(checkpointsDir, { recursive: true });
  const tmp = path.join(checkpointsDir, `latest.tmp-${process.pid}-${Date.now()}-${counter++}`);
  const [latest, previous] = CHECKPOINT_SLOTS.map((s) => path.join(checkpointsDir, s)) as [string, string];
  try {
    fs.mkdirSync(tmp);
    await model.writeCheckpoint(tmp, state.step);
    await saveOptimizerState(optimizer, tmp);
    const files: Record<string, { bytes: number; sha256: string }> = {};
    for (const name of fs.readdirSync(tmp).sort()) {
      const bytes = readBytes(path.join(tmp, name));
      files[name] = { bytes: bytes.length, sha256: sha256(bytes) };
    }
    writeSealedJson(path.join(tmp, STATE), { ...state, files } satisfies StateFile);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  // At every moment at least one complete checkpoint is in place (latest, or previous while latest is renamed).
  const trash = `${tmp}-old`;
  if (fs.existsSync(previous)) fs.renameSync(previous, trash);
  if (fs.existsSync(latest)) fs.renameSync(latest, previous);
  fs.renameSync(tmp, latest);
  fs.rmSync(trash, { recursive: true, force: true });
}

/** Checks one checkpoint directory: its sealed state.json and every file it lists. Throws naming the damaged file. */
export function verifyCheckpoint(dir: string): LoopState {
  const stateFile = path.join(dir, STATE);
  if (!fs.existsSync(stateFile)) throw new Error(`${stateFile}: missing (the checkpoint was not completed)`);
  const state = readSealedJson<StateFile>(stateFile);
  if (!Number.isInteger(state.step) || state.step < 0 || typeof state.files !== 'object' || state.files === null)
    throw new Error(`${stateFile}: fields "step" and "files" are required`);
  for (const [name, want] of Object.entries(state.files)) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) throw new Error(`${file}: missing`);
    const bytes = readBytes(file);
    if (bytes.length !== want.bytes) throw new Error(`${file}: ${bytes.length} bytes, ${STATE} says ${want.bytes} (truncated or replaced)`);
    if (sha256(bytes) !== want.sha256) throw new Error(`${file}: sha256 differs from ${STATE} (the file is damaged)`);
  }
  const { files: _files, ...loop } = state;
  return loop;
}

export interface FoundCheckpoint {
  readonly dir: string;
  readonly state: LoopState;
}

/**
 * The newest checkpoint that verifies (latest, else previous), and why each newer one was passed over.
 * `found` is undefined when none is usable.
 */
export function findCheckpoint(checkpointsDir: string): { readonly found?: FoundCheckpoint; readonly rejected: readonly string[] } {
  const rejected: string[] = [];
  for (const slot of CHECKPOINT_SLOTS) {
    const dir = path.join(checkpointsDir, slot);
    if (!fs.existsSync(dir)) continue;
    try {
      return { found: { dir, state: verifyCheckpoint(dir) }, rejected };
    } catch (e) {
      rejected.push(`checkpoints/${slot} is unusable: ${(e as Error).message}`);
    }
  }
  return { rejected };
}
