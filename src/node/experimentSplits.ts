// Builds the scenario splits of an experiment once and writes them to DIR/splits/ (one JSONL per set plus
// manifest.json, all atomic; the manifest last, so its presence means the files are complete).
import fs from 'node:fs';
import path from 'node:path';
import { readJsonFile, writeFileAtomic, writeJsonAtomic } from './atomic';
import { assertSparesInputs, resolveInside } from './safePath';
import { buildMultiResponseSplits, type MultiSplitOptions } from '../core/scenarios/multiSplit';
import { buildPairwiseSplits, type RoleDataset } from '../core/scenarios/pairwiseSplit';
import { buildManifest, setToJsonl, type SplitManifest } from '../core/scenarios/splitRows';
import { ScenarioError, SCENARIO_NAMES, type ScenarioName, type ScenarioSplits } from '../core/scenarios/splitTypes';
import type { LoadedDataset } from '../core/types';

export interface DataInput {
  readonly file: string;
  /** Only for pairwise data with split identities (HH-RLHF): which set the file feeds. */
  readonly role?: ScenarioName;
}

/** The multi-response options; the pairwise builder uses seed, idFraction and maxEvalPairs (a cap per eval set). */
export type SplitSpec = MultiSplitOptions;

export type LoadFn = (file: string) => Promise<LoadedDataset>;

export const splitsDir = (outDir: string) => path.join(outDir, 'splits');
export const manifestFile = (outDir: string) => path.join(splitsDir(outDir), 'manifest.json');

export function readManifest(outDir: string): SplitManifest | undefined {
  const f = manifestFile(outDir);
  return fs.existsSync(f) ? readJsonFile<SplitManifest>(f) : undefined;
}

/** Loads the inputs and builds the splits (pure builders; this only does IO and reports skipped rows). */
export async function buildSplitsFromFiles(
  data: readonly DataInput[],
  spec: SplitSpec,
  load: LoadFn,
  log: (m: string) => void,
): Promise<{ splits: ScenarioSplits; inputs: SplitManifest['inputs'] }> {
  if (data.length === 0) throw new ScenarioError('no data files: give --data FILE (multi-response) or --role ROLE=FILE (pairwise)');
  const loaded: { input: DataInput; ds: LoadedDataset }[] = [];
  for (const input of data) {
    const ds = await load(input.file);
    log(
      `${input.file}: ${ds.format}, ${ds.rows} rows → ${ds.pairs.length} pairs, ${ds.multi.length} multi-response prompts, ${ds.skipped.length} skipped`,
    );
    loaded.push({ input, ds });
  }
  const inputs = loaded.map(({ input, ds }) => ({
    file: input.file,
    ...(input.role ? { role: input.role } : {}),
    rows: ds.rows,
    format: ds.format,
  }));
  const roles = loaded.filter((l) => l.input.role);
  if (roles.length > 0) {
    if (roles.length !== loaded.length)
      throw new ScenarioError('give every file a role (--role ROLE=FILE) or none; mixing roles and plain --data is ambiguous');
    const withMulti = roles.filter((l) => l.ds.multi.length > 0).map((l) => l.input.file);
    if (withMulti.length)
      log(`note: ${withMulti.join(', ')} hold multi-response prompts; the role-based (pairwise) builder uses their pairs only`);
    const rds: RoleDataset[] = roles.map((l) => ({ role: l.input.role as ScenarioName, dataset: l.ds }));
    return {
      splits: buildPairwiseSplits(rds, {
        seed: spec.seed,
        idFraction: spec.idFraction,
        ...(spec.maxEvalPairs ? { maxEvalPairs: spec.maxEvalPairs } : {}),
      }),
      inputs,
    };
  }
  const multi = loaded.flatMap((l) => l.ds.multi);
  if (multi.length === 0) {
    const formats = loaded.map((l) => `${l.input.file} (${l.ds.format})`).join(', ');
    throw new ScenarioError(
      `no multi-response prompts in ${formats}: the four scenarios need prompts with several gold-scored responses from named models. For pairwise data with split identities give roles: --role train=FILE --role prompt-ood=FILE --role response-ood=FILE`,
    );
  }
  return { splits: buildMultiResponseSplits(multi, spec), inputs };
}

/** Writes every built set and the manifest under DIR/splits/. Returns the manifest. */
export function writeSplits(
  outDir: string,
  splits: ScenarioSplits,
  inputs: SplitManifest['inputs'],
  options: Record<string, unknown>,
): SplitManifest {
  // splits/ is rewritten (stale sets removed): it must not hold the data it is built from, nor lead out of outDir.
  assertSparesInputs(
    splitsDir(outDir),
    inputs.map((i) => i.file),
    'splits folder',
  );
  fs.mkdirSync(outDir, { recursive: true });
  const dir = resolveInside(outDir, 'splits', 'the splits folder');
  fs.mkdirSync(dir, { recursive: true });
  // The manifest marks a complete split: remove it first, so a crash mid-rebuild never leaves old manifest + new files.
  fs.rmSync(manifestFile(outDir), { force: true });
  // A rebuild must not leave a stale set from an earlier build next to the new ones.
  for (const name of SCENARIO_NAMES)
    if (!splits.sets.some((s) => s.name === name)) fs.rmSync(path.join(dir, `${name}.jsonl`), { force: true });
  const key = splits.heldOut.promptGroupKey ?? 'dataset';
  for (const set of splits.sets) writeFileAtomic(path.join(dir, `${set.name}.jsonl`), setToJsonl(set, key));
  const manifest = buildManifest(splits, inputs, options);
  writeJsonAtomic(manifestFile(outDir), manifest);
  return manifest;
}

/** Train file and eval files (in scenario order) of a written split. */
export function splitFiles(outDir: string, manifest: SplitManifest): { trainFile: string; evalFiles: string[] } {
  const dir = splitsDir(outDir);
  const evalFiles = SCENARIO_NAMES.filter((n) => n !== 'train' && manifest.files[n]).map((n) => path.join(dir, manifest.files[n]!.file));
  return { trainFile: path.join(dir, manifest.files['train']?.file ?? 'train.jsonl'), evalFiles };
}
