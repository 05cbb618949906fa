// Where best-of-N results live: bon.json inside a run directory: an evaluation made for it (`reward-lens bon --out
// DIR` on a new or empty DIR), an existing evaluation or training run of the same model, or each run of a scenario
// experiment. The diagnostics panel reads it from there (src/node/runs.ts); nothing is ever written next to the data.
import fs from 'node:fs';
import path from 'node:path';
import { FileError, UserError } from '../core/errors';
import type { BonReport } from '../core/bon/types';
import type { RunSummary } from '../protocol/trainer';
import { parseJsonFile, readJsonFile, writeJsonAtomic } from './atomic';
import { EVALUATION_KIND } from './evaluationRun';
import { runPaths } from './runDir';
import { assertSparesInputs, realPathOf } from './safePath';

export const BON_FILE = 'bon.json';
export const bonPath = (runDir: string) => path.join(runDir, BON_FILE);

/** What --out DIR is: a fresh directory to become an evaluation, or a run of this model to add bon.json to. */
export type BonTarget = { readonly kind: 'new' } | { readonly kind: 'run' };

function readConfig(dir: string): Record<string, unknown> | undefined {
  const file = runPaths(dir).config;
  if (!fs.existsSync(file)) return undefined;
  try {
    const v: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    throw new FileError({ file }, 'not valid JSON; the run directory is damaged, so bon.json is not added to it');
  }
}

/** The model folder a run directory scores with: an evaluation's model.dir, a training run's model/. */
function modelOfRun(dir: string, cfg: Record<string, unknown>): string | undefined {
  if (cfg.kind === EVALUATION_KIND) {
    const m = cfg.model as { dir?: unknown } | undefined;
    return typeof m?.dir === 'string' ? m.dir : undefined;
  }
  return fs.existsSync(runPaths(dir).model) ? runPaths(dir).model : undefined;
}

/** Checks --out before any scoring; throws a one-line UserError saying why DIR cannot take the result. */
export function bonTarget(outDir: string, modelFolder: string, inputs: readonly string[]): BonTarget {
  assertSparesInputs(outDir, inputs, 'best-of-N output directory');
  if (!fs.existsSync(outDir)) return { kind: 'new' };
  if (!fs.statSync(outDir).isDirectory()) throw new UserError(`${outDir} is a file; --out takes a directory`);
  const entries = fs.readdirSync(outDir);
  if (entries.length === 0) return { kind: 'new' };
  const cfg = readConfig(outDir);
  const runModel = cfg ? modelOfRun(outDir, cfg) : undefined;
  if (!cfg || !runModel) {
    throw new UserError(
      `${outDir} is not empty and is not a Reward Lens run or evaluation (it holds ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); choose a new directory`,
    );
  }
  const same = (a: string) => realPathOf(a) === realPathOf(modelFolder) || realPathOf(path.join(a, 'model')) === realPathOf(modelFolder);
  if (!same(runModel))
    throw new UserError(
      `${outDir} belongs to the model ${runModel}, not ${modelFolder}; write best-of-N for this model to its own directory`,
    );
  return { kind: 'run' };
}

export interface BonRunRecord {
  readonly modelDir: string;
  readonly files: readonly string[];
  readonly report: BonReport;
  readonly elapsedMs: number;
}

/** Writes bon.json (atomically); a new directory also gets config.json + summary.json, so the panel lists it. */
export function writeBonRun(outDir: string, target: BonTarget, r: BonRunRecord): string {
  fs.mkdirSync(outDir, { recursive: true });
  if (target.kind === 'new') {
    const runId = path.basename(path.resolve(outDir));
    const p = runPaths(outDir);
    writeJsonAtomic(p.config, {
      kind: EVALUATION_KIND,
      runId,
      model: { ...r.report.model, dir: r.modelDir },
      evalFiles: r.files,
      bestOfN: true,
      createdAt: r.report.createdAt,
    });
    const summary: RunSummary = {
      runId,
      runDir: outDir,
      status: 'completed',
      steps: 0,
      totalSteps: 0,
      backend: r.report.model.engine,
      elapsedMs: r.elapsedMs,
      modelDir: r.modelDir,
    };
    writeJsonAtomic(p.summary, summary);
  }
  const file = bonPath(outDir);
  writeJsonAtomic(file, r.report);
  return file;
}

function isBonReport(v: unknown): v is BonReport {
  const r = v as Partial<BonReport> | null;
  return !!r && r.format === 'reward-lens-bon' && r.version === 1 && Array.isArray(r.sets) && Array.isArray(r.ns);
}

/** bon.json of a run, or undefined when there is none; a damaged one is a FileError naming it. */
export function readBonReport(runDir: string): BonReport | undefined {
  const file = bonPath(runDir);
  if (!fs.existsSync(file)) return undefined;
  return checkBonReport(readJsonFile<unknown>(file), file);
}

/** The text of a bon.json (read by the caller); a damaged one is a FileError naming `file`. */
export function parseBonReport(text: string, file: string): BonReport {
  return checkBonReport(parseJsonFile<unknown>(text, file), file);
}

function checkBonReport(v: unknown, file: string): BonReport {
  if (!isBonReport(v))
    throw new FileError(
      { file, field: 'format' },
      'not a Reward Lens best-of-N report (expected format "reward-lens-bon", version 1, sets, ns)',
    );
  return v;
}
