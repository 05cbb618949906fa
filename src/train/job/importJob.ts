// reward-lens import-job DIR [--out RUN_DIR] (and the extension's Import TRL Run…): a TRL job's output as a Reward
// Lens run directory, so the panel, the model picker and `reward-lens compare` treat it as any local run:
//   config.json   sealed, format reward-lens-run, the job's settings with what train.py used over them, `imported`
//   metrics.jsonl the training logs of trainer_state.json (loss, bt, reg, batch mean, accuracy, ‖W_p‖, grad norm)
//   evals.jsonl   every Reward Lens diagnostic, computed here by scoring each model the run left (base, checkpoints,
//                 final) on the job's own eval sets with Reward Lens' loader (src/train/openScorer.ts)
//   summary.json  the final evaluation, and model = the final Hugging Face folder (not copied)
// The directory is claimed like a training run's (src/node/runOwnership.ts) and must be new or empty.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../core/errors';
import { importedBackbone, importedConfig, stepMetricsOf, trlEvalsOf, type TrlProbe } from '../../core/job/trlRecord';
import type { EvalReport, StepMetrics } from '../../core/report';
import type { RunSummary } from '../../protocol/trainer';
import { appendJsonLine, writeFileAtomic, writeJsonAtomic, writeSealedJson } from '../../node/atomic';
import { runPaths } from '../../node/runDir';
import { claimRunDir, inspectRunDir, RUN_FORMAT } from '../../node/runOwnership';
import { assertSparesInputs, isInside } from '../../node/safePath';
import { initBackend } from '../backends';
import { evaluateAllWith } from '../evaluate';
import { chooseEngine, openScorer, type ScoringEngine } from '../openScorer';
import { RunLog } from '../runLog';
import type { RewardScorer } from '../scorer';
import { modelsToScore, readImportSource, type ImportSource, type ScoredModel } from './importSource';
import type { BackendName } from '../../core/config';

export interface ImportJobOptions {
  /** The TRL output directory (or the job folder whose output/ it is). */
  readonly dir: string;
  /** The run directory to create; default <runsRoot>/<runId>. */
  readonly outDir?: string;
  readonly runsRoot?: string;
  /** The job folder, when it is not where train.py read it (the output was copied back from a cluster). */
  readonly jobDir?: string;
  readonly engine?: ScoringEngine;
  readonly backend?: BackendName;
  readonly log?: (message: string) => void;
}

/** |ours − PyTorch's| allowed for the same pair under the same saved model (float32 engines, different kernels). */
const PROBE_TOL = { abs: 1e-3, rel: 1e-3 };
const EVAL_BATCH = 32;

/** A sortable id from when the TRL run started: 2026-12-01T22-46-17-trl-bsr-s1. */
export function importedRunId(src: ImportSource): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d):?(\d\d):?(\d\d)/.exec(src.record.started_at ?? '');
  const when = m ? `${m[1]}T${m[2]}-${m[3]}-${m[4]}` : new Date().toISOString().slice(0, 19).replace(/:/g, '-');
  return `${when}-trl-${src.record.job_args.objective}-s${src.record.seed}`;
}

export async function importTrlJob(opts: ImportJobOptions): Promise<RunSummary> {
  const src = readImportSource(opts.dir, opts.jobDir);
  const { models, skipped } = modelsToScore(src);
  if (!models.some((m) => m.step > 0))
    throw new UserError(`${src.outputDir}: no trained model to score (no final model and no checkpoint with a full model)`);
  const r = src.record;
  // Everything read is checked before the directory is claimed: a damaged log refuses the import, writing nothing.
  const metrics = stepMetricsOf(
    src.state.log_history,
    src.stateFile,
    r.per_device_train_batch_size * r.gradient_accumulation_steps * r.world_size,
  );
  const runId = importedRunId(src);
  const runDir = opts.outDir ?? path.join(opts.runsRoot ?? 'runs', runId);
  checkRunDir(runDir, runId, src, models);
  const claim = claimRunDir(runDir, runId, { kind: 'empty' }, true);
  const log = new RunLog(opts.log);
  log.attach(runPaths(runDir).log);
  const t0 = performance.now();
  try {
    log.line(`importing the TRL run ${src.outputDir} (job ${src.jobDir}) into ${runDir}`);
    for (const s of skipped) log.line(s);
    writeStatic(runDir, runId, src, models, metrics);
    const scored = await scoreModels(runDir, src, models, opts, log);
    return writeSummary(runDir, runId, src, models, scored.last, performance.now() - t0, log);
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    log.line(`import failed: ${error}`);
    writeJsonAtomic(runPaths(runDir).summary, {
      runId,
      runDir,
      status: 'failed',
      steps: 0,
      totalSteps: src.record.max_steps,
      backend: backendOf(src),
      elapsedMs: performance.now() - t0,
      error,
    } satisfies RunSummary);
    throw e;
  } finally {
    claim.release();
  }
}

