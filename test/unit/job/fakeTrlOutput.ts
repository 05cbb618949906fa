// A TRL job's output directory as train.py writes it (reward_lens_run.json, trainer_state.json, checkpoint-N,
// the final model), built by hand around a real exported job so the importer can be tested without PyTorch. The
// models are copies of the qwen2 fixture; test/unit/job/trlRoundTrip.test.ts imports a real run where TRL is installed.
import fs from 'node:fs';
import path from 'node:path';
import { exportTrlJob } from '../../../src/train/job/exportJob';
import { BACKBONE_DEFAULTS } from '../../../src/core/hf/tuning';

export const QWEN2 = path.resolve('test/fixtures/hf/qwen2');
export const PAIRS = path.resolve('test/e2e/fixtures/ws/pairs.jsonl');
const MODEL_FILES = ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja'];

export const copyModel = (to: string) => {
  fs.mkdirSync(to, { recursive: true });
  for (const f of MODEL_FILES) fs.copyFileSync(path.join(QWEN2, f), path.join(to, f));
};

/** One training log entry as RewardLensTrainer.log writes it. */
export const trainLog = (step: number) => ({
  step,
  epoch: step / 12,
  learning_rate: 1e-3 * step,
  loss: 0.7 - 0.01 * step,
  bt: 0.69 - 0.01 * step,
  reg: 0.01,
  batch_mean: 0.1 * step,
  accuracy: 0.5 + 0.1 * step,
  margin: 0.2,
  mean_reward: 0.1,
  min_reward: -1,
  max_reward: 1,
  num_tokens: 100 * step,
  grad_norm: 1.5,
  wp_norm: 0.98,
  elapsed_s: 2 * step,
});
export const evalLog = (step: number, set: string) => ({
  step,
  epoch: step / 12,
  [`eval_${set}_loss`]: 0.6,
  eval_accuracy: 0.8,
  eval_margin: 0.3,
  eval_bt: 0.6,
  eval_reg: 0,
});

export interface FakeTrl {
  readonly jobDir: string;
  readonly outputDir: string;
  readonly record: Record<string, unknown>;
}

/** A job exported from a config (BSR, qwen2 LoRA, held-out 25%) and a 3-step "run" of it. */
export async function fakeTrlRun(dir: string, over: Record<string, unknown> = {}): Promise<FakeTrl> {
  const cfg = path.join(dir, 'config.json');
  fs.writeFileSync(
    cfg,
    JSON.stringify({
      trainFiles: [PAIRS],
      config: { objective: 'bsr', lambda: 0.001, holdoutFrac: 0.25, steps: 3, batchSize: 4, logEvery: 1, evalEvery: 2 },
      backbone: { ...BACKBONE_DEFAULTS, dir: QWEN2, maxTokens: 128 },
    }),
  );
  const jobDir = path.join(dir, 'job');
  const { job } = await exportTrlJob({ source: cfg, outDir: jobDir });
  const outputDir = path.join(jobDir, 'output');
  copyModel(path.join(outputDir, 'checkpoint-2', 'merged'));
  fs.writeFileSync(path.join(outputDir, 'checkpoint-2', 'adapter_config.json'), '{}');
  fs.mkdirSync(path.join(outputDir, 'checkpoint-1'));
  fs.writeFileSync(path.join(outputDir, 'checkpoint-1', 'adapter_config.json'), '{}'); // an adapter, never merged
  copyModel(path.join(outputDir, 'merged'));
  const history = [
    evalLog(0, 'train'),
    evalLog(0, 'held-out'),
    trainLog(1),
    trainLog(2),
    evalLog(2, 'train'),
    evalLog(2, 'held-out'),
    trainLog(3),
    evalLog(3, 'held-out'),
    { step: 3, epoch: 0.25, train_runtime: 12.5, train_loss: 0.6 },
  ];
  fs.writeFileSync(path.join(outputDir, 'trainer_state.json'), JSON.stringify({ global_step: 3, max_steps: 3, log_history: history }));
  const record = {
    format: 'reward-lens-trl-run',
    version: 1,
    status: 'completed',
    job: { path: path.join(jobDir, 'job.json'), dir: jobDir, id: job.id },
    job_args: { ...job.job_args, dtype: 'float32', merge_checkpoints: true, probe_pairs: 2 },
    world_size: 1,
    distributed_type: 'NO',
    device: 'cpu',
    per_device_train_batch_size: 4,
    gradient_accumulation_steps: 1,
    learning_rate: 1e-3,
    seed: 1,
    logging_steps: 1,
    eval_steps: 2,
    max_length: 128,
    max_steps: 3,
    global_step: 3,
    pairs: { train: { exported: 48, used: 47, dropped_over_max_length: 1 } },
    versions: { trl: '1.13.0' },
    head: 'from the checkpoint',
    started_at: '2026-12-01T22:46:17+0000',
    final_model: 'merged',
    train_runtime_s: 12.5,
    ...over,
  };
  fs.writeFileSync(path.join(outputDir, 'reward_lens_run.json'), JSON.stringify(record));
  return { jobDir, outputDir, record };
}
