// Reading run directories back (for the panel, the model picker, resume and export). The worker writes
// them (layout in runDir.ts); the host adds request.json, the exact TrainRun request, so any run can be
// resumed with the same data after a reload. Readers tolerate missing or partial files: a run that is
// still going, or was interrupted by a window reload, has no summary.json yet.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULTS, objectiveTag, type TrainConfig } from '../core/config';
import type { EvalReport, StepMetrics } from '../core/report';
import type { RunSnapshot } from '../protocol/panel';
import type { BackboneParams, RunSummary, TrainRunParams } from '../protocol/trainer';
import { readJsonLines, writeJsonAtomic } from './atomic';
import { runPaths } from './runDir';
import { readBonReport } from './bonOutput';
import type { BonReport } from '../core/bon/types';

/** The host's record of how a run was started (TrainRunParams without the cancel buffer). */
export type RunRequest = Omit<TrainRunParams, 'cancel'>;

export const requestPath = (runDir: string) => path.join(runDir, 'request.json');

export function writeRunRequest(req: RunRequest): void {
  writeJsonAtomic(requestPath(req.runDir), req);
}

export interface RunInfo {
  readonly runId: string;
  readonly runDir: string;
  readonly label: string;
  readonly status: RunSnapshot['status'];
  readonly config: TrainConfig;
  readonly trainFiles: readonly string[];
  readonly evalFiles: readonly string[];
  /** The pretrained model a run started from (train --from), as its request recorded it. */
  readonly backbone?: BackboneParams;
  readonly backend: string;
  readonly step: number;
  readonly totalSteps: number;
  /** The model to score with: summary.modelDir, else <run>/model when it exists. */
  readonly modelDir?: string;
  /** A checkpoint exists and the run did not complete. */
  readonly resumable: boolean;
  readonly summary?: RunSummary;
  readonly error?: string;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const obj = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** Pulls the TrainConfig and data files out of config.json, whichever of the two shapes the writer used. */
function configOf(cfgFile: Record<string, unknown> | undefined, req: Record<string, unknown> | undefined) {
  const nested = obj(cfgFile?.config) ?? obj(req?.config);
  const flat = cfgFile && 'objective' in cfgFile ? cfgFile : undefined;
  const config = { ...DEFAULTS, ...(flat ?? {}), ...(nested ?? {}) } as TrainConfig;
  const data = obj(cfgFile?.data);
  const trainFiles = strings(req?.trainFiles).length ? strings(req?.trainFiles) : strings(cfgFile?.trainFiles ?? data?.trainFiles ?? data?.train);
  const evalFiles = strings(req?.evalFiles).length ? strings(req?.evalFiles) : strings(cfgFile?.evalFiles ?? data?.evalFiles ?? data?.eval);
  return { config, trainFiles, evalFiles, backend: typeof cfgFile?.backend === 'string' ? cfgFile.backend : undefined };
}

/**
 * A readable label: "BSR λ=0.001 · tiny · pairs.jsonl · 2026-11-28 04:12", or for a run from a pretrained model
 * "BSR λ=0.001 · qwen2-rm LoRA · pairs.jsonl · 2026-11-28 04:12".
 */
export function runLabel(runId: string, config: TrainConfig, trainFiles: readonly string[], backbone?: Pick<BackboneParams, 'dir' | 'tune'>): string {
  const obj = objectiveTag(config);
  const file = trainFiles[0] ? path.basename(trainFiles[0]) + (trainFiles.length > 1 ? ` +${trainFiles.length - 1}` : '') : '?';
  const when = /^(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)/.exec(runId);
  const model = backbone ? `${path.basename(path.resolve(backbone.dir))} ${backbone.tune === 'lora' ? 'LoRA' : backbone.tune}` : config.preset;
  return `${obj} · ${model} · ${file} · ${when ? `${when[1]} ${when[2]}:${when[3]}` : runId}`;
}

/** "Evaluation · Qwen2.5-0.5B-rm (hf) · test.jsonl · 2026-12-01 21:30". */
function evaluationLabel(runId: string, model: Record<string, unknown>, evalFiles: readonly string[]): string {
  const name = typeof model.label === 'string' ? model.label : '?';
  const file = evalFiles[0] ? path.basename(evalFiles[0]) + (evalFiles.length > 1 ? ` +${evalFiles.length - 1}` : '') : '?';
  const when = /^(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)/.exec(runId);
  return `Evaluation · ${name}${model.headTrained === false ? ' (untrained head)' : ''} · ${file} · ${when ? `${when[1]} ${when[2]}:${when[3]}` : runId}`;
}

/**
 * An imported TRL run (reward-lens import-job), dated by its config's id (when TRL started) and marked before the
 * model, where a chart legend still shows it: "BSR λ=0.001 · TRL qwen2-rm LoRA · pairs.jsonl · 2026-12-01 23:13".
 */
function importedLabel(cfgFile: Record<string, unknown> | undefined): string | undefined {
  if (!cfgFile?.imported || typeof cfgFile.runId !== 'string') return undefined;
  const { config, trainFiles } = configOf(cfgFile, undefined);
  return runLabel(cfgFile.runId, config, trainFiles, obj(cfgFile.backbone) as BackboneParams | undefined).replace(' · ', ' · TRL ');
}

/**
 * A run made by a scenario experiment lives at <experiments>/<experimentId>/runs/<objective>-s<seed>, next to the
 * experiment's experiment.json. Its id is "<experimentId>/<objective>-s<seed>": the bare names repeat in every
 * experiment, and the panel and the model picker need ids unique across the workspace.
 */
export function experimentOfRun(runDir: string): { readonly experimentId: string; readonly name: string } | undefined {
  const runsDir = path.dirname(runDir);
  const expDir = path.dirname(runsDir);
  if (path.basename(runsDir) !== 'runs' || !fs.existsSync(path.join(expDir, 'experiment.json'))) return undefined;
  return { experimentId: path.basename(expDir), name: path.basename(runDir) };
}

/** "BSR λ=0.001 · seed 2 · tiny · experiment 2026-11-28T05-30-00-scenarios". */
export function experimentRunLabel(experimentId: string, config: TrainConfig): string {
  const obj = objectiveTag(config);
  return `${obj} · seed ${config.seed} · ${config.preset} · experiment ${experimentId}`;
}

/** Reads one run directory; undefined when it does not look like a run. */
export function readRunInfo(runDir: string): RunInfo | undefined {
  const p = runPaths(runDir);
  const cfgFile = readJson(p.config);
  const req = readJson(requestPath(runDir));
  const summary = readJson(p.summary) as RunSummary | undefined;
  if (!cfgFile && !req && !summary) return undefined;
  const { config, trainFiles, evalFiles, backend } = configOf(cfgFile, req);
  const exp = experimentOfRun(runDir);
  const runId = exp ? `${exp.experimentId}/${exp.name}` : path.basename(runDir);
  const evaluation = cfgFile?.kind === 'evaluation' ? obj(cfgFile.model) : undefined;
  const backbone = (obj(req?.backbone) ?? obj(cfgFile?.backbone)) as BackboneParams | undefined;
  const lastMetric = lastJsonLine<StepMetrics>(p.metrics);
  const hasCheckpoint = fs.existsSync(p.checkpoint) || fs.existsSync(path.join(p.checkpoints, 'previous'));
  const modelDir = summary?.modelDir ?? (fs.existsSync(p.model) ? p.model : undefined);
  const status: RunSnapshot['status'] = summary ? summary.status : 'cancelled';
  return {
    runId,
    runDir,
    label: exp ? experimentRunLabel(exp.experimentId, config) : evaluation ? evaluationLabel(runId, evaluation, evalFiles) : importedLabel(cfgFile) ?? runLabel(runId, config, trainFiles, backbone),
    status,
    config,
    trainFiles,
    evalFiles,
    ...(backbone ? { backbone } : {}),
    backend: summary?.backend ?? backend ?? config.backend,
    step: summary?.steps ?? lastMetric?.step ?? 0,
    totalSteps: summary?.totalSteps ?? 0,
    modelDir,
    resumable: status !== 'completed' && (hasCheckpoint || !!req),
    summary,
    error: summary ? summary.error : 'interrupted: no summary.json (the window was reloaded or the worker stopped); resume to continue',
  };
}

/** Every run under the runs root, newest first. */
export function listRuns(runsRoot: string): RunInfo[] {
  let names: string[];
  try {
    names = fs.readdirSync(runsRoot, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
  return names
    .sort()
    .reverse()
    .map((n) => readRunInfo(path.join(runsRoot, n)))
    .filter((r): r is RunInfo => r !== undefined);
}

/** The runs of every scenario experiment under `experimentsRoot` (<id>/runs/*), newest experiment first. */
export function listExperimentRuns(experimentsRoot: string): RunInfo[] {
  let ids: string[];
  try {
    ids = fs.readdirSync(experimentsRoot, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
  return ids
    .sort()
    .reverse()
    .flatMap((id) => listRuns(path.join(experimentsRoot, id, 'runs')).reverse()); // bsr-s1 … in name order within one
}

/** Plain runs and experiment runs together (the panel's list, the model picker, Compare Runs…), newest first. */
export function listAllRuns(runsRoot: string | undefined, experimentsRoot: string | undefined): RunInfo[] {
  const plain = runsRoot ? listRuns(runsRoot) : [];
  const fromExperiments = experimentsRoot ? listExperimentRuns(experimentsRoot) : [];
  // Both kinds of id start with a timestamp (runs: 2026-11-28T04-12-33-…, experiments: 2026-11-28T05-30-00-…);
  // an experiment's runs sort by the experiment id and keep their own order (the sort is stable).
  const group = (r: RunInfo) => experimentOfRun(r.runDir)?.experimentId ?? r.runId;
  return [...plain, ...fromExperiments].sort((a, b) => (group(a) < group(b) ? 1 : group(a) > group(b) ? -1 : 0));
}

/** Keeps at most `max` points, evenly spaced, always including the last one. */
export function thin<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  const out: T[] = [];
  const stride = (xs.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(xs[Math.round(i * stride)]!);
  return out;
}

/** The panel's view of a run, from disk. `live` overrides what a running training knows better than its files. */
export function readRunSnapshot(
  runDir: string,
  live?: { readonly step: number; readonly totalSteps: number; readonly backend: string; readonly metrics: readonly StepMetrics[] },
): RunSnapshot | undefined {
  const info = readRunInfo(runDir);
  if (!info) return undefined;
  const p = runPaths(runDir);
  const fileMetrics = readJsonLines<StepMetrics>(p.metrics);
  const metrics = live && live.metrics.length > fileMetrics.length ? live.metrics : fileMetrics;
  const bon = bestOfNOf(runDir);
  return {
    runId: info.runId,
    label: info.label,
    status: live ? 'running' : info.status,
    config: info.config,
    backend: live?.backend ?? info.backend,
    step: live?.step ?? info.step,
    totalSteps: live?.totalSteps ?? info.totalSteps,
    metrics: thin(metrics, 2000),
    evals: readJsonLines<EvalReport>(p.evals).sort((a, b) => a.step - b.step),
    trainFiles: info.trainFiles,
    ...(live ? {} : info.error ? { error: info.error } : {}),
    ...(bon ? { bon } : {}),
  };
}

/** The run's bon.json for the panel; a damaged one is left out (the panel must open whatever a directory holds). */
function bestOfNOf(runDir: string): BonReport | undefined {
  try {
    return readBonReport(runDir);
  } catch {
    return undefined;
  }
}

function lastJsonLine<T>(file: string): T | undefined {
  const all = readJsonLines<T>(file);
  return all[all.length - 1];
}

/** Writes one self-contained JSON file with everything about a run except the model weights (atomically). */
export function exportRun(runDir: string, target: string): { readonly bytes: number } {
  const info = readRunInfo(runDir);
  if (!info) throw new Error(`${runDir} is not a Reward Lens run (no config.json, request.json or summary.json)`);
  const p = runPaths(runDir);
  const bundle = {
    format: 'reward-lens-run',
    version: 1,
    runId: info.runId,
    label: info.label,
    status: info.status,
    config: info.config,
    trainFiles: info.trainFiles,
    evalFiles: info.evalFiles,
    summary: info.summary ?? null,
    metrics: readJsonLines<StepMetrics>(p.metrics),
    evals: readJsonLines<EvalReport>(p.evals),
  };
  writeJsonAtomic(target, bundle);
  return { bytes: fs.statSync(target).size };
}
