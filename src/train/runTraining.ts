// The training loop. Reads top to bottom in nanoGPT's order: set up, then per step
//   1) learning rate, 2) step, 3) log (the only sync point), 4) evaluate, 5) checkpoint, 6) cancel check + yield.
// The same function runs in the extension's worker, in the CLI and in tests.
//
// A run owns its directory (src/node/runOwnership.ts): it is set up without writing anything (a refusal leaves the
// directory as it was), then claimed, and from then on every failure, a full disk included, ends in summary.json
// with status "failed" and the reason, also written to log.txt.
import fs from 'node:fs';
import { tf } from './tf';
import { trainStep, STEP_METRICS } from './step';
import { evaluateAllWith } from './evaluate';
import { saveCheckpoint } from './checkpoint';
import { NonFiniteTracker, nanDiagnosis, type StepValues } from './nanGuard';
import { RunLog } from './runLog';
import { prepareArtifacts, setUp, startStepOf, type Setup } from './runSetup';
import { DEFAULTS, lrAt, validateTrainConfig, type TrainConfig } from '../core/config';
import { UserError } from '../core/errors';
import { deriveSeed, permutation } from '../core/random';
import { appendJsonLine, writeJsonAtomic } from '../node/atomic';
import { userIoError } from '../node/ioError';
import { runPaths } from '../node/runDir';
import { claimRunDir, type RunClaim } from '../node/runOwnership';
import type { EvalReport, StepMetrics } from '../core/report';
import type { RunSummary, TrainRunParams } from '../protocol/trainer';

export { nanDiagnosis } from './nanGuard';

export interface TrainHooks {
  onProgress?(metrics: StepMetrics, totalSteps: number, backend: string): void;
  onEval?(report: EvalReport): void;
  onLog?(message: string): void;
  /** Polled at every step boundary, besides the SharedArrayBuffer flag. */
  shouldCancel?(): boolean;
  /** Awaited at every step boundary, when no op of the step is in flight: the worker lets queued scoring run here. */
  atStepBoundary?(): Promise<void>;
}

/** Eval batches can be larger than training batches: no gradients are kept. */
const EVAL_BATCH = 32;
/** Freed when a run fails, so a full disk still has room for summary.json and the last lines of log.txt. */
const RESERVE_BYTES = 256 * 1024;

/** Where the run is; the failure path reads it to say how far it got. */
interface Progress {
  step: number;
  status: RunSummary['status'];
  error?: string;
  lastEval?: EvalReport;
  /** Step of the newest checkpoint on disk (the resume point, or one saved by this run). */
  checkpointStep?: number;
  readonly t0: number;
}

export async function runTraining(params: TrainRunParams, hooks: TrainHooks = {}): Promise<RunSummary> {
  // Requests written by older versions lack newer settings (checkpointMinutes): they get the defaults.
  const config: TrainConfig = { ...DEFAULTS, ...params.config };
  const problems = validateTrainConfig(config);
  if (problems.length) throw new UserError(`invalid training config: ${problems.join('; ')}`);
  const p: TrainRunParams = { ...params, config };
  const log = new RunLog(hooks.onLog);
  const s = await setUp(p, log);
  let claim: RunClaim | undefined;
  try {
    claim = claimRunDir(p.runDir, p.runId, s.dir, !p.resume);
    log.attach(runPaths(p.runDir).log);
    if (claim.movedTo) log.line(`${p.runDir} held an earlier run; moved it to ${claim.movedTo}`);
    return await trainClaimed(p, s, hooks, log);
  } finally {
    claim?.release();
    s.tracker.dispose();
    s.optimizer.dispose();
    s.model.dispose();
  }
}

async function trainClaimed(p: TrainRunParams, s: Setup, hooks: TrainHooks, log: RunLog): Promise<RunSummary> {
  const paths = runPaths(p.runDir);
  const start = startStepOf(s);
  const run: Progress = {
    step: start,
    status: 'completed',
    t0: performance.now() - (s.resumeFrom?.state.elapsedMs ?? 0),
    ...(s.resumeFrom ? { checkpointStep: start } : {}),
  };
  try {
    fs.writeFileSync(paths.reserve, new Uint8Array(RESERVE_BYTES));
    const kept = prepareArtifacts(p, s, log);
    if (kept) run.lastEval = kept;
    await trainSteps(p, s, hooks, run);
    return await finish(p, s, run, log);
  } catch (e) {
    return failRun(p, s, run, e, log);
  }
}

