// reward-lens: the command-line face of the same engine the extension uses.
import { BACKEND_NAMES, OBJECTIVES, PRESET_NAMES, SCORING_ENGINES } from '../core/config';
import { describeCliError, UsageError } from './errors';
import { inspectCli } from './inspect';
import { trainCli } from './train';
import { evalCli } from './eval';
import { modelCli } from './model';
import { scoreCli } from './score';
import { exportCli } from './export';
import { compareCli } from './compare';
import { doctorCli } from './doctor';
import { demoCli } from './demo';
import { runExperimentCli, runSplitCli } from './experiment';
import { bonCli } from './bon';
import { exportJobCli, importJobCli } from './job';

const USAGE = `reward-lens — reward-model diagnostics (BT vs BSR, Hong et al. ICML 2025)

usage:
  reward-lens inspect FILE|DIR|hf:ORG/NAME[:SPLIT]… [--json] [--prompt-key K --chosen-key K --rejected-key K]
                    [--a-key K --b-key K --label-key K --a-wins V --b-wins V --ties V] [--gold ATTR[=W],…]
                    (keys may be dotted paths: --chosen-key output.text; inspect hf: lists the Hugging Face cache)
  reward-lens train FILE… [--objective ${OBJECTIVES.join('|')}] [--lambda 1e-3] [--preset ${PRESET_NAMES.join('|')}]
                    [--epochs N | --steps N] [--batch-size 16] [--lr 1e-3] [--seed 1] [--eval FILE]… [--holdout 0.1]
                    [--eval-every N] [--checkpoint-every N] [--checkpoint-minutes 5] [--grad-clip 1] [--out DIR] [--resume]
                    [--backend ${BACKEND_NAMES.join('|')}] [--grad-accum K] [--json]
                    [--from HF_FOLDER [--tune lora|full|head|top-k] [--lora-rank 8 --lora-alpha 16 --lora-dropout 0]
                     [--lora-targets q_proj,v_proj,…] [--top-k 2] [--reset-head] [--max-length 1024] [--no-grad-checkpointing]]
                    (--grad-accum K: K micro-batches per step; BSR's λ·b·mean(r)² is per micro-batch of batch-size/K pairs,
                     as in the paper's code, where b is the per-device batch)
  reward-lens eval --model DIR FILE… [--json] [--out DIR] [--engine ${SCORING_ENGINES.join('|')}] [--max-length N]
  reward-lens model HF_FOLDER [--json] [--self-test FILE]        (what a Hugging Face reward model is, how it is scored)
  reward-lens score --model DIR FILE [--out scores.jsonl]         (every pair's rewards, margin, ‖h‖, truncation)
                    DIR: a Hugging Face folder (Llama, Mistral, Qwen2, Qwen3, Gemma-2, GPT-2), a run directory or its model/
  reward-lens export RUN_DIR --hf OUT_DIR | --json OUT_FILE    (a run from --from as a Hugging Face folder + PEFT adapter)
  reward-lens compare RUN_DIR RUN_DIR [--json]
  reward-lens bon --model DIR FILE… [--n 1,2,4,8,16] [--samples K] [--seed 1] [--split EXPDIR] [--out DIR] [--json]
                                                                (best-of-N: gold of the proxy's pick vs N, oracle, random, length; bon --help)
  reward-lens export-job RUN_OR_CONFIG --trl OUT [--from HF_FOLDER [--tune lora|full|head|top-k] …] [--json]
                    (a folder that trains the run with TRL's RewardTrainer: data, objective, train.py, accelerate/DeepSpeed
                     configs, Slurm; a run trained from scratch needs --from: transformers cannot load our small models)
  reward-lens import-job TRL_OUTPUT_DIR [--out RUN_DIR] [--job JOB_DIR] [--engine ${SCORING_ENGINES.join('|')}] [--json]
                    (the TRL run as a Reward Lens run: curves, every diagnostic on each checkpoint, compare)
  reward-lens doctor [--json]
  reward-lens split --data FILE… --out DIR [options]            (over-optimization scenario splits)
  reward-lens experiment scenarios --data FILE… --out DIR [--objectives bt,bsr] [--seeds 3] [options]
  reward-lens demo [--out runs/demo]                            (BT vs BSR on the bundled HH-RLHF sample)

exit codes: 0 done; 1 the work failed (a run diverged, a self-test drifted, experiment runs failed); 2 a bad flag or an
unusable file (one line naming it); 70 a bug in reward-lens (the stack is printed: please report it); 130 an experiment
interrupted by Ctrl-C (rerun to resume)
`;

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  inspect: inspectCli,
  train: trainCli,
  eval: evalCli,
  model: modelCli,
  score: scoreCli,
  export: exportCli,
  compare: compareCli,
  doctor: doctorCli,
  demo: demoCli,
  split: runSplitCli,
  bon: bonCli,
  'export-job': exportJobCli,
  'import-job': importJobCli,
  experiment: (argv) =>
    argv[0] === 'scenarios'
      ? runExperimentCli(argv.slice(1))
      : Promise.reject(new UsageError(`unknown experiment "${argv[0] ?? ''}"; try: reward-lens experiment scenarios …`)),
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(USAGE);
    return cmd ? 0 : 2;
  }
  const run = commands[cmd];
  if (!run) throw new UsageError(`unknown command "${cmd}"; run reward-lens --help`);
  return run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // User mistakes (bad arguments, unusable files, full disks, refused run directories) get one line; bugs get the stack.
    const { text, exitCode } = describeCliError(err);
    process.stderr.write(`reward-lens: ${text}\n`);
    process.exit(exitCode);
  },
);
