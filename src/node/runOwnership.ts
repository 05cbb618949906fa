// A run directory belongs to one run. Before a run writes anything it looks at its directory (read-only):
//   - missing or empty (or holding only the host's request.json for this run): the run starts there;
//   - an earlier Reward Lens run: --resume checks its fingerprint; a fresh run moves it aside to previous-runs/<time>/
//     (never deletes it) and says so;
//   - anything else (a dataset folder, a home directory): refused, naming what is there.
// While a run trains it holds run.lock (pid + host): a second process training into the same directory is refused;
// the lock of a process that died (kill -9) is taken over.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../core/errors';
import type { RunFingerprint } from '../core/runFingerprint';
import { readSealedJson, sealStatus, TMP_PATTERN, writeFileAtomic } from './atomic';
import { runPaths } from './runDir';

export const RUN_FORMAT = 'reward-lens-run';
/** The fields of config.json as src/train/runSetup.ts writes it. */
const RUN_CONFIG_KEYS = new Set([
  'format',
  'version',
  'runId',
  'config',
  'model',
  'trainFiles',
  'evalFiles',
  'mapping',
  'backbone',
  'backend',
  'trainPairs',
  'evalSets',
  'fingerprint',
  'createdAt',
  // A run trained elsewhere and imported (reward-lens import-job): where it came from. It has no checkpoint to resume.
  'imported',
]);

export type RunDirState =
  | { readonly kind: 'empty' }
  | {
      readonly kind: 'run';
      readonly runId?: string;
      readonly fingerprint?: RunFingerprint;
      readonly damaged?: string;
      readonly entries: readonly string[];
      readonly imported?: boolean;
    }
  | { readonly kind: 'foreign'; readonly entries: readonly string[] };

interface LockFile {
  readonly pid: number;
  readonly host: string;
  readonly runId: string;
  readonly startedAt: string;
}

const STARTING_ONLY = new Set(['log.txt', 'disk-reserve.tmp']);

/** Locks this process holds (a worker thread restarted in the same process must not see its own dead lock as live). */
const held = new Set<string>();

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Why the lock at `file` is live (another process trains here), or undefined when it is stale or absent. */
function liveLock(file: string): string | undefined {
  const lock = readJson(file) as Partial<LockFile> | undefined;
  if (!lock || typeof lock.pid !== 'number') return undefined;
  if (lock.host !== os.hostname()) return `run.lock says host ${lock.host}, pid ${lock.pid}; if no run is going on there, delete ${file}`;
  if (lock.pid === process.pid) return held.has(file) ? 'this process is already training here' : undefined;
  try {
    process.kill(lock.pid, 0);
    return `process ${lock.pid} (started ${lock.startedAt ?? '?'}) is training here`;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM' ? `process ${lock.pid} is training here` : undefined;
  }
}

