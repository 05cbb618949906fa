// The one place the extension host keeps run and experiment state, live and historic. Fed by the worker's typed
// notifications (RunEvent: src/protocol/runEvents.ts), by the host's own requests (a run it asked for is listed at
// once, and a request that ends without the worker's run/didFinish, because the worker died, still ends the run),
// and by directory reads (setStored). Pure: no IO, no vscode; everything the panel, status bar and pickers show is
// read from here.
import type { ExperimentRunDidFinishParams, FinishedStatus, RunDidStartParams, RunEvent } from '../../protocol/runEvents';
import type { StoredRun } from './runInfo';
import { addEval, addMetric, finishLive, liveView, storedView, type LiveRunState, type RunView } from './runView';

/** A scenario experiment as the host shows its progress (the field names of the progress notification). */
export interface ExperimentView {
  readonly experimentId: string;
  readonly outDir?: string;
  /** The run now training, by its name in the experiment ("bsr-s1"). */
  readonly runId?: string;
  readonly step: number;
  readonly totalSteps: number;
  readonly loss?: number;
  readonly accuracy?: number;
  readonly backend?: string;
  /** The runner's last log line (shown while no run trains: building the splits, the report). */
  readonly lastLog?: string;
  /** Runs that finished in this window, each once, in the order they finished. */
  readonly finished: readonly { readonly name: string; readonly status: FinishedStatus }[];
}

/**
 * What changed. `started`/`finished`: a run's status; `settled`: a request ended; `stored`: a directory read replaced
 * the historic runs; `progress`: a run's step, metrics or evaluations; `experiment`: an experiment's log or tally.
 */
export interface RunStoreChange {
  readonly kind: 'started' | 'progress' | 'finished' | 'settled' | 'stored' | 'experiment';
  readonly runId?: string;
  readonly experimentId?: string;
}

interface ExperimentState {
  readonly experimentId: string;
  outDir?: string;
  /** Whether the host's ExperimentRun request is still in flight. */
  active: boolean;
  current?: string;
  lastLog?: string;
  readonly finished: Map<string, FinishedStatus>;
}

export class RunStore {
  private stored: readonly StoredRun[] = [];
  private storedById = new Map<string, StoredRun>();
  private readonly live = new Map<string, LiveRunState>();
  private readonly experimentStates = new Map<string, ExperimentState>();
  private readonly listeners = new Set<(c: RunStoreChange) => void>();
  private finishes = 0;

