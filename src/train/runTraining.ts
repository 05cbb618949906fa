// The training loop. Reads top to bottom in nanoGPT's order: set up, then per step
//   1) learning rate, 2) step, 3) log (the only sync point), 4) evaluate, 5) checkpoint, 6) cancel check + yield.
// The same function runs in the extension's worker, in the CLI and in tests.
import fs from 'node:fs';
import { tf } from './tf';
import { createModel, disposeModel, makeBatch, type RewardModel } from './model';
import { trainStep, STEP_METRICS } from './step';
import { encodePairs, describeTruncation, type EncodedPairs } from './encode';
import { evaluateAll, scoreSequences } from './evaluate';
import { loadTrainingData, type TrainingData } from './trainingData';
import { hasCheckpoint, loadCheckpointModel, readLoopState, restoreOptimizer, saveCheckpoint } from './checkpoint';
import { initBackend } from './backends';
import { saveModel } from './modelIO';
import { Vocabulary } from '../core/tokenize';
import { PRESETS, lrAt, validateTrainConfig, type ModelConfig, type TrainConfig } from '../core/config';
import { deriveSeed, permutation } from '../core/random';
import { formatSkipped } from '../core/data';
import { appendJsonLine, writeFileAtomic, writeJsonAtomic } from '../node/atomic';
import { runPaths } from '../node/runDir';
import type { EvalReport, StepMetrics } from '../core/report';
import type { RunSummary, TrainRunParams } from '../protocol/trainer';

export interface TrainHooks {
  onProgress?(metrics: StepMetrics, totalSteps: number, backend: string): void;
  onEval?(report: EvalReport): void;
  onLog?(message: string): void;
  /** Polled at every step boundary, besides the SharedArrayBuffer flag. */
  shouldCancel?(): boolean;
}

/** Eval batches can be larger than training batches: no gradients are kept. */
const EVAL_BATCH = 32;

interface Setup {
  readonly model: RewardModel;
  readonly vocab: Vocabulary;
  readonly optimizer: tf.AdamOptimizer;
  readonly enc: EncodedPairs;
  readonly data: TrainingData;
  readonly backend: string;
  readonly totalSteps: number;
  readonly stepsPerEpoch: number;
  readonly batchPairs: number;
  readonly startStep: number;
  readonly elapsedBefore: number;
  /** The current epoch's order, derived once per epoch (not once per step: it is O(pairs)). */
  readonly order: { epoch: number; perm: Int32Array };
}

export async function runTraining(params: TrainRunParams, hooks: TrainHooks = {}): Promise<RunSummary> {
  const cfg = params.config;
  const problems = validateTrainConfig(cfg);
  if (problems.length) throw new Error(`invalid training config: ${problems.join('; ')}`);
  const paths = runPaths(params.runDir);
  fs.mkdirSync(params.runDir, { recursive: true });
  const log = (m: string) => {
    hooks.onLog?.(m);
    fs.appendFileSync(paths.log, `${new Date().toISOString()} ${m}\n`);
  };
  const cancelFlag = params.cancel ? new Int32Array(params.cancel) : undefined;
  const cancelled = () => (cancelFlag ? Atomics.load(cancelFlag, 0) === 1 : false) || (hooks.shouldCancel?.() ?? false);

  const s = await setUp(params, log);
  const t0 = performance.now() - s.elapsedBefore;
  const elapsed = () => performance.now() - t0;
  const state = (step: number) => ({ step, totalSteps: s.totalSteps, elapsedMs: elapsed(), backend: s.backend, savedAt: new Date().toISOString() });
  let step = s.startStep;
  let status: RunSummary['status'] = 'completed';
  let error: string | undefined;
  let lastEval: EvalReport | undefined;
  const evaluate = async (at: number) => {
    lastEval = await evaluateAll(s.model, s.vocab, s.data.evalSets, at, EVAL_BATCH);
    appendJsonLine(paths.evals, lastEval);
    hooks.onEval?.(lastEval);
  };
  try {
    if (s.startStep === 0) await evaluate(0); // Step 0: the untrained model, Figure 2's "epoch 0".
    for (; step < s.totalSteps; step++) {
      if (cancelled()) { status = 'cancelled'; break; }
      // 1) Learning rate: warmup then linear decay (Adam reads it as a plain number at apply time).
      (s.optimizer as unknown as { learningRate: number }).learningRate = lrAt(step, s.totalSteps, cfg);
      // 2) One step on the next batch of the seeded epoch order.
      const batch = batchAt(s, step, cfg.seed);
      const metricsT = trainStep(s.model, s.optimizer, batch, cfg);
      tf.dispose([batch.ids, batch.lastIdx]);
      // 3) Log: the only GPU→CPU read of the loop, on log steps only.
      const done = step + 1;
      if (done % cfg.logEvery === 0 || done === s.totalSteps) {
        const m = await readMetrics(metricsT, s, done, elapsed(), cfg);
        appendJsonLine(paths.metrics, m);
        hooks.onProgress?.(m, s.totalSteps, s.backend);
        const bad = nanDiagnosis(m);
        if (bad) { status = 'failed'; error = bad; step = done; break; }
      } else metricsT.dispose();
      // 4) Evaluate and 5) checkpoint on their schedules.
      if (cfg.evalEvery > 0 && done % cfg.evalEvery === 0 && done !== s.totalSteps) await evaluate(done);
      if (cfg.checkpointEvery > 0 && done % cfg.checkpointEvery === 0 && done !== s.totalSteps) await saveCheckpoint(paths.checkpoint, s.model, s.vocab, s.optimizer, state(done));
      // 6) Let messages (cancel, score requests) in.
      await new Promise((r) => setImmediate(r));
    }
    return await finish(params, s, { status, error, step, lastEval: () => lastEval, evaluate, state, elapsed, log });
  } finally {
    s.optimizer.dispose();
    disposeModel(s.model);
  }
}

