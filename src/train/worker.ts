// The training worker: THE ONLY FILE that talks to the host transport. Runs as a worker_threads Worker
// (parentPort) or as a forked child process (process.send), the fallback for backends that cannot live in a thread.
// It wires the protocol in src/protocol/trainer.ts to the same functions the CLI calls.
import { parentPort } from 'node:worker_threads';
import { Endpoint, type Wire } from '../protocol/rpc';
import {
  CancelModelLoad,
  CancelTrain,
  EvalFiles,
  ModelLoadProgress,
  RunDoctor,
  ScoreDocument,
  TrainRun,
  WorkerLog,
  type ModelRunOptions,
} from '../protocol/trainer';
import { announcedRunDone, announcedTraining, type Notify, type Trainer } from './announcedTraining';
import { runTraining } from './runTraining';
import { throttle } from './throttle';
import { scoreDocument, getModel } from './score';
import { evaluateFiles, evaluateToRun } from './evaluateFiles';
import { probeBackends } from './backends';
import { CancelExperiment, ExperimentLog, ExperimentRun } from '../protocol/trainer';
import { runExperiment } from '../node/experiment';
import { bestOfNForRun } from './bestOfN';
import { rsvgConvert } from '../node/experimentReport';
import { loadDatasetFile } from '../node/loadDataset';
import { JobExport, JobImport } from '../protocol/trainer';
import { exportTrlJob } from './job/exportJob';
import { importTrlJob } from './job/importJob';
import { InspectScenarioData } from '../protocol/scenarios';
import { inspectScenarioData } from '../node/scenarioData';
import { ScoringBackendChanged } from '../protocol/backendState';
import { userIoError } from '../node/ioError';
import { toScoreReply } from '../protocol/scoredRows';
import { lowerWorkerPriority } from '../node/backgroundPriority';
import { EngineLease } from './engineLease';
import { ScoringBackend } from './scoringBackend';
import { tf } from './tf';
import { safeBackend } from './backends/wasm';

const post = parentPort
  ? (msg: Wire, transfer?: readonly unknown[]) => parentPort!.postMessage(msg, transfer as never)
  : (msg: Wire) => process.send?.(msg);
// Operating-system errors are the user's to fix (a missing file, a full disk): they cross as UserErrors, with a code.
const endpoint = new Endpoint(post, { mapError: (e) => userIoError(e) ?? e });
if (parentPort) parentPort.on('message', (m: Wire) => endpoint.handle(m));
else process.on('message', (m: Wire) => endpoint.handle(m));

const cancelled = new Set<string>();
const log = (level: 'info' | 'warn' | 'error', message: string) => endpoint.sendNotification(WorkerLog, { level, message });
const notify: Notify = (type, params) => endpoint.sendNotification(type, params);
// Background work yields to the editor (the extension host thread and the workbench share these cores).
log('info', lowerWorkerPriority(!!parentPort));
// The worker's backend state, explicit: training, scoring and the doctor each hold the engine in turn, and each makes
// its own backend active (a run: its config's; scoring: the request's), so scoring never inherits a run's choice.
const engine = new EngineLease({ active: safeBackend, activate: async (name) => void (await tf.setBackend(name)) });
const scoring = new ScoringBackend((info) => {
  log('info', `scoring backend: ${info.backend} (asked: ${info.requested}; ${info.why})`);
  endpoint.sendNotification(ScoringBackendChanged, info);
});
/** Runs scoring work on the request's backend, with the engine to itself. */
const scoringWork = <T>(backend: ModelRunOptions['backend'], work: () => Promise<T>) =>
  engine.hold(async () => {
    await scoring.use(backend);
    return work();
  });
/** runTraining with the engine held; it makes its config's backend active, and score requests get the engine at step boundaries. */
const leasedTraining: Trainer = (params, hooks) =>
  engine.hold(() => runTraining(params, { ...hooks, atStepBoundary: () => engine.yieldToWaiters() }));

