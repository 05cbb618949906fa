// The life of a training run, worker → host, as typed notifications: a run starts, progresses (TrainProgress,
// TrainEval in trainer.ts), and finishes with a status and a reason. The host's RunStore (src/core/runs) is fed by
// these and nothing else from the worker: no log text is parsed to learn what happened to a run.
import { notification } from './rpc';
import type { TrainConfig } from '../core/config';
import type { EvalReport, StepMetrics } from '../core/report';

export type FinishedStatus = 'completed' | 'cancelled' | 'failed';

/** Which run a message is about: the workspace-wide id, its directory, and the experiment it belongs to, if any. */
export interface RunRef {
  /** "<runId>" for a plain run, "<experimentId>/<objective>-s<seed>" for a scenario experiment's run (as the panel lists it). */
  readonly runId: string;
  readonly runDir: string;
  readonly experimentId?: string;
}

export interface RunDidStartParams extends RunRef {
  /** The label the panel and pickers show ("BSR λ=0.001 · tiny · pairs.jsonl · 2026-11-28 04:12"). */
  readonly label: string;
  readonly config: TrainConfig;
  readonly trainFiles: readonly string[];
  readonly resume: boolean;
}

export interface RunDidFinishParams extends RunRef {
  readonly status: FinishedStatus;
  /** Why it failed (the NaN guard's diagnosis, a damaged file, the worker's error) or where it was cancelled. */
  readonly reason?: string;
  readonly steps: number;
  readonly totalSteps: number;
  readonly backend: string;
  /** The model to score with (final, or the last checkpoint's when cancelled). */
  readonly modelDir?: string;
  /** The last evaluation (the end-of-run one is not sent as TrainEval). */
  readonly finalEval?: EvalReport;
}

export interface ExperimentRunDidFinishParams extends RunRef {
  readonly experimentId: string;
  /** The run's name inside its experiment ("bsr-s1"). */
  readonly name: string;
  readonly status: FinishedStatus;
  readonly reason?: string;
}

export interface TrainProgressParams {
  readonly runId: string;
  readonly totalSteps: number;
  /** The newest logged step. */
  readonly metrics: StepMetrics;
  /** Logged steps the throttle held back since the previous TrainProgress, oldest first: the curve has every point. */
  readonly earlier?: readonly StepMetrics[];
  readonly backend: string;
}

export interface TrainEvalParams {
  readonly runId: string;
  readonly report: EvalReport;
}

/** Worker → host, before a run (plain or an experiment's) sets up: the host lists it as running from now on. */
export const RunDidStart = notification<RunDidStartParams>('run/didStart');
/** Worker → host, once per run, after its summary.json is written or its set-up failed: the host re-reads its directory. */
export const RunDidFinish = notification<RunDidFinishParams>('run/didFinish');
/** Worker → host, after an experiment recorded a run's outcome in experiment.json (the run counts as done once). */
export const ExperimentRunDidFinish = notification<ExperimentRunDidFinishParams>('experiment/runDidFinish');

/** Every worker notification about runs, as one tagged union: what the RunStore consumes. */
export type RunEvent =
  | { readonly method: 'run/didStart'; readonly params: RunDidStartParams }
  | { readonly method: 'train/progress'; readonly params: TrainProgressParams }
  | { readonly method: 'train/eval'; readonly params: TrainEvalParams }
  | { readonly method: 'run/didFinish'; readonly params: RunDidFinishParams }
  | { readonly method: 'experiment/runDidFinish'; readonly params: ExperimentRunDidFinishParams }
  | { readonly method: 'experiment/log'; readonly params: { readonly experimentId: string; readonly message: string } };
