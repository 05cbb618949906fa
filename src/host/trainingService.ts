// Owns the one training worker (dist/worker.js): created lazily on first use, reused for every run, score and
// doctor request, terminated on dispose. Never loads tfjs here: the worker does. Cancellation is a shared
// Int32Array flag the training loop reads every step, plus a CancelTrain message as the fallback.
import * as vscode from 'vscode';
import { Worker } from 'node:worker_threads';
import { Endpoint, type Wire } from '../protocol/rpc';
import {
  CancelExperiment, CancelModelLoad, CancelTrain, EvalFiles, ExperimentLog, ExperimentProgress, ExperimentRun, ModelLoadProgress, RunDoctor, ScoreDocument, TrainEval, TrainProgress, TrainRun, WorkerLog,
  type DoctorReport, type EvalParams, type ExperimentRunResult, type ExperimentRunSpec, type RunSummary, type ScoreParams, type ScoreResult,
} from '../protocol/trainer';
import { JobExport, JobImport, type JobExportParams, type JobExportResult, type JobImportParams } from '../protocol/trainer';
import { InspectScenarioData, type ScenarioDataParams, type ScenarioDataReport } from '../protocol/scenarios';
import { ScoringBackendChanged, type ScoringBackendInfo } from '../protocol/backendState';
import type { EvalReport, StepMetrics } from '../core/report';
import type { RunRequest } from '../node/runs';
import { errorMessage, type Log } from './log';

/** A scenario experiment in progress in the worker (its runs train one after another). */
export interface LiveExperiment {
  readonly experimentId: string;
  readonly outDir: string;
  /** The run now training ("bsr-s1"), its progress, and the runner's last log line. */
  runId?: string;
  step: number;
  totalSteps: number;
  loss?: number;
  accuracy?: number;
  backend?: string;
  lastLog?: string;
  readonly cancelFlag: Int32Array;
}

/** What the host knows about a run in progress (the files lag behind by up to one log step). */
export interface LiveRun {
  readonly runId: string;
  readonly runDir: string;
  step: number;
  totalSteps: number;
  backend: string;
  readonly metrics: StepMetrics[];
  readonly evals: EvalReport[];
  readonly cancelFlag: Int32Array;
}

export class TrainingService implements vscode.Disposable {
  private worker?: Worker;
  private endpoint?: Endpoint;
  private doctorReport?: Promise<DoctorReport>;
  private readonly live = new Map<string, LiveRun>();
  private readonly experiments = new Map<string, LiveExperiment>();
  private readonly experimentEmitter = new vscode.EventEmitter<LiveExperiment>();
  /** Fires on every progress or log line of a live experiment. */
  readonly onExperimentProgress = this.experimentEmitter.event;
  private readonly progressEmitter = new vscode.EventEmitter<LiveRun>();
  private readonly doctorEmitter = new vscode.EventEmitter<DoctorReport>();
  private readonly runsEmitter = new vscode.EventEmitter<void>();
  /** Fires on every TrainProgress / TrainEval of a live run. */
  readonly onProgress = this.progressEmitter.event;
  /** Fires when a doctor report arrives (status bar). */
  readonly onDoctor = this.doctorEmitter.event;
  /** Fires when a run starts or ends. */
  readonly onRunsChanged = this.runsEmitter.event;
  private readonly loadEmitter = new vscode.EventEmitter<{ readonly modelDir: string; readonly doneBytes: number; readonly totalBytes: number; readonly done: boolean }>();
  /** Fires while the worker loads a model's weights (a multi-GB Hugging Face model takes a while). */
  readonly onModelLoad = this.loadEmitter.event;
  private readonly scoringBackendEmitter = new vscode.EventEmitter<ScoringBackendInfo>();
  /** Fires when the worker's scoring backend is first chosen or changes (status bar). */
  readonly onScoringBackend = this.scoringBackendEmitter.event;
  /** The backend the worker scores on, as it last said; undefined until it has scored in this worker. */
  scoringBackend?: ScoringBackendInfo;

  constructor(private readonly workerPath: string, private readonly log: Log) {}

  get running(): readonly LiveRun[] {
    return [...this.live.values()];
  }

  liveRun(runId: string): LiveRun | undefined {
    return this.live.get(runId);
  }