endpoint.onRequest(TrainRun, async (params) => {
  try {
    return await announcedTraining(notify, leasedTraining)(params, {
      onLog: (message) => log('info', message),
      shouldCancel: () => cancelled.has(params.runId),
    });
  } finally {
    cancelled.delete(params.runId);
  }
});
endpoint.onNotification(CancelTrain, ({ runId }) => cancelled.add(runId));
// Model loads report progress (throttled) and stop when the host cancels them.
const cancelledLoads = new Set<string>();
endpoint.onNotification(CancelModelLoad, ({ modelDir }) => cancelledLoads.add(modelDir));
function modelOptions(modelDir: string, o: ModelRunOptions) {
  cancelledLoads.delete(modelDir);
  const due = throttle(200);
  return {
    ...(o.engine ? { engine: o.engine } : {}),
    ...(o.maxTokens ? { maxTokens: o.maxTokens } : {}),
    onProgress: (doneBytes: number, totalBytes: number) => {
      const done = doneBytes >= totalBytes;
      if (due(done)) endpoint.sendNotification(ModelLoadProgress, { modelDir, doneBytes, totalBytes, done });
    },
    cancelled: () => cancelledLoads.has(modelDir),
  };
}
endpoint.onRequest(ScoreDocument, (params) =>
  scoringWork(params.backend, async () => toScoreReply(await scoreDocument(params, modelOptions(params.modelDir, params)))),
);
endpoint.onRequest(EvalFiles, (params) =>
  scoringWork(params.backend, async () => {
    const { scorer } = await getModel(params.modelDir, modelOptions(params.modelDir, params));
    if (params.outDir) return (await evaluateToRun(scorer, params.modelDir, params.files, params.outDir, params.mapping)).report;
    return evaluateFiles(scorer, params.files, params.mapping);
  }),
);
// The doctor activates every backend in turn (and restores the one before): nobody else may run ops meanwhile.
endpoint.onRequest(RunDoctor, () => engine.hold(() => probeBackends()));
// Over-optimization scenario experiments: the same runner as `reward-lens experiment scenarios`, with the same
// trainer injected (src/cli/experiment.ts does the same in-process). Runs train one after another in this worker.
const experimentCancels = new Map<string, Int32Array>();
endpoint.onRequest(ExperimentRun, async ({ experimentId, spec, cancel }) => {
  const flag = cancel ?? new SharedArrayBuffer(4);
  experimentCancels.set(experimentId, new Int32Array(flag));
  try {
    const res = await runExperiment(spec, {
      train: announcedTraining(notify, leasedTraining, experimentId),
      onRunDone: announcedRunDone(notify, experimentId),
      load: (file) => loadDatasetFile(file),
      log: (message) => endpoint.sendNotification(ExperimentLog, { experimentId, message }),
      cancel: flag,
      svgToPng: rsvgConvert,
      bestOfN: (req) => engine.hold(() => bestOfNForRun(req)),
    });
    return {
      experimentId,
      status: res.status,
      completed: res.completed,
      skipped: res.skipped,
      failed: res.failed,
      reportMarkdown: res.report.markdown,
      reportJson: res.report.json,
      figures: res.report.figures,
      ...(res.report.pngNote ? { pngNote: res.report.pngNote } : {}),
      refused: res.manifest.refused,
    };
  } finally {
    experimentCancels.delete(experimentId);
  }
});
endpoint.onNotification(CancelExperiment, ({ experimentId }) => {
  const f = experimentCancels.get(experimentId);
  if (f) Atomics.store(f, 0, 1);
});
// The scenarios quick input's look at a file: the whole dataset is loaded here, never on the extension host.
endpoint.onRequest(InspectScenarioData, (params) => inspectScenarioData(params));

// TRL jobs: the same functions as reward-lens export-job / import-job; their log lines go to the output channel.
endpoint.onRequest(JobExport, async ({ source, outDir, backbone }) => {
  const r = await exportTrlJob({ source, outDir, ...(backbone ? { backbone } : {}), log: (m) => log('info', m) });
  return {
    outDir: r.outDir,
    trainPairs: r.manifest.train.pairs,
    evalSets: r.manifest.eval.map((e) => ({ name: e.name, pairs: e.pairs, prompts: e.prompts })),
    model: r.job.job_args.model_name_or_path,
    objective: r.job.job_args.objective,
  };
});
endpoint.onRequest(JobImport, ({ dir, runsRoot, jobDir, engine: scoringEngine, backend }) =>
  scoringWork(backend, () =>
    importTrlJob({
      dir,
      runsRoot,
      ...(jobDir ? { jobDir } : {}),
      ...(scoringEngine ? { engine: scoringEngine } : {}),
      ...(backend ? { backend } : {}),
      log: (m) => log('info', m),
    }),
  ),
);
process.on('unhandledRejection', (e) => log('error', `unhandled: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
