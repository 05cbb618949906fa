// Best-of-N in a scenario experiment. After training, the experiment's candidate pools (src/core/scenarios/bonPools)
// are written once to DIR/bon/<pool>.jsonl (+ manifest.json, last), and every finished run gets runs/<id>/bon.json
// from the injected scorer (src/train/bestOfN via the CLI or the worker: src/node never loads a model). The report
// aggregates those files. `reward-lens bon --model DIR/runs/bt-s1 DIR/bon/prompt-ood.jsonl` reproduces a run's numbers.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_NS } from '../core/bon/curves';
import type { BonInputSet, BonReport } from '../core/bon/types';
import { buildBonPools, poolPrompts, poolRows } from '../core/scenarios/bonPools';
import type { MultiSplitOptions } from '../core/scenarios/multiSplit';
import type { SplitManifest } from '../core/scenarios/splitRows';
import type { LoadedDataset, MultiResponseGroup } from '../core/types';
import { UserError } from '../core/errors';
import type { BackendName } from '../core/config';
import { readJsonFile, writeFileAtomic, writeJsonAtomic } from './atomic';
import { bonPath, readBonReport } from './bonOutput';
import { experimentRunDir, readExperimentState, type ExperimentState } from './experimentState';
import { readManifest } from './experimentSplits';
import { loadDatasetFile } from './loadDataset';
import { resolveInside } from './safePath';

/** What the experiment asks of the scorer for one run: best-of-N of its model on the pool files. */
export interface BonRequest {
  readonly modelDir: string;
  readonly label: string;
  readonly files: readonly string[];
  readonly ns: readonly number[];
  readonly seed: number;
  /** The experiment's training backend: scoring runs there too (all runs may have finished before this process started). */
  readonly backend?: BackendName;
}

export type BonFn = (req: BonRequest) => Promise<BonReport>;

export interface PoolManifest {
  readonly version: 1;
  /** The split options and held-out lists the pools were cut with: a change rebuilds them. */
  readonly options: Readonly<Record<string, unknown>>;
  /** The data's own gold field(s), e.g. win_prob_vs_baseline. */
  readonly goldFields: readonly string[];
  readonly pools: Readonly<Record<string, { readonly file: string; readonly prompts: number; readonly responses: number }>>;
  readonly dropped: Readonly<Record<string, number>>;
}

export const poolsDir = (outDir: string) => path.join(outDir, 'bon');

const goldFieldsOf = (multi: readonly MultiResponseGroup[]) =>
  [...new Set(multi.flatMap((g) => g.responses.flatMap((r) => (r.goldField ? [r.goldField] : []))))].sort();

/** The pools of a multi-response split, cut from the data it was built from. */
function cutPools(manifest: SplitManifest, multi: readonly MultiResponseGroup[]) {
  const opts = manifest.options as unknown as MultiSplitOptions;
  return buildBonPools(multi, opts, manifest.heldOut);
}

