// One run as the host shows it: what its directory said when last read, overlaid by what the worker reported since.
// Live data wins for the steps it covers and the directory for the steps before them, so a resumed run shows its
// earlier curve followed by the new steps, never one or the other chosen by length.
import type { TrainConfig } from '../config';
import type { EvalReport, StepMetrics } from '../report';
import type { BonReport } from '../bon/types';
import type { FinishedStatus } from '../../protocol/runEvents';
import type { RunInfo, RunStatus, StoredRun } from './runInfo';

export interface RunView extends RunInfo {
  /** Trained by this window's worker right now. */
  readonly live: boolean;
  /** Logged steps: the directory's, then the live ones. */
  readonly metrics: readonly StepMetrics[];
  /** Evaluations in step order; a live one replaces the directory's at the same step. */
  readonly evals: readonly EvalReport[];
  readonly bon?: BonReport;
  /** False while the run's directory is known but its curves have not been read (the panel asks for them). */
  readonly detailed: boolean;
}

/** What the worker has said about a run in this window (mutable: the store updates it in place). */
export interface LiveRunState {
  readonly runId: string;
  readonly runDir: string;
  readonly experimentId?: string;
  readonly label: string;
  readonly config: TrainConfig;
  readonly trainFiles: readonly string[];
  status: RunStatus;
  step: number;
  totalSteps: number;
  backend: string;
  readonly metrics: StepMetrics[];
  readonly evals: EvalReport[];
  reason?: string;
  modelDir?: string;
  /** The store's finish counter when the run finished; a directory read started later supersedes this state. */
  finishedAt?: number;
}

/** Adds a logged step: one entry per step, in step order (progress may repeat the newest step). */
export function addMetric(metrics: StepMetrics[], m: StepMetrics): void {
  const last = metrics[metrics.length - 1];
  if (!last || m.step > last.step) metrics.push(m);
  else if (m.step === last.step) metrics[metrics.length - 1] = m;
}

/** Adds an evaluation, replacing one at the same step, keeping step order. */
export function addEval(evals: EvalReport[], r: EvalReport): void {
  const at = evals.findIndex((e) => e.step >= r.step);
  if (at < 0) evals.push(r);
  else if (evals[at]!.step === r.step) evals[at] = r;
  else evals.splice(at, 0, r);
}

/** The directory's steps before the first live one, then the live ones. */
export function mergeMetrics(stored: readonly StepMetrics[], live: readonly StepMetrics[]): readonly StepMetrics[] {
  const first = live[0]?.step;
  if (first === undefined) return stored;
  return [...stored.filter((m) => m.step < first), ...live];
}

export function mergeEvals(stored: readonly EvalReport[], live: readonly EvalReport[]): readonly EvalReport[] {
  if (!live.length) return stored;
  const out = [...stored];
  for (const r of live) addEval(out, r);
  return out;
}

/** A run known only from its directory. */
export function storedView(s: StoredRun): RunView {
  const d = s.details;
  return { ...s.info, live: false, metrics: d?.metrics ?? [], evals: d?.evals ?? [], ...(d?.bon ? { bon: d.bon } : {}), detailed: !!d };
}

/** A run the worker reported on, over what its directory said (if it was read). */
export function liveView(l: LiveRunState, s: StoredRun | undefined): RunView {
  const info = s?.info;
  const running = l.status === 'running';
  const modelDir = l.modelDir ?? info?.modelDir;
  const backbone = info?.backbone;
  const bon = s?.details?.bon;
  return {
    runId: l.runId,
    runDir: l.runDir,
    ...(l.experimentId ? { experimentId: l.experimentId } : {}),
    label: info?.label ?? l.label,
    status: l.status,
    config: l.config,
    trainFiles: l.trainFiles,
    evalFiles: info?.evalFiles ?? [],
    ...(backbone ? { backbone } : {}),
    backend: l.backend,
    step: l.step,
    totalSteps: l.totalSteps,
    ...(modelDir ? { modelDir } : {}),
    resumable: !running && l.status !== 'completed',
    ...(l.status === 'failed' && l.reason ? { error: l.reason } : {}),
    live: running,
    metrics: mergeMetrics(s?.details?.metrics ?? [], l.metrics),
    evals: mergeEvals(s?.details?.evals ?? [], l.evals),
    ...(bon ? { bon } : {}),
    detailed: !info || !!s?.details,
  };
}

/** Applies a finish to a live run (the worker's run/didFinish, or a request that ended without one). */
export function finishLive(l: LiveRunState, status: FinishedStatus, reason: string | undefined, finishedAt: number): void {
  l.status = status;
  if (reason) l.reason = reason;
  l.finishedAt = finishedAt;
}
