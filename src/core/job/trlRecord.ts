// Reading what a TRL job's train.py wrote (reward-lens import-job): reward_lens_run.json (what ran) and
// trainer_state.json's log_history (the logged steps and evaluations), checked field by field, and turned into a
// Reward Lens run's settings and metrics. Pure; errors name the file and the field.
import { FileError } from '../errors';
import { OBJECTIVES, type TrainConfig } from '../config';
import { TUNE_MODES } from '../hf/tuning';
import { TRL_RUN_FORMAT, type TrlJob, type TrlJobArgs } from './trlJob';
import type { StepMetrics } from '../report';
import type { BackboneParams } from '../../protocol/trainer';

export interface TrlPairCount {
  readonly exported: number;
  readonly used: number;
  readonly dropped_over_max_length: number;
}
export interface TrlProbe {
  readonly set: string;
  readonly index: number;
  readonly id: string;
  readonly r_chosen: number;
  readonly r_rejected: number;
}

/** reward_lens_run.json, the fields the import reads. */
export interface TrlRunRecord {
  readonly status: 'running' | 'completed';
  readonly job: { readonly path: string; readonly dir: string; readonly id?: string };
  readonly job_args: TrlJobArgs;
  readonly world_size: number;
  readonly distributed_type: string;
  readonly device: string;
  readonly per_device_train_batch_size: number;
  readonly gradient_accumulation_steps: number;
  readonly learning_rate: number;
  readonly seed: number;
  readonly logging_steps: number;
  readonly eval_steps: number;
  readonly max_length: number | null;
  readonly max_steps: number;
  readonly global_step: number;
  readonly pairs: Readonly<Record<string, TrlPairCount>>;
  readonly versions: Readonly<Record<string, string>>;
  readonly head?: string;
  readonly started_at?: string;
  readonly train_runtime_s?: number;
  /** The final model's folder, relative to the output directory (LoRA: "merged"). */
  readonly final_model?: string;
  readonly probe?: readonly TrlProbe[];
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function need(o: Json, key: string, type: 'number' | 'string' | 'object' | 'boolean', file: string, prefix = ''): unknown {
  const v = o[key];
  const ok = type === 'object' ? isObj(v) : typeof v === type && (type !== 'number' || Number.isFinite(v));
  if (!ok)
    throw new FileError(
      { file, field: `${prefix}${key}` },
      v === undefined ? 'missing' : `expected a ${type}, got ${JSON.stringify(v)?.slice(0, 60)}`,
    );
  return v;
}

function checkJobArgs(a: Json, file: string): TrlJobArgs {
  for (const k of ['lora_r', 'lora_alpha', 'lora_dropout', 'top_k', 'bsr_lambda', 'margin', 'center_coef', 'norm_eps'])
    need(a, k, 'number', file, 'job_args.');
  need(a, 'model_name_or_path', 'string', file, 'job_args.');
  if (!OBJECTIVES.includes(a['objective'] as never))
    throw new FileError(
      { file, field: 'job_args.objective' },
      `expected one of ${OBJECTIVES.join(', ')}, got ${JSON.stringify(a['objective'])}`,
    );
  if (!TUNE_MODES.includes(a['tune'] as never))
    throw new FileError({ file, field: 'job_args.tune' }, `expected one of ${TUNE_MODES.join(', ')}, got ${JSON.stringify(a['tune'])}`);
  return a as unknown as TrlJobArgs;
}

export function parseRunRecord(v: unknown, file: string): TrlRunRecord {
  if (!isObj(v)) throw new FileError({ file }, 'expected a JSON object');
  if (v['format'] !== TRL_RUN_FORMAT)
    throw new FileError(
      { file, field: 'format' },
      `expected "${TRL_RUN_FORMAT}", got ${JSON.stringify(v['format'])}: not written by a Reward Lens job's train.py`,
    );
  if (v['status'] !== 'running' && v['status'] !== 'completed')
    throw new FileError({ file, field: 'status' }, `expected "running" or "completed", got ${JSON.stringify(v['status'])}`);
  const job = need(v, 'job', 'object', file) as Json;
  need(job, 'dir', 'string', file, 'job.');
  checkJobArgs(need(v, 'job_args', 'object', file) as Json, file);
  for (const k of [
    'world_size',
    'per_device_train_batch_size',
    'gradient_accumulation_steps',
    'learning_rate',
    'seed',
    'logging_steps',
    'eval_steps',
    'max_steps',
    'global_step',
  ])
    need(v, k, 'number', file);
  for (const k of ['device', 'distributed_type']) need(v, k, 'string', file);
  need(v, 'pairs', 'object', file);
  need(v, 'versions', 'object', file);
  if (v['status'] === 'completed') need(v, 'final_model', 'string', file);
  if (v['probe'] !== undefined && !Array.isArray(v['probe'])) throw new FileError({ file, field: 'probe' }, 'expected a list');
  return v as unknown as TrlRunRecord;
}

const num = (e: Json, k: string): number => (typeof e[k] === 'number' ? (e[k] as number) : NaN);

/**
 * The training logs of log_history as Reward Lens step metrics. train.py's compute_loss logs bt, reg, batch_mean
 * and accuracy on every log step (averaged over the logging interval, as TRL averages): they are required; ‖W_p‖,
 * the gradient norm and the wall time are NaN where absent (gradient clipping off logs no grad_norm).
 */
export function stepMetricsOf(history: unknown, file: string, pairsPerStep: number): StepMetrics[] {
  if (!Array.isArray(history)) throw new FileError({ file, field: 'log_history' }, 'missing or not a list');
  const out: StepMetrics[] = [];
  history.forEach((e: unknown, i) => {
    if (!isObj(e) || typeof e['loss'] !== 'number') return; // evaluations and the final train summary
    const at = `log_history[${i}].`;
    for (const k of ['step', 'epoch', 'learning_rate', 'bt', 'reg', 'batch_mean', 'accuracy']) need(e, k, 'number', file, at);
    const elapsedMs = num(e, 'elapsed_s') * 1000;
    const step = e['step'] as number;
    out.push({
      step,
      epoch: e['epoch'] as number,
      lr: e['learning_rate'] as number,
      loss: e['loss'] as number,
      bt: e['bt'] as number,
      reg: e['reg'] as number,
      batchMean: e['batch_mean'] as number,
      accuracy: e['accuracy'] as number,
      wpNorm: num(e, 'wp_norm'),
      gradNorm: num(e, 'grad_norm'),
      elapsedMs,
      pairsPerSec: elapsedMs > 0 ? (step * pairsPerStep * 1000) / elapsedMs : NaN,
    });
  });
  return out;
}

/** TRL's own evaluation numbers (loss, accuracy, margin per eval set and step), kept beside our diagnostics. */
export function trlEvalsOf(
  history: readonly unknown[],
): { readonly step: number; readonly set: string; readonly loss: number; readonly accuracy: number; readonly margin: number }[] {
  const out: { step: number; set: string; loss: number; accuracy: number; margin: number }[] = [];
  for (const e of history) {
    if (!isObj(e) || typeof e['step'] !== 'number') continue;
    const key = Object.keys(e).find((k) => /^eval_.+_loss$/.test(k));
    if (!key) continue;
    out.push({
      step: e['step'],
      set: key.slice('eval_'.length, -'_loss'.length),
      loss: num(e, key),
      accuracy: num(e, 'eval_accuracy'),
      margin: num(e, 'eval_margin'),
    });
  }
  return out;
}

/** The Reward Lens settings of the run TRL made: the job's, with what train.py actually used over them. */
export function importedConfig(job: TrlJob, r: TrlRunRecord): TrainConfig {
  const a = r.job_args;
  return {
    ...job.rewardLens.config,
    objective: a.objective,
    lambda: a.bsr_lambda,
    margin: a.margin,
    centerCoef: a.center_coef,
    normEps: a.norm_eps,
    lr: r.learning_rate,
    seed: r.seed,
    // Pairs per optimizer step on one device, as micro-batches of BSR's b (world_size is recorded beside it).
    batchSize: r.per_device_train_batch_size * r.gradient_accumulation_steps,
    gradAccum: r.gradient_accumulation_steps,
    steps: r.global_step,
    logEvery: Math.max(1, Math.round(r.logging_steps)),
    evalEvery: Math.max(0, Math.round(r.eval_steps)),
  };
}

export function importedBackbone(job: TrlJob, r: TrlRunRecord): BackboneParams {
  const a = r.job_args;
  return {
    ...job.rewardLens.backbone,
    dir: a.model_name_or_path,
    tune: a.tune,
    loraRank: a.lora_r,
    loraAlpha: a.lora_alpha,
    loraDropout: a.lora_dropout,
    ...(a.lora_target_modules?.length ? { loraTargets: a.lora_target_modules } : {}),
    topK: a.top_k,
    resetHead: a.reset_head,
    maxTokens: r.max_length ?? job.rewardLens.backbone.maxTokens,
  };
}
