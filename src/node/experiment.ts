// The scenario experiment runner: builds the splits once (DIR/splits/), then trains every objective × seed on
// them with the injected trainer (the CLI passes src/train's runTraining; tests pass a fake), recording each
// finished run in DIR/experiment.json, and finally writes the report. Rerunning the same command resumes:
// finished runs are skipped and an unfinished one continues from its last checkpoint.
//
// Invariant: src/node never imports src/train (the extension host imports src/node); the trainer comes in as `train`.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULTS, type TrainConfig } from '../core/config';
import type { EvalReport, StepMetrics } from '../core/report';
import type { RunSummary, TrainRunParams } from '../protocol/trainer';
import {
  experimentRunDir,
  openExperiment,
  writeExperimentState,
  ExperimentError,
  type ExperimentState,
  type RunState,
} from './experimentState';
import { assertSparesInputs, resolveInside } from './safePath';
import { buildSplitsFromFiles, readManifest, splitFiles, writeSplits, type LoadFn } from './experimentSplits';
import { describeSplits, type SplitManifest } from '../core/scenarios/splitRows';
import { normalizePrompt } from '../core/data/normalize';
import { writeJsonAtomic } from './atomic';
import { writeExperimentReport, type ReportFiles } from './experimentReport';
import type { ExperimentRunSpec } from '../protocol/trainer';
import { runExperimentBon, type BonFn } from './experimentBon';
import { stripDatasetExtension } from '../core/data/extensions';

export interface TrainHooksLike {
  onProgress?(metrics: StepMetrics, totalSteps: number, backend: string): void;
  onEval?(report: EvalReport): void;
  onLog?(message: string): void;
  shouldCancel?(): boolean;
}

export type TrainFn = (params: TrainRunParams, hooks?: TrainHooksLike) => Promise<RunSummary>;

/** What an experiment runs. Declared once, in the protocol, because the extension sends it to the worker. */
export type ExperimentSpec = ExperimentRunSpec;

export interface ExperimentDeps {
  readonly train: TrainFn;
  readonly load: LoadFn;
  readonly log: (message: string) => void;
  /** Int32Array(1) flag shared with the trainer: set [0] = 1 to stop at the next step boundary. */
  readonly cancel?: SharedArrayBuffer;
  /** Converts an SVG file to PNG; returns false when no converter is available. Default: none. */
  readonly svgToPng?: (svgFile: string, pngFile: string) => boolean;
  /** Best-of-N of one run's model on the pool files (src/train/bestOfN); without it the report has no best-of-N section. */
  readonly bestOfN?: BonFn;
  /** Called once per trained run, after its outcome is recorded in experiment.json (the worker tells the host). */
  readonly onRunDone?: (run: ExperimentRunOutcome) => void;
}

/** How one run of an experiment ended, as experiment.json records it. */
export interface ExperimentRunOutcome {
  /** The run's name in the experiment ("bsr-s1"). */
  readonly name: string;
  readonly runDir: string;
  readonly status: RunSummary['status'];
  readonly reason?: string;
}

export interface ExperimentResult {
  readonly status: 'completed' | 'cancelled' | 'failed';
  readonly completed: readonly string[];
  readonly skipped: readonly string[];
  readonly failed: readonly { readonly runId: string; readonly error: string }[];
  readonly manifest: SplitManifest;
  readonly report: ReportFiles;
}

/** Steps a run will take, as the trainer computes them (floor(pairs / batch) per epoch, or `steps`). */
export function plannedSteps(trainPairs: number, cfg: Pick<TrainConfig, 'batchSize' | 'epochs' | 'steps'>): number {
  if (cfg.steps > 0) return cfg.steps;
  const batch = Math.max(1, Math.min(cfg.batchSize, trainPairs));
  return cfg.epochs * Math.max(1, Math.floor(trainPairs / batch));
}

