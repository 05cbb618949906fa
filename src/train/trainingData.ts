// Turns the user's files into what the loop needs: training pairs, named eval sets (pairs and/or multi-response
// prompts), and a held-out in-domain split when no eval file is given. Everything here is deterministic for a seed.
import path from 'node:path';
import { loadDatasetFile } from '../node/loadDataset';
import { normalizePrompt, pairsFromMulti } from '../core/data';
import { deriveSeed, mulberry32, permutation } from '../core/random';
import { UserError } from '../core/errors';
import type { FieldMapping, LoadedDataset, MultiResponseGroup, PreferencePair, SkippedRow } from '../core/types';
import { stripDatasetExtension } from '../core/data/extensions';

export interface EvalSetData {
  readonly name: string;
  readonly file: string;
  readonly pairs: readonly PreferencePair[];
  readonly multi: readonly MultiResponseGroup[];
}

export interface TrainingData {
  readonly train: readonly PreferencePair[];
  /** evalSets[0] is always a sample of the training pairs ("train"): Figure 3's D_train and the erank reference. */
  readonly evalSets: readonly EvalSetData[];
  readonly skipped: readonly SkippedRow[];
  readonly notes: readonly string[];
}

const TRAIN_SAMPLE = 256;

/** Multi-response files become training pairs through their gold scores (responses with a clear gold gap). */
function pairsOf(ds: LoadedDataset): readonly PreferencePair[] {
  return ds.pairs.length > 0 ? ds.pairs : pairsFromMulti(ds.multi, { minGap: 0.1 });
}

/** Splits pairs by normalised prompt so no prompt is in both parts (a per-pair split would leak prompts). */
export function holdOutByPrompt(pairs: readonly PreferencePair[], frac: number, seed: number) {
  const rnd = mulberry32(deriveSeed(seed, 'holdout'));
  const byPrompt = new Map<string, boolean>();
  const train: PreferencePair[] = [];
  const held: PreferencePair[] = [];
  for (const p of pairs) {
    const key = normalizePrompt(p.prompt);
    let isHeld = byPrompt.get(key);
    if (isHeld === undefined) byPrompt.set(key, (isHeld = rnd() < frac));
    (isHeld ? held : train).push(p);
  }
  return { train, held };
}

function samplePairs(pairs: readonly PreferencePair[], k: number, seed: number): PreferencePair[] {
  if (pairs.length <= k) return [...pairs];
  const picked = Array.from(permutation(pairs.length, deriveSeed(seed, 'train-sample')).subarray(0, k));
  return picked.sort((a, b) => a - b).map((i) => pairs[i]!);
}

export async function loadTrainingData(
  trainFiles: readonly string[],
  evalFiles: readonly string[],
  opts: { readonly holdoutFrac: number; readonly seed: number; readonly mapping?: FieldMapping; readonly log?: (msg: string) => void },
): Promise<TrainingData> {
  const skipped: SkippedRow[] = [];
  const notes: string[] = [];
  let train: PreferencePair[] = [];
  const why: string[] = [];
  for (const f of trainFiles) {
    const ds = await loadDatasetFile(f, { mapping: opts.mapping });
    skipped.push(...ds.skipped);
    notes.push(...ds.notes.map((n) => `${f}: ${n}`));
    const pairs = pairsOf(ds);
    opts.log?.(`train ${f}: ${ds.format}, ${ds.rows} rows → ${pairs.length} pairs, ${ds.skipped.length} skipped`);
    if (pairs.length === 0) why.push(noPairsReason(ds));
    train = train.concat(pairs);
  }
  if (train.length === 0) throw new UserError(`no training pairs: ${why.join('; ')}`);
  const evalSets: EvalSetData[] = [];
  // The held-out split comes in addition to any eval files: it is the in-domain set (same prompt distribution).
  if (opts.holdoutFrac > 0) {
    const split = holdOutByPrompt(train, opts.holdoutFrac, opts.seed);
    train = split.train;
    evalSets.push({ name: 'held-out', file: trainFiles[0]!, pairs: split.held, multi: [] });
    opts.log?.(`held out ${split.held.length} pairs (${(opts.holdoutFrac * 100).toFixed(0)}% of prompts) as the in-domain eval set`);
  }
  for (const f of evalFiles) {
    const ds = await loadDatasetFile(f, { mapping: opts.mapping });
    skipped.push(...ds.skipped);
    notes.push(...ds.notes.map((n) => `${f}: ${n}`));
    evalSets.push({ name: uniqueName(evalSets, stripDatasetExtension(path.basename(f))), file: f, pairs: ds.pairs, multi: ds.multi });
    opts.log?.(
      `eval ${f}: ${ds.format}, ${ds.pairs.length} pairs, ${ds.multi.length} multi-response prompts, ${ds.skipped.length} skipped`,
    );
  }
  const trainSample: EvalSetData = { name: 'train', file: trainFiles[0]!, pairs: samplePairs(train, TRAIN_SAMPLE, opts.seed), multi: [] };
  return { train, evalSets: [trainSample, ...evalSets], skipped, notes };
}

/** Why a file gave no pairs, from its row accounting: skipped rows (listed above), or rows that are not pairs. */
function noPairsReason(ds: LoadedDataset): string {
  const a = ds.accounting;
  const kinds = Object.entries(a.nonPairRows).map(([k, n]) => `${n} ${k} rows`);
  const parts = [...(a.skippedRows ? [`${a.skippedRows} skipped rows (listed above)`] : []), ...kinds];
  const scored = ds.multi.length ? `; ${ds.multi.length} multi-response prompts gave no pair with a gold-score gap ≥ 0.1` : '';
  return `${ds.file} (${ds.format}, ${ds.rows} rows: ${parts.join(', ') || 'none'}${scored})`;
}

function uniqueName(sets: readonly EvalSetData[], name: string): string {
  let n = name;
  for (let i = 2; sets.some((s) => s.name === n) || n === 'train'; i++) n = `${name}-${i}`;
  return n;
}
