// Host ↔ training worker messages. The same worker serves the extension (worker_threads) and could serve
// any other host; the CLI calls the same functions in-process. Declared once, here.
import { notification, request } from './rpc';
import type { BackendName, Objective, ScoringEngine, TrainConfig } from '../core/config';
import type { TuneMode } from '../core/hf/tuning';
import type { MultiSplitOptions } from '../core/scenarios/multiSplit';
import type { ScenarioName } from '../core/scenarios/splitTypes';
import type { FieldMapping } from '../core/types';
import type { EvalReport } from '../core/report';
import type { TrainEvalParams, TrainProgressParams } from './runEvents';
import type { ScoreReply } from './scoredRows';

export * from './runEvents';

/** Training from a pretrained Hugging Face folder instead of a new small model (reward-lens train --from). */
export interface BackboneParams {
  /** The model folder (config.json, *.safetensors, tokenizer.json). */
  readonly dir: string;
  readonly tune: TuneMode;
  readonly loraRank: number;
  readonly loraAlpha: number;
  readonly loraDropout: number;
  /** PEFT module names; omitted: the family's defaults (every attention and MLP projection). */
  readonly loraTargets?: readonly string[];
  /** Blocks trained in top-k mode. */
  readonly topK: number;
  /** Replace a *ForSequenceClassification head by a fresh one (W_p ~ N(0, 1/(H+1))). */
  readonly resetHead: boolean;
  /** Longest sequence in tokens (prompt cut from the left first, then the response). */
  readonly maxTokens: number;
  /**
   * Activation checkpointing (default on): keep each layer's input only and recompute the layer in the backward
   * pass. The same gradients for one more forward pass; without it a large backbone's step does not fit in memory.
   */
  readonly gradCheckpointing?: boolean;
}

export interface TrainRunParams {
  readonly runId: string;
  /** Directory the run writes to (created if missing). Resuming reads its latest checkpoint. */
  readonly runDir: string;
  readonly config: TrainConfig;
  readonly trainFiles: readonly string[];
  /** Named eval sets. A held-out split of the training prompts (config.holdoutFrac) is added when holdoutFrac > 0. */
  readonly evalFiles: readonly string[];
  readonly mapping?: FieldMapping;
  /** Start from this pretrained model (the preset is then ignored). */
  readonly backbone?: BackboneParams;
  readonly resume: boolean;
  /** Int32Array(1) over this buffer; the loop stops at the next step boundary when [0] becomes 1. */
  readonly cancel?: SharedArrayBuffer;
}

export interface RunSummary {
  readonly runId: string;
  readonly runDir: string;
  readonly status: 'completed' | 'cancelled' | 'failed';
  readonly steps: number;
  readonly totalSteps: number;
  readonly backend: string;
  readonly elapsedMs: number;
  /** Set when status is 'failed' (e.g. the NaN guard's diagnosis). */
  readonly error?: string;
  readonly finalEval?: EvalReport;
  /** Directory of the model usable for scoring (final model, or the last checkpoint when cancelled). */
  readonly modelDir?: string;
}

/** One scored pair for inline scoring. */
export interface ScoredRow {
  readonly line: number;
  readonly id: string;
  readonly rChosen: number;
  readonly rRejected: number;
  readonly hNormChosen: number;
  readonly hNormRejected: number;
  readonly cosChosen: number;
  readonly cosRejected: number;
  /** Percentile of ‖h‖ within the model's training distribution (0..100), for the hover. */
  readonly hPctChosen: number;
  readonly hPctRejected: number;
  /** Tokens cut to fit the model's max length, [prompt, response] per side; absent when nothing was cut. */
  readonly truncated?: { readonly chosen: readonly [number, number]; readonly rejected: readonly [number, number] };
}

/** Scores for multi-response rows (model ranking vs gold). */
export interface ScoredGroup {
  readonly line: number;
  readonly id: string;
  readonly rewards: readonly number[];
  readonly gold: readonly number[];
  readonly tau: number;
}

/** How a Hugging Face model is run and fed (settings rewardLens.scoring.engine / maxLength). */
export interface ModelRunOptions {
  /** 'onnx' (onnxruntime, fast on CPU), 'tfjs' (the training backends) or 'auto'. Our own models always use tfjs. */
  readonly engine?: ScoringEngine;
  /** Longest sequence in tokens; the prompt is cut from the left first, then the response. */
  readonly maxTokens?: number;
  /** The tfjs backend scoring runs on (rewardLens.scoring.backend); omitted: 'auto'. Never the last training run's. */
  readonly backend?: BackendName;
}

