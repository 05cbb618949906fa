// The extension host's reader of run directories. Asynchronous, so nothing blocks the editor thread; each directory
// is read once, and again only when its stamp changes (mtime and size of the directory and of every file the readers
// use: an append to metrics.jsonl changes no directory mtime); curves are read only for the runs asked for.
// It parses with the same functions as the synchronous readers in runs.ts, so both see a directory alike.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { experimentRunId, type RunDetails, type RunInfo, type StoredRun } from '../core/runs/runInfo';
import { bonPath } from './bonOutput';
import { runPaths } from './runDir';
import { requestPath, runDetailsOf, runInfoOf } from './runs';

/** The file system as the catalog uses it: a seam, so tests can count what is read. */
export interface RunFs {
  /** Names of the directories in `dir`; [] when it is missing or unreadable. */
  subdirs(dir: string): Promise<string[]>;
  /** A short string that changes when the path's content changes ("mtimeMs:size"); undefined when it is missing. */
  stat(p: string): Promise<string | undefined>;
  /** A file's text; undefined when it is missing or unreadable. */
  readText(file: string): Promise<string | undefined>;
}

export const nodeRunFs: RunFs = {
  async subdirs(dir) {
    try {
      return (await fsp.readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch {
      return [];
    }
  },
  async stat(p) {
    try {
      const s = await fsp.stat(p);
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return undefined;
    }
  },
  async readText(file) {
    try {
      return await fsp.readFile(file, 'utf8');
    } catch {
      return undefined;
    }
  },
};

export interface RunRoots {
  readonly runsRoot?: string;
  readonly experimentsRoot?: string;
}

interface RunDirRef {
  readonly runDir: string;
  readonly runId: string;
  readonly experiment?: { readonly experimentId: string; readonly name: string };
}

interface Entry {
  readonly stamp: string;
  /** Undefined: the directory does not look like a run (until its stamp changes). */
  readonly info?: RunInfo;
  details?: RunDetails;
}

/** The paths whose stats make a run directory's stamp (whether the model and checkpoints exist is read from them too). */
function stampedPaths(runDir: string) {
  const p = runPaths(runDir);
  return {
    dir: runDir,
    config: p.config,
    request: requestPath(runDir),
    summary: p.summary,
    metrics: p.metrics,
    evals: p.evals,
    bon: bonPath(runDir),
    model: p.model,
    latest: p.checkpoint,
    previous: path.join(p.checkpoints, 'previous'),
  };
}
type Stamped = ReturnType<typeof stampedPaths>;
/** The stamped paths that exist (undefined for the missing ones). */
type Present = { readonly [K in keyof Stamped]?: string };

export class RunCatalog {
  private cache = new Map<string, Entry>();

  constructor(private readonly fs: RunFs = nodeRunFs) {}

  /** Every run under the roots, newest first; the runs in `wanted` (ids) come with their curves. */
  async list(roots: RunRoots, wanted: ReadonlySet<string>): Promise<StoredRun[]> {
    const dirs = [
      ...(roots.runsRoot ? await this.plainDirs(roots.runsRoot) : []),
      ...(roots.experimentsRoot ? await this.experimentDirs(roots.experimentsRoot) : []),
    ];
    const entries = await Promise.all(dirs.map((d) => this.entry(d, wanted.has(d.runId))));
    // Directories that are gone are forgotten.
    this.cache = new Map(dirs.map((d, i) => [d.runDir, entries[i]!]));
    const stored = entries.flatMap((e): StoredRun[] =>
      e.info ? [{ info: e.info, stamp: e.stamp, ...(e.details ? { details: e.details } : {}) }] : [],
    );
    return newestFirst(stored, (s) => s.info);
  }

  private async plainDirs(root: string): Promise<RunDirRef[]> {
    return (await this.fs.subdirs(root))
      .sort()
      .reverse()
      .map((name) => ({ runDir: path.join(root, name), runId: name }));
  }

  /** <root>/<experimentId>/runs/<name>, newest experiment first, its runs in name order. */
  private async experimentDirs(root: string): Promise<RunDirRef[]> {
    const ids = (await this.fs.subdirs(root)).sort().reverse();
    const perExperiment = await Promise.all(
      ids.map(async (id): Promise<RunDirRef[]> => {
        const expDir = path.join(root, id);
        const names = (await this.fs.subdirs(path.join(expDir, 'runs'))).sort();
        if (!names.length) return [];
        const isExperiment = (await this.fs.stat(path.join(expDir, 'experiment.json'))) !== undefined;
        return names.map((name) => ({
          runDir: path.join(expDir, 'runs', name),
          ...(isExperiment ? { runId: experimentRunId(id, name), experiment: { experimentId: id, name } } : { runId: name }),
        }));
      }),
    );
    return perExperiment.flat();
  }

  private async entry(d: RunDirRef, wanted: boolean): Promise<Entry> {
    const paths = Object.entries(stampedPaths(d.runDir));
    const stats = await Promise.all(paths.map(([, p]) => this.fs.stat(p)));
    const stamp = stats.map((s) => s ?? '-').join('|');
    const old = this.cache.get(d.runDir);
    if (old?.stamp !== stamp) {
      const present = Object.fromEntries(paths.filter((_, i) => stats[i] !== undefined)) as Present;
      return this.read(d, stamp, present, wanted);
    }
    if (!wanted)
      delete old.details; // curves are kept only for the runs shown
    else if (old.info && !old.details) old.details = await this.details(d.runDir);
    return old;
  }

  private async read(d: RunDirRef, stamp: string, present: Present, wanted: boolean): Promise<Entry> {
    if (!present.dir) return { stamp };
    const text = (file: string | undefined) => (file ? this.fs.readText(file) : Promise.resolve(undefined));
    const [config, request, summary] = await Promise.all([text(present.config), text(present.request), text(present.summary)]);
    // metrics.jsonl: for the curves, and for the last logged step of a run without a summary.
    const metrics = wanted || !summary ? await text(present.metrics) : undefined;
    const hasCheckpoint = !!present.latest || !!present.previous;
    const experiment = d.experiment ? { experiment: d.experiment } : {};
    const info = runInfoOf(d.runDir, { config, request, summary, metrics, hasCheckpoint, hasModel: !!present.model, ...experiment });
    if (!info) return { stamp };
    return { stamp, info, ...(wanted ? { details: await this.details(d.runDir, metrics) } : {}) };
  }

  private async details(runDir: string, metricsText?: string): Promise<RunDetails> {
    const p = runPaths(runDir);
    const [metrics, evals, bon] = await Promise.all([
      metricsText ?? this.fs.readText(p.metrics),
      this.fs.readText(p.evals),
      this.fs.readText(bonPath(runDir)),
    ]);
    return runDetailsOf(runDir, { metrics, evals, bon });
  }
}

/**
 * Plain runs (newest first) then experiment runs (newest experiment first, each experiment's runs in name order),
 * merged newest first. Both kinds of id start with a timestamp (runs: 2026-11-28T04-12-33-…, experiments:
 * 2026-11-28T05-30-00-…); an experiment's runs sort by the experiment id and keep their own order (the sort is stable).
 */
function newestFirst<T>(runs: readonly T[], infoOf: (t: T) => RunInfo): T[] {
  const group = (t: T) => infoOf(t).experimentId ?? infoOf(t).runId;
  return [...runs].sort((a, b) => (group(a) < group(b) ? 1 : group(a) > group(b) ? -1 : 0));
}