async function trainSteps(p: TrainRunParams, s: Setup, hooks: TrainHooks, run: Progress): Promise<void> {
  const cfg = p.config;
  const paths = runPaths(p.runDir);
  const cancelFlag = p.cancel ? new Int32Array(p.cancel) : undefined;
  const cancelled = () => (cancelFlag ? Atomics.load(cancelFlag, 0) === 1 : false) || (hooks.shouldCancel?.() ?? false);
  const evaluate = async (at: number) => {
    run.lastEval = await evaluateAllWith(s.model.scorer(), s.data.evalSets, at, EVAL_BATCH);
    appendJsonLine(paths.evals, run.lastEval);
    hooks.onEval?.(run.lastEval);
  };
  let lastCheckpointMs = performance.now();
  if (run.step === 0) await evaluate(0); // Step 0: the untrained model, Figure 2's "epoch 0".
  while (run.step < s.totalSteps) {
    if (cancelled()) {
      run.status = 'cancelled';
      break;
    }
    // 1) Learning rate: warmup then linear decay (Adam reads it as a plain number at apply time).
    (s.optimizer as unknown as { learningRate: number }).learningRate = lrAt(run.step, s.totalSteps, cfg);
    // 2) One step on the next batch of the seeded epoch order; the guard notes the first non-finite step on the backend.
    const metricsT = trainStep(s.model, s.optimizer, batchAt(s, run.step, cfg.seed), cfg, deriveSeed(cfg.seed, 'dropout', run.step));
    const done = ++run.step;
    s.tracker.update(metricsT, done);
    // 3) Log: the only GPU→CPU read of the loop, on log steps only.
    if (done % cfg.logEvery === 0 || done === s.totalSteps) {
      const { metrics, firstBad } = await readMetrics(metricsT, s, done, performance.now() - run.t0, cfg);
      appendJsonLine(paths.metrics, metrics);
      hooks.onProgress?.(metrics, s.totalSteps, s.backend);
      const bad = nanDiagnosis(stepValues(metrics), cfg, firstBad, run.checkpointStep);
      if (bad) {
        run.status = 'failed';
        run.error = bad;
        return;
      }
    } else metricsT.dispose();
    // 4) Evaluate and 5) checkpoint: at each evaluation, every checkpointEvery steps, every checkpointMinutes.
    const evalNow = cfg.evalEvery > 0 && done % cfg.evalEvery === 0 && done !== s.totalSteps;
    if (evalNow) await evaluate(done);
    const stepDue = cfg.checkpointEvery > 0 && done % cfg.checkpointEvery === 0;
    const timeDue = cfg.checkpointMinutes > 0 && performance.now() - lastCheckpointMs >= cfg.checkpointMinutes * 60_000;
    if ((evalNow || stepDue || timeDue) && done !== s.totalSteps) {
      await saveCheckpoint(paths.checkpoints, s.model, s.optimizer, loopState(s, run, done));
      run.checkpointStep = done;
      lastCheckpointMs = performance.now();
    }
    // 6) Let messages (cancel, score requests) in, then let the work they queued use the engine.
    await new Promise((r) => setImmediate(r));
    await hooks.atStepBoundary?.();
  }
}

const loopState = (s: Setup, run: Progress, step: number) => ({
  step,
  totalSteps: s.totalSteps,
  elapsedMs: performance.now() - run.t0,
  backend: s.backend,
  savedAt: new Date().toISOString(),
});

/** The pairs of step `step`: epoch e uses permutation(seed, e); the batch is a contiguous slice of it. Same step → same pairs. */
function batchAt(s: Setup, step: number, seed: number): number[] {
  const epoch = Math.floor(step / s.stepsPerEpoch);
  if (s.order.epoch !== epoch) {
    s.order.epoch = epoch;
    s.order.perm = permutation(s.model.pairs, deriveSeed(seed, 'epoch', epoch));
  }
  const start = (step % s.stepsPerEpoch) * s.batchPairs;
  return Array.from(s.order.perm.subarray(start, start + s.batchPairs));
}

