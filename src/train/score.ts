// Scores the pairs of a document (possibly unsaved text) with a saved model: what inline scoring shows.
// Models are cached by directory and reloaded when their files change.
import fs from 'node:fs';
import path from 'node:path';
import { loadModel } from './modelIO';
import { readJsonFile } from '../node/atomic';
import { UserError } from '../core/errors';
import { disposeModel, wpNorm, type RewardModel } from './model';
import { scoreSequences } from './evaluate';
import { encodePairs } from './encode';
import { encodePair, type Vocabulary } from '../core/tokenize';
import { loadDatasetText } from '../core/data';
import { kendallTauB, percentileRank } from '../core/stats';
import type { ScoreParams, ScoreResult, ScoredGroup, ScoredRow } from '../protocol/trainer';

interface LoadedModel {
  readonly model: RewardModel;
  readonly vocab: Vocabulary;
  readonly trainNorms: readonly number[];
  readonly stamp: number;
}

const cache = new Map<string, LoadedModel>();
const BATCH = 32;

function stampOf(dir: string): number {
  const f = path.join(dir, 'model.safetensors');
  if (!fs.existsSync(f)) throw new UserError(`no model in ${dir} (model.safetensors missing): train a model first, or pick a run's model/ folder`);
  return fs.statSync(f).mtimeMs;
}

export async function getModel(dir: string): Promise<LoadedModel> {
  const stamp = stampOf(dir);
  const hit = cache.get(dir);
  if (hit && hit.stamp === stamp) return hit;
  if (hit) disposeModel(hit.model);
  const { model, vocab } = await loadModel(dir);
  const normsFile = path.join(dir, 'hnorm-train.json');
  const trainNorms = fs.existsSync(normsFile) ? readJsonFile<{ sorted: number[] }>(normsFile).sorted : [];
  const loaded = { model, vocab, trainNorms, stamp };
  cache.set(dir, loaded);
  return loaded;
}

export function clearModelCache(): void {
  for (const m of cache.values()) disposeModel(m.model);
  cache.clear();
}

const inRange = (line: number, p: ScoreParams) => (p.fromLine === undefined || line >= p.fromLine) && (p.toLine === undefined || line <= p.toLine);

export async function scoreDocument(p: ScoreParams): Promise<ScoreResult> {
  const t0 = performance.now();
  const { model, vocab, trainNorms } = await getModel(p.modelDir);
  const ds = loadDatasetText(p.file, p.text, { mapping: p.mapping });
  const pairs = ds.pairs.filter((x) => inRange(x.source.line, p));
  const enc = encodePairs(vocab, pairs, model.config.maxLen);
  const s = await scoreSequences(model, [...enc.chosen, ...enc.rejected], BATCH);
  const n = pairs.length;
  const wp = wpNorm(model);
  const pct = (x: number) => (trainNorms.length ? percentileRank(trainNorms, x) : NaN);
  const cos = (r: number, h: number) => r / (wp * h || 1e-12);
  const rows: ScoredRow[] = pairs.map((pair, i) => {
    const rc = s.rewards[i]!, rr = s.rewards[n + i]!, hc = s.hNorm[i]!, hr = s.hNorm[n + i]!;
    return { line: pair.source.line, id: pair.id, rChosen: rc, rRejected: rr, hNormChosen: hc, hNormRejected: hr, cosChosen: cos(rc, hc), cosRejected: cos(rr, hr), hPctChosen: pct(hc), hPctRejected: pct(hr) };
  });
  const groups: ScoredGroup[] = [];
  for (const g of ds.multi.filter((x) => inRange(x.source.line, p))) {
    const seqs = g.responses.map((r) => encodePair(vocab, g.prompt, r.text, model.config.maxLen).ids);
    const m = await scoreSequences(model, seqs, BATCH);
    const rewards = Array.from(m.rewards);
    const gold = g.responses.map((r) => r.gold);
    groups.push({ line: g.source.line, id: g.id, rewards, gold, tau: kendallTauB(gold, rewards) });
  }
  const skipped = ds.skipped.filter((x) => inRange(x.line, p)).map((x) => ({ line: x.line, ...(x.field ? { field: x.field } : {}), reason: x.reason, detail: x.detail }));
  return { modelDir: p.modelDir, wpNorm: wp, rows, groups, skipped, elapsedMs: performance.now() - t0 };
}