export async function runExperiment(spec: ExperimentSpec, deps: ExperimentDeps): Promise<ExperimentResult> {
  checkSpec(spec);
  fs.mkdirSync(spec.outDir, { recursive: true });
  const fingerprint = {
    data: spec.data,
    split: spec.split,
    train: spec.train,
    checkpoints: spec.checkpoints,
    ...(spec.extraEvalFiles?.length ? { extraEvalFiles: spec.extraEvalFiles } : {}),
  };
  const state = openExperiment(spec.outDir, fingerprint, spec.command, spec.objectives, spec.seeds);
  const manifest = await ensureSplits(spec, deps);
  deps.log(`splits (${path.join(spec.outDir, 'splits')}):\n${describeSplits(manifest)}`);
  const { trainFile, evalFiles: scenarioFiles } = splitFiles(spec.outDir, manifest);
  const evalFiles = [...scenarioFiles, ...(spec.extraEvalFiles ?? [])];
  if (spec.extraEvalFiles?.length) await recordExtraOverlap(spec.outDir, trainFile, spec.extraEvalFiles, deps);
  const trainPairs = manifest.files['train']?.pairs ?? 0;
  const base: TrainConfig = { ...DEFAULTS, ...spec.train };
  const every = Math.max(1, Math.floor(plannedSteps(trainPairs, base) / spec.checkpoints));
  const runs = await trainAll(spec, deps, state, { base, every, trainFile, evalFiles });
  // Best-of-N needs finished models; an interrupted experiment gets it when it is resumed to the end.
  if (!runs.cancelled)
    await runExperimentBon(
      spec.outDir,
      state,
      manifest,
      spec.data.map((d) => d.file),
      spec.bestOfN,
      spec.train.backend,
      deps,
    );
  const report = writeExperimentReport(spec.outDir, deps.svgToPng);
  deps.log(`report: ${report.markdown}`);
  const { completed, skipped, failed, cancelled } = runs;
  const status = cancelled ? 'cancelled' : failed.length ? 'failed' : 'completed';
  return { status, completed, skipped, failed, manifest, report };
}

/** Rejects a spec with nothing to run or a bad checkpoint count, and outputs that would overwrite an input. */
function checkSpec(spec: ExperimentSpec): void {
  if (spec.objectives.length === 0 || spec.seeds.length === 0)
    throw new ExperimentError('give at least one objective (--objectives) and one seed (--seeds)');
  if (!(Number.isInteger(spec.checkpoints) && spec.checkpoints >= 1))
    throw new ExperimentError(`checkpoints must be an integer ≥ 1, got ${spec.checkpoints}`);
  checkOutputs(spec);
}

/** What every run of one experiment shares: the base config, the eval/checkpoint interval and the split files. */
interface RunPlan {
  readonly base: TrainConfig;
  readonly every: number;
  readonly trainFile: string;
  readonly evalFiles: string[];
}

interface RunsOutcome {
  readonly completed: string[];
  readonly skipped: string[];
  readonly failed: { runId: string; error: string }[];
  readonly cancelled: boolean;
}

/** Trains every objective × seed not finished earlier; stops at the first cancelled run. */
async function trainAll(spec: ExperimentSpec, deps: ExperimentDeps, state: ExperimentState, plan: RunPlan): Promise<RunsOutcome> {
  const completed: string[] = [];
  const skipped: string[] = [];
  const failed: { runId: string; error: string }[] = [];
  // Seed-major: every objective gets seed 1 before any gets seed 2, so an interrupted experiment is still a fair comparison.
  for (const seed of spec.seeds) {
    for (const objective of spec.objectives) {
      const run = state.runs[`${objective}-s${seed}`] as RunState;
      if (run.status === 'completed') {
        skipped.push(run.runId);
        deps.log(`${run.runId}: finished earlier, skipped`);
        continue;
      }
      const config: TrainConfig = { ...plan.base, objective, seed, evalEvery: plan.every, checkpointEvery: plan.every };
      const summary = await trainOne(spec, deps, state, run, config, plan.trainFile, plan.evalFiles);
      if (summary.status === 'completed') completed.push(run.runId);
      else if (summary.status === 'failed') failed.push({ runId: run.runId, error: summary.error ?? 'unknown error' });
      else return { completed, skipped, failed, cancelled: true };
    }
  }
  return { completed, skipped, failed, cancelled: false };
}

/** The experiment writes splits/, runs/, figures/ and its report files: none may be (or hold) one of its inputs. */
function checkOutputs(spec: ExperimentSpec): void {
  const inputs = [...spec.data.map((d) => d.file), ...(spec.extraEvalFiles ?? [])];
  for (const area of ['splits', 'runs', 'figures', 'bon', 'report.md', 'report.json', 'experiment.json', 'extra-eval-overlap.json']) {
    assertSparesInputs(path.join(spec.outDir, area), inputs, `experiment's ${area}`);
  }
  if (fs.existsSync(spec.outDir))
    for (const area of ['splits', 'runs', 'figures', 'bon']) resolveInside(spec.outDir, area, `the experiment's ${area} folder`);
}

/** Reuses DIR/splits when its manifest was made from the same inputs and options; builds and writes it otherwise. */
async function ensureSplits(spec: ExperimentSpec, deps: ExperimentDeps): Promise<SplitManifest> {
  const options = splitOptionsRecord(spec);
  const prior = readManifest(spec.outDir);
  if (prior && JSON.stringify(prior.options) === JSON.stringify(options)) {
    const missing = Object.values(prior.files).filter((f) => !fs.existsSync(path.join(spec.outDir, 'splits', f.file)));
    if (missing.length === 0) {
      deps.log('splits: reusing the ones built earlier');
      return prior;
    }
  }
  const { splits, inputs } = await buildSplitsFromFiles(spec.data, spec.split, deps.load, deps.log);
  return writeSplits(spec.outDir, splits, inputs, options);
}

