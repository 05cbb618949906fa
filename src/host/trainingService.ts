// Owns the one training worker (dist/worker.js): created lazily on first use, reused for every run, score and
// doctor request, terminated on dispose. Never loads tfjs here: the worker does. Cancellation is a shared
// Int32Array flag the training loop reads every step, plus a CancelTrain message as the fallback.
import * as vscode from 'vscode';
import { Worker } from 'node:worker_threads';
import { Endpoint, type Wire } from '../protocol/rpc';
import {
  CancelExperiment,
  CancelModelLoad,
  CancelTrain,
  EvalFiles,
  ExperimentLog,
  ExperimentRun,
  ExperimentRunDidFinish,
  ModelLoadProgress,
  RunDidFinish,
  RunDidStart,
  RunDoctor,
  ScoreDocument,
  TrainEval,
  TrainProgress,
  TrainRun,
  WorkerLog,
  type DoctorReport,
  type EvalParams,
  type ExperimentRunResult,
  type ExperimentRunSpec,
  type RunSummary,
  type ScoreParams,
  type ScoreResult,
} from '../protocol/trainer';
import { JobExport, JobImport, type JobExportParams, type JobExportResult, type JobImportParams } from '../protocol/trainer';
import { InspectScenarioData, type ScenarioDataParams, type ScenarioDataReport } from '../protocol/scenarios';
import { ScoringBackendChanged, type ScoringBackendInfo } from '../protocol/backendState';
import type { EvalReport } from '../core/report';
import type { ExperimentView } from '../core/runs/runStore';
import type { RunView } from '../core/runs/runView';
import { runLabel, type RunRequest } from '../node/runs';
import { errorMessage, type Log } from './log';
import type { WorkspaceRuns } from './workspaceRuns';
import { timed } from './taskMeter';
import { fromScoreReply, type ScoreReply } from '../protocol/scoredRows';

export class TrainingService implements vscode.Disposable {
  private worker?: Worker;
  private endpoint?: Endpoint;
  private doctorReport?: Promise<DoctorReport>;
  /** Cancel flags of the TrainRun / ExperimentRun requests in flight (run state itself lives in the RunStore). */
  private readonly runFlags = new Map<string, Int32Array>();
  private readonly experimentFlags = new Map<string, Int32Array>();
  private readonly experimentEmitter = new vscode.EventEmitter<ExperimentView>();
  /** Fires on every progress or log line of a live experiment. */
  readonly onExperimentProgress = this.experimentEmitter.event;
  private readonly progressEmitter = new vscode.EventEmitter<RunView>();
  private readonly doctorEmitter = new vscode.EventEmitter<DoctorReport>();
  private readonly runsEmitter = new vscode.EventEmitter<void>();
  /** Fires on every TrainProgress / TrainEval of a live run (not an experiment's). */
  readonly onProgress = this.progressEmitter.event;
  /** Fires when a doctor report arrives (status bar). */
  readonly onDoctor = this.doctorEmitter.event;
  /** Fires when a run starts or ends, or a request ends. */
  readonly onRunsChanged = this.runsEmitter.event;
  private readonly loadEmitter = new vscode.EventEmitter<{
    readonly modelDir: string;
    readonly doneBytes: number;
    readonly totalBytes: number;
    readonly done: boolean;
  }>();
  /** Fires while the worker loads a model's weights (a multi-GB Hugging Face model takes a while). */
  readonly onModelLoad = this.loadEmitter.event;
  private readonly unsubscribe: () => void;
  private readonly scoringBackendEmitter = new vscode.EventEmitter<ScoringBackendInfo>();
  /** Fires when the worker's scoring backend is first chosen or changes (status bar). */
  readonly onScoringBackend = this.scoringBackendEmitter.event;
  /** The backend the worker scores on, as it last said; undefined until it has scored in this worker. */
  scoringBackend?: ScoringBackendInfo;

