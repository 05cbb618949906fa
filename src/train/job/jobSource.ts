// What a TRL job is made from (reward-lens export-job RUN_OR_CONFIG): a run directory (its config.json, as
// src/train/runSetup.ts wrote it), or a JSON file: a run's config.json or request.json, or a hand-written
//   { "trainFiles": [...], "evalFiles": [...], "config": { "objective": "bsr", ... }, "backbone": { "dir": ... } }
// Everything is checked before anything is written; errors name the file and the field.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULTS, validateTrainConfig, type TrainConfig } from '../../core/config';
import { FileError, UserError } from '../../core/errors';
import { fingerprintDiff, type RunFingerprint } from '../../core/runFingerprint';
import { BACKBONE_DEFAULTS } from '../../core/hf/tuning';
import type { FieldMapping } from '../../core/types';
import type { BackboneParams } from '../../protocol/trainer';
import { readSealedJson } from '../../node/atomic';
import { digestFile } from '../../node/fileDigest';
import { runPaths } from '../../node/runDir';
import { EVALUATION_KIND } from '../../node/evaluationRun';

export interface JobSource {
  readonly kind: 'run' | 'config';
  /** The run directory or the config file, as given. */
  readonly path: string;
  readonly runId?: string;
  readonly config: TrainConfig;
  readonly trainFiles: readonly string[];
  readonly evalFiles: readonly string[];
  readonly mapping?: FieldMapping;
  readonly backbone?: BackboneParams;
  /** The run's fingerprint: the export checks the data files still have the bytes the run trained on. */
  readonly fingerprint?: RunFingerprint;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function readJsonObject(file: string): Json {
  let v: unknown;
  try {
    v = readSealedJson<Json>(file, { allowUnsealed: true });
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  if (!isObj(v)) throw new FileError({ file }, 'expected a JSON object');
  return v;
}

/** A path from a config file: as given (relative to the current directory), else relative to the file's folder. */
function resolveListed(file: string, field: string, p: unknown): string {
  if (typeof p !== 'string' || !p) throw new FileError({ file, field }, `expected a file path, got ${JSON.stringify(p)}`);
  if (fs.existsSync(p)) return p;
  const beside = path.resolve(path.dirname(file), p);
  if (!path.isAbsolute(p) && fs.existsSync(beside)) return beside;
  throw new FileError({ file, field }, `"${p}": no such file (read relative to the current directory, then to ${path.dirname(file)})`);
}

function filesOf(file: string, v: Json, key: 'trainFiles' | 'evalFiles'): string[] {
  const list = v[key] ?? (key === 'evalFiles' ? [] : undefined);
  if (!Array.isArray(list) || (key === 'trainFiles' && list.length === 0))
    throw new FileError({ file, field: key }, 'expected a non-empty list of data files');
  return list.map((p, i) => resolveListed(file, `${key}[${i}]`, p));
}

function configOf(file: string, v: Json): TrainConfig {
  if (v['config'] !== undefined && !isObj(v['config']))
    throw new FileError({ file, field: 'config' }, 'expected an object of training settings');
  const config = { ...DEFAULTS, ...((v['config'] as Json | undefined) ?? {}) } as TrainConfig;
  const problems = validateTrainConfig(config);
  if (problems.length) throw new FileError({ file, field: 'config' }, problems.join('; '));
  return config;
}

function backboneOf(file: string, v: Json): BackboneParams | undefined {
  const b = v['backbone'];
  if (b === undefined || b === null) return undefined;
  if (!isObj(b)) throw new FileError({ file, field: 'backbone' }, 'expected an object with "dir" (a Hugging Face folder)');
  const dir = resolveListed(file, 'backbone.dir', b['dir']);
  // Fields left out get the defaults of `reward-lens train --from`.
  return { ...BACKBONE_DEFAULTS, ...(b as Partial<BackboneParams>), dir };
}

function sourceOf(kind: JobSource['kind'], where: string, file: string, v: Json): JobSource {
  if (v['kind'] === EVALUATION_KIND)
    throw new UserError(
      `${where} is an evaluation (reward-lens eval --out): it has no training to export; export the run that trained the model`,
    );
  const mapping = isObj(v['mapping']) ? (v['mapping'] as FieldMapping) : undefined;
  const backbone = backboneOf(file, v);
  return {
    kind,
    path: where,
    ...(typeof v['runId'] === 'string' ? { runId: v['runId'] } : {}),
    config: configOf(file, v),
    trainFiles: filesOf(file, v, 'trainFiles'),
    evalFiles: filesOf(file, v, 'evalFiles'),
    ...(mapping ? { mapping } : {}),
    ...(backbone ? { backbone } : {}),
    ...(isObj(v['fingerprint']) ? { fingerprint: v['fingerprint'] as unknown as RunFingerprint } : {}),
  };
}

export async function resolveJobSource(source: string): Promise<JobSource> {
  if (!fs.existsSync(source)) throw new UserError(`${source}: no such run directory or config file`);
  if (fs.statSync(source).isDirectory()) {
    const p = runPaths(source);
    const file = fs.existsSync(p.config) ? p.config : path.join(source, 'request.json');
    if (!fs.existsSync(file)) throw new UserError(`${source} is not a Reward Lens run directory (no config.json or request.json)`);
    return checkRunData(sourceOf('run', source, file, readJsonObject(file)));
  }
  if (!/\.json$/i.test(source))
    throw new UserError(
      `${source}: expected a run directory or a JSON config file ({ "trainFiles": [...], "config": {...}, "backbone": {...} })`,
    );
  return checkRunData(sourceOf('config', source, source, readJsonObject(source)));
}

/** A run's data files must still hold the bytes it trained on: otherwise the job's pairs would not be the run's. */
async function checkRunData(s: JobSource): Promise<JobSource> {
  const fp = s.fingerprint;
  if (!fp) return s;
  const now = { trainFiles: await Promise.all(s.trainFiles.map(digestFile)), evalFiles: await Promise.all(s.evalFiles.map(digestFile)) };
  const was = { trainFiles: fp.entries['trainFiles'] ?? null, evalFiles: fp.entries['evalFiles'] ?? null };
  const diff = fingerprintDiff({ version: 1, entries: was }, { version: 1, entries: now });
  if (diff.length)
    throw new UserError(
      `${s.path}: the data changed since the run was trained (${diff.join('; ')}); the job would not train on the run's pairs. Export from a config file instead to use the data as it is now`,
    );
  return s;
}