/** What is in a run directory, without changing anything. Throws a UserError when it is not usable at all. */
export function inspectRunDir(runDir: string, runId: string): RunDirState {
  if (!fs.existsSync(runDir)) return { kind: 'empty' };
  if (!fs.statSync(runDir).isDirectory()) throw new UserError(`${runDir} is a file, not a directory; give the run a directory of its own`);
  const p = runPaths(runDir);
  const busy = liveLock(p.lock);
  if (busy) throw new UserError(`${runDir} is in use: ${busy}`);
  // A run directory holds only its own files: a symbolic link in it (a cloned repository can ship one) would make the
  // run write, prune or move files elsewhere.
  const link = fs.readdirSync(runDir).find((n) => fs.lstatSync(path.join(runDir, n)).isSymbolicLink());
  if (link)
    throw new UserError(
      `${path.join(runDir, link)} is a symbolic link (to ${fs.readlinkSync(path.join(runDir, link))}); a run directory must hold only its own files: remove the link or choose another directory`,
    );
  const request = readJson(path.join(runDir, 'request.json'));
  const entries = fs
    .readdirSync(runDir)
    .filter((n) => n !== 'run.lock' && !TMP_PATTERN.test(n) && !(n === 'request.json' && request?.['runId'] === runId));
  // A run killed before it wrote config.json left only its log and reserve: nothing to keep, nothing to check.
  if (entries.every((n) => STARTING_ONLY.has(n)) && !fs.existsSync(p.config)) return { kind: 'empty' };
  const summary = readJson(p.summary);
  if (!fs.existsSync(p.config)) {
    const marked = (summary && typeof summary['runId'] === 'string') || (request && typeof request['runId'] === 'string');
    return marked ? { kind: 'run', entries, damaged: 'config.json is missing' } : { kind: 'foreign', entries };
  }
  try {
    const cfg = readSealedJson<Record<string, unknown>>(p.config, { allowUnsealed: true });
    const legacy =
      !('format' in cfg) &&
      typeof cfg['runId'] === 'string' &&
      typeof (cfg['config'] as { objective?: unknown } | undefined)?.objective === 'string';
    if (cfg['format'] !== RUN_FORMAT && !legacy) return { kind: 'foreign', entries };
    // A current run's config.json is always sealed and has only known fields: anything else is damage.
    if (!legacy && sealStatus(fs.readFileSync(p.config, 'utf8')) !== 'ok')
      throw new Error(`${p.config}: checksum missing: the file was damaged or edited after it was written`);
    const unknown = legacy ? [] : Object.keys(cfg).filter((k) => !RUN_CONFIG_KEYS.has(k));
    if (unknown.length) throw new Error(`${p.config}: field "${unknown[0]}" is not a field of a run's config.json (the file is damaged)`);
    const fingerprint = cfg['fingerprint'] as RunFingerprint | undefined;
    return {
      kind: 'run',
      entries,
      ...(typeof cfg['runId'] === 'string' ? { runId: cfg['runId'] } : {}),
      ...(fingerprint ? { fingerprint } : {}),
      ...(cfg['imported'] ? { imported: true } : {}),
    };
  } catch (e) {
    return { kind: 'run', entries, damaged: (e as Error).message };
  }
}

export interface RunClaim {
  /** Where an earlier run was moved, when a fresh run replaced one. */
  readonly movedTo?: string;
  /** Removes run.lock (once the summary is written). */
  release(): void;
}

/** Takes the directory: run.lock first (refused if another process got there), then a fresh run moves an earlier one aside. */
export function claimRunDir(runDir: string, runId: string, state: RunDirState, fresh: boolean): RunClaim {
  const p = runPaths(runDir);
  fs.mkdirSync(runDir, { recursive: true });
  const lock: LockFile = { pid: process.pid, host: os.hostname(), runId, startedAt: new Date().toISOString() };
  try {
    fs.writeFileSync(p.lock, JSON.stringify(lock) + '\n', { flag: 'wx' });
  } catch (e) {
    if ((e as { code?: string }).code !== 'EEXIST') throw e;
    const busy = liveLock(p.lock);
    if (busy) throw new UserError(`${runDir} is in use: ${busy}`);
    writeFileAtomic(p.lock, JSON.stringify(lock) + '\n'); // a dead process's lock
  }
  held.add(p.lock);
  const release = () => {
    held.delete(p.lock);
    if ((readJson(p.lock) as Partial<LockFile> | undefined)?.pid === process.pid) fs.rmSync(p.lock, { force: true });
  };
  try {
    const movedTo = fresh && state.kind === 'run' ? moveAside(runDir, state.entries) : undefined;
    return { ...(movedTo ? { movedTo } : {}), release };
  } catch (e) {
    release();
    throw e;
  }
}

/** Moves an earlier run's files into previous-runs/<timestamp>/ (earlier replacements stay where they are). */
function moveAside(runDir: string, entries: readonly string[]): string {
  const p = runPaths(runDir);
  const dest = path.join(p.previousRuns, new Date().toISOString().replace(/[:.]/g, '-'));
  fs.mkdirSync(dest, { recursive: true });
  for (const name of entries) if (name !== 'previous-runs') fs.renameSync(path.join(runDir, name), path.join(dest, name));
  return dest;
}
