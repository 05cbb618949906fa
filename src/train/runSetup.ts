// Setting a run up, before it writes anything: the output directory is checked (inside nobody's data, empty or an
// earlier Reward Lens run), the backend started, the data loaded, the fingerprint computed, and for --resume the
// fingerprint compared with the run's and the newest verified checkpoint found. Any refusal is a UserError thrown
// here, so a refused run leaves the directory as it was. Then, once the directory is claimed, prepareArtifacts()
// writes config.json (a new run) or cuts metrics/evals back to the checkpoint (a resumed one).
import fs from 'node:fs';
import { tf } from './tf';
import { describeTruncation } from './encode';
import { loadTrainingData, type TrainingData } from './trainingData';
import { findCheckpoint, type FoundCheckpoint } from './checkpoint';
import { loadOptimizerState } from './modelIO';
import { toyTrainModel } from './toyTrainModel';
import { hfTrainModel } from './hf/hfTrainModel';
import { backboneFingerprint, checkBackboneFits } from './hf/backboneCheck';
import type { TrainModel } from './trainModel';
import { initBackend } from './backends';
import { NonFiniteTracker } from './nanGuard';
import type { RunLog } from './runLog';
import { formatSkipped } from '../core/data';
import { UserError } from '../core/errors';
import { fingerprintDiff, trainingFingerprint, type RunFingerprint } from '../core/runFingerprint';
import { readJsonLines, removeStaleTemps, rewriteJsonLines, writeSealedJson } from '../node/atomic';
import { digestFile } from '../node/fileDigest';
import { runPaths } from '../node/runDir';
import { inspectRunDir, RUN_FORMAT, type RunDirState } from '../node/runOwnership';
import { assertSparesInputs } from '../node/safePath';
import type { EvalReport, StepMetrics } from '../core/report';
import type { TrainRunParams } from '../protocol/trainer';

export interface Setup {
  readonly model: TrainModel;
  readonly optimizer: tf.AdamOptimizer;
  readonly tracker: NonFiniteTracker;
  readonly data: TrainingData;
  readonly backend: string;
  readonly totalSteps: number;
  readonly stepsPerEpoch: number;
  readonly batchPairs: number;
  readonly fingerprint: RunFingerprint;
  readonly dir: RunDirState;
  /** The verified checkpoint a resume continues from; undefined when the run starts at step 0. */
  readonly resumeFrom?: FoundCheckpoint;
  /** The current epoch's order, derived once per epoch (not once per step: it is O(pairs)). */
  readonly order: { epoch: number; perm: Int32Array };
}

export const startStepOf = (s: Setup) => s.resumeFrom?.state.step ?? 0;

/** The run directory's state; refuses one that spares no input or belongs to something else. Writes nothing. */
function usableRunDir(params: TrainRunParams): RunDirState {
  assertSparesInputs(params.runDir, [...params.trainFiles, ...params.evalFiles], 'run directory');
  const dir = inspectRunDir(params.runDir, params.runId);
  if (dir.kind === 'foreign') {
    const shown = dir.entries.slice(0, 5).join(', ') + (dir.entries.length > 5 ? `, … (${dir.entries.length} entries)` : '');
    throw new UserError(
      `${params.runDir} is not empty and is not a Reward Lens run directory (it holds ${shown}); give the run an empty or new directory`,
    );
  }
  return dir;
}

/** What identifies the run: its config and step count, the digests of its files, the mapping and the backbone. */
async function fingerprintOf(params: TrainRunParams, totalSteps: number, log: RunLog): Promise<RunFingerprint> {
  const cfg = params.config;
  const digests = (files: readonly string[]) => Promise.all(files.map(digestFile));
  const extra = params.backbone ? { backbone: await backboneFingerprint(params.backbone, log) } : undefined;
  return trainingFingerprint({
    config: cfg,
    totalSteps,
    trainFiles: await digests(params.trainFiles),
    evalFiles: await digests(params.evalFiles),
    ...(params.mapping ? { mapping: params.mapping } : {}),
    ...(extra ? { extra } : {}),
  });
}

