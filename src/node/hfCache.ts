// The Hugging Face caches on this disk, read offline and never copied: hub snapshots (HF_HUB_CACHE, default
// $HF_HOME/hub: datasets--ORG--NAME/snapshots/REV/**/*.parquet|jsonl|…, models--ORG--NAME/snapshots/REV/config.json)
// and the `datasets` library's Arrow cache (HF_DATASETS_CACHE, default $HF_HOME/datasets:
// ORG___NAME/CONFIG/VERSION/HASH/{dataset_info.json, NAME-SPLIT[-00000-of-00002].arrow}).
// `hf:ORG/NAME[:split]` names one of them on the command line; the editor's Open from Hugging Face Cache… lists them.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import { FileError, UserError } from '../core/errors';
import { formatOfName, isDatasetFileName, stripDatasetExtension } from '../core/data/extensions';
import type { FileHead } from '../core/data/head';
import { describeFile } from './readHead';

export interface HfCacheRoots {
  readonly hub: string;
  readonly datasets: string;
}

/** One split: its files (shards in order) and its row count when it is known without reading the rows. */
export interface CachedSplit {
  readonly name: string;
  readonly files: readonly string[];
  readonly rows?: number;
  /** What the first file's head says it is (format, schema family, reason); absent when it cannot be read. */
  readonly head?: FileHead;
}

export interface CachedDataset {
  /** ORG/NAME. */
  readonly repo: string;
  readonly where: 'hub' | 'datasets';
  /** The snapshot folder (hub) or the Arrow cache folder (datasets). */
  readonly dir: string;
  readonly splits: readonly CachedSplit[];
}

export interface CachedModel {
  readonly repo: string;
  /** The snapshot folder holding config.json: what Select Active Model… opens. */
  readonly dir: string;
}

/** Where the caches are, from the same variables huggingface_hub and datasets read. */
export function hfCacheRoots(env: NodeJS.ProcessEnv = process.env): HfCacheRoots {
  const home = env.HF_HOME || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'huggingface');
  return {
    hub: env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE || path.join(home, 'hub'),
    datasets: env.HF_DATASETS_CACHE || path.join(home, 'datasets'),
  };
}

const METADATA_FILE = /^(dataset_info|dataset_infos|dataset_dict|state|config|.*_config|.*metadata.*)\.json$/i;
const entries = (dir: string): fs.Dirent[] => {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
};

/** The snapshot a hub repo folder points at: refs/main when present, else the newest snapshot. */
function snapshotOf(repoDir: string): string | undefined {
  const snaps = path.join(repoDir, 'snapshots');
  try {
    const rev = fs.readFileSync(path.join(repoDir, 'refs', 'main'), 'utf8').trim();
    if (rev && fs.existsSync(path.join(snaps, rev))) return path.join(snaps, rev);
  } catch {
    /* no refs/main: take the newest */
  }
  const all = entries(snaps)
    .filter((d) => d.isDirectory())
    .map((d) => path.join(snaps, d.name));
  return all.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

/** Data files under a snapshot (symbolic links into blobs/ are followed, as the hub lays them out), depth-limited. */
function dataFiles(dir: string, depth = 0, out: string[] = []): string[] {
  if (depth > 6 || out.length > 5000) return out;
  for (const d of entries(dir).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, d.name);
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      continue; // A dangling link (blob not downloaded).
    }
    if (st.isDirectory() && !d.name.startsWith('.')) dataFiles(p, depth + 1, out);
    else if (st.isFile() && isDatasetFileName(d.name) && !METADATA_FILE.test(d.name)) out.push(p);
  }
  return out;
}

/**
 * A split's name from a file's path in a snapshot: "data/train-00000-of-00002.parquet" → train, "test.jsonl" → test,
 * "default/train/0000.parquet" → default/train, "en/validation-00000-of-00001.parquet" → en/validation.
 */
export function splitNameOf(rel: string): string {
  const parts = rel.split(/[\\/]/);
  const base = stripDatasetExtension(parts.pop()!)
    .replace(/-\d{5}-of-\d{5}.*$/, '')
    .replace(/-\d{5}$/, '');
  const generic = /^\d+$/.test(base) || base === 'data' || base === '';
  const split = generic ? (parts.pop() ?? 'data') : base;
  const config = parts.filter((p) => p !== 'data')[0];
  return config ? `${config}/${split}` : split;
}

async function parquetRows(file: string): Promise<number | undefined> {
  try {
    return Number((await parquetMetadataAsync(await asyncBufferFromFile(file))).num_rows);
  } catch {
    return undefined;
  }
}

/** Lines with content in a text file (its JSONL rows), for files up to 256 MB; undefined past that or for other kinds. */
function jsonlRows(file: string): number | undefined {
  if (formatOfName(file) !== 'jsonl' || /\.gz$/i.test(file) || fs.statSync(file).size > 256 * 1024 * 1024) return undefined;
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '').length;
}

async function hubDataset(repoDir: string, repo: string): Promise<CachedDataset | undefined> {
  const snap = snapshotOf(repoDir);
  if (!snap) return undefined;
  const bySplit = new Map<string, string[]>();
  for (const f of dataFiles(snap)) {
    const name = splitNameOf(path.relative(snap, f));
    bySplit.set(name, [...(bySplit.get(name) ?? []), f]);
  }
  const splits: CachedSplit[] = [];
  for (const [name, files] of bySplit) {
    const counts = await Promise.all(
      files.map(async (f) => (formatOfName(f) === 'parquet' && !/\.gz$/i.test(f) ? parquetRows(f) : jsonlRows(f))),
    );
    const rows = counts.every((c) => c !== undefined) ? counts.reduce((a, b) => a! + b!, 0) : undefined;
    const head = await describeFile(files[0]!).catch(() => undefined);
    splits.push({ name, files, ...(rows !== undefined ? { rows } : {}), ...(head ? { head } : {}) });
  }
  return splits.length ? { repo, where: 'hub', dir: snap, splits } : undefined;
}