export interface ScoreParams extends ModelRunOptions {
  /** A run directory, its model/ folder, or a Hugging Face model folder. */
  readonly modelDir: string;
  /** Where scores of (model, pair content) are kept between sessions; omitted: no disk cache. */
  readonly cacheDir?: string;
  /** The document's text (it may be unsaved) and its path for messages; the worker parses it with src/core. */
  readonly file: string;
  readonly text: string;
  /** The document line `text` starts at: the host sends a window of a big JSON Lines document (default 1). */
  readonly textFirstLine?: number;
  /** Only rows whose line lies in [fromLine, toLine] (1-based, inclusive) are scored: lazy, visible range first. */
  readonly fromLine?: number;
  readonly toLine?: number;
  readonly mapping?: FieldMapping;
}

export interface ScoreResult {
  readonly modelDir: string;
  /** 'hf' for a Hugging Face folder; headTrained false for a backbone whose head is a fresh random one. */
  readonly model: { readonly kind: 'reward-lens' | 'hf'; readonly headTrained: boolean };
  /** Pairs and prompts of this result that came from the disk cache (no model run). */
  readonly cached: number;
  readonly wpNorm: number;
  readonly rows: readonly ScoredRow[];
  readonly groups: readonly ScoredGroup[];
  readonly skipped: readonly { readonly line: number; readonly field?: string; readonly reason: string; readonly detail: string }[];
  /** Rows whose label is a tie: counted, never scored as a pair (the editor says so on the row). */
  readonly ties?: readonly { readonly line: number; readonly label: string }[];
  /** The tfjs backend that was active while this request was scored (onnxruntime runs Hugging Face models beside it). */
  readonly backend: string;
  readonly elapsedMs: number;
}

export interface EvalParams extends ModelRunOptions {
  readonly modelDir: string;
  readonly files: readonly string[];
  readonly mapping?: FieldMapping;
  /** Write the evaluation as a run directory here (it then appears in the panel beside training runs). */
  readonly outDir?: string;
}