/** Reuses DIR/bon when its manifest was cut with the same options; otherwise loads the data and writes the pools. */
export async function ensurePools(
  outDir: string,
  manifest: SplitManifest,
  dataFiles: readonly string[],
  load: (f: string) => Promise<LoadedDataset>,
): Promise<PoolManifest> {
  const dir = resolveInside(outDir, 'bon', "the experiment's best-of-N folder");
  const file = path.join(dir, 'manifest.json');
  const options = { ...manifest.options, heldOut: manifest.heldOut };
  if (fs.existsSync(file)) {
    const prior = readJsonFile<PoolManifest>(file);
    const complete = Object.values(prior.pools ?? {}).every((p) => fs.existsSync(path.join(dir, p.file)));
    if (complete && JSON.stringify(prior.options) === JSON.stringify(options)) return prior;
  }
  const multi: MultiResponseGroup[] = [];
  for (const f of dataFiles) multi.push(...(await load(f)).multi);
  const { sets, dropped } = cutPools(manifest, multi);
  const goldFields = goldFieldsOf(multi);
  const key = manifest.heldOut.promptGroupKey ?? 'dataset';
  fs.mkdirSync(dir, { recursive: true });
  fs.rmSync(file, { force: true }); // the manifest marks complete pools: gone while they are rewritten
  const pools: Record<string, PoolManifest['pools'][string]> = {};
  for (const s of sets) {
    const rows = poolRows(s, key, goldFields.length === 1 ? goldFields[0] : undefined);
    writeFileAtomic(path.join(dir, `${s.name}.jsonl`), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    pools[s.name] = { file: `${s.name}.jsonl`, prompts: s.groups.length, responses: rows.length };
  }
  const out: PoolManifest = { version: 1, options, goldFields, pools, dropped };
  writeJsonAtomic(file, out);
  return out;
}

export interface ExperimentBonDeps {
  readonly bestOfN?: BonFn;
  readonly load: (f: string) => Promise<LoadedDataset>;
  readonly log: (m: string) => void;
}

/** bon.json for every finished run that lacks one for these pools and Ns. Failures are logged, not fatal. */
export async function runExperimentBon(
  outDir: string,
  state: ExperimentState,
  manifest: SplitManifest,
  dataFiles: readonly string[],
  ns: readonly number[] | undefined,
  backend: BackendName | undefined,
  deps: ExperimentBonDeps,
): Promise<void> {
  const wanted = ns ?? DEFAULT_NS;
  if (!deps.bestOfN || wanted.length === 0) return;
  if (manifest.kind !== 'multi-response') return deps.log('best-of-N: skipped (a pairwise split has no multi-response pools)');
  const pools = await ensurePools(outDir, manifest, dataFiles, deps.load);
  const names = Object.keys(pools.pools);
  const files = names.map((n) => path.join(poolsDir(outDir), pools.pools[n]!.file));
  for (const run of Object.values(state.runs)) {
    if (run.status !== 'completed') continue;
    const runDir = experimentRunDir(outDir, run);
    if (isCurrent(runDir, wanted, names)) continue;
    try {
      deps.log(`${run.runId}: best-of-N on ${names.join(', ')} (N = ${wanted.join(', ')})`);
      const report = await deps.bestOfN({
        modelDir: path.join(runDir, 'model'),
        label: run.runId,
        files,
        ns: wanted,
        seed: (manifest.options['seed'] as number | undefined) ?? 1,
        ...(backend ? { backend } : {}),
      });
      writeJsonAtomic(bonPath(runDir), report);
    } catch (e) {
      deps.log(`${run.runId}: best-of-N failed: ${(e as Error).message}`);
    }
  }
}

/** A bon.json that already covers these Ns and pools (a damaged one is redone). */
function isCurrent(runDir: string, ns: readonly number[], pools: readonly string[]): boolean {
  try {
    const r = readBonReport(runDir);
    return !!r && JSON.stringify(r.ns) === JSON.stringify(ns) && JSON.stringify(r.sets.map((s) => s.name)) === JSON.stringify(pools);
  } catch {
    return false;
  }
}

/** `reward-lens bon --split EXPDIR FILE`: FILE (the data the split was built from) cut into the pools, in memory. */
export async function splitPoolSets(expDir: string, file: string, log: (m: string) => void): Promise<BonInputSet[]> {
  const manifest = readManifest(expDir);
  if (!manifest)
    throw new UserError(
      `${expDir}: no splits/manifest.json; --split takes the output directory of reward-lens split or experiment scenarios`,
    );
  if (manifest.kind !== 'multi-response')
    throw new UserError(`${expDir}: a pairwise split has no multi-response pools; run bon on its files directly`);
  const ds = await loadDatasetFile(file);
  const source = manifest.inputs.find((i) => i.rows === ds.rows && i.format === ds.format);
  if (!source)
    throw new UserError(
      `${file}: ${ds.rows} rows (${ds.format}), but the split in ${expDir} was built from ${manifest.inputs.map((i) => `${i.file} (${i.rows} rows, ${i.format})`).join(', ')}; give that file`,
    );
  const { sets, dropped } = cutPools(manifest, ds.multi);
  for (const [why, n] of Object.entries(dropped)) log(`pools: left out ${n}: ${why}`);
  const goldFields = goldFieldsOf(ds.multi);
  const key = manifest.heldOut.promptGroupKey ?? 'dataset';
  return sets.map((s) => ({
    name: s.name,
    file: `${file}, ${s.name} pool`,
    multi: poolPrompts(s, key, goldFields.length === 1 ? goldFields[0] : undefined, `${file}, ${s.name} pool`),
  }));
}

/**
 * Best-of-N for the finished runs of an existing experiment, without training (`experiment scenarios --report-only`):
 * the data files, split and backend come from DIR's own records, so older experiments gain the curves too.
 */
export async function experimentBonFromDir(outDir: string, ns: readonly number[] | undefined, deps: ExperimentBonDeps): Promise<void> {
  const state = readExperimentState(outDir);
  const manifest = readManifest(outDir);
  if (!state || !manifest) return;
  const data = (manifest.options['data'] as { file?: unknown }[] | undefined) ?? [];
  const files = data.map((d) => d.file).filter((f): f is string => typeof f === 'string');
  const missing = files.filter((f) => !fs.existsSync(f));
  if (missing.length)
    return deps.log(
      `best-of-N: skipped (the experiment's data ${missing.join(', ')} is not reachable from here; rerun from the directory the experiment was started in)`,
    );
  const backend = (state.fingerprint['train'] as { backend?: BackendName } | undefined)?.backend;
  await runExperimentBon(outDir, state, manifest, files, ns, backend, deps);
}