  /** Calls `fn` on every change; returns the unsubscribe function. */
  subscribe(fn: (c: RunStoreChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The host sent TrainRun: the run is listed as running from now on (the worker's run/didStart refines it). */
  requestRun(p: RunDidStartParams): void {
    this.start(p);
  }

  /** The host sent ExperimentRun. */
  requestExperiment(experimentId: string, outDir: string): void {
    this.experimentStates.set(experimentId, { experimentId, outDir, active: true, finished: new Map() });
    this.emit({ kind: 'started', experimentId });
  }

  /** The TrainRun request ended; a run still running then (the worker died) ends as failed with `error`. */
  settleRun(runId: string, error?: string): void {
    const l = this.live.get(runId);
    if (l?.status === 'running') {
      finishLive(l, 'failed', error ?? 'the worker ended the request without finishing the run', ++this.finishes);
    }
    this.emit({ kind: 'settled', runId });
  }

  /** The ExperimentRun request ended; its runs still running end as failed with `error`. */
  settleExperiment(experimentId: string, error?: string): void {
    const x = this.experimentStates.get(experimentId);
    if (x) x.active = false;
    for (const l of this.live.values()) {
      if (l.experimentId !== experimentId || l.status !== 'running') continue;
      finishLive(l, 'failed', error ?? 'the experiment ended without finishing the run', ++this.finishes);
    }
    this.emit({ kind: 'settled', experimentId });
  }

  apply(e: RunEvent): void {
    switch (e.method) {
      case 'run/didStart':
        this.start(e.params);
        break;
      case 'train/progress':
        this.progress(e.params.runId, (l) => {
          for (const m of [...(e.params.earlier ?? []), e.params.metrics]) addMetric(l.metrics, m);
          l.step = Math.max(l.step, e.params.metrics.step);
          l.totalSteps = e.params.totalSteps;
          l.backend = e.params.backend;
        });
        break;
      case 'train/eval':
        this.progress(e.params.runId, (l) => addEval(l.evals, e.params.report));
        break;
      case 'run/didFinish':
        this.finish(e.params.runId, e.params.status, e.params.reason, (l) => {
          l.step = Math.max(l.step, e.params.steps);
          l.totalSteps = e.params.totalSteps || l.totalSteps;
          l.backend = e.params.backend || l.backend;
          if (e.params.modelDir) l.modelDir = e.params.modelDir;
          if (e.params.finalEval) addEval(l.evals, e.params.finalEval);
        });
        break;
      case 'experiment/runDidFinish':
        this.experimentRunDone(e.params);
        break;
      case 'experiment/log':
        this.experimentOf(e.params.experimentId).lastLog = e.params.message;
        this.emit({ kind: 'experiment', experimentId: e.params.experimentId });
        break;
    }
  }

  /** The experiment recorded a run's outcome: counted once per run name, however often it is reported. */
  private experimentRunDone(p: ExperimentRunDidFinishParams): void {
    const x = this.experimentOf(p.experimentId);
    // The run itself normally finished already (run/didFinish); this only ends one the trainer never reported.
    if (this.live.get(p.runId)?.status === 'running') this.finish(p.runId, p.status, p.reason, () => undefined);
    if (x.finished.has(p.name)) return;
    x.finished.set(p.name, p.status);
    this.emit({ kind: 'experiment', experimentId: x.experimentId });
  }

  /** A counter to pass to setStored: finished runs older than it are superseded by that directory read. */
  mark(): number {
    return this.finishes;
  }

  /**
   * The runs on disk, newest first, as read by a scan that began at `mark`. A run that finished before the scan
   * began is now described by its directory (summary.json included), so its live state is dropped.
   */
  setStored(runs: readonly StoredRun[], mark: number): void {
    this.stored = runs;
    this.storedById = new Map(runs.map((r) => [r.info.runId, r]));
    for (const [id, l] of this.live) if (l.finishedAt !== undefined && l.finishedAt <= mark) this.live.delete(id);
    this.emit({ kind: 'stored' });
  }

  /** Every run, newest first: runs not on disk yet (just started) first, then the directories in their order. */
  runs(): RunView[] {
    const fresh = [...this.live.values()].filter((l) => !this.storedById.has(l.runId)).reverse();
    return [...fresh.map((l) => liveView(l, undefined)), ...this.stored.map((s) => this.viewOf(s.info.runId, s))];
  }

  run(runId: string): RunView | undefined {
    const s = this.storedById.get(runId);
    return this.live.has(runId) || s ? this.viewOf(runId, s) : undefined;
  }

  /** Runs training now, plain and experiment runs, in the order they started. */
  liveRuns(): RunView[] {
    return [...this.live.values()].filter((l) => l.status === 'running').map((l) => liveView(l, this.storedById.get(l.runId)));
  }

  /** Experiments whose request is in flight. */
  experiments(): ExperimentView[] {
    return [...this.experimentStates.values()].filter((x) => x.active).map((x) => this.experimentView(x));
  }

  experiment(experimentId: string): ExperimentView | undefined {
    const x = this.experimentStates.get(experimentId);
    return x ? this.experimentView(x) : undefined;
  }

  private viewOf(runId: string, s: StoredRun | undefined): RunView {
    const l = this.live.get(runId);
    return l ? liveView(l, s) : storedView(s!);
  }

  private experimentView(x: ExperimentState): ExperimentView {
    const run = x.current ? this.live.get(x.current) : undefined;
    const last = run?.metrics[run.metrics.length - 1];
    const finished = [...x.finished].map(([name, status]) => ({ name, status }));
    return {
      experimentId: x.experimentId,
      ...(x.outDir ? { outDir: x.outDir } : {}),
      ...(run ? { runId: run.runId.slice(x.experimentId.length + 1), backend: run.backend } : {}),
      step: run?.step ?? 0,
      totalSteps: run?.totalSteps ?? 0,
      ...(last ? { loss: last.loss, accuracy: last.accuracy } : {}),
      ...(x.lastLog !== undefined ? { lastLog: x.lastLog } : {}),
      finished,
    };
  }

  private experimentOf(experimentId: string): ExperimentState {
    let x = this.experimentStates.get(experimentId);
    if (!x) this.experimentStates.set(experimentId, (x = { experimentId, active: false, finished: new Map() }));
    return x;
  }

  private start(p: RunDidStartParams): void {
    const l: LiveRunState = {
      runId: p.runId,
      runDir: p.runDir,
      ...(p.experimentId ? { experimentId: p.experimentId } : {}),
      label: p.label,
      config: p.config,
      trainFiles: p.trainFiles,
      status: 'running',
      step: 0,
      totalSteps: 0,
      backend: p.config.backend,
      metrics: [],
      evals: [],
    };
    this.live.set(p.runId, l);
    if (p.experimentId) this.experimentOf(p.experimentId).current = p.runId;
    this.emit({ kind: 'started', runId: p.runId, ...(p.experimentId ? { experimentId: p.experimentId } : {}) });
  }

  private progress(runId: string, update: (l: LiveRunState) => void): void {
    const l = this.live.get(runId);
    if (l?.status !== 'running') return;
    update(l);
    this.emit({ kind: 'progress', runId, ...(l.experimentId ? { experimentId: l.experimentId } : {}) });
  }

  private finish(runId: string, status: FinishedStatus, reason: string | undefined, update: (l: LiveRunState) => void): void {
    const l = this.live.get(runId);
    // Once per run: a repeated or late finish changes nothing and is not announced again.
    if (l?.status !== 'running') return;
    update(l);
    finishLive(l, status, reason, ++this.finishes);
    const x = l.experimentId ? this.experimentStates.get(l.experimentId) : undefined;
    if (x?.current === runId) delete x.current;
    this.emit({ kind: 'finished', runId, ...(l.experimentId ? { experimentId: l.experimentId } : {}) });
  }

  private emit(c: RunStoreChange): void {
    for (const fn of this.listeners) fn(c);
  }
}
