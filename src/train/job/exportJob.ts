// reward-lens export-job RUN_OR_CONFIG --trl OUT (and the extension's Export Training Job (TRL)…): a self-contained
// folder that trains the run's reward model with TRL's RewardTrainer. The pairs are the ones a local run makes
// (src/train/trainingData.ts: same skips, same held-out split, same train sample), written in TRL's format; the
// folder is built aside and renamed into place, so a failed export leaves nothing behind.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../core/errors';
import { parseHfConfig } from '../../core/hf/spec';
import { DEFAULT_LORA_TARGETS } from '../../core/hf/tuning';
import { countSkipped } from '../../core/data/skipped';
import {
  jobArgsOf,
  rewardLensSteps,
  safeSetFileName,
  trainingArgsOf,
  trlRow,
  TRL_JOB_FORMAT,
  type TrlJob,
  type TrlManifest,
} from '../../core/job/trlJob';
import { LOSS_PY, TRAIN_PY } from '../../core/job/trlPython';
import { accelerateConfigs, requirementsTxt, slurmScript } from '../../core/job/trlLaunch';
import { jobReadme } from '../../core/job/trlReadme';
import type { BackboneParams } from '../../protocol/trainer';
import { readJsonFile, writeDirAtomic, writeFileAtomic } from '../../node/atomic';
import { digestFile } from '../../node/fileDigest';
import { isHfModelFolder } from '../../node/hf/modelFolder';
import { assertSparesInputs, isInside, realPathOf } from '../../node/safePath';
import { loadTrainingData, type TrainingData } from '../trainingData';
import { resolveJobSource, type JobSource } from './jobSource';

export const EVAL_SETS_FILE = 'reward-lens/eval-sets.json';

export interface ExportJobOptions {
  /** A run directory or a JSON config file. */
  readonly source: string;
  /** A new or empty folder; never one holding (or inside) an input. */
  readonly outDir: string;
  /** The model to start from; required for a run trained from scratch, overrides the run's backbone otherwise. */
  readonly backbone?: BackboneParams;
  readonly log?: (message: string) => void;
}