export async function setUp(params: TrainRunParams, log: RunLog): Promise<Setup> {
  const cfg = params.config;
  const dir = usableRunDir(params);
  // The data first: a file that cannot be used is reported before a backend is started for nothing.
  const data = await loadTrainingData(params.trainFiles, params.evalFiles, {
    holdoutFrac: cfg.holdoutFrac,
    seed: cfg.seed,
    mapping: params.mapping,
    log: log.line,
  });
  if (data.skipped.length) log.line(`skipped ${data.skipped.length} rows:\n${formatSkipped(data.skipped, 20)}`);
  for (const n of data.notes) log.line(n);
  const batchPairs = Math.min(cfg.batchSize, data.train.length);
  // A backbone that cannot be used, or cannot fit, is refused before the backend starts or any weight is read.
  if (params.backbone) checkBackboneFits(params.backbone, cfg, batchPairs, 2 * data.train.length);
  const backend = await initBackend(cfg.backend);
  log.line(`backend: ${backend.name} (${backend.why})`);
  const stepsPerEpoch = Math.max(1, Math.floor(data.train.length / batchPairs));
  const totalSteps = cfg.steps > 0 ? cfg.steps : cfg.epochs * stepsPerEpoch;
  const fingerprint = await fingerprintOf(params, totalSteps, log);
  const resumeFrom = params.resume ? resumePoint(params, dir, fingerprint, log) : undefined;
  const built = await buildModel(params, data, resumeFrom);
  log.line(`training data: ${data.train.length} pairs; ${describeTruncation(built.model.truncation, 2 * data.train.length)}`);
  log.line(
    `${totalSteps} steps (${stepsPerEpoch}/epoch, ${batchPairs} pairs/step${cfg.gradAccum > 1 ? ` in ${cfg.gradAccum} micro-batches` : ''}), ${built.model.description}`,
  );
  return {
    ...built,
    tracker: new NonFiniteTracker(),
    data,
    backend: backend.name,
    totalSteps,
    stepsPerEpoch,
    batchPairs,
    fingerprint,
    dir,
    ...(resumeFrom ? { resumeFrom } : {}),
    order: { epoch: -1, perm: new Int32Array(0) },
  };
}

/**
 * Where --resume continues: the newest verified checkpoint of the same run, or undefined (step 0) when the directory
 * is new or has no usable checkpoint. Refuses (UserError) a run made with other data or settings, naming each one.
 */
function resumePoint(params: TrainRunParams, dir: RunDirState, now: RunFingerprint, log: RunLog): FoundCheckpoint | undefined {
  const where = params.runDir;
  if (dir.kind !== 'run') {
    log.line(`${where} holds no run yet: starting from step 0`);
    return undefined;
  }
  const fresh = 'start a new run instead (without --resume the earlier files are moved to previous-runs/)';
  if (dir.damaged) throw new UserError(`cannot resume ${where}: ${dir.damaged}; ${fresh}`);
  if (dir.imported)
    throw new UserError(
      `cannot resume ${where}: it was trained with TRL and imported (reward-lens import-job), so it has no Reward Lens checkpoint; continue it with its job's train.py --resume_from_checkpoint, or ${fresh}`,
    );
  if (!dir.fingerprint)
    throw new UserError(
      `cannot resume ${where}: it was written by an earlier version of Reward Lens without a fingerprint, so its data and settings cannot be checked; ${fresh}`,
    );
  const diff = fingerprintDiff(dir.fingerprint, now);
  if (diff.length)
    throw new UserError(
      `cannot resume ${where}: it was trained with other data or settings: ${diff.join('; ')}. Resume with the run's own files and settings, or ${fresh}`,
    );
  const { found, rejected } = findCheckpoint(runPaths(where).checkpoints);
  for (const r of rejected) log.line(r);
  if (!found) {
    log.line(`no usable checkpoint in ${where}: starting again from step 0`);
    return undefined;
  }
  log.line(
    `resuming from ${found.dir.endsWith('previous') ? 'checkpoints/previous' : 'checkpoints/latest'}: step ${found.state.step} of ${found.state.totalSteps} (saved ${found.state.savedAt})`,
  );
  return found;
}

