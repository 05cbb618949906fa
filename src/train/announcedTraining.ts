// Every run the worker trains, plain or a scenario experiment's, tells the host its life as typed notifications
// (src/protocol/runEvents.ts): run/didStart before it sets up, train/progress (throttled, with the held-back steps)
// and train/eval while it trains, run/didFinish once with its status and reason, also when set-up throws.
// The host's RunStore is fed by these alone.
import { DEFAULTS } from '../core/config';
import { experimentRunId } from '../core/runs/runInfo';
import type { StepMetrics } from '../core/report';
import type { NotificationType } from '../protocol/rpc';
import {
  ExperimentRunDidFinish,
  RunDidFinish,
  RunDidStart,
  TrainEval,
  TrainProgress,
  type RunRef,
  type RunSummary,
  type TrainRunParams,
} from '../protocol/trainer';
import type { ExperimentRunOutcome } from '../node/experiment';
import { experimentRunLabel, runLabel } from '../node/runs';
import { runTraining, type TrainHooks } from './runTraining';
import { throttle } from './throttle';

export type Notify = <P>(type: NotificationType<P>, params: P) => void;
/** runTraining's signature: what is announced (the worker wraps it to hold the engine). */
export type Trainer = (params: TrainRunParams, hooks?: TrainHooks) => Promise<RunSummary>;

const PROGRESS_MS = 250;

/** Sends a logged step at most every PROGRESS_MS (the last step always); the steps in between ride along as `earlier`. */
function progressSender(notify: Notify, runId: string) {
  const due = throttle(PROGRESS_MS);
  let held: StepMetrics[] = [];
  let last: { totalSteps: number; backend: string } | undefined;
  const send = (metrics: StepMetrics, earlier: StepMetrics[]) => {
    notify(TrainProgress, { runId, totalSteps: last!.totalSteps, metrics, ...(earlier.length ? { earlier } : {}), backend: last!.backend });
    held = [];
  };
  return {
    step(m: StepMetrics, totalSteps: number, backend: string): void {
      last = { totalSteps, backend };
      if (due(m.step === totalSteps)) send(m, held);
      else held.push(m);
    },
    /** Sends what the throttle still holds (a run cancelled or failed between two messages). */
    flush(): void {
      const m = held[held.length - 1];
      if (m) send(m, held.slice(0, -1));
    },
  };
}

const reasonOf = (s: RunSummary): string | undefined =>
  s.error ??
  (s.status === 'cancelled' ? `cancelled at step ${s.steps}/${s.totalSteps}; resuming continues from the checkpoint` : undefined);

/** `train` (runTraining by default), announced. `experimentId` makes the run's id "<experimentId>/<params.runId>". */
export function announcedTraining(notify: Notify, train: Trainer = runTraining, experimentId?: string) {
  return async (params: TrainRunParams, hooks: TrainHooks = {}): Promise<RunSummary> => {
    const config = { ...DEFAULTS, ...params.config };
    const ref: RunRef = experimentId
      ? { runId: experimentRunId(experimentId, params.runId), runDir: params.runDir, experimentId }
      : { runId: params.runId, runDir: params.runDir };
    const label = experimentId
      ? experimentRunLabel(experimentId, config)
      : runLabel(params.runId, config, params.trainFiles, params.backbone);
    notify(RunDidStart, { ...ref, label, config, trainFiles: params.trainFiles, resume: params.resume });
    const progress = progressSender(notify, ref.runId);
    try {
      const s = await train(params, {
        ...hooks,
        onProgress: (m, totalSteps, backend) => {
          hooks.onProgress?.(m, totalSteps, backend);
          progress.step(m, totalSteps, backend);
        },
        onEval: (report) => {
          hooks.onEval?.(report);
          notify(TrainEval, { runId: ref.runId, report });
        },
      });
      progress.flush();
      const reason = reasonOf(s);
      notify(RunDidFinish, {
        ...ref,
        status: s.status,
        ...(reason ? { reason } : {}),
        steps: s.steps,
        totalSteps: s.totalSteps,
        backend: s.backend,
        ...(s.modelDir ? { modelDir: s.modelDir } : {}),
        ...(s.finalEval ? { finalEval: s.finalEval } : {}),
      });
      return s;
    } catch (e) {
      progress.flush();
      const reason = e instanceof Error ? e.message : String(e);
      notify(RunDidFinish, { ...ref, status: 'failed', reason, steps: 0, totalSteps: 0, backend: '' });
      throw e;
    }
  };
}

/** The experiment runner's onRunDone, announced as experiment/runDidFinish. */
export const announcedRunDone =
  (notify: Notify, experimentId: string) =>
  (r: ExperimentRunOutcome): void =>
    notify(ExperimentRunDidFinish, { experimentId, runId: experimentRunId(experimentId, r.name), ...r });
