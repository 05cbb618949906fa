// Scores the pairs of a document (possibly unsaved text) with a model: what inline scoring shows. The worker keeps
// one opened model at a time (a multi-GB Hugging Face model must not be held twice): switching models frees the
// previous one, and a model whose files changed on disk is reopened.
import fs from 'node:fs';
import path from 'node:path';
import { openScorer, resolveModelFolder, type OpenScorerOptions, type OpenedScorer } from './openScorer';
import { loadDatasetText } from '../core/data';
import { kendallTauB, percentileRank } from '../core/stats';
import type { ScoreParams, ScoreResult, ScoredGroup, ScoredRow } from '../protocol/trainer';

interface CachedModel extends OpenedScorer {
  readonly key: string;
  readonly stamp: string;
}

let current: CachedModel | undefined;
let opening: { key: string; promise: Promise<CachedModel> } | undefined;
const BATCH = 32;

/** Size + mtime of the files that define a model: changes when it is retrained or re-exported. */
function stampOf(dir: string): string {
  const files = fs.readdirSync(dir).filter((f) => /\.(safetensors|json)$/.test(f)).sort();
  return files.map((f) => {
    const st = fs.statSync(path.join(dir, f));
    return `${f}:${st.size}:${st.mtimeMs}`;
  }).join('|');
}

/** The opened model for a folder (a run directory resolves to its model/), reusing the cached one when unchanged. */
export async function getModel(dirOrRun: string, opts: OpenScorerOptions = {}): Promise<OpenedScorer> {
  const dir = resolveModelFolder(dirOrRun);
  const key = `${path.resolve(dir)}#${opts.engine ?? 'auto'}#${opts.maxTokens ?? ''}`;
  const stamp = stampOf(dir);
  if (current && current.key === key && current.stamp === stamp) return current;
  if (opening?.key === key) return opening.promise;
  dropModel();
  const promise = openScorer(dir, opts).then((o) => ({ ...o, key, stamp }));
  opening = { key, promise };
  try {
    current = await promise;
    return current;
  } finally {
    opening = undefined;
  }
}

/** Frees the cached model (model switch, worker shutdown). */
export function dropModel(): void {
  current?.scorer.dispose();
  current = undefined;
}

const inRange = (line: number, p: ScoreParams) => (p.fromLine === undefined || line >= p.fromLine) && (p.toLine === undefined || line <= p.toLine);

export async function scoreDocument(p: ScoreParams, opts: OpenScorerOptions = {}): Promise<ScoreResult> {
  const t0 = performance.now();
  const { scorer, trainNorms } = await getModel(p.modelDir, opts);
  const ds = loadDatasetText(p.file, p.text, { mapping: p.mapping });
  const pairs = ds.pairs.filter((x) => inRange(x.source.line, p));
  const enc = pairs.map((pair) => scorer.encodePair(pair));
  const s = await scorer.score([...enc.map((e) => e.chosen), ...enc.map((e) => e.rejected)], BATCH);
  const n = pairs.length;
  const wp = scorer.wpNorm();
  const pct = (x: number) => (trainNorms.length ? percentileRank(trainNorms, x) : NaN);
  const cos = (r: number, h: number) => r / (wp * h || 1e-12);
  const rows: ScoredRow[] = pairs.map((pair, i) => {
    const rc = s.rewards[i]!, rr = s.rewards[n + i]!, hc = s.hNorm[i]!, hr = s.hNorm[n + i]!;
    return { line: pair.source.line, id: pair.id, rChosen: rc, rRejected: rr, hNormChosen: hc, hNormRejected: hr, cosChosen: cos(rc, hc), cosRejected: cos(rr, hr), hPctChosen: pct(hc), hPctRejected: pct(hr) };
  });
  const groups: ScoredGroup[] = [];
  for (const g of ds.multi.filter((x) => inRange(x.source.line, p))) {
    const m = await scorer.score(g.responses.map((r) => scorer.encode(g.prompt, r.text)), BATCH);
    const rewards = Array.from(m.rewards);
    const gold = g.responses.map((r) => r.gold);
    groups.push({ line: g.source.line, id: g.id, rewards, gold, tau: kendallTauB(gold, rewards) });
  }
  const skipped = ds.skipped.filter((x) => inRange(x.line, p)).map((x) => ({ line: x.line, ...(x.field ? { field: x.field } : {}), reason: x.reason, detail: x.detail }));
  return { modelDir: p.modelDir, wpNorm: wp, rows, groups, skipped, elapsedMs: performance.now() - t0 };
}
