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
import { parseJsonLines, readJsonLines, writeJsonAtomic } from './atomic';
import { runPaths } from './runDir';
import { bonPath, parseBonReport } from './bonOutput';
import type { BonReport } from '../core/bon/types';
import { experimentRunId, type RunDetails, type RunInfo, type RunStatus } from '../core/runs/runInfo';
import { storedView } from '../core/runs/runView';
import { runSnapshot } from '../core/runs/panelState';

/** The host's record of how a run was started (TrainRunParams without the cancel buffer). */
export type RunRequest = Omit<TrainRunParams, 'cancel'>;

export const requestPath = (runDir: string) => path.join(runDir, 'request.json');

export function writeRunRequest(req: RunRequest): void {
  writeJsonAtomic(requestPath(req.runDir), req);
}

export type { RunInfo } from '../core/runs/runInfo';
export { thin } from '../core/runs/thin';

/** The raw contents of what a run directory is read from (undefined: missing or unreadable), read by the caller. */
export interface RunFiles {
  readonly config?: string;
  readonly request?: string;
  readonly summary?: string;
  /** metrics.jsonl: the run list needs it only without a summary (for the last logged step). */
  readonly metrics?: string;
  readonly hasCheckpoint: boolean;
  readonly hasModel: boolean;
  /** Set when the directory is <experiments>/<id>/runs/<name> with experiment.json beside runs/. */
  readonly experiment?: { readonly experimentId: string; readonly name: string };
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** Pulls the TrainConfig and data files out of config.json, whichever of the two shapes the writer used. */
function configOf(cfgFile: Record<string, unknown> | undefined, req: Record<string, unknown> | undefined) {
  const nested = obj(cfgFile?.config) ?? obj(req?.config);
  const flat = cfgFile && 'objective' in cfgFile ? cfgFile : undefined;
  const config = { ...DEFAULTS, ...(flat ?? {}), ...(nested ?? {}) } as TrainConfig;
  const data = obj(cfgFile?.data);
  const trainFiles = strings(req?.trainFiles).length
    ? strings(req?.trainFiles)
    : strings(cfgFile?.trainFiles ?? data?.trainFiles ?? data?.train);
  const evalFiles = strings(req?.evalFiles).length ? strings(req?.evalFiles) : strings(cfgFile?.evalFiles ?? data?.evalFiles ?? data?.eval);
  return { config, trainFiles, evalFiles, backend: typeof cfgFile?.backend === 'string' ? cfgFile.backend : undefined };
}

/**
 * A readable label: "BSR λ=0.001 · tiny · pairs.jsonl · 2026-11-28 04:12", or for a run from a pretrained model
 * "BSR λ=0.001 · qwen2-rm LoRA · pairs.jsonl · 2026-11-28 04:12".
 */
export function runLabel(
  runId: string,
  config: TrainConfig,
  trainFiles: readonly string[],
  backbone?: Pick<BackboneParams, 'dir' | 'tune'>,
): string {
  const obj = objectiveTag(config);
  const file = trainFiles[0] ? path.basename(trainFiles[0]) + (trainFiles.length > 1 ? ` +${trainFiles.length - 1}` : '') : '?';
  const when = /^(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)/.exec(runId);
  const model = backbone
    ? `${path.basename(path.resolve(backbone.dir))} ${backbone.tune === 'lora' ? 'LoRA' : backbone.tune}`
    : config.preset;
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

/** What a run directory's files say about the run; undefined when it does not look like a run. */
export function runInfoOf(runDir: string, f: RunFiles): RunInfo | undefined {
  const p = runPaths(runDir);
  const cfgFile = parseObject(f.config);
  const req = parseObject(f.request);
  const summary = parseObject(f.summary) as RunSummary | undefined;
  if (!cfgFile && !req && !summary) return undefined;
  const { config, trainFiles, evalFiles, backend } = configOf(cfgFile, req);
  const exp = f.experiment;
  const runId = exp ? experimentRunId(exp.experimentId, exp.name) : path.basename(runDir);
  const evaluation = cfgFile?.kind === 'evaluation' ? obj(cfgFile.model) : undefined;
  const backbone = (obj(req?.backbone) ?? obj(cfgFile?.backbone)) as BackboneParams | undefined;
  const lastMetric = summary || f.metrics === undefined ? undefined : parseJsonLines<StepMetrics>(f.metrics).pop();
  const modelDir = summary?.modelDir ?? (f.hasModel ? p.model : undefined);
  const status: RunStatus = summary ? summary.status : 'cancelled';
  return {
    runId,
    runDir,
    ...(exp ? { experimentId: exp.experimentId } : {}),
    label: exp
      ? experimentRunLabel(exp.experimentId, config)
      : evaluation
        ? evaluationLabel(runId, evaluation, evalFiles)
        : (importedLabel(cfgFile) ?? runLabel(runId, config, trainFiles, backbone)),
    status,
    config,
    trainFiles,
    evalFiles,
    ...(backbone ? { backbone } : {}),
    backend: summary?.backend ?? backend ?? config.backend,
    step: summary?.steps ?? lastMetric?.step ?? 0,
    totalSteps: summary?.totalSteps ?? 0,
    modelDir,
    resumable: status !== 'completed' && (f.hasCheckpoint || !!req),
    summary,
    error: summary ? summary.error : 'interrupted: no summary.json (the window was reloaded or the worker stopped); resume to continue',
  };
}

/** A run's curves from the text of its metrics.jsonl, evals.jsonl and bon.json (a damaged bon.json is left out). */
export function runDetailsOf(
  runDir: string,
  texts: { readonly metrics?: string; readonly evals?: string; readonly bon?: string },
): RunDetails {
  const evals = texts.evals === undefined ? [] : parseJsonLines<EvalReport>(texts.evals).sort((a, b) => a.step - b.step);
  let bon: BonReport | undefined;
  try {
    bon = texts.bon === undefined ? undefined : parseBonReport(texts.bon, bonPath(runDir));
  } catch {
    bon = undefined; // the panel must open whatever a directory holds
  }
  return { metrics: texts.metrics === undefined ? [] : parseJsonLines<StepMetrics>(texts.metrics), evals, ...(bon ? { bon } : {}) };
}

/** Reads what runInfoOf needs, synchronously (the CLI, resume, export and tests; the extension host uses runCatalog.ts). */
function readRunFiles(runDir: string): RunFiles {
  const p = runPaths(runDir);
  const exp = experimentOfRun(runDir);
  return {
    config: readText(p.config),
    request: readText(requestPath(runDir)),
    summary: readText(p.summary),
    metrics: readText(p.metrics),
    hasCheckpoint: fs.existsSync(p.checkpoint) || fs.existsSync(path.join(p.checkpoints, 'previous')),
    hasModel: fs.existsSync(p.model),
    ...(exp ? { experiment: exp } : {}),
  };
}

/** Reads one run directory; undefined when it does not look like a run. */
export function readRunInfo(runDir: string): RunInfo | undefined {
  return runInfoOf(runDir, readRunFiles(runDir));
}

/** Every run under the runs root, newest first. */
export function listRuns(runsRoot: string): RunInfo[] {
  let names: string[];
  try {
    names = fs
      .readdirSync(runsRoot, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return [];
  }
  return names
    .sort()
    .reverse()
    .map((n) => readRunInfo(path.join(runsRoot, n)))
    .filter((r): r is RunInfo => r !== undefined);
}

/** The panel's view of a run directory, as the extension's panel would show it with no live training. */
export function readRunSnapshot(runDir: string): RunSnapshot | undefined {
  const info = readRunInfo(runDir);
  if (!info) return undefined;
  const p = runPaths(runDir);
  const details = runDetailsOf(runDir, { metrics: readText(p.metrics), evals: readText(p.evals), bon: readText(bonPath(runDir)) });
  return runSnapshot(storedView({ info, stamp: '', details }));
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