async function setUp(params: TrainRunParams, log: (m: string) => void): Promise<Setup> {
  const cfg = params.config;
  const paths = runPaths(params.runDir);
  const backend = await initBackend(cfg.backend);
  log(`backend: ${backend.name} (${backend.why})`);
  const data = await loadTrainingData(params.trainFiles, params.evalFiles, { holdoutFrac: cfg.holdoutFrac, seed: cfg.seed, mapping: params.mapping, log });
  if (data.skipped.length) log(`skipped ${data.skipped.length} rows:\n${formatSkipped(data.skipped, 20)}`);
  for (const n of data.notes) log(n);
  const resume = params.resume && hasCheckpoint(paths.checkpoint);
  let model: RewardModel, vocab: Vocabulary, startStep = 0, elapsedBefore = 0;
  if (resume) {
    const prior = readLoopState(paths.checkpoint);
    assertSameConfig(paths.config, params);
    ({ model, vocab } = await loadCheckpointModel(paths.checkpoint));
    startStep = prior.step;
    elapsedBefore = prior.elapsedMs;
    log(`resuming from step ${prior.step} of ${prior.totalSteps} (checkpoint ${prior.savedAt})`);
  } else {
    if (params.resume) log('no checkpoint found: starting from step 0');
    const preset = PRESETS[cfg.preset];
    vocab = Vocabulary.build(trainingTexts(data), preset.maxVocab);
    const modelConfig: ModelConfig = { vocabSize: vocab.size, dModel: preset.dModel, nLayers: preset.nLayers, nHeads: preset.nHeads, dFF: preset.dFF, maxLen: preset.maxLen };
    model = createModel(modelConfig, cfg.seed);
    writeJsonAtomic(paths.config, { runId: params.runId, config: cfg, model: modelConfig, trainFiles: params.trainFiles, evalFiles: params.evalFiles, mapping: params.mapping ?? null, backend: backend.name, backendWhy: backend.why, trainPairs: data.train.length, evalSets: data.evalSets.map((e) => ({ name: e.name, file: e.file, pairs: e.pairs.length, prompts: e.multi.length })), createdAt: new Date().toISOString() });
    for (const f of [paths.metrics, paths.evals]) if (fs.existsSync(f)) fs.rmSync(f);
  }
  const enc = encodePairs(vocab, data.train, model.config.maxLen);
  log(`training data: ${data.train.length} pairs; ${describeTruncation(enc.truncation, 2 * data.train.length)}`);
  const batchPairs = Math.min(cfg.batchSize, data.train.length);
  const stepsPerEpoch = Math.max(1, Math.floor(data.train.length / batchPairs));
  const totalSteps = cfg.steps > 0 ? cfg.steps : cfg.epochs * stepsPerEpoch;
  const optimizer = tf.train.adam(cfg.lr, cfg.beta1, cfg.beta2, cfg.adamEps);
  if (resume) await restoreOptimizer(paths.checkpoint, optimizer);
  log(`${totalSteps} steps (${stepsPerEpoch}/epoch, ${batchPairs} pairs/step), objective ${cfg.objective}, preset ${cfg.preset}, vocab ${vocab.size}`);
  return { model, vocab, optimizer, enc, data, backend: backend.name, totalSteps, stepsPerEpoch, batchPairs, startStep, elapsedBefore, order: { epoch: -1, perm: new Int32Array(0) } };
}

function* trainingTexts(data: TrainingData): Iterable<string> {
  for (const p of data.train) {
    yield p.prompt;
    yield p.chosen;
    yield p.rejected;
  }
}

/** Batch `step`: epoch e uses permutation(seed, e); the batch is a contiguous slice of it. Same step → same batch. */
function batchAt(s: Setup, step: number, seed: number) {
  const epoch = Math.floor(step / s.stepsPerEpoch);
  if (s.order.epoch !== epoch) {
    s.order.epoch = epoch;
    s.order.perm = permutation(s.enc.chosen.length, deriveSeed(seed, 'epoch', epoch));
  }
  const start = (step % s.stepsPerEpoch) * s.batchPairs;
  const idx = Array.from(s.order.perm.subarray(start, start + s.batchPairs));
  const seqs = [...idx.map((i) => s.enc.chosen[i]!), ...idx.map((i) => s.enc.rejected[i]!)];
  return { ...makeBatch(seqs), pairs: idx.length };
}

