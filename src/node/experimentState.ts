// DIR/experiment.json: what the experiment is (its fingerprint: data, split and training settings) and which
// (objective, seed) runs have finished. Written atomically after every change, so an interrupted
// experiment resumes from it: finished runs are skipped, the unfinished one resumes from its checkpoint.
import fs from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from './atomic';
import { UserError } from '../core/errors';
import { resolveInside } from './safePath';
import type { RunStatus } from '../core/scenarios/reportAggregate';

export interface RunState {
  readonly objective: string;
  readonly seed: number;
  readonly runId: string;
  /** Relative to the experiment directory. */
  readonly runDir: string;
  status: RunStatus;
  backend?: string;
  steps?: number;
  totalSteps?: number;
  elapsedMs?: number;
  error?: string;
  startedAt?: string;
  finishedAt?: string;
  /** How many times this run was started (2+ means it was resumed). */
  attempts: number;
}

export interface ExperimentState {
  readonly version: 1;
  readonly createdAt: string;
  updatedAt: string;
  /** The settings that must not change between a run and its resume (data, split, training config). */
  readonly fingerprint: Readonly<Record<string, unknown>>;
  /** The latest command line, for the report's rerun section. */
  command: string;
  objectives: string[];
  seeds: number[];
  runs: Record<string, RunState>;
}

export class ExperimentError extends UserError {
  override readonly name = 'ExperimentError';
  override readonly code: string = 'experiment';
}

export const experimentFile = (outDir: string) => path.join(outDir, 'experiment.json');

export function readExperimentState(outDir: string): ExperimentState | undefined {
  const file = experimentFile(outDir);
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ExperimentState;
  } catch (e) {
    throw new ExperimentError(`${file}: not valid JSON (${(e as Error).message}); move it away to start over`);
  }
}

export function writeExperimentState(outDir: string, state: ExperimentState): void {
  state.updatedAt = new Date().toISOString();
  writeJsonAtomic(experimentFile(outDir), state);
}

/** Names the settings that differ, so the user knows why a resume was refused. */
export function fingerprintDiff(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys]
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => `${k}: was ${JSON.stringify(a[k])}, now ${JSON.stringify(b[k])}`);
}

/**
 * Opens the experiment in `outDir`: creates the state, or checks that an existing one has the same fingerprint
 * and adds any new objectives/seeds (adding runs to a finished experiment is allowed).
 */
export function openExperiment(
  outDir: string,
  fingerprint: Record<string, unknown>,
  command: string,
  objectives: readonly string[],
  seeds: readonly number[],
): ExperimentState {
  const prior = readExperimentState(outDir);
  const now = new Date().toISOString();
  const state: ExperimentState = prior ?? {
    version: 1,
    createdAt: now,
    updatedAt: now,
    fingerprint,
    command,
    objectives: [],
    seeds: [],
    runs: {},
  };
  if (prior) {
    checkRunDirs(outDir, prior);
    const diff = fingerprintDiff(prior.fingerprint, fingerprint);
    if (diff.length) {
      throw new ExperimentError(
        `${experimentFile(outDir)} was made with different settings, so it cannot be resumed:\n  ${diff.join('\n  ')}\nUse a new --out directory, or rerun with the original settings (see its "command").`,
      );
    }
  }
  state.command = command;
  state.objectives = [...new Set([...state.objectives, ...objectives])];
  state.seeds = [...new Set([...state.seeds, ...seeds])];
  for (const objective of objectives) {
    for (const seed of seeds) {
      const runId = `${objective}-s${seed}`;
      state.runs[runId] ??= { objective, seed, runId, runDir: path.join('runs', runId), status: 'pending', attempts: 0 };
    }
  }
  writeExperimentState(outDir, state);
  return state;
}

/**
 * experiment.json is a file anyone can edit (or ship in a repository): every run must live at runs/<runId> inside the
 * experiment directory, so a runDir of "../victim" or "/etc" can never be trained into, pruned or read.
 */
export function checkRunDirs(outDir: string, state: ExperimentState): void {
  for (const [key, run] of Object.entries(state.runs ?? {})) {
    const expected = path.join('runs', key);
    if (typeof run?.runDir !== 'string' || path.normalize(run.runDir) !== expected || run.runId !== key) {
      throw new ExperimentError(
        `${experimentFile(outDir)}: field "runs.${key}.runDir" is ${JSON.stringify(run?.runDir)} (runId ${JSON.stringify(run?.runId)}); it must be "${expected}" inside the experiment directory. Fix or remove the file to start over`,
      );
    }
  }
}

/** The run's directory, resolved and checked to be inside the experiment's runs/ folder (no symbolic link out). */
export function experimentRunDir(outDir: string, run: RunState): string {
  const runsDir = resolveInside(outDir, 'runs', "the experiment's runs folder");
  return resolveInside(runsDir, path.relative('runs', path.normalize(run.runDir)), `runDir of ${run.runId} in ${experimentFile(outDir)}`);
}