  constructor(
    private readonly workerPath: string,
    private readonly log: Log,
    private readonly runs: WorkspaceRuns,
  ) {
    const store = runs.store;
    this.unsubscribe = store.subscribe((c) => {
      const run = c.kind === 'progress' && c.runId && !c.experimentId ? store.run(c.runId) : undefined;
      if (run) this.progressEmitter.fire(run);
      const x = c.experimentId ? store.experiment(c.experimentId) : undefined;
      if (x) this.experimentEmitter.fire(x);
      if (c.kind === 'started' || c.kind === 'finished' || c.kind === 'settled') this.runsEmitter.fire();
    });
  }

  /** Plain runs training now (an experiment's runs are in runningExperiments). */
  get running(): readonly RunView[] {
    return this.runs.store.liveRuns().filter((r) => !r.experimentId);
  }

  liveRun(runId: string): RunView | undefined {
    const r = this.runs.store.run(runId);
    return r?.live ? r : undefined;
  }

  private ensure(): Endpoint {
    if (this.endpoint && this.worker) return this.endpoint;
    const t0 = Date.now();
    const worker = new Worker(this.workerPath);
    const endpoint = new Endpoint((msg, transfer) => worker.postMessage(msg, transfer as never));
    worker.on('message', (m: Wire) => timed('worker message', () => endpoint.handle(m)));
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
    // The run notifications go to the RunStore as they are; it is the only place that keeps what they say.
    const store = this.runs.store;
    endpoint.onNotification(RunDidStart, (params) => store.apply({ method: 'run/didStart', params }));
    endpoint.onNotification(TrainProgress, (params) => store.apply({ method: 'train/progress', params }));
    endpoint.onNotification(TrainEval, (params) => store.apply({ method: 'train/eval', params }));
    endpoint.onNotification(RunDidFinish, (params) => store.apply({ method: 'run/didFinish', params }));
    endpoint.onNotification(ExperimentRunDidFinish, (params) => store.apply({ method: 'experiment/runDidFinish', params }));
    endpoint.onNotification(ExperimentLog, (params) => {
      this.log.info(`[experiment ${params.experimentId}] ${params.message}`);
      store.apply({ method: 'experiment/log', params });
    });
    endpoint.onNotification(WorkerLog, (p) => this.log[p.level](`[worker] ${p.message}`));
    endpoint.onNotification(ModelLoadProgress, (p) => this.loadEmitter.fire(p));
    endpoint.onNotification(ScoringBackendChanged, (p) => {
      this.scoringBackend = p;
      this.scoringBackendEmitter.fire(p);
    });
    this.worker = worker;
    this.endpoint = endpoint;
    return endpoint;
  }

  /** Starts a run in the worker; resolves with its summary (completed, cancelled or failed). */
  async train(req: RunRequest): Promise<RunSummary> {
    if (this.experimentFlags.size > 0)
      throw new Error(`a scenario experiment is running (${[...this.experimentFlags.keys()].join(', ')}); cancel it first`);
    if (this.runFlags.size > 0)
      throw new Error(`a training run is already in progress (${[...this.runFlags.keys()].join(', ')}); cancel it first`);
    const cancel = new SharedArrayBuffer(4);
    this.runFlags.set(req.runId, new Int32Array(cancel));
    this.runs.store.requestRun({
      runId: req.runId,
      runDir: req.runDir,
      label: runLabel(req.runId, req.config, req.trainFiles, req.backbone),
      config: req.config,
      trainFiles: req.trainFiles,
      resume: req.resume,
    });
    let error: string | undefined;
    try {
      const summary = await this.ensure().sendRequest(TrainRun, { ...req, cancel });
      this.log.info(
        `run ${req.runId} ${summary.status} after ${summary.steps}/${summary.totalSteps} steps on ${summary.backend} (${summary.elapsedMs} ms)${summary.error ? `: ${summary.error}` : ''}`,
      );
      return summary;
    } catch (e) {
      error = errorMessage(e);
      throw e;
    } finally {
      this.runFlags.delete(req.runId);
      this.runs.store.settleRun(req.runId, error);
    }
  }

