// `reward-lens export-job RUN_OR_CONFIG --trl OUT [--from HF_FOLDER …]`: a folder that trains the run with TRL's
// RewardTrainer (accelerate, DeepSpeed, Slurm); `reward-lens import-job DIR [--out RUN_DIR]`: the TRL run back as a
// Reward Lens run (curves, every diagnostic, compare).
import { parseArgs } from 'node:util';
import path from 'node:path';
import { exportTrlJob } from '../train/job/exportJob';
import { importTrlJob } from '../train/job/importJob';
import { terminalJson, visibleControls } from '../core/text';
import { isOneOf, SCORING_ENGINES, type BackendName } from '../core/config';
import { fail } from './errors';
import { formatEval } from './formatReport';
import { backboneFrom } from './train';

const backboneOptions = {
  from: { type: 'string' },
  tune: { type: 'string' },
  'lora-rank': { type: 'string' },
  'lora-alpha': { type: 'string' },
  'lora-dropout': { type: 'string' },
  'lora-targets': { type: 'string' },
  'top-k': { type: 'string' },
  'reset-head': { type: 'boolean' },
  'max-length': { type: 'string' },
  'no-grad-checkpointing': { type: 'boolean' },
} as const;

const say = (m: string) => process.stderr.write(`${visibleControls(m)}\n`);

export async function exportJobCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { trl: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' }, ...backboneOptions },
  });
  if (positionals.length !== 1 || !values.trl)
    fail(
      'export-job needs one run directory or config file and --trl OUT: reward-lens export-job runs/bsr --trl jobs/bsr-trl [--from HF_FOLDER]',
    );
  const backbone = backboneFrom(values);
  const r = await exportTrlJob({
    source: positionals[0]!,
    outDir: values.trl,
    ...(backbone ? { backbone } : {}),
    ...(values.quiet || values.json ? {} : { log: say }),
  });
  if (values.json) {
    console.log(terminalJson({ outDir: r.outDir, files: r.files, manifest: r.manifest, job: r.job }));
    return 0;
  }
  const a = r.job.job_args;
  console.log(
    visibleControls(
      [
        `wrote ${r.outDir}: ${r.manifest.train.pairs} training pairs; eval sets ${r.manifest.eval.map((e) => `${e.name} (${e.pairs} pairs${e.prompts ? `, ${e.prompts} prompts` : ''})`).join(', ')}`,
        `  model ${a.model_name_or_path} (${a.tune}), objective ${a.objective}${a.objective === 'bsr' ? ` λ=${a.bsr_lambda}` : ''}; details in ${path.join(r.outDir, 'README.md')}`,
        `  run:     cd ${r.outDir} && pip install -r requirements.txt && accelerate launch --config_file accelerate/single_gpu.yaml train.py`,
        `  import:  reward-lens import-job ${path.join(r.outDir, 'output')}`,
      ].join('\n'),
    ),
  );
  return 0;
}

export async function importJobCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      job: { type: 'string' },
      engine: { type: 'string' },
      backend: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1)
    fail('import-job needs the TRL output directory: reward-lens import-job jobs/bsr-trl/output [--out runs/bsr-trl]');
  const engine = values.engine ?? 'auto';
  if (!isOneOf(SCORING_ENGINES, engine)) fail(`--engine must be one of ${SCORING_ENGINES.join(', ')}, got "${values.engine}"`);
  const summary = await importTrlJob({
    dir: positionals[0]!,
    ...(values.out ? { outDir: values.out } : {}),
    ...(values.job ? { jobDir: values.job } : {}),
    engine,
    ...(values.backend ? { backend: values.backend as BackendName } : {}),
    ...(values.quiet || values.json ? {} : { log: say }),
  });
  if (values.json) {
    console.log(terminalJson(summary));
    return 0;
  }
  console.log(`${summary.status}: ${summary.steps}/${summary.totalSteps} TRL steps on ${summary.backend} → ${summary.runDir}`);
  if (summary.finalEval) console.log(formatEval(summary.finalEval));
  console.log(`open it in the diagnostics panel, or: reward-lens compare ${summary.runDir} OTHER_RUN`);
  return 0;
}
