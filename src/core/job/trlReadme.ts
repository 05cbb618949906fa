// README.md of a TRL job folder: what is in it, the launch commands, the objective, and where TRL's trainer and
// Reward Lens' own differ. Pure text from job.json and manifest.json.
import { OBJECTIVE_LABELS } from '../config';
import { TRL_TESTED_VERSIONS, type TrlJob, type TrlManifest } from './trlJob';

function objectiveLine(job: TrlJob): string {
  const a = job.job_args;
  const coef =
    a.objective === 'bsr'
      ? `λ = ${a.bsr_lambda}`
      : a.objective === 'center'
        ? `c = ${a.center_coef}`
        : a.objective === 'margin' || a.objective === 'hinge'
          ? `m = ${a.margin}`
          : a.objective === 'norm'
            ? `ε = ${a.norm_eps}`
            : '';
  return `**${a.objective}**${coef ? ` (${coef})` : ''}: ${OBJECTIVE_LABELS[a.objective]}`;
}

function dataSection(m: TrlManifest): string {
  const rows = m.eval.map(
    (e) => `| ${e.name} | ${e.pairs} | ${e.prompts} | ${e.trl ? `\`${e.trl}\`` : 'scored by the import only'} | ${e.source} |`,
  );
  const skipped = Object.entries(m.skipped.byReason)
    .map(([r, n]) => `${n} ${r}`)
    .join(', ');
  return `## Data

\`data/train.jsonl\`: **${m.train.pairs} training pairs**${m.heldOut ? ` (after holding out ${m.heldOut.pairs} pairs, ${(m.heldOut.frac * 100).toFixed(0)}% of the prompts, seed ${m.heldOut.seed})` : ''}.
${m.skipped.total ? `${m.skipped.total} rows of the input files were skipped (${skipped}); manifest.json lists them.` : 'No input row was skipped.'}
One optimizer step of the Reward Lens run: ${m.steps.batchPairs} pairs in micro-batches of ${m.steps.microBatch}; ${m.steps.total} steps on one device.

| eval set | pairs | multi-response prompts | TRL file | from |
|---|---|---|---|---|
${rows.join('\n')}

Rows are TRL's conversational preference format (\`prompt\`, \`chosen\`, \`rejected\` as message lists): the turns
Reward Lens feeds a chat template, the source's own messages where it had them. \`reward-lens/eval-sets.json\` holds
the same eval sets as Reward Lens loaded them (groups, source lines, multi-response prompts) for the import.`;
}

function launchSection(job: TrlJob): string {
  return `## Launch

~~~sh
python -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt

# CPU or one GPU, a few steps (a smoke test):
python train.py --max_steps 3 --output_dir output-smoke
# 1 GPU:
accelerate launch --config_file accelerate/single_gpu.yaml train.py
# N GPUs on one machine (DDP); --num_processes overrides the config's 8:
accelerate launch --config_file accelerate/multi_gpu.yaml --num_processes 4 train.py
# DeepSpeed ZeRO-2 / ZeRO-3 (pip install deepspeed first), bf16:
accelerate launch --config_file accelerate/zero2.yaml train.py --bf16 true
accelerate launch --config_file accelerate/zero3.yaml train.py --bf16 true
# Slurm (one launcher per node; ACCELERATE_CONFIG and GPUS_PER_NODE pick the config and the GPUs):
sbatch --nodes 2 slurm.sbatch --learning_rate ${job.training_args['learning_rate']}
~~~

Any TrainingArguments / RewardConfig field, and any field of train.py's JobArguments, overrides job.json on the
command line, as in TRL's example scripts: \`--per_device_train_batch_size 4 --gradient_accumulation_steps 8
--learning_rate 1e-5 --output_dir /scratch/run1 --objective bt --model_name_or_path Qwen/Qwen2.5-0.5B-Instruct\`;
\`--config overrides.yaml\` reads them from a file. \`python train.py --help\` lists them all. Checkpoints go to
\`output/checkpoint-N\` (the last ${job.training_args['save_total_limit']}; \`--save_total_limit\` keeps more);
\`--resume_from_checkpoint latest\` continues the newest. The model is \`${job.job_args.model_name_or_path}\`
(${job.job_args.tune}${job.job_args.tune === 'lora' ? `, r = ${job.job_args.lora_r}, α = ${job.job_args.lora_alpha} on ${job.job_args.lora_target_modules.join(', ')}` : ''}).

Bring the run back into Reward Lens (curves, every diagnostic, Compare Runs):

~~~sh
reward-lens import-job output --out runs/${job.id}-trl
~~~`;
}