  private ensure(): Endpoint {
    if (this.endpoint && this.worker) return this.endpoint;
    const t0 = Date.now();
    const worker = new Worker(this.workerPath);
    const endpoint = new Endpoint((msg, transfer) => worker.postMessage(msg, transfer as never));
    worker.on('message', (m: Wire) => endpoint.handle(m));
    worker.on('online', () => this.log.info(`training worker started in ${Date.now() - t0} ms (${this.workerPath})`));
    worker.on('error', (e) => {
      this.log.error(`training worker crashed: ${e.stack ?? e.message}`);
      endpoint.dispose(`training worker crashed: ${e.message}`);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) {
        this.worker = undefined;
        this.endpoint = undefined;
        this.doctorReport = undefined;
        this.scoringBackend = undefined; // a new worker chooses again
      }
      endpoint.dispose(`training worker exited (code ${code})`);
      if (code !== 0) this.log.warn(`training worker exited with code ${code}`);
    });
    endpoint.onNotification(TrainProgress, (p) => this.onTrainProgress(p.runId, p.totalSteps, p.metrics, p.backend));
    endpoint.onNotification(TrainEval, (p) => {
      const run = this.live.get(p.runId);
      if (!run) return;
      run.evals.push(p.report);
      this.progressEmitter.fire(run);
    });
    endpoint.onNotification(ExperimentProgress, (p) => {
      const x = this.experiments.get(p.experimentId);
      if (!x) return;
      const newRun = x.runId !== p.runId;
      Object.assign(x, { runId: p.runId, step: p.step, totalSteps: p.totalSteps, loss: p.loss, accuracy: p.accuracy, backend: p.backend });
      this.experimentEmitter.fire(x);
      if (newRun) this.runsEmitter.fire(); // a new run directory exists: the panel's run list grows
    });
    endpoint.onNotification(ExperimentLog, (p) => {
      this.log.info(`[experiment ${p.experimentId}] ${p.message}`);
      const x = this.experiments.get(p.experimentId);
      if (!x) return;
      x.lastLog = p.message;
      this.experimentEmitter.fire(x);
      if (/: (completed|cancelled|failed) at step/.test(p.message)) this.runsEmitter.fire(); // a run finished
    });
    endpoint.onNotification(WorkerLog, (p) => this.log[p.level](`[worker] ${p.message}`));
    endpoint.onNotification(ModelLoadProgress, (p) => this.loadEmitter.fire(p));
    endpoint.onNotification(ScoringBackendChanged, (p) => { this.scoringBackend = p; this.scoringBackendEmitter.fire(p); });
    this.worker = worker;
    this.endpoint = endpoint;
    return endpoint;
  }

  private onTrainProgress(runId: string, totalSteps: number, m: StepMetrics, backend: string): void {
    const run = this.live.get(runId);
    if (!run) return;
    run.totalSteps = totalSteps;
    run.backend = backend;
    run.step = Math.max(run.step, m.step);
    // Progress is cumulative and may repeat a step; keep one entry per step, in order.
    const last = run.metrics[run.metrics.length - 1];
    if (!last || m.step > last.step) run.metrics.push(m);
    else if (m.step === last.step) run.metrics[run.metrics.length - 1] = m;
    this.progressEmitter.fire(run);
  }

  /** Starts a run in the worker; resolves with its summary (completed, cancelled or failed). */
  async train(req: RunRequest): Promise<RunSummary> {
    if (this.experiments.size > 0) throw new Error(`a scenario experiment is running (${[...this.experiments.keys()].join(', ')}); cancel it first`);
    if (this.live.size > 0) throw new Error(`a training run is already in progress (${[...this.live.keys()].join(', ')}); cancel it first`);
    const cancel = new SharedArrayBuffer(4);
    const run: LiveRun = { runId: req.runId, runDir: req.runDir, step: 0, totalSteps: 0, backend: req.config.backend, metrics: [], evals: [], cancelFlag: new Int32Array(cancel) };
    this.live.set(req.runId, run);
    this.runsEmitter.fire();
    try {
      const summary = await this.ensure().sendRequest(TrainRun, { ...req, cancel });
      this.log.info(`run ${req.runId} ${summary.status} after ${summary.steps}/${summary.totalSteps} steps on ${summary.backend} (${summary.elapsedMs} ms)${summary.error ? `: ${summary.error}` : ''}`);
      return summary;
    } finally {
      this.live.delete(req.runId);
      this.runsEmitter.fire();
    }
  }

  get runningExperiments(): readonly LiveExperiment[] {
    return [...this.experiments.values()];
  }

  /** Runs a scenario experiment in the worker (the CLI's runner); rejects with the runner's message on bad data. */
  async experiment(experimentId: string, spec: ExperimentRunSpec): Promise<ExperimentRunResult> {
    if (this.live.size > 0 || this.experiments.size > 0) {
      throw new Error(`training is already in progress (${[...this.live.keys(), ...this.experiments.keys()].join(', ')}); cancel it first`);
    }
    const cancel = new SharedArrayBuffer(4);
    this.experiments.set(experimentId, { experimentId, outDir: spec.outDir, step: 0, totalSteps: 0, cancelFlag: new Int32Array(cancel) });
    this.runsEmitter.fire();
    try {
      const r = await this.ensure().sendRequest(ExperimentRun, { experimentId, spec, cancel });
      this.log.info(`experiment ${experimentId} ${r.status}: ${r.completed.length} trained, ${r.skipped.length} skipped, ${r.failed.length} failed; report ${r.reportMarkdown}`);
      return r;
    } finally {
      this.experiments.delete(experimentId);
      this.runsEmitter.fire();
    }
  }

  /** Stops an experiment: the run in progress checkpoints at its next step and the rest are not started. */
  cancelExperiment(experimentId: string): boolean {
    const x = this.experiments.get(experimentId);
    if (!x) return false;
    Atomics.store(x.cancelFlag, 0, 1);
    this.endpoint?.sendNotification(CancelExperiment, { experimentId });
    this.log.info(`cancel requested for experiment ${experimentId}`);
    return true;
  }

  /** Asks a run to stop at its next step boundary (it then saves a checkpoint and a summary). */
  cancel(runId: string): boolean {
    const run = this.live.get(runId);
    if (!run) return false;
    Atomics.store(run.cancelFlag, 0, 1);
    this.endpoint?.sendNotification(CancelTrain, { runId });
    this.log.info(`cancel requested for run ${runId}`);
    return true;
  }

  score(params: ScoreParams): Promise<ScoreResult> {
    return this.ensure().sendRequest(ScoreDocument, params);
  }

  evaluate(params: EvalParams): Promise<EvalReport> {
    return this.ensure().sendRequest(EvalFiles, params);
  }

  /** Writes a TRL job folder for a run (Export Training Job (TRL)…). */
  /** What a file offers the scenarios; the worker loads it (see src/protocol/scenarios.ts). */
  inspectScenarioData(params: ScenarioDataParams): Promise<ScenarioDataReport> {
    return this.ensure().sendRequest(InspectScenarioData, params);
  }

  exportJob(params: JobExportParams): Promise<JobExportResult> {
    return this.ensure().sendRequest(JobExport, params);
  }

  /** Imports a TRL job's output as a run; the run list changes when it is written. */
  async importJob(params: JobImportParams): Promise<RunSummary> {
    try {
      return await this.ensure().sendRequest(JobImport, params);
    } finally {
      this.runsEmitter.fire();
    }
  }

  /** Stops a model load in progress (the request waiting for it fails). */
  cancelModelLoad(modelDir: string): void {
    this.endpoint?.sendNotification(CancelModelLoad, { modelDir });
  }

  /** The worker's backend probe; cached per worker, re-run with force. */
  doctor(force = false): Promise<DoctorReport> {
    if (!this.doctorReport || force) {
      const p = this.ensure().sendRequest(RunDoctor, {});
      this.doctorReport = p;
      p.then(
        (r) => this.doctorEmitter.fire(r),
        (e) => {
          if (this.doctorReport === p) this.doctorReport = undefined;
          this.log.error(`compute doctor failed: ${errorMessage(e)}`);
        },
      );
    }
    return this.doctorReport;
  }

  /** True once the worker exists (so a status-bar probe does not start it just to look). */
  get started(): boolean {
    return this.worker !== undefined;
  }

  dispose(): void {
    for (const run of this.live.values()) Atomics.store(run.cancelFlag, 0, 1);
    for (const x of this.experiments.values()) Atomics.store(x.cancelFlag, 0, 1);
    this.endpoint?.dispose('extension deactivated');
    void this.worker?.terminate();
    this.worker = undefined;
    this.endpoint = undefined;
    this.progressEmitter.dispose();
    this.loadEmitter.dispose();
    this.doctorEmitter.dispose();
    this.runsEmitter.dispose();
    this.experimentEmitter.dispose();
    this.scoringBackendEmitter.dispose();
  }
}
