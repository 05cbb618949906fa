// `reward-lens train FILE… --objective bt|bsr|… [options]`: trains in-process with the same loop the worker runs.
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { runTraining } from '../train/runTraining';
import { BACKEND_NAMES, DEFAULTS, isOneOf, OBJECTIVES, PRESET_NAMES, type TrainConfig } from '../core/config';
import { newRunId } from '../node/runDir';
import { fail, numberOpt } from './errors';
import { Progress } from './progress';
import { formatEval } from './formatReport';
import { mappingFrom, mappingOptions } from './mapping';
import { oneLine, terminalJson, visibleControls } from '../core/text';
import type { BackboneParams, RunSummary } from '../protocol/trainer';
import { TUNE_MODES, type TuneMode } from '../core/hf/tuning';
import { isHfModelFolder } from '../node/hf/modelFolder';

export const trainOptions = {
  objective: { type: 'string' },
  lambda: { type: 'string' },
  margin: { type: 'string' },
  'center-coef': { type: 'string' },
  preset: { type: 'string' },
  epochs: { type: 'string' },
  steps: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  seed: { type: 'string' },
  eval: { type: 'string', multiple: true },
  out: { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
  holdout: { type: 'string' },
  'eval-every': { type: 'string' },
  'log-every': { type: 'string' },
  'checkpoint-every': { type: 'string' },
  'checkpoint-minutes': { type: 'string' },
  'grad-clip': { type: 'string' },
  resume: { type: 'boolean' },
  quiet: { type: 'boolean' },
  'grad-accum': { type: 'string' },
  // From a pretrained Hugging Face backbone:
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
  ...mappingOptions,
} as const;

/** --from FOLDER and the tuning flags → BackboneParams (undefined without --from). */
export function backboneFrom(v: Record<string, unknown>): BackboneParams | undefined {
  const s = (k: string) => v[k] as string | undefined;
  const dir = s('from');
  if (!dir) {
    for (const k of ['tune', 'lora-rank', 'lora-alpha', 'lora-dropout', 'lora-targets', 'top-k', 'reset-head', 'no-grad-checkpointing'])
      if (v[k] !== undefined) fail(`--${k} applies to training from a pretrained model: add --from FOLDER`);
    return undefined;
  }
  if (!fs.existsSync(dir) || !isHfModelFolder(dir))
    fail(`--from ${dir}: not a Hugging Face model folder (config.json with a "model_type", *.safetensors, tokenizer.json)`);
  const tune = (s('tune') ?? 'lora') as TuneMode;
  if (!TUNE_MODES.includes(tune)) fail(`--tune must be one of ${TUNE_MODES.join('|')}, got "${tune}"`);
  const targets = s('lora-targets')
    ?.split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const pos = (x: number) => Number.isInteger(x) && x >= 1;
  return {
    dir,
    tune,
    loraRank: numberOpt('lora-rank', s('lora-rank'), 8, pos),
    loraAlpha: numberOpt('lora-alpha', s('lora-alpha'), 16, (x) => x > 0),
    loraDropout: numberOpt('lora-dropout', s('lora-dropout'), 0, (x) => x >= 0 && x < 1),
    ...(targets?.length ? { loraTargets: targets } : {}),
    topK: numberOpt('top-k', s('top-k'), 2, pos),
    resetHead: Boolean(v['reset-head']),
    maxTokens: numberOpt('max-length', s('max-length'), 1024, (x) => Number.isInteger(x) && x >= 8),
    gradCheckpointing: !v['no-grad-checkpointing'],
  };
}

const isInt = (v: number) => Number.isInteger(v) && v >= 0;

export function configFrom(v: Record<string, unknown>): TrainConfig {
  const s = (k: string) => v[k] as string | undefined;
  const objective = s('objective') ?? DEFAULTS.objective;
  if (!isOneOf(OBJECTIVES, objective)) fail(`--objective must be one of ${OBJECTIVES.join('|')}, got "${objective}"`);
  const preset = s('preset') ?? DEFAULTS.preset;
  if (!isOneOf(PRESET_NAMES, preset)) fail(`--preset must be one of ${PRESET_NAMES.join('|')}, got "${preset}"`);
  const backend = s('backend') ?? DEFAULTS.backend;
  if (!isOneOf(BACKEND_NAMES, backend)) fail(`--backend must be ${BACKEND_NAMES.join('|')}, got "${backend}"`);
  return {
    ...DEFAULTS,
    objective,
    preset,
    backend,
    lambda: numberOpt('lambda', s('lambda'), DEFAULTS.lambda),
    margin: numberOpt('margin', s('margin'), DEFAULTS.margin),
    centerCoef: numberOpt('center-coef', s('center-coef'), DEFAULTS.centerCoef),
    epochs: numberOpt('epochs', s('epochs'), DEFAULTS.epochs, isInt),
    steps: numberOpt('steps', s('steps'), DEFAULTS.steps, isInt),
    batchSize: numberOpt('batch-size', s('batch-size'), DEFAULTS.batchSize, (x) => Number.isInteger(x) && x >= 1),
    lr: numberOpt('lr', s('lr'), DEFAULTS.lr, (x) => x > 0),
    seed: numberOpt('seed', s('seed'), DEFAULTS.seed, isInt),
    holdoutFrac: numberOpt('holdout', s('holdout'), DEFAULTS.holdoutFrac, (x) => x >= 0 && x < 1),
    evalEvery: numberOpt('eval-every', s('eval-every'), DEFAULTS.evalEvery, isInt),
    logEvery: numberOpt('log-every', s('log-every'), DEFAULTS.logEvery, (x) => Number.isInteger(x) && x >= 1),
    checkpointEvery: numberOpt('checkpoint-every', s('checkpoint-every'), DEFAULTS.checkpointEvery, isInt),
    checkpointMinutes: numberOpt(
      'checkpoint-minutes',
      s('checkpoint-minutes'),
      DEFAULTS.checkpointMinutes,
      (x) => Number.isFinite(x) && x >= 0,
    ),
    gradClip: numberOpt('grad-clip', s('grad-clip'), DEFAULTS.gradClip, (x) => Number.isFinite(x) && x >= 0),
    gradAccum: numberOpt('grad-accum', s('grad-accum'), DEFAULTS.gradAccum, (x) => Number.isInteger(x) && x >= 1),
  };
}

/** Runs one training with a terminal progress bar; shared by `train`, `demo` and the experiment runner's CLI. */
export async function trainWithProgress(
  trainFiles: string[],
  evalFiles: string[],
  config: TrainConfig,
  out: string | undefined,
  opts: { resume?: boolean; quiet?: boolean; mapping?: ReturnType<typeof mappingFrom>; label?: string; backbone?: BackboneParams } = {},
): Promise<RunSummary> {
  for (const f of [...trainFiles, ...evalFiles]) if (!fs.existsSync(f)) fail(`cannot read ${f}: no such file`);
  const runId = out ? path.basename(path.resolve(out)) : newRunId(config.objective, config.seed);
  const runDir = out ?? path.join('runs', runId);
  const bar = new Progress(opts.label ?? `train ${config.objective}`, opts.quiet);
  const t0 = performance.now();
  return runTraining(
    {
      runId,
      runDir,
      config,
      trainFiles,
      evalFiles,
      resume: Boolean(opts.resume),
      ...(opts.mapping ? { mapping: opts.mapping } : {}),
      ...(opts.backbone ? { backbone: opts.backbone } : {}),
    },
    {
      // Log lines quote file names and data (skipped rows): control characters are shown, never sent to the terminal.
      onLog: (m) => {
        if (!opts.quiet) process.stderr.write(`${visibleControls(m)}\n`);
      },
      onProgress: (m, total) =>
        bar.update(
          m.step,
          total,
          `loss ${m.loss.toFixed(4)} acc ${(m.accuracy * 100).toFixed(0)}% m ${m.batchMean.toFixed(3)} ${m.pairsPerSec.toFixed(1)} pairs/s ${((performance.now() - t0) / 1000).toFixed(0)}s`,
        ),
    },
  );
}

export async function trainCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: trainOptions });
  if (positionals.length === 0) fail('train needs at least one training file: reward-lens train data.jsonl --objective bsr');
  const config = configFrom(values);
  const backbone = backboneFrom(values);
  const summary = await trainWithProgress(positionals, values.eval ?? [], config, values.out, {
    resume: values.resume,
    quiet: values.quiet || values.json,
    mapping: mappingFrom(values),
    ...(backbone ? { backbone } : {}),
  });
  if (values.json) console.log(terminalJson(summary));
  else {
    console.log(
      `${summary.status}: ${summary.steps}/${summary.totalSteps} steps on ${summary.backend} in ${(summary.elapsedMs / 1000).toFixed(1)} s → ${summary.runDir}`,
    );
    if (summary.error) console.log(`error: ${oneLine(summary.error)}`);
    if (summary.finalEval) console.log(formatEval(summary.finalEval));
    if (backbone && summary.modelDir)
      console.log(
        `model: ${summary.modelDir} (a Hugging Face folder: AutoModelForSequenceClassification.from_pretrained loads it${backbone.tune === 'lora' ? `; the PEFT adapter is in ${summary.modelDir}/adapter` : ''})`,
      );
  }
  return summary.status === 'failed' ? 1 : 0;
}