/** The run directory: new or empty, not inside the TRL output, the job folder or a model folder, holding none of them. */
function checkRunDir(runDir: string, runId: string, src: ImportSource, models: readonly ScoredModel[]): void {
  const inputs = [src.outputDir, src.jobDir, ...models.map((m) => m.dir)];
  assertSparesInputs(runDir, inputs, 'run directory');
  for (const d of inputs)
    if (isInside(d, runDir))
      throw new UserError(
        `the run directory ${runDir} is inside ${d}, which the import reads; choose a directory elsewhere (e.g. runs/${runId})`,
      );
  const state = inspectRunDir(runDir, runId);
  if (state.kind !== 'empty')
    throw new UserError(`${runDir} is not empty (it holds ${state.entries.slice(0, 5).join(', ')}); import into a new directory`);
}

const backendOf = (src: ImportSource) => `trl ${src.record.device}×${src.record.world_size}`;

/** config.json (sealed, first: it marks the directory as a run), metrics.jsonl and copies of what was read. */
function writeStatic(
  runDir: string,
  runId: string,
  src: ImportSource,
  models: readonly ScoredModel[],
  metrics: readonly StepMetrics[],
): void {
  const p = runPaths(runDir);
  const r = src.record;
  const config = importedConfig(src.job, r);
  const final = models[models.length - 1]!;
  writeSealedJson(p.config, {
    format: RUN_FORMAT,
    version: 1,
    runId,
    config,
    model: { kind: 'hf', source: 'trl', dir: final.dir, tune: r.job_args.tune, head: r.head ?? 'unknown' },
    trainFiles: src.job.rewardLens.trainFiles,
    evalFiles: src.job.rewardLens.evalFiles,
    mapping: src.job.rewardLens.mapping,
    backbone: importedBackbone(src.job, r),
    backend: backendOf(src),
    trainPairs: r.pairs['train']?.used ?? 0,
    evalSets: src.evalSets.map((e) => ({ name: e.name, file: e.file, pairs: e.pairs.length, prompts: e.multi.length })),
    createdAt: new Date().toISOString(),
    imported: {
      from: 'trl',
      outputDir: src.outputDir,
      jobDir: src.jobDir,
      jobId: src.job.id,
      status: r.status,
      versions: r.versions,
      worldSize: r.world_size,
      distributedType: r.distributed_type,
      device: r.device,
      perDeviceTrainBatchSize: r.per_device_train_batch_size,
      gradientAccumulationSteps: r.gradient_accumulation_steps,
      pairs: r.pairs,
      scored: models.map((m) => ({ step: m.step, dir: m.dir, what: m.what })),
      trlEvals: trlEvalsOf(Array.isArray(src.state.log_history) ? src.state.log_history : []),
    },
  });
  for (const m of metrics) appendJsonLine(p.metrics, m);
  writeFileAtomic(path.join(runDir, 'source', 'reward_lens_run.json'), src.recordText);
  writeFileAtomic(path.join(runDir, 'source', 'trainer_state.json'), fs.readFileSync(src.stateFile, 'utf8'));
}