/**
 * Extra eval sets are the user's own benchmarks and are not deduplicated, but a prompt they share with the training
 * split (RM-Bench chat ⊂ AlpacaEval) makes them partly in-domain. Counts go to DIR/extra-eval-overlap.json for the report.
 */
async function recordExtraOverlap(outDir: string, trainFile: string, files: readonly string[], deps: ExperimentDeps): Promise<void> {
  const train = await deps.load(trainFile);
  const keys = new Set(train.pairs.map((p) => normalizePrompt(p.prompt)));
  const overlap: Record<string, { prompts: number; inTrain: number }> = {};
  for (const f of files) {
    const ds = await deps.load(f);
    const prompts = new Set([...ds.pairs.map((p) => p.prompt), ...ds.multi.map((g) => g.prompt)].map(normalizePrompt));
    const inTrain = [...prompts].filter((k) => keys.has(k)).length;
    overlap[stripDatasetExtension(path.basename(f))] = { prompts: prompts.size, inTrain };
    if (inTrain) deps.log(`note: ${inTrain} of ${prompts.size} prompts of ${f} are also training prompts`);
  }
  writeJsonAtomic(path.join(outDir, 'extra-eval-overlap.json'), overlap);
}

export function splitOptionsRecord(spec: Pick<ExperimentSpec, 'data' | 'split'>): Record<string, unknown> {
  return { data: spec.data, ...spec.split };
}

async function trainOne(
  spec: ExperimentSpec,
  deps: ExperimentDeps,
  state: ExperimentState,
  run: RunState,
  config: TrainConfig,
  trainFile: string,
  evalFiles: string[],
): Promise<RunSummary> {
  const runDir = experimentRunDir(spec.outDir, run);
  const resume = run.attempts > 0 || fs.existsSync(runDir);
  run.status = 'running';
  run.attempts += 1;
  run.startedAt = new Date().toISOString();
  writeExperimentState(spec.outDir, state);
  deps.log(
    `${run.runId}: ${resume ? 'resuming' : 'starting'} (objective ${config.objective}, seed ${config.seed}, eval/checkpoint every ${config.evalEvery} steps)`,
  );
  const params: TrainRunParams = {
    runId: run.runId,
    runDir,
    config,
    trainFiles: [trainFile],
    evalFiles,
    resume,
    ...(deps.cancel ? { cancel: deps.cancel } : {}),
  };
  let summary: RunSummary;
  try {
    summary = await deps.train(params, logHooks(deps, run.runId));
  } catch (e) {
    summary = {
      runId: run.runId,
      runDir,
      status: 'failed',
      steps: 0,
      totalSteps: 0,
      backend: '',
      elapsedMs: 0,
      error: (e as Error).message,
    };
  }
  recordOutcome(spec, deps, state, run, runDir, summary);
  return summary;
}

/** Trainer hooks that log one run's messages, evaluations, and progress at most every 10 s (and at the last step). */
function logHooks(deps: ExperimentDeps, runId: string): TrainHooksLike {
  let lastLogged = 0;
  return {
    onLog: (m) => deps.log(`${runId}: ${m}`),
    onEval: (r) =>
      deps.log(
        `${runId}: eval @${r.step}: ${r.sets.map((s) => `${s.name} ${s.kendall ? `τ ${fmt(s.kendall.mean)}` : `acc ${fmt(s.accuracy.value)}`}`).join(', ')}`,
      ),
    onProgress: (m, total) => {
      if (m.elapsedMs - lastLogged < 10_000 && m.step !== total) return;
      lastLogged = m.elapsedMs;
      deps.log(`${runId}: step ${m.step}/${total} loss ${fmt(m.loss)} acc ${fmt(m.accuracy)}`);
    },
  };
}

/** Writes how a run ended into experiment.json, then tells deps.onRunDone and the log. */
function recordOutcome(
  spec: ExperimentSpec,
  deps: ExperimentDeps,
  state: ExperimentState,
  run: RunState,
  runDir: string,
  summary: RunSummary,
): void {
  run.status = summary.status;
  run.backend = summary.backend;
  run.steps = summary.steps;
  run.totalSteps = summary.totalSteps;
  run.elapsedMs = summary.elapsedMs;
  run.finishedAt = new Date().toISOString();
  if (summary.error) run.error = summary.error;
  else delete run.error;
  writeExperimentState(spec.outDir, state);
  deps.onRunDone?.({ name: run.runId, runDir, status: summary.status, ...(summary.error ? { reason: summary.error } : {}) });
  deps.log(
    `${run.runId}: ${summary.status} at step ${summary.steps}/${summary.totalSteps} in ${(summary.elapsedMs / 1000).toFixed(1)} s on ${summary.backend || '?'}${summary.error ? `: ${summary.error}` : ''}`,
  );
}

const fmt = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(4) : 'n/a');
