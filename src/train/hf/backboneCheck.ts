// Before a run from a pretrained backbone loads anything: is the folder usable, will the run fit in memory, and what
// identifies the backbone in the run's fingerprint (so --resume refuses another backbone, or other tuning settings).
import os from 'node:os';
import { UserError } from '../../core/errors';
import { estimateTrainingMemory } from '../../core/hf/memory';
import { formatBytes, WASM_HEAP_BYTES } from '../../core/hf/summary';
import type { TrainConfig } from '../../core/config';
import type { FingerprintValue } from '../../core/runFingerprint';
import { digestFile } from '../../node/fileDigest';
import { openHfFolder } from '../../node/hf/modelFolder';
import type { BackboneParams } from '../../protocol/trainer';
import { tuningOf } from './hfTrainModel';

/**
 * Refuses a run whose estimated memory exceeds what the backend can hold: wasm's 4 GiB heap, or this machine's
 * memory for cpu. GPU backends are not checked here (their memory is not known before they run).
 */
export function checkBackboneFits(b: BackboneParams, cfg: TrainConfig, batchPairs: number, trainSequences: number): void {
  const folder = openHfFolder(b.dir);
  const tuning = tuningOf(b, folder.spec.family);
  const micro = Math.ceil(batchPairs / cfg.gradAccum);
  const est = estimateTrainingMemory(folder.spec, tuning, {
    batchPairs: micro,
    maxTokens: Math.min(b.maxTokens, folder.spec.maxPositions),
    trainSequences,
    checkpointing: b.gradCheckpointing !== false,
  });
  const backend = cfg.backend === 'auto' ? undefined : cfg.backend;
  const heap = est.weights + est.gradients + est.adam + est.activations;
  const limit = backend === 'wasm' ? WASM_HEAP_BYTES * 0.9 : backend === 'cpu' ? os.totalmem() * 0.8 : undefined;
  const over = limit !== undefined ? heap > limit : false;
  const ramOver = est.cache > os.freemem() * 0.8;
  if (!over && !ramOver) return;
  const parts = `weights ${formatBytes(est.weights)}, gradients ${formatBytes(est.gradients)}, Adam ${formatBytes(est.adam)}, activations ${formatBytes(est.activations)} (${micro} pairs × ${b.maxTokens} tokens)${est.cache ? `, cache ${formatBytes(est.cache)}` : ''}`;
  const fixes = [
    tuning.mode !== 'lora' && tuning.mode !== 'head' ? '--tune lora' : '',
    b.gradCheckpointing === false ? 'activation checkpointing (drop --no-grad-checkpointing)' : '',
    micro > 1 ? `--grad-accum ${cfg.gradAccum * 2} (or a smaller --batch-size)` : '',
    b.maxTokens > 256 ? `--max-length ${Math.max(128, Math.floor(b.maxTokens / 2))}` : '',
    backend === 'wasm' ? 'a GPU backend (--backend webgpu), or train on PyTorch' : '',
  ].filter(Boolean);
  const where = over
    ? `the ${backend} backend (${formatBytes(limit!)} usable)`
    : `this machine's free memory (${formatBytes(os.freemem())})`;
  throw new UserError(
    `this run needs about ${formatBytes(over ? heap : est.cache)} (${parts}), more than ${where}; try ${fixes.join(', or ') || 'a smaller model'}`,
  );
}

/**
 * The backbone's identity (its config and every weights file by size + sha256) and the tuning settings. The path is
 * recorded in config.json but not compared: a moved or copied backbone with the same bytes is the same backbone.
 */
export async function backboneFingerprint(b: BackboneParams, log: { line(m: string): void }): Promise<FingerprintValue> {
  const folder = openHfFolder(b.dir);
  const t0 = performance.now();
  const config = await digestFile(`${b.dir}/config.json`);
  const shards = [];
  for (const f of folder.weights.files) shards.push(await digestFile(f.file));
  const seconds = (performance.now() - t0) / 1000;
  if (seconds > 2) log.line(`hashed the backbone's weights in ${seconds.toFixed(1)} s (the run's fingerprint; --resume checks it)`);
  // Checkpointing changes memory, not the trajectory: it is not part of the run's identity.
  const { dir: _dir, gradCheckpointing: _ckpt, ...tuning } = b;
  return {
    config: { bytes: config.bytes, sha256: config.sha256 },
    shards: shards.map((s) => ({ bytes: s.bytes, sha256: s.sha256 })),
    ...tuning,
  };
}
