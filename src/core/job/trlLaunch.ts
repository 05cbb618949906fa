// The launch files of a TRL job: accelerate configs (1 GPU, N GPUs with DDP, DeepSpeed ZeRO-2 and ZeRO-3, after
// TRL's own examples/accelerate_configs), requirements.txt pinning the versions train.py was tested with, and an
// optional Slurm script. Pure text; src/train/job/exportJob.ts writes them.
import { TRL_TESTED_VERSIONS } from './trlJob';

const ACCELERATE_COMMON = [
  'compute_environment: LOCAL_MACHINE',
  'debug: false',
  "downcast_bf16: 'no'",
  'machine_rank: 0',
  'main_training_function: main',
  'num_machines: 1',
  'rdzv_backend: static',
  'same_network: true',
  'tpu_env: []',
  'tpu_use_cluster: false',
  'tpu_use_sudo: false',
  'use_cpu: false',
];

/**
 * Mixed precision: 'no' for one GPU and DDP, so the job computes in float32 as Reward Lens does unless the launch
 * adds --bf16 true; the DeepSpeed configs say bf16 (ZeRO is for models that need it) and their launch lines pass
 * --bf16 true to match.
 */
function accelerateConfig(lines: readonly string[], mixed: 'no' | 'bf16', processes: number): string {
  return [...lines, ...ACCELERATE_COMMON, `mixed_precision: '${mixed}'`, `num_processes: ${processes}`].join('\n') + '\n';
}

export function accelerateConfigs(): Readonly<Record<string, string>> {
  const zero = (stage: 2 | 3) => [
    'deepspeed_config:',
    '  deepspeed_multinode_launcher: standard',
    '  offload_optimizer_device: none',
    '  offload_param_device: none',
    ...(stage === 3 ? ['  zero3_init_flag: true', '  zero3_save_16bit_model: true'] : ['  zero3_init_flag: false']),
    `  zero_stage: ${stage}`,
    'distributed_type: DEEPSPEED',
  ];
  return {
    'accelerate/single_gpu.yaml': accelerateConfig(['distributed_type: "NO"', 'gpu_ids: all'], 'no', 1),
    'accelerate/multi_gpu.yaml': accelerateConfig(['distributed_type: MULTI_GPU', 'gpu_ids: all'], 'no', 8),
    'accelerate/zero2.yaml': accelerateConfig(zero(2), 'bf16', 8),
    'accelerate/zero3.yaml': accelerateConfig(zero(3), 'bf16', 8),
  };
}

export function requirementsTxt(): string {
  const v = TRL_TESTED_VERSIONS;
  return [
    `# train.py was written for and tested with these versions (Python ${v.python}; see README.md). Newer ones may work.`,
    `torch==${v.torch}`,
    `transformers==${v.transformers}`,
    `trl==${v.trl}`,
    `peft==${v.peft}`,
    `accelerate==${v.accelerate}`,
    `datasets==${v.datasets}`,
    'pyyaml',
    '# For accelerate/zero2.yaml and accelerate/zero3.yaml only (TRL 1.13 asks for deepspeed>=0.18.6; not tested here:',
    '# DeepSpeed was not installable on the machine the job was tested on).',
    '# deepspeed>=0.18.6',
    '',
  ].join('\n');
}

/**
 * sbatch slurm.sbatch [train.py overrides…]: one accelerate launcher per node, all GPUs of every node.
 * Environment: ACCELERATE_CONFIG (default accelerate/zero2.yaml), GPUS_PER_NODE (default 8).
 */
export function slurmScript(jobId: string): string {
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=reward-lens-${jobId.replace(/[^\w.-]+/g, '_').slice(0, 40)}`,
    '#SBATCH --nodes=1',
    '#SBATCH --ntasks-per-node=1',
    '#SBATCH --gres=gpu:8',
    '#SBATCH --cpus-per-task=32',
    '#SBATCH --time=24:00:00',
    '#SBATCH --output=%x-%j.out',
    '# Submit from this folder: sbatch slurm.sbatch [train.py overrides, e.g. --learning_rate 1e-5]',
    '# More nodes: sbatch --nodes 4 slurm.sbatch. Another config: ACCELERATE_CONFIG=accelerate/zero3.yaml sbatch slurm.sbatch',
    'set -euo pipefail',
    'cd "$SLURM_SUBMIT_DIR"',
    'CONFIG="$(printenv ACCELERATE_CONFIG || echo accelerate/zero2.yaml)"',
    'GPUS_PER_NODE="$(printenv GPUS_PER_NODE || echo 8)"',
    'MASTER_ADDR="$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)"',
    'export CONFIG GPUS_PER_NODE MASTER_ADDR',
    '# One launcher per node; each one starts GPUS_PER_NODE processes. $SLURM_NODEID is read on the node itself.',
    'srun --kill-on-bad-exit=1 bash -c \'accelerate launch --config_file "$CONFIG" \\',
    '  --num_machines "$SLURM_NNODES" --num_processes $((SLURM_NNODES * GPUS_PER_NODE)) \\',
    '  --machine_rank "$SLURM_NODEID" --main_process_ip "$MASTER_ADDR" --main_process_port 29500 \\',
    '  train.py --bf16 true "$@"\' train "$@"',
    '',
  ].join('\n');
}
