// What reward-lens import-job reads, all checked before anything is written: the TRL output directory (train.py's
// reward_lens_run.json, trainer_state.json, the checkpoints and the final model), and the job folder it came from
// (job.json and Reward Lens' own eval sets, whose sha256 must match what the export wrote).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FileError, UserError } from '../../core/errors';
import { parseRunRecord, type TrlRunRecord } from '../../core/job/trlRecord';
import { RUN_RECORD_FILE, TRL_JOB_FORMAT, type TrlJob } from '../../core/job/trlJob';
import { readJsonFile } from '../../node/atomic';
import { isHfModelFolder } from '../../node/hf/modelFolder';
import type { EvalSetData } from '../trainingData';

export interface ImportSource {
  readonly outputDir: string;
  readonly record: TrlRunRecord;
  readonly recordText: string;
  readonly jobDir: string;
  readonly job: TrlJob;
  readonly evalSets: readonly EvalSetData[];
  readonly stateFile: string;
  readonly state: { readonly global_step?: unknown; readonly log_history?: unknown };
}

/** A model folder to score, and the step it stands for. */
export interface ScoredModel {
  readonly step: number;
  readonly dir: string;
  readonly what: string;
}

/** DIR is the output directory (it holds reward_lens_run.json) or the job folder whose output/ it is. */
function locateOutput(dir: string): string {
  if (fs.existsSync(path.join(dir, RUN_RECORD_FILE))) return dir;
  if (fs.existsSync(path.join(dir, 'job.json')) && fs.existsSync(path.join(dir, 'output', RUN_RECORD_FILE)))
    return path.join(dir, 'output');
  if (!fs.existsSync(dir)) throw new UserError(`${dir}: no such directory`);
  throw new UserError(
    `${dir}: no ${RUN_RECORD_FILE}: not the output directory of a Reward Lens TRL job (train.py writes that file when it starts; give the directory passed as --output_dir, or the job folder whose output/ it is)`,
  );
}

function readJob(jobDir: string): { job: TrlJob; evalSets: EvalSetData[] } {
  const file = path.join(jobDir, 'job.json');
  if (!fs.existsSync(file)) throw new UserError(`${jobDir}: no job.json; pass the job folder the run was made from with --job DIR`);
  const job = readJsonFile<TrlJob>(file);
  if (job?.format !== TRL_JOB_FORMAT)
    throw new FileError({ file, field: 'format' }, `expected "${TRL_JOB_FORMAT}", got ${JSON.stringify(job?.format)}`);
  if (typeof job.data?.evalSets !== 'string' || typeof job.files !== 'object')
    throw new FileError({ file, field: 'data.evalSets' }, 'missing: the job file is damaged');
  const setsFile = path.join(jobDir, job.data.evalSets);
  const text = fs.readFileSync(setsFile, 'utf8');
  const want = job.files[job.data.evalSets];
  const got = createHash('sha256').update(text).digest('hex');
  if (want !== got)
    throw new FileError(
      { file: setsFile },
      `sha256 ${got.slice(0, 12)}… differs from ${String(want).slice(0, 12)}… recorded in job.json: the eval sets were changed after the export`,
    );
  const sets = (JSON.parse(text) as { sets?: EvalSetData[] }).sets;
  if (!Array.isArray(sets) || sets.length === 0) throw new FileError({ file: setsFile, field: 'sets' }, 'missing or empty');
  return { job, evalSets: sets };
}

const checkpointStep = (name: string) => (/^checkpoint-(\d+)$/.exec(name) ? Number(/^checkpoint-(\d+)$/.exec(name)![1]) : undefined);

function checkpoints(outputDir: string): { step: number; dir: string }[] {
  return fs
    .readdirSync(outputDir, { withFileTypes: true })
    .flatMap((d) => {
      const step = d.isDirectory() ? checkpointStep(d.name) : undefined;
      return step === undefined ? [] : [{ step, dir: path.join(outputDir, d.name) }];
    })
    .sort((a, b) => a.step - b.step);
}

/** trainer_state.json: the output directory's (written at the end), else the newest checkpoint's (a run that stopped). */
function readState(outputDir: string): { file: string; state: ImportSource['state'] } {
  const candidates = [
    path.join(outputDir, 'trainer_state.json'),
    ...checkpoints(outputDir)
      .reverse()
      .map((c) => path.join(c.dir, 'trainer_state.json')),
  ];
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) throw new UserError(`${outputDir}: no trainer_state.json, in it or in a checkpoint-N folder: the run saved nothing yet`);
  return { file, state: readJsonFile<ImportSource['state']>(file) };
}

export function readImportSource(dir: string, jobDirOverride?: string): ImportSource {
  const outputDir = path.resolve(locateOutput(dir));
  const recordFile = path.join(outputDir, RUN_RECORD_FILE);
  const recordText = fs.readFileSync(recordFile, 'utf8');
  const record = parseRunRecord(readJsonFile(recordFile), recordFile);
  // The job folder: as given, else where train.py read job.json, else the output directory's parent (moved together).
  const candidates = jobDirOverride ? [jobDirOverride] : [record.job.dir, path.dirname(outputDir)];
  const jobDir = path.resolve(candidates.find((d) => fs.existsSync(path.join(d, 'job.json'))) ?? candidates[0]!);
  const { job, evalSets } = readJob(jobDir);
  const { file, state } = readState(outputDir);
  return { outputDir, record, recordText, jobDir, job, evalSets, stateFile: file, state };
}

/**
 * The models to score, by step: the base model at step 0 (when it is a local folder), every checkpoint that holds a
 * full model (LoRA checkpoints: their merged/ folder), and the final model at the last step.
 */
export function modelsToScore(src: ImportSource): { readonly models: ScoredModel[]; readonly skipped: string[] } {
  const models: ScoredModel[] = [];
  const skipped: string[] = [];
  const base = src.record.job_args.model_name_or_path;
  if (fs.existsSync(base) && isHfModelFolder(base))
    models.push({ step: 0, dir: path.resolve(base), what: 'the base model, before training' });
  else skipped.push(`step 0: the base model ${base} is not a local folder here, so the untrained model is not scored`);
  const lastStep = typeof src.state.global_step === 'number' ? src.state.global_step : src.record.global_step;
  const final = src.record.final_model !== undefined ? path.join(src.outputDir, src.record.final_model) : undefined;
  for (const c of checkpoints(src.outputDir)) {
    if (final && c.step === lastStep) continue; // the final model stands for the last step
    const dir = [path.join(c.dir, 'merged'), c.dir].find(isHfModelFolder);
    if (dir) models.push({ step: c.step, dir, what: `checkpoint ${c.step}` });
    else skipped.push(`${c.dir}: a PEFT adapter without merged/ (train.py --merge_checkpoints false): not scored`);
  }
  if (final && isHfModelFolder(final)) models.push({ step: lastStep, dir: final, what: 'the final model' });
  else if (final) throw new UserError(`${final}: the final model named by ${RUN_RECORD_FILE} (final_model) is not a Hugging Face folder`);
  return { models, skipped };
}
