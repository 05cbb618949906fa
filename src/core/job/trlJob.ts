// A Reward Lens run as a TRL training job (reward-lens export-job): the rows TRL's RewardTrainer reads, and how the
// run's settings become train.py's defaults (job.json). Pure: src/train/job/exportJob.ts writes the files, the
// generated train.py reads job.json, and src/train/job/importJob.ts reads what train.py wrote.
import { pairTurns } from '../hf/chat';
import type { TrainConfig } from '../config';
import type { FileDigest } from '../runFingerprint';
import type { ChatMessage, FieldMapping, PreferencePair, SkippedRow } from '../types';
import type { BackboneParams } from '../../protocol/trainer';

export const TRL_JOB_FORMAT = 'reward-lens-trl-job';
/** The file train.py writes into its output directory at the start and at the end (what ran, for the import). */
export const RUN_RECORD_FILE = 'reward_lens_run.json';
export const TRL_RUN_FORMAT = 'reward-lens-trl-run';

/** The versions train.py was written for and tested with (requirements.txt pins them; the README records them). */
export const TRL_TESTED_VERSIONS = {
  python: '3.11.7',
  torch: '2.13.0',
  transformers: '5.18.0',
  trl: '1.13.0',
  peft: '0.21.0',
  accelerate: '1.15.0',
  datasets: '5.0.1',
} as const;

/** One pair in TRL's conversational preference format (explicit prompt). Extra columns are dropped by TRL. */
export interface TrlRow {
  readonly id: string;
  /** file:line of the pair in the user's data. */
  readonly source: string;
  readonly prompt: readonly ChatMessage[];
  readonly chosen: readonly ChatMessage[];
  readonly rejected: readonly ChatMessage[];
}

/**
 * A pair as TRL reads it: the same turns Reward Lens feeds a chat template (src/core/hf/chat.ts pairTurns): the
 * source's own message lists where it had them, else the prompt as user turn(s) and the response as the assistant
 * turn. A per-pair `margin` from the data is not written: Reward Lens' objectives do not use it, and TRL would.
 */
export function trlRow(pair: PreferencePair): TrlRow {
  const t = pairTurns(pair);
  return { id: pair.id, source: `${pair.source.file}:${pair.source.line}`, prompt: t.prompt, chosen: t.chosen, rejected: t.rejected };
}

/** train.py's JobArguments: the model and the objective (field names as TRL's ModelConfig spells the LoRA ones). */
export interface TrlJobArgs {
  readonly model_name_or_path: string;
  readonly tune: BackboneParams['tune'];
  readonly lora_r: number;
  readonly lora_alpha: number;
  readonly lora_dropout: number;
  readonly lora_target_modules: readonly string[];
  readonly top_k: number;
  readonly reset_head: boolean;
  readonly objective: TrainConfig['objective'];
  readonly bsr_lambda: number;
  readonly margin: number;
  readonly center_coef: number;
  readonly norm_eps: number;
}

export type TrainingArgs = Readonly<Record<string, string | number | boolean | null>>;

/** job.json. */
export interface TrlJob {
  readonly format: typeof TRL_JOB_FORMAT;
  readonly version: 1;
  readonly id: string;
  readonly createdAt: string;
  /** The run (or config file) the job was made from. */
  readonly source: { readonly kind: 'run' | 'config'; readonly path: string; readonly runId?: string };
  /** The Reward Lens settings, as the run had them (the import starts from these). */
  readonly rewardLens: {
    readonly config: TrainConfig;
    readonly trainFiles: readonly string[];
    readonly evalFiles: readonly string[];
    readonly mapping: FieldMapping | null;
    readonly backbone: BackboneParams;
  };
  readonly job_args: TrlJobArgs;
  readonly training_args: TrainingArgs;
  /** Paths relative to the job folder: the TRL files and Reward Lens' own eval sets (for the import's diagnostics). */
  readonly data: { readonly train: string; readonly eval: Readonly<Record<string, string>>; readonly evalSets: string };
  /** sha256 of every data file, by relative path: the import checks the eval sets it scores are the exported ones. */
  readonly files: Readonly<Record<string, string>>;
}

export function jobArgsOf(config: TrainConfig, backbone: BackboneParams, defaultTargets: readonly string[]): TrlJobArgs {
  return {
    model_name_or_path: backbone.dir,
    tune: backbone.tune,
    lora_r: backbone.loraRank,
    lora_alpha: backbone.loraAlpha,
    lora_dropout: backbone.loraDropout,
    lora_target_modules: backbone.loraTargets?.length ? backbone.loraTargets : defaultTargets,
    top_k: backbone.topK,
    reset_head: backbone.resetHead,
    objective: config.objective,
    bsr_lambda: config.lambda,
    margin: config.margin,
    center_coef: config.centerCoef,
    norm_eps: config.normEps,
  };
}