function differencesSection(job: TrlJob): string {
  return `## The objective

${objectiveLine(job)}, per micro-batch of b pairs (per device, per gradient-accumulation step), in
\`reward_lens_loss.py\`; \`RewardLensTrainer.compute_loss\` in \`train.py\` replaces TRL's. BSR is the paper's code:
\`BT.mean() + λ·b·mean(cat(r_chosen, r_rejected))²\` with b the per-device micro-batch, so on N GPUs each device
centres its own micro-batch (keep \`--per_device_train_batch_size\` to keep BSR's b; scale the global batch with
GPUs and \`--gradient_accumulation_steps\`). TRL's own \`--center_rewards_coefficient c\` adds
\`c·mean_i (r_chosen,i + r_rejected,i)²\`, a penalty on every **pair's** sum (Reward Lens' \`center\` objective);
BSR penalises only the micro-batch's mean, and train.py refuses the TRL flag rather than silently ignore it.

## Where TRL's trainer differs from Reward Lens'

- **Over-long pairs**: TRL drops pairs longer than \`max_length\` (${job.training_args['max_length']} tokens) instead of truncating
  them; train.py prints how many and reward_lens_run.json records it. Raise \`--max_length\` to keep them.
- **Order and warmup**: batches come from PyTorch's sampler (seed ${job.training_args['seed']}), not Reward Lens' permutation;
  transformers' warmup starts at learning rate 0 on the first step (Reward Lens: lr/warmup).
- **Checkpoints** every ${job.training_args['save_steps']} steps (Reward Lens also checkpoints every few minutes; transformers has no time-based saves).
- **Precision**: float32 as Reward Lens unless \`--bf16 true\`. Logged curves are averages over each logging interval.
- **Diagnostics**: TRL logs loss, accuracy and margins per eval set; the import computes every Reward Lens diagnostic
  (‖h‖, ‖h_w − h_l‖, erank, length bias, …) by scoring each checkpoint it finds (LoRA: \`checkpoint-N/merged\`).

Written for and tested with Python ${TRL_TESTED_VERSIONS.python}, torch ${TRL_TESTED_VERSIONS.torch}, transformers ${TRL_TESTED_VERSIONS.transformers}, TRL ${TRL_TESTED_VERSIONS.trl},
peft ${TRL_TESTED_VERSIONS.peft}, accelerate ${TRL_TESTED_VERSIONS.accelerate}, datasets ${TRL_TESTED_VERSIONS.datasets} (CPU). The DeepSpeed and Slurm files follow
TRL's examples and were not run here.`;
}

export function jobReadme(job: TrlJob, manifest: TrlManifest): string {
  const from = job.source.kind === 'run' ? `run \`${job.source.runId ?? job.source.path}\`` : `\`${job.source.path}\``;
  return `# Reward Lens training job \`${job.id}\` for TRL

Made by \`reward-lens export-job\` from ${from} on ${job.createdAt}: the same data, splits, objective and
hyper-parameters, for TRL's \`RewardTrainer\` on PyTorch with accelerate or DeepSpeed.

| file | what |
|---|---|
| \`train.py\` | RewardTrainer with the Reward Lens objective; job.json gives the defaults |
| \`reward_lens_loss.py\` | the objectives in PyTorch (the formulas of Reward Lens' losses.ts) |
| \`job.json\` | model, objective, TrainingArguments defaults, data files and their sha256 |
| \`manifest.json\` | pair counts, skipped rows, splits |
| \`data/\` | TRL preference files (train, and one per eval set) |
| \`reward-lens/eval-sets.json\` | the eval sets as Reward Lens loaded them, for the import |
| \`accelerate/\` | 1 GPU, N GPUs (DDP), DeepSpeed ZeRO-2 and ZeRO-3 |
| \`requirements.txt\`, \`slurm.sbatch\` | pinned versions, an optional Slurm script |

${launchSection(job)}

${dataSection(manifest)}

${differencesSection(job)}
`;
}
