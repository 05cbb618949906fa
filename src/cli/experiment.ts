// `reward-lens split …` and `reward-lens experiment scenarios …`: the over-optimization scenarios of the paper
// (paper-spec §4) on the user's data. Argument parsing and terminal output only; the work is in src/node
// (runner, split writer, report) and src/core/scenarios (split logic, aggregation, charts).
import { parseArgs } from 'node:util';
import path from 'node:path';
import { runTraining } from '../train/runTraining';
import { bestOfNForRun } from '../train/bestOfN';
import { BACKEND_NAMES, isOneOf, OBJECTIVES, PRESET_NAMES, type Objective } from '../core/config';
import { ScenarioError, SCENARIO_NAMES, type ScenarioName } from '../core/scenarios/splitTypes';
import { describeSplits } from '../core/scenarios/splitRows';
import { loadDatasetFile } from '../node/loadDataset';
import { runExperiment, splitOptionsRecord, type ExperimentSpec } from '../node/experiment';
import { buildSplitsFromFiles, writeSplits, type DataInput, type SplitSpec } from '../node/experimentSplits';
import { ExperimentError } from '../node/experimentState';
import { rsvgConvert, writeExperimentReport } from '../node/experimentReport';
import { experimentBonFromDir } from '../node/experimentBon';
import { fail, numberOpt } from './errors';
import { checkNs } from '../core/bon/curves';

const splitOptions = {
  data: { type: 'string', multiple: true },
  role: { type: 'string', multiple: true },
  out: { type: 'string' },
  'prompt-group-key': { type: 'string' },
  'held-out-prompts': { type: 'string' },
  'held-out-prompt-fraction': { type: 'string' },
  'held-out-models': { type: 'string' },
  'held-out-model-count': { type: 'string' },
  'exclude-models': { type: 'string' },
  'keep-adversarial': { type: 'boolean' },
  'split-seed': { type: 'string' },
  'pairs-per-prompt': { type: 'string' },
  'min-gold-gap': { type: 'string' },
  'id-fraction': { type: 'string' },
  'min-tau-responses': { type: 'string' },
  'max-tau-responses': { type: 'string' },
  'max-eval-pairs': { type: 'string' },
  'max-tau-prompts': { type: 'string' },
  help: { type: 'boolean' },
} as const;