async function readMetrics(t: tf.Tensor1D, s: Setup, done: number, elapsedMs: number, cfg: TrainConfig): Promise<StepMetrics> {
  // Sync point: reads the step's scalars (‖W_p‖ included) from the backend in one read; only on log steps.
  const v = await t.data();
  t.dispose();
  const get = (name: (typeof STEP_METRICS)[number]) => v[STEP_METRICS.indexOf(name)]!;
  const trainedSteps = done - s.startStep;
  return {
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
    pairsPerSec: trainedSteps > 0 ? (trainedSteps * s.batchPairs * 1000) / Math.max(1, elapsedMs - s.elapsedBefore) : 0,
  };
}

/** The NaN/Inf guard: names what went non-finite, so the user knows whether to lower lr or λ. */
export function nanDiagnosis(m: StepMetrics): string | undefined {
  const bad = (['loss', 'bt', 'reg', 'batchMean', 'gradNorm', 'wpNorm'] as const).filter((k) => !Number.isFinite(m[k]));
  if (bad.length === 0) return undefined;
  const hint = bad.includes('gradNorm') || bad.includes('wpNorm')
    ? 'the gradients or weights overflowed: lower the learning rate or enable gradient clipping (gradClip)'
    : bad.includes('reg') ? 'the regulariser overflowed: lower λ (lambda) or the centering coefficient' : 'the loss overflowed: lower the learning rate';
  return `non-finite ${bad.join(', ')} at step ${m.step} (lr ${m.lr.toExponential(2)}): ${hint}. The last checkpoint is kept; nothing after it was saved.`;
}

function assertSameConfig(configFile: string, params: TrainRunParams): void {
  if (!fs.existsSync(configFile)) return;
  const prior = JSON.parse(fs.readFileSync(configFile, 'utf8')) as { config: TrainConfig; trainFiles: string[] };
  for (const k of ['objective', 'seed', 'preset', 'batchSize', 'lambda', 'lr'] as const) {
    if (prior.config[k] !== params.config[k]) throw new Error(`cannot resume ${configFile}: ${k} was ${prior.config[k]}, now ${params.config[k]}; start a new run instead`);
  }
}

interface FinishCtx {
  status: RunSummary['status'];
  error?: string;
  step: number;
  /** A getter: evaluate() replaces the run's latest report, so a copied value would be stale. */
  lastEval(): EvalReport | undefined;
  evaluate(at: number): Promise<void>;
  state(step: number): ReturnType<typeof readLoopState>;
  elapsed(): number;
  log(m: string): void;
}

/** End of run: final eval, model + checkpoint (also on cancel, so a cancelled run is usable), summary.json. */
async function finish(params: TrainRunParams, s: Setup, f: FinishCtx): Promise<RunSummary> {
  const paths = runPaths(params.runDir);
  if (f.status !== 'failed') {
    if (f.status === 'completed' && f.lastEval()?.step !== f.step) await f.evaluate(f.step);
    await saveCheckpoint(paths.checkpoint, s.model, s.vocab, s.optimizer, f.state(f.step));
    await saveModel(s.model, paths.model, s.vocab, { step: String(f.step), objective: params.config.objective });
    await writeTrainNormSample(s, paths.model);
  }
  const summary: RunSummary = {
    runId: params.runId, runDir: params.runDir, status: f.status, steps: f.step, totalSteps: s.totalSteps, backend: s.backend,
    elapsedMs: f.elapsed(), ...(f.error ? { error: f.error } : {}), ...(f.lastEval() ? { finalEval: f.lastEval()! } : {}),
    ...(f.status !== 'failed' ? { modelDir: paths.model } : fs.existsSync(paths.model) ? { modelDir: paths.model } : {}),
  };
  writeJsonAtomic(paths.summary, summary);
  f.log(`${f.status} at step ${f.step}/${s.totalSteps} in ${(f.elapsed() / 1000).toFixed(1)} s${f.error ? `: ${f.error}` : ''}`);
  return summary;
}

/** ‖h‖ of a training sample, sorted, next to the model: hovers show a response's percentile in it. */
async function writeTrainNormSample(s: Setup, modelDir: string): Promise<void> {
  const sample = s.data.evalSets[0]!;
  const enc = encodePairs(s.vocab, sample.pairs, s.model.config.maxLen);
  const scores = await scoreSequences(s.model, [...enc.chosen, ...enc.rejected], EVAL_BATCH);
  const sorted = Array.from(scores.hNorm).sort((a, b) => a - b);
  writeFileAtomic(`${modelDir}/hnorm-train.json`, JSON.stringify({ sorted }));
}