async function readMetrics(
  t: tf.Tensor1D,
  s: Setup,
  done: number,
  elapsedMs: number,
  cfg: TrainConfig,
): Promise<{ metrics: StepMetrics; firstBad?: StepValues }> {
  const both = tf.tidy(() => tf.concat([t, s.tracker.snapshot()]));
  // Sync point: the step's scalars (‖W_p‖ included) and the guard's first non-finite step, in one read; log steps only.
  const v = await both.data();
  tf.dispose([t, both]);
  const get = (name: (typeof STEP_METRICS)[number]) => v[STEP_METRICS.indexOf(name)]!;
  const trainedSteps = done - startStepOf(s);
  const before = s.resumeFrom?.state.elapsedMs ?? 0;
  const firstBad = NonFiniteTracker.decode(v, STEP_METRICS.length);
  const metrics: StepMetrics = {
    step: done,
    epoch: done / s.stepsPerEpoch,
    lr: lrAt(done - 1, s.totalSteps, cfg),
    loss: get('loss'),
    bt: get('base'),
    reg: get('reg'),
    batchMean: get('batchMean'),
    accuracy: get('accuracy'),
    wpNorm: get('wpNorm'),
    gradNorm: get('gradNorm'),
    elapsedMs,
    pairsPerSec: trainedSteps > 0 ? (trainedSteps * s.batchPairs * 1000) / Math.max(1, elapsedMs - before) : 0,
  };
  return { metrics, ...(firstBad ? { firstBad } : {}) };
}

const stepValues = (m: StepMetrics): StepValues => ({
  loss: m.loss,
  base: m.bt,
  reg: m.reg,
  batchMean: m.batchMean,
  accuracy: m.accuracy,
  gradNorm: m.gradNorm,
  wpNorm: m.wpNorm,
  step: m.step,
});

/** End of run: final eval, model + checkpoint (also on cancel, so a cancelled run is usable), summary.json. */
async function finish(p: TrainRunParams, s: Setup, run: Progress, log: RunLog): Promise<RunSummary> {
  const paths = runPaths(p.runDir);
  if (run.status !== 'failed') {
    if (run.status === 'completed' && run.lastEval?.step !== run.step) {
      run.lastEval = await evaluateAllWith(s.model.scorer(), s.data.evalSets, run.step, EVAL_BATCH);
      appendJsonLine(paths.evals, run.lastEval);
    }
    // A cancel right after a scheduled checkpoint needs no second one (it would push the previous one out).
    if (run.checkpointStep !== run.step) await saveCheckpoint(paths.checkpoints, s.model, s.optimizer, loopState(s, run, run.step));
    run.checkpointStep = run.step;
    await s.model.writeFinal(paths.model, { step: String(run.step), objective: p.config.objective, runId: p.runId });
  }
  const summary = summaryOf(p, s, run);
  fs.rmSync(paths.reserve, { force: true });
  writeJsonAtomic(paths.summary, summary);
  log.line(
    `${run.status} at step ${run.step}/${s.totalSteps} in ${((performance.now() - run.t0) / 1000).toFixed(1)} s${run.error ? `: ${run.error}` : ''}`,
  );
  return summary;
}

function summaryOf(p: TrainRunParams, s: Setup, run: Progress): RunSummary {
  const paths = runPaths(p.runDir);
  const modelDir = run.status !== 'failed' || fs.existsSync(paths.model) ? { modelDir: paths.model } : {};
  return {
    runId: p.runId,
    runDir: p.runDir,
    status: run.status,
    steps: run.step,
    totalSteps: s.totalSteps,
    backend: s.backend,
    elapsedMs: performance.now() - run.t0,
    ...(run.error ? { error: run.error } : {}),
    ...(run.lastEval ? { finalEval: run.lastEval } : {}),
    ...modelDir,
  };
}

/**
 * Any error after the directory was claimed: the reserve is freed (room on a full disk), summary.json says "failed"
 * and why, log.txt too. A user-facing error (I/O, a damaged file) is one line; a bug's stack goes to log.txt only.
 */
function failRun(p: TrainRunParams, s: Setup, run: Progress, e: unknown, log: RunLog): RunSummary {
  const paths = runPaths(p.runDir);
  fs.rmSync(paths.reserve, { force: true });
  const user = e instanceof UserError ? e : userIoError(e);
  if (!user) log.toFile(`internal error: ${(e as Error)?.stack ?? String(e)}`);
  run.status = 'failed';
  run.error = user ? user.message : `internal error: ${(e as Error)?.message ?? String(e)} (stack in log.txt)`;
  const summary = summaryOf(p, s, run);
  try {
    writeJsonAtomic(paths.summary, summary);
  } catch (e2) {
    log.line(`could not write summary.json: ${(e2 as Error).message}`);
  }
  log.line(`failed at step ${run.step}/${s.totalSteps}: ${run.error}`);
  return summary;
}