const experimentOptions = {
  ...splitOptions,
  objectives: { type: 'string' },
  seeds: { type: 'string' },
  preset: { type: 'string' },
  epochs: { type: 'string' },
  steps: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  lambda: { type: 'string' },
  backend: { type: 'string' },
  checkpoints: { type: 'string' },
  'report-only': { type: 'boolean' },
  'extra-eval': { type: 'string', multiple: true },
  'bon-n': { type: 'string' },
  'no-bon': { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

export const SPLIT_HELP = `reward-lens split --data FILE… --out DIR [options]
  Multi-response data (prompt groups × named models × gold scores, e.g. AlpacaEval long rows):
    --prompt-group-key dataset        field naming each prompt's source
    --held-out-prompts a,b            prompt groups held out (else --held-out-prompt-fraction 0.25, seeded)
    --held-out-models x,y             models held out (else --held-out-model-count 4, seeded)
    --exclude-models NullModel        drop these models everywhere (is_adversarial responses are dropped unless --keep-adversarial)
    --pairs-per-prompt 4 --min-gold-gap 0 --id-fraction 0.5 --min-tau-responses 3 [--max-tau-responses N] --split-seed 1
    [--max-eval-pairs N] [--max-tau-prompts N]   seeded caps on in-domain pairs / τ-set prompts (evaluation time)
  Pairwise data with split identities (HH-RLHF), one role per file (accuracy only):
    --role train=helpful-base.jsonl --role prompt-ood=harmless-base.jsonl --role response-ood=helpful-online.jsonl,helpful-rejection-sampled.jsonl
    [--id-fraction 0.2] [--max-eval-pairs N]
  Roles: ${SCENARIO_NAMES.join(', ')}.
`;

export const EXPERIMENT_HELP = `reward-lens experiment scenarios --data FILE… --out DIR [split options] [options]
    --objectives bt,bsr[,…] (any of ${OBJECTIVES.join(',')})  --seeds 3 (or a list: 1,2,5)  --preset tiny  --epochs 1 | --steps N
    --batch-size 16 --lr 1e-3 --lambda 1e-3 --backend auto --checkpoints 5 (evaluations per run)
    --extra-eval FILE…  more eval sets per checkpoint, e.g. RM-Bench files (hard/normal/easy reported; not deduplicated, overlap counted)
    --bon-n 1,2,4,8,16 (best-of-N curves of every run on the multi-response pools, DIR/bon/; --no-bon: none)
    --report-only (rewrite DIR/report.md from finished runs, adding best-of-N where it is missing)  --quiet
  Rerunning the same command resumes: finished runs are skipped, an unfinished one continues from its checkpoint.

${SPLIT_HELP}`;

type SplitValues = {
  [K in keyof typeof splitOptions]?: (typeof splitOptions)[K] extends { multiple: true }
    ? string[]
    : (typeof splitOptions)[K]['type'] extends 'boolean'
      ? boolean
      : string;
};

const list = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const int = (min: number) => (v: number) => Number.isInteger(v) && v >= min;

function dataInputs(v: SplitValues): DataInput[] {
  const inputs: DataInput[] = (v.data ?? []).flatMap((f) => list(f)).map((file) => ({ file }));
  for (const r of v.role ?? []) {
    const eq = r.indexOf('=');
    const role = r.slice(0, eq) as ScenarioName;
    if (eq < 0 || !SCENARIO_NAMES.includes(role))
      fail(`--role expects ROLE=FILE[,FILE] with ROLE one of ${SCENARIO_NAMES.join('|')}, got "${r}"`);
    for (const file of list(r.slice(eq + 1))) inputs.push({ file, role });
  }
  if (inputs.length === 0) fail('give the data: --data FILE (multi-response) or --role train=FILE --role prompt-ood=FILE … (pairwise)');
  return inputs;
}

function splitSpecFrom(v: SplitValues): SplitSpec {
  const maxTau = v['max-tau-responses'];
  const maxEval = v['max-eval-pairs'];
  const maxTauPrompts = v['max-tau-prompts'];
  const heldPrompts = list(v['held-out-prompts']);
  const heldModels = list(v['held-out-models']);
  return {
    promptGroupKey: v['prompt-group-key'] ?? 'dataset',
    ...(heldPrompts.length ? { heldOutPromptGroups: heldPrompts } : {}),
    heldOutPromptFraction: numberOpt('held-out-prompt-fraction', v['held-out-prompt-fraction'], 0.25, (x) => x > 0 && x < 1),
    ...(heldModels.length ? { heldOutModels: heldModels } : {}),
    heldOutModelCount: numberOpt('held-out-model-count', v['held-out-model-count'], 4, int(1)),
    excludeModels: list(v['exclude-models']),
    excludeAdversarial: !v['keep-adversarial'],
    seed: numberOpt('split-seed', v['split-seed'], 1, int(0)),
    pairsPerPrompt: numberOpt('pairs-per-prompt', v['pairs-per-prompt'], 4, int(1)),
    minGoldGap: numberOpt('min-gold-gap', v['min-gold-gap'], 0, (x) => x >= 0),
    idFraction: numberOpt('id-fraction', v['id-fraction'], 0.5, (x) => x > 0 && x < 1),
    minTauResponses: numberOpt('min-tau-responses', v['min-tau-responses'], 3, int(2)),
    ...(maxTau !== undefined ? { maxTauResponses: numberOpt('max-tau-responses', maxTau, 0, int(2)) } : {}),
    ...(maxEval !== undefined ? { maxEvalPairs: numberOpt('max-eval-pairs', maxEval, 0, int(1)) } : {}),
    ...(maxTauPrompts !== undefined ? { maxTauPrompts: numberOpt('max-tau-prompts', maxTauPrompts, 0, int(1)) } : {}),
  };
}

/** User mistakes in the data or settings become one-line usage errors (exit 2) instead of stack traces. */
async function userErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof ScenarioError || e instanceof ExperimentError) fail(e.message);
    throw e;
  }
}

const loadFile = (f: string) => loadDatasetFile(f);

export async function runSplitCli(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: splitOptions });
  if (values.help) {
    process.stdout.write(SPLIT_HELP);
    return 0;
  }
  if (!values.out) fail('split needs --out DIR (the split files and manifest.json go there)');
  const data = dataInputs(values);
  const spec = splitSpecFrom(values);
  const manifest = await userErrors(async () => {
    const { splits, inputs } = await buildSplitsFromFiles(data, spec, loadFile, (m) => process.stderr.write(`${m}\n`));
    // Written to DIR/splits like the experiment does, so `experiment scenarios --out DIR` reuses them.
    return writeSplits(values.out as string, splits, inputs, splitOptionsRecord({ data, split: spec }));
  });
  console.log(`splits written to ${path.join(values.out, 'splits')}:\n${describeSplits(manifest)}`);
  return 0;
}

function bonNsFrom(raw: string | undefined, off: boolean | undefined): Pick<ExperimentSpec, 'bestOfN'> {
  if (off) return { bestOfN: [] };
  if (raw === undefined) return {};
  const ns = list(raw).map(Number);
  const bad = checkNs(ns);
  if (bad) fail(`--bon-n: ${bad} (e.g. --bon-n 1,2,4,8,16)`);
  return { bestOfN: ns };
}

const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

const parseExperimentArgs = (argv: string[]) => parseArgs({ args: argv, options: experimentOptions });
type ExperimentValues = ReturnType<typeof parseExperimentArgs>['values'];