  get runningExperiments(): readonly ExperimentView[] {
    return this.runs.store.experiments();
  }

  /** Runs a scenario experiment in the worker (the CLI's runner); rejects with the runner's message on bad data. */
  async experiment(experimentId: string, spec: ExperimentRunSpec): Promise<ExperimentRunResult> {
    if (this.runFlags.size > 0 || this.experimentFlags.size > 0) {
      throw new Error(
        `training is already in progress (${[...this.runFlags.keys(), ...this.experimentFlags.keys()].join(', ')}); cancel it first`,
      );
    }
    const cancel = new SharedArrayBuffer(4);
    this.experimentFlags.set(experimentId, new Int32Array(cancel));
    this.runs.store.requestExperiment(experimentId, spec.outDir);
    let error: string | undefined;
    try {
      const r = await this.ensure().sendRequest(ExperimentRun, { experimentId, spec, cancel });
      this.log.info(
        `experiment ${experimentId} ${r.status}: ${r.completed.length} trained, ${r.skipped.length} skipped, ${r.failed.length} failed; report ${r.reportMarkdown}`,
      );
      return r;
    } catch (e) {
      error = errorMessage(e);
      throw e;
    } finally {
      this.experimentFlags.delete(experimentId);
      this.runs.store.settleExperiment(experimentId, error);
    }
  }

  /** Stops an experiment: the run in progress checkpoints at its next step and the rest are not started. */
  cancelExperiment(experimentId: string): boolean {
    const flag = this.experimentFlags.get(experimentId);
    if (!flag) return false;
    Atomics.store(flag, 0, 1);
    this.endpoint?.sendNotification(CancelExperiment, { experimentId });
    this.log.info(`cancel requested for experiment ${experimentId}`);
    return true;
  }

  /** Asks a run to stop at its next step boundary (it then saves a checkpoint and a summary); an experiment's run stops its experiment. */
  cancel(runId: string): boolean {
    const experimentId = this.runs.store.run(runId)?.experimentId;
    if (experimentId) return this.cancelExperiment(experimentId);
    const flag = this.runFlags.get(runId);
    if (!flag) return false;
    Atomics.store(flag, 0, 1);
    this.endpoint?.sendNotification(CancelTrain, { runId });
    this.log.info(`cancel requested for run ${runId}`);
    return true;
  }

  /** Scores in the worker; the rows come in columns (src/protocol/scoredRows.ts), as the editor keeps them. */
  score(params: ScoreParams): Promise<ScoreReply> {
    return this.ensure().sendRequest(ScoreDocument, params);
  }

  /** The same with every row an object (tests, and callers that read every row once). */
  async scoreRows(params: ScoreParams): Promise<ScoreResult> {
    return fromScoreReply(await this.score(params));
  }

  /** Evaluates in the worker; with outDir, the evaluation run is in the RunStore when this resolves. */
  async evaluate(params: EvalParams): Promise<EvalReport> {
    const report = await this.ensure().sendRequest(EvalFiles, params);
    if (params.outDir) await this.runs.refresh();
    return report;
  }

  /** Writes a TRL job folder for a run (Export Training Job (TRL)…). */
  /** What a file offers the scenarios; the worker loads it (see src/protocol/scenarios.ts). */
  inspectScenarioData(params: ScenarioDataParams): Promise<ScenarioDataReport> {
    return this.ensure().sendRequest(InspectScenarioData, params);
  }

  exportJob(params: JobExportParams): Promise<JobExportResult> {
    return this.ensure().sendRequest(JobExport, params);
  }

  /** Imports a TRL job's output as a run; the run is in the RunStore when this resolves. */
  async importJob(params: JobImportParams): Promise<RunSummary> {
    try {
      return await this.ensure().sendRequest(JobImport, params);
    } finally {
      await this.runs.refresh();
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
    for (const flag of [...this.runFlags.values(), ...this.experimentFlags.values()]) Atomics.store(flag, 0, 1);
    this.unsubscribe();
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