/** datasets' Arrow cache: the newest ORG___NAME/CONFIG/VERSION/HASH folder with a dataset_info.json. */
function arrowDatasets(root: string): CachedDataset[] {
  const out: CachedDataset[] = [];
  for (const d of entries(root).filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('downloads'))) {
    const repo = d.name.replace('___', '/');
    for (const info of findInfo(path.join(root, d.name), 0)) {
      const dir = path.dirname(info);
      const ds = arrowSplits(dir, info);
      if (ds.length) out.push({ repo, where: 'datasets', dir, splits: ds });
    }
  }
  return out;
}

function findInfo(dir: string, depth: number): string[] {
  if (depth > 4) return [];
  const here = path.join(dir, 'dataset_info.json');
  if (fs.existsSync(here) && entries(dir).some((e) => e.name.endsWith('.arrow'))) return [here];
  return entries(dir)
    .filter((e) => e.isDirectory())
    .flatMap((e) => findInfo(path.join(dir, e.name), depth + 1));
}

function arrowSplits(dir: string, info: string): CachedSplit[] {
  let meta: { splits?: Record<string, { num_examples?: unknown }> } = {};
  try {
    meta = JSON.parse(fs.readFileSync(info, 'utf8')) as typeof meta;
  } catch {
    /* row counts unknown */
  }
  const bySplit = new Map<string, string[]>();
  for (const f of entries(dir)
    .map((e) => e.name)
    .filter((n) => n.endsWith('.arrow'))
    .sort()) {
    const m = /-([^-]+?)(?:-\d{5}-of-\d{5})?\.arrow$/.exec(f);
    if (m) bySplit.set(m[1]!, [...(bySplit.get(m[1]!) ?? []), path.join(dir, f)]);
  }
  return [...bySplit].map(([name, files]) => {
    const n = meta.splits?.[name]?.num_examples;
    return { name, files, ...(typeof n === 'number' ? { rows: n } : {}) };
  });
}

/** Every cached dataset (hub snapshots first, then the Arrow cache) and every cached model snapshot with a config.json. */
export async function listHfCache(roots: HfCacheRoots = hfCacheRoots()): Promise<{ datasets: CachedDataset[]; models: CachedModel[] }> {
  const datasets: CachedDataset[] = [];
  const models: CachedModel[] = [];
  for (const d of entries(roots.hub).filter((e) => e.isDirectory())) {
    const m = /^(datasets|models)--(.+?)--(.+)$/.exec(d.name);
    if (!m) continue;
    const repo = `${m[2]}/${m[3]!.replace(/--/g, '/')}`;
    if (m[1] === 'datasets') {
      const ds = await hubDataset(path.join(roots.hub, d.name), repo);
      if (ds) datasets.push(ds);
    } else {
      const snap = snapshotOf(path.join(roots.hub, d.name));
      if (snap && fs.existsSync(path.join(snap, 'config.json'))) models.push({ repo, dir: snap });
    }
  }
  datasets.push(...arrowDatasets(roots.datasets));
  return { datasets, models };
}

/**
 * The cached splits `hf:ORG/NAME[:split]` names (all of them without a split). A dataset that is not cached, or a
 * split it does not have, is a UserError that says where it looked and what there is.
 */
export async function resolveHfSpec(
  spec: string,
  roots: HfCacheRoots = hfCacheRoots(),
): Promise<{ dataset: CachedDataset; splits: CachedSplit[] }> {
  const m = /^hf:([^/:\s]+\/[^:\s]+?)(?::([^\s]+))?$/.exec(spec);
  if (!m) throw new UserError(`${spec}: expected hf:ORG/NAME or hf:ORG/NAME:SPLIT`);
  const { datasets } = await listHfCache(roots);
  const dataset = datasets.find((d) => d.repo.toLowerCase() === m[1]!.toLowerCase());
  if (!dataset)
    throw new FileError(
      { file: spec },
      `not in the Hugging Face cache (looked in ${roots.hub} and ${roots.datasets}; ${datasets.length} cached datasets${
        datasets.length
          ? `: ${datasets
              .slice(0, 5)
              .map((d) => d.repo)
              .join(', ')}`
          : ''
      }); Reward Lens reads the cache offline and downloads nothing`,
    );
  if (!m[2]) return { dataset, splits: [...dataset.splits] };
  const want = m[2].toLowerCase();
  const splits = dataset.splits.filter((s) => s.name.toLowerCase() === want || s.name.toLowerCase().endsWith(`/${want}`));
  if (!splits.length)
    throw new FileError({ file: spec }, `has no split "${m[2]}"; cached splits: ${dataset.splits.map((s) => s.name).join(', ')}`);
  return { dataset, splits };
}

/** What a command loads: one file, or the Arrow shards of one split read as one dataset. */
export interface DataSource {
  /** The file, or `hf:ORG/NAME:SPLIT (dir)` for a split of several Arrow shards. */
  readonly label: string;
  readonly files: readonly string[];
}

/** A split's sources: its Arrow shards together (they have no text to reveal rows in), any other file on its own. */
export function splitSources(dataset: CachedDataset, splits: readonly CachedSplit[]): DataSource[] {
  return splits.flatMap((s) => {
    const arrow = s.files.every((f) => f.endsWith('.arrow'));
    if (arrow && s.files.length > 1) return [{ label: `hf:${dataset.repo}:${s.name} (${dataset.dir})`, files: s.files }];
    return s.files.map((f) => ({ label: f, files: [f] }));
  });
}