async function buildModel(
  params: TrainRunParams,
  data: TrainingData,
  resumeFrom?: FoundCheckpoint,
): Promise<{ model: TrainModel; optimizer: tf.AdamOptimizer }> {
  const cfg = params.config;
  const sample = data.evalSets[0]!.pairs;
  const model = params.backbone
    ? await hfTrainModel(params.backbone, cfg.seed, data.train, sample, resumeFrom?.dir)
    : await toyTrainModel(cfg, data.train, sample, resumeFrom?.dir);
  const optimizer = tf.train.adam(cfg.lr, cfg.beta1, cfg.beta2, cfg.adamEps);
  if (resumeFrom) await loadOptimizerState(optimizer, resumeFrom.dir, model);
  return { model, optimizer };
}

/**
 * In the claimed directory: a run starting at step 0 replaces its own earlier files and writes config.json (sealed,
 * with the fingerprint); a resumed one keeps metrics and evaluations up to its checkpoint only, one per step, so a
 * step that ran after the checkpoint is not recorded twice. Returns the last evaluation kept (at the checkpoint).
 */
export function prepareArtifacts(params: TrainRunParams, s: Setup, log: RunLog): EvalReport | undefined {
  const paths = runPaths(params.runDir);
  removeStaleTemps(params.runDir);
  removeStaleTemps(paths.checkpoints);
  if (!s.resumeFrom) {
    for (const f of [paths.metrics, paths.evals, paths.summary]) fs.rmSync(f, { force: true });
    for (const d of [paths.model, paths.checkpoints]) fs.rmSync(d, { recursive: true, force: true });
    writeSealedJson(paths.config, {
      format: RUN_FORMAT,
      version: 1,
      runId: params.runId,
      config: params.config,
      model: s.model.record,
      trainFiles: params.trainFiles,
      evalFiles: params.evalFiles,
      mapping: params.mapping ?? null,
      ...(params.backbone ? { backbone: params.backbone } : {}),
      backend: s.backend,
      trainPairs: s.data.train.length,
      evalSets: s.data.evalSets.map((e) => ({ name: e.name, file: e.file, pairs: e.pairs.length, prompts: e.multi.length })),
      fingerprint: s.fingerprint,
      createdAt: new Date().toISOString(),
    });
    return undefined;
  }
  const upTo = s.resumeFrom.state.step;
  fs.rmSync(paths.summary, { force: true });
  if (s.resumeFrom.state.backend !== s.backend)
    log.line(
      `note: the checkpoint was written on ${s.resumeFrom.state.backend}, this run uses ${s.backend}: numbers may differ in the last digits`,
    );
  keepUpTo<StepMetrics>(paths.metrics, upTo, log);
  const evals = keepUpTo<EvalReport>(paths.evals, upTo, log);
  return evals.at(-1)?.step === upTo ? evals.at(-1) : undefined;
}

/** Rewrites a JSON-lines artifact with one entry per step ≤ upTo (the last one wins); damaged lines are named and dropped. */
function keepUpTo<T extends { step: number }>(file: string, upTo: number, log: RunLog): T[] {
  const name = file.split(/[\\/]/).pop();
  const all = readJsonLines<T>(file, (line, err) => log.line(`${name}:${line}: ${err}; dropped`));
  const byStep = new Map<number, T>();
  for (const v of all) if (Number.isFinite(v.step) && v.step <= upTo) byStep.set(v.step, v);
  const kept = [...byStep.values()].sort((a, b) => a.step - b.step);
  if (kept.length !== all.length) log.line(`${name}: kept ${kept.length} of ${all.length} entries (up to step ${upTo}, one per step)`);
  rewriteJsonLines(file, kept);
  return kept;
}