export interface BackendProbe {
  readonly name: Exclude<BackendName, 'auto'>;
  readonly available: boolean;
  /** Why it is (not) usable: "binding loaded but no CUDA device was created (libcudart.so.11.0 not found)". */
  readonly reason: string;
  /** Copy-paste fix, when there is one. */
  readonly fix?: string;
  /** Adapter / device name, SIMD / threads, … */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

export interface DoctorReport {
  readonly chosen: Exclude<BackendName, 'auto'>;
  readonly why: string;
  readonly probes: readonly BackendProbe[];
  /** onnxruntime, the scoring engine for Hugging Face models (not a training backend): whether it works, and why. */
  readonly onnxruntime?: Omit<BackendProbe, 'name'>;
}

/** Host → worker. Trains until done, cancelled or failed; resolves with the summary. Progress arrives as TrainProgress. */
export const TrainRun = request<TrainRunParams, RunSummary>('train/run');
/** Worker → host, at most every ~250 ms and on the last step, for plain and experiment runs; `earlier` has the steps in between. */
export const TrainProgress = notification<TrainProgressParams>('train/progress');
/** Worker → host, after each evaluation during training; the host's RunStore keeps the report for the panel. */
export const TrainEval = notification<TrainEvalParams>('train/eval');
/** Host → worker. Cooperative cancel (the SharedArrayBuffer flag is the fast path; this is the fallback). */
export const CancelTrain = notification<{ readonly runId: string }>('train/cancel');
/** Host → worker. Scores the pairs of a document with a saved model. */
/** Host → worker. Scores a document's rows in [fromLine, toLine]; the rows come back in columns (scoredRows.ts). */
export const ScoreDocument = request<ScoreParams, ScoreReply>('score/document');
/** Host → worker. Full evaluation of files with a saved model. */
export const EvalFiles = request<EvalParams, EvalReport>('eval/files');
/** Worker → host, while a model's weights load (throttled; `done` on the last one): bytes read of the total. */
export const ModelLoadProgress = notification<{
  readonly modelDir: string;
  readonly doneBytes: number;
  readonly totalBytes: number;
  readonly done: boolean;
}>('model/loadProgress');
/** Host → worker. Stops a model load in progress; the request that needed it fails with "loading the model was cancelled". */
export const CancelModelLoad = notification<{ readonly modelDir: string }>('model/cancelLoad');
/** Host → worker. Probes every backend and says which one 'auto' picks and why. */
export const RunDoctor = request<Record<string, never>, DoctorReport>('doctor/run');
/** Worker → host. A log line for the output channel. */
export const WorkerLog = notification<{ readonly level: 'info' | 'warn' | 'error'; readonly message: string }>('worker/log');

// ── Over-optimization scenario experiments (paper-spec §4), run by the worker with the CLI's runner ──────────
// The one declaration of an experiment (src/node/experiment.ts's ExperimentSpec is this type); the worker passes it
// to runExperiment unchanged.
export interface ExperimentRunSpec {
  readonly outDir: string;
  /** Input files; `role` only for pairwise data with split identities (HH-RLHF): which set the file feeds. */
  readonly data: readonly { readonly file: string; readonly role?: ScenarioName }[];
  readonly split: MultiSplitOptions;
  readonly objectives: readonly Objective[];
  readonly seeds: readonly number[];
  /** Training settings shared by every run (objective and seed are set per run). */
  readonly train: Partial<Omit<TrainConfig, 'objective' | 'seed' | 'evalEvery' | 'checkpointEvery'>>;
  /** Evaluations per run after step 0 (evalEvery = totalSteps / checkpoints); checkpoints are saved as often. */
  readonly checkpoints: number;
  /** The equivalent `reward-lens experiment scenarios …` command line, recorded in the report's rerun section. */
  readonly command: string;
  /** More eval sets scored at every checkpoint besides the scenarios (e.g. RM-Bench files); overlap with train is counted and reported. */
  readonly extraEvalFiles?: readonly string[];
  /** The Ns of the best-of-N curves each finished run gets on the multi-response pools (default 1,2,4,8,16; [] = none). */
  readonly bestOfN?: readonly number[];
}

export interface ExperimentRunParams {
  readonly experimentId: string;
  readonly spec: ExperimentRunSpec;
  /** Int32Array(1) over this buffer; the current run stops at its next step boundary (and checkpoints) when [0] becomes 1. */
  readonly cancel?: SharedArrayBuffer;
}

export interface ExperimentRunResult {
  readonly experimentId: string;
  readonly status: 'completed' | 'cancelled' | 'failed';
  readonly completed: readonly string[];
  readonly skipped: readonly string[];
  readonly failed: readonly { readonly runId: string; readonly error: string }[];
  /** report.md, report.json and the figures (SVG, plus PNG when rsvg-convert exists). */
  readonly reportMarkdown: string;
  readonly reportJson: string;
  readonly figures: readonly string[];
  readonly pngNote?: string;
  /** Scenario sets that could not be built, with the reason (from the split manifest). */
  readonly refused: readonly { readonly scenario: string; readonly reason: string }[];
}

/** Host → worker. Builds the splits and trains every objective × seed; rejects with the runner's message on bad data. */
export const ExperimentRun = request<ExperimentRunParams, ExperimentRunResult>('experiment/run');
/** Worker → host: one line of the runner's log (splits built, run started/finished, evaluations). */
export const ExperimentLog = notification<{ readonly experimentId: string; readonly message: string }>('experiment/log');
/** Host → worker. Cooperative cancel, the fallback for the SharedArrayBuffer flag. */
export const CancelExperiment = notification<{ readonly experimentId: string }>('experiment/cancel');

// ── TRL jobs (reward-lens export-job / import-job), run by the worker with the CLI's functions ────────────────
export interface JobExportParams {
  /** A run directory or a JSON config file. */
  readonly source: string;
  /** A new or empty folder. */
  readonly outDir: string;
  /** The model to train; required for a run trained from scratch (transformers cannot load our small models). */
  readonly backbone?: BackboneParams;
}

export interface JobExportResult {
  readonly outDir: string;
  readonly trainPairs: number;
  readonly evalSets: readonly { readonly name: string; readonly pairs: number; readonly prompts: number }[];
  readonly model: string;
  readonly objective: Objective;
}

export interface JobImportParams extends ModelRunOptions {
  /** The TRL output directory (train.py's --output_dir), or the job folder whose output/ it is. */
  readonly dir: string;
  /** Where runs live; the run directory is <runsRoot>/<runId>. */
  readonly runsRoot: string;
  /** The job folder, when it is not where train.py read it. */
  readonly jobDir?: string;
}

/** Host → worker. Writes a TRL job folder for a run (src/train/job/exportJob.ts); rejects with the reason. */
export const JobExport = request<JobExportParams, JobExportResult>('job/export');
/** Host → worker. Imports a TRL job's output as a run directory, scoring its checkpoints; resolves with its summary. */
export const JobImport = request<JobImportParams, RunSummary>('job/import');