export interface ExportJobResult {
  readonly outDir: string;
  readonly job: TrlJob;
  readonly manifest: TrlManifest;
  readonly files: readonly string[];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const jsonl = (rows: readonly object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

export async function exportTrlJob(opts: ExportJobOptions): Promise<ExportJobResult> {
  const src = await resolveJobSource(opts.source);
  const backbone = opts.backbone ?? src.backbone;
  if (!backbone) {
    throw new UserError(
      `${src.path} was trained from scratch: its model uses Reward Lens' own compact vocabulary, which transformers cannot load, so a TRL job cannot continue it. Give the Hugging Face model the job should train with --from FOLDER (the job then trains that model on this run's data, objective and hyper-parameters; the preset's size is not carried over)`,
    );
  }
  if (!fs.existsSync(backbone.dir) || !isHfModelFolder(backbone.dir))
    throw new UserError(
      `${backbone.dir}: not a Hugging Face model folder (config.json with a "model_type", *.safetensors, tokenizer.json)`,
    );
  const family = parseHfConfig(readJsonFile(path.join(backbone.dir, 'config.json')), path.join(backbone.dir, 'config.json')).family;
  checkOutDir(opts.outDir, [...src.trainFiles, ...src.evalFiles, backbone.dir, src.path]);
  // Absolute paths: the pairs (ids, splits) are the same as the run's, and their source lines stay findable.
  const abs = { ...src, trainFiles: src.trainFiles.map((f) => path.resolve(f)), evalFiles: src.evalFiles.map((f) => path.resolve(f)) };
  const data = await loadTrainingData(abs.trainFiles, abs.evalFiles, {
    holdoutFrac: src.config.holdoutFrac,
    seed: src.config.seed,
    ...(src.mapping ? { mapping: src.mapping } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  const built = await buildJob(abs, { ...backbone, dir: path.resolve(backbone.dir) }, DEFAULT_LORA_TARGETS[family], data);
  await writeDirAtomic(opts.outDir, (tmp) => {
    for (const [rel, text] of built.files) writeFileAtomic(path.join(tmp, rel), text);
    for (const rel of ['train.py', 'slurm.sbatch']) fs.chmodSync(path.join(tmp, rel), 0o755);
  });
  opts.log?.(
    `wrote the TRL job to ${opts.outDir}: ${built.manifest.train.pairs} training pairs, ${built.manifest.eval.length} eval sets (${built.manifest.eval.map((e) => `${e.name} ${e.pairs}`).join(', ')})`,
  );
  return { outDir: opts.outDir, job: built.job, manifest: built.manifest, files: [...built.files.keys()].sort() };
}

/** OUT must be new or empty, and neither hold an input nor lie inside one (a run directory, the model folder). */
function checkOutDir(outDir: string, inputs: readonly string[]): void {
  assertSparesInputs(outDir, inputs, 'job folder');
  for (const input of inputs) {
    if (fs.existsSync(input) && fs.statSync(input).isDirectory() && isInside(input, outDir)) {
      throw new UserError(`the job folder ${outDir} is inside ${input}, an input of the job; choose a folder elsewhere`);
    }
  }
  if (fs.existsSync(outDir) && (!fs.statSync(outDir).isDirectory() || fs.readdirSync(outDir).length > 0)) {
    throw new UserError(`${outDir} (${realPathOf(outDir)}) is not empty; export the job into a new folder`);
  }
}

/** Every file of the job folder, by relative path. */
async function buildJob(src: JobSource, backbone: BackboneParams, defaultTargets: readonly string[], data: TrainingData) {
  const files = new Map<string, string>();
  files.set('data/train.jsonl', jsonl(data.train.map(trlRow)));
  const evalFiles: Record<string, string> = {};
  const taken = new Set<string>();
  for (const set of data.evalSets) {
    if (set.pairs.length === 0) continue; // multi-response only: scored by the import, TRL evaluates pairs
    const name = safeSetFileName(set.name, taken);
    taken.add(name);
    evalFiles[set.name] = `data/eval/${name}.jsonl`;
    files.set(evalFiles[set.name]!, jsonl(set.pairs.map(trlRow)));
  }
  files.set(EVAL_SETS_FILE, JSON.stringify({ format: 'reward-lens-eval-sets', version: 1, sets: data.evalSets }) + '\n');
  const hashes = Object.fromEntries([...files].map(([rel, text]) => [rel, sha256(text)]));
  const id = src.runId ?? path.basename(src.path).replace(/\.json$/i, '');
  const job: TrlJob = {
    format: TRL_JOB_FORMAT,
    version: 1,
    id,
    createdAt: new Date().toISOString(),
    source: { kind: src.kind, path: path.resolve(src.path), ...(src.runId ? { runId: src.runId } : {}) },
    rewardLens: { config: src.config, trainFiles: src.trainFiles, evalFiles: src.evalFiles, mapping: src.mapping ?? null, backbone },
    job_args: jobArgsOf(src.config, backbone, defaultTargets),
    training_args: trainingArgsOf(src.config, backbone, data.train.length, Object.keys(evalFiles).length > 0),
    data: { train: 'data/train.jsonl', eval: evalFiles, evalSets: EVAL_SETS_FILE },
    files: hashes,
  };
  const manifest = await manifestOf(src, data, evalFiles);
  files.set('job.json', JSON.stringify(job, null, 2) + '\n');
  files.set('manifest.json', JSON.stringify(manifest, null, 2) + '\n');
  files.set('README.md', jobReadme(job, manifest));
  files.set('train.py', TRAIN_PY);
  files.set('reward_lens_loss.py', LOSS_PY);
  files.set('requirements.txt', requirementsTxt());
  files.set('slurm.sbatch', slurmScript(id));
  for (const [rel, text] of Object.entries(accelerateConfigs())) files.set(rel, text);
  return { files, job, manifest };
}

async function manifestOf(src: JobSource, data: TrainingData, evalFiles: Readonly<Record<string, string>>): Promise<TrlManifest> {
  const { total, batchPairs } = rewardLensSteps(src.config, data.train.length);
  const held = data.evalSets.find((s) => s.name === 'held-out' && src.config.holdoutFrac > 0);
  return {
    format: 'reward-lens-trl-manifest',
    version: 1,
    train: { pairs: data.train.length, file: 'data/train.jsonl' },
    eval: data.evalSets.map((s) => ({
      name: s.name,
      source: s.file,
      pairs: s.pairs.length,
      prompts: s.multi.length,
      trl: evalFiles[s.name] ?? null,
    })),
    inputs: await Promise.all([...src.trainFiles, ...src.evalFiles].map(digestFile)),
    skipped: { total: data.skipped.length, byReason: Object.fromEntries(countSkipped(data.skipped)), rows: data.skipped.slice(0, 200) },
    heldOut: held ? { frac: src.config.holdoutFrac, seed: src.config.seed, pairs: held.pairs.length } : null,
    steps: { total, batchPairs, microBatch: Math.max(1, Math.floor(batchPairs / src.config.gradAccum)) },
    notes: data.notes,
  };
}