/** Every model on the job's eval sets, in step order; the final one also checks the loader against train.py's probe. */
async function scoreModels(
  runDir: string,
  src: ImportSource,
  models: readonly ScoredModel[],
  opts: ImportJobOptions,
  log: RunLog,
): Promise<{ last: EvalReport }> {
  let last: EvalReport | undefined;
  const maxTokens = src.record.max_length ?? src.job.rewardLens.backbone.maxTokens;
  for (const m of models) {
    const t0 = performance.now();
    const engine = await chooseEngine(m.dir, opts.engine ?? 'auto');
    if (engine === 'tfjs') await initBackend(opts.backend ?? 'auto');
    const { scorer } = await openScorer(m.dir, { engine, maxTokens });
    try {
      last = await evaluateAllWith(scorer, src.evalSets, m.step, EVAL_BATCH);
      appendJsonLine(runPaths(runDir).evals, last);
      log.line(
        `step ${m.step}: scored ${m.what} (${m.dir}) on ${src.evalSets.length} eval sets with ${scorer.info.engine} in ${((performance.now() - t0) / 1000).toFixed(1)} s${scorer.info.headTrained ? '' : ' (its reward head is untrained: rewards and accuracy mean nothing there, ‖h‖ does)'}`,
      );
      if (m === models[models.length - 1] && src.record.probe?.length) await checkLoader(runDir, src, scorer, src.record.probe, log);
    } finally {
      scorer.dispose();
    }
  }
  return { last: last! };
}

/**
 * train.py scored a few pairs with the saved final model in PyTorch; the same pairs through Reward Lens' loader must
 * give the same rewards, or the diagnostics would describe another model. Recorded in log.txt and source/loader-check.json.
 */
async function checkLoader(
  runDir: string,
  src: ImportSource,
  scorer: RewardScorer,
  probe: readonly TrlProbe[],
  log: RunLog,
): Promise<void> {
  const pairs = probe.map((p) => {
    const pair = src.evalSets.find((s) => s.name === p.set)?.pairs[p.index];
    if (!pair || pair.id !== p.id)
      throw new UserError(
        `${src.outputDir}/reward_lens_run.json: probe pair ${p.set}[${p.index}] (${p.id}) is not in the job's eval sets: the run was made from another job`,
      );
    return pair;
  });
  const seqs = pairs.flatMap((p) => {
    const e = scorer.encodePair(p);
    return [e.chosen, e.rejected];
  });
  const s = await scorer.score(seqs, EVAL_BATCH);
  const diffs = probe.flatMap((p, i) => [Math.abs(s.rewards[2 * i]! - p.r_chosen), Math.abs(s.rewards[2 * i + 1]! - p.r_rejected)]);
  const worst = Math.max(...diffs);
  const bad = probe
    .flatMap((p, i) => [p.r_chosen, p.r_rejected].map((r, k) => ({ r, d: diffs[2 * i + k]! })))
    .filter(({ r, d }) => !(d <= PROBE_TOL.abs + PROBE_TOL.rel * Math.abs(r)));
  const line = `loader check: ${probe.length} pairs scored by PyTorch in train.py and by Reward Lens (${scorer.info.engine}) on the final model: max |difference| ${worst.toExponential(2)}`;
  log.line(
    bad.length
      ? `WARNING: ${line}, above ${PROBE_TOL.abs} + ${PROBE_TOL.rel}·|r| for ${bad.length} rewards: Reward Lens reads this model differently from transformers`
      : `${line} (ok)`,
  );
  writeJsonAtomic(path.join(runDir, 'source', 'loader-check.json'), {
    pairs: probe.length,
    engine: scorer.info.engine,
    maxAbsDiff: worst,
    tolerance: PROBE_TOL,
    ok: bad.length === 0,
  });
}

function writeSummary(
  runDir: string,
  runId: string,
  src: ImportSource,
  models: readonly ScoredModel[],
  last: EvalReport,
  elapsedMs: number,
  log: RunLog,
): RunSummary {
  const r = src.record;
  const steps = typeof src.state.global_step === 'number' ? src.state.global_step : r.global_step;
  const summary: RunSummary = {
    runId,
    runDir,
    status: r.status === 'completed' ? 'completed' : 'cancelled',
    steps,
    totalSteps: r.max_steps,
    backend: backendOf(src),
    // The TRL run's own wall time (train.py's), not the import's.
    elapsedMs: (r.train_runtime_s ?? elapsedMs / 1000) * 1000,
    ...(r.status === 'completed'
      ? {}
      : { error: 'the TRL run did not finish (reward_lens_run.json says "running"): imported up to its newest checkpoint' }),
    finalEval: last,
    modelDir: models[models.length - 1]!.dir,
  };
  writeJsonAtomic(runPaths(runDir).summary, summary);
  log.line(
    `imported: ${steps}/${r.max_steps} steps, ${models.length} models scored (steps ${models.map((m) => m.step).join(', ')}), model ${summary.modelDir}`,
  );
  return summary;
}