/** Optimizer steps of the Reward Lens run on one device, exactly as src/train/runSetup.ts counts them. */
export function rewardLensSteps(config: TrainConfig, trainPairs: number): { readonly total: number; readonly batchPairs: number } {
  const batchPairs = Math.min(config.batchSize, trainPairs);
  const stepsPerEpoch = Math.max(1, Math.floor(trainPairs / batchPairs));
  return { total: config.steps > 0 ? config.steps : config.epochs * stepsPerEpoch, batchPairs };
}

/**
 * TrainingArguments (RewardConfig) defaults equivalent to the run's settings. Where the two trainers differ the
 * README says how (warmup starts at lr 0 in transformers; checkpoints are every eval or checkpointEvery steps).
 */
export function trainingArgsOf(config: TrainConfig, backbone: BackboneParams, trainPairs: number, hasEval: boolean): TrainingArgs {
  const { total, batchPairs } = rewardLensSteps(config, trainPairs);
  // BSR's b is the per-device micro-batch: the step's pairs cut into gradAccum micro-batches (src/train/step.ts).
  const micro = Math.max(1, Math.floor(batchPairs / config.gradAccum));
  // Reward Lens evaluates at step 0, every evalEvery steps and at the end (train.py adds the last one).
  const evalArgs: TrainingArgs = !hasEval
    ? { eval_strategy: 'no' }
    : config.evalEvery > 0
      ? { eval_strategy: 'steps', eval_steps: config.evalEvery, eval_on_start: true }
      : { eval_strategy: 'no', eval_on_start: true };
  return {
    per_device_train_batch_size: micro,
    gradient_accumulation_steps: config.gradAccum,
    ...(config.steps > 0 ? { max_steps: config.steps } : { num_train_epochs: config.epochs }),
    learning_rate: config.lr,
    lr_scheduler_type: 'linear',
    warmup_steps: config.warmupFrac > 0 ? Math.max(1, Math.round(config.warmupFrac * total)) : 0,
    optim: 'adamw_torch',
    weight_decay: 0,
    adam_beta1: config.beta1,
    adam_beta2: config.beta2,
    adam_epsilon: config.adamEps,
    max_grad_norm: config.gradClip,
    seed: config.seed,
    data_seed: config.seed,
    logging_steps: config.logEvery,
    ...evalArgs,
    save_strategy: 'steps',
    save_steps: config.evalEvery > 0 ? config.evalEvery : config.checkpointEvery > 0 ? config.checkpointEvery : 500,
    save_total_limit: 2,
    max_length: backbone.maxTokens,
    gradient_checkpointing: backbone.gradCheckpointing !== false,
    bf16: false,
    dataloader_drop_last: true,
    report_to: 'none',
  };
}

/** A file name for an eval set's name (names come from the user's file names). */
export function safeSetFileName(name: string, taken: ReadonlySet<string>): string {
  const base =
    name
      .replace(/[^\w.-]+/g, '_')
      .replace(/^\.+/, '_')
      .slice(0, 80) || 'set';
  let n = base;
  for (let i = 2; taken.has(n); i++) n = `${base}-${i}`;
  return n;
}

/** manifest.json: what the job's data is, counted (the same pairs, skips and splits a local run would use). */
export interface TrlManifest {
  readonly format: 'reward-lens-trl-manifest';
  readonly version: 1;
  readonly train: { readonly pairs: number; readonly file: string };
  readonly eval: readonly {
    readonly name: string;
    readonly source: string;
    readonly pairs: number;
    readonly prompts: number;
    readonly trl: string | null;
  }[];
  /** The user's files, by content. */
  readonly inputs: readonly FileDigest[];
  readonly skipped: { readonly total: number; readonly byReason: Readonly<Record<string, number>>; readonly rows: readonly SkippedRow[] };
  readonly heldOut: { readonly frac: number; readonly seed: number; readonly pairs: number } | null;
  /** Optimizer steps of the Reward Lens run on one device, pairs per step, and pairs per micro-batch (BSR's b). */
  readonly steps: { readonly total: number; readonly batchPairs: number; readonly microBatch: number };
  readonly notes: readonly string[];
}