export async function runExperimentCli(argv: string[]): Promise<number> {
  const { values } = parseExperimentArgs(argv);
  if (values.help) {
    process.stdout.write(EXPERIMENT_HELP);
    return 0;
  }
  if (!values.out) fail('experiment scenarios needs --out DIR');
  if (values['report-only']) return reportOnly(values, values.out);
  const spec = experimentSpecFrom(values, values.out, argv);
  // Ctrl-C: the trainer stops at the next step boundary and checkpoints; a second Ctrl-C exits at once.
  const cancel = new SharedArrayBuffer(4);
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    Atomics.store(new Int32Array(cancel), 0, 1);
    process.stderr.write('\nstopping after the current step; rerun the same command to resume (Ctrl-C again to quit now)\n');
  };
  process.on('SIGINT', onSigint);
  try {
    return await trainAndReport(spec, cancel, values.quiet);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** --report-only: best-of-N is analysis of finished models, not training, so this pass adds what is missing. */
async function reportOnly(values: ExperimentValues, out: string): Promise<number> {
  const bon = bonNsFrom(values['bon-n'], values['no-bon']).bestOfN;
  const log = (m: string) => process.stderr.write(`${m}\n`);
  await userErrors(() => experimentBonFromDir(out, bon, { bestOfN: bestOfNForRun, load: loadFile, log }));
  const r = await userErrors(async () => writeExperimentReport(out, rsvgConvert));
  console.log(`report: ${r.markdown}${r.pngNote ? ` (${r.pngNote})` : ''}`);
  return 0;
}

function objectivesFrom(raw: string | undefined): Objective[] {
  const objectives = list(raw ?? 'bt,bsr') as Objective[];
  const bad = objectives.filter((o) => !isOneOf(OBJECTIVES, o));
  if (bad.length) fail(`--objectives: unknown ${bad.join(', ')}; choose from ${OBJECTIVES.join(', ')}`);
  return objectives;
}

/** --seeds is a list of seeds ("1,2,5") or a count ("3" → seeds 1, 2, 3). */
function seedsFrom(raw: string | undefined): number[] {
  const seedsRaw = raw ?? '3';
  return seedsRaw.includes(',')
    ? list(seedsRaw).map((s) => numberOpt('seeds', s, 1, int(0)))
    : Array.from({ length: numberOpt('seeds', seedsRaw, 3, int(1)) }, (_, i) => i + 1);
}

/** The training options given on the command line; the ones left out stay absent so the preset's apply. */
function trainFrom(values: ExperimentValues): ExperimentSpec['train'] {
  const preset = values.preset ?? 'tiny';
  if (!isOneOf(PRESET_NAMES, preset)) fail(`--preset must be one of ${PRESET_NAMES.join('|')}, got "${preset}"`);
  const backend = values.backend ?? 'auto';
  if (!isOneOf(BACKEND_NAMES, backend)) fail(`--backend must be ${BACKEND_NAMES.join('|')}, got "${backend}"`);
  const opt = (k: 'epochs' | 'steps' | 'batch-size' | 'lr' | 'lambda', check: (v: number) => boolean) =>
    values[k] === undefined ? undefined : numberOpt(k, values[k], 0, check);
  return Object.fromEntries(
    Object.entries({
      preset,
      backend,
      epochs: opt('epochs', int(1)),
      steps: opt('steps', int(0)),
      batchSize: opt('batch-size', int(1)),
      lr: opt('lr', (x) => x > 0),
      lambda: opt('lambda', (x) => x >= 0),
    }).filter(([, v]) => v !== undefined),
  ) as ExperimentSpec['train'];
}

function experimentSpecFrom(values: ExperimentValues, out: string, argv: string[]): ExperimentSpec {
  const objectives = objectivesFrom(values.objectives);
  const seeds = seedsFrom(values.seeds);
  const train = trainFrom(values);
  return {
    outDir: out,
    data: dataInputs(values),
    split: splitSpecFrom(values),
    objectives,
    seeds,
    train,
    checkpoints: numberOpt('checkpoints', values.checkpoints, 5, int(1)),
    command: ['reward-lens', 'experiment', 'scenarios', ...argv].map(shellQuote).join(' '),
    ...(values['extra-eval']?.length ? { extraEvalFiles: values['extra-eval'].flatMap((f) => list(f)) } : {}),
    ...bonNsFrom(values['bon-n'], values['no-bon']),
  };
}

/** Runs the experiment and prints its outcome; the exit code is 0 when complete, 130 when interrupted, else 1. */
async function trainAndReport(spec: ExperimentSpec, cancel: SharedArrayBuffer, quiet: boolean | undefined): Promise<number> {
  const res = await userErrors(() =>
    runExperiment(spec, {
      train: runTraining,
      load: loadFile,
      log: (m) => {
        if (!quiet || !/: (step|eval @)/.test(m)) process.stderr.write(`${m}\n`);
      },
      cancel,
      svgToPng: rsvgConvert,
      bestOfN: bestOfNForRun,
    }),
  );
  console.log(
    `${res.status}: ${res.completed.length} run(s) trained, ${res.skipped.length} skipped (finished earlier), ${res.failed.length} failed`,
  );
  for (const f of res.failed) console.log(`  ${f.runId} failed: ${f.error}`);
  console.log(`report: ${res.report.markdown}${res.report.pngNote ? ` (${res.report.pngNote})` : ''}`);
  if (res.status === 'cancelled') console.log(`interrupted: rerun to resume:\n  ${spec.command}`);
  return res.status === 'completed' ? 0 : res.status === 'cancelled' ? 130 : 1;
}
