// Scores the pairs of a document (possibly unsaved text) with a model: what inline scoring shows.
//
// Cache first: pairs whose (model version, content) scores are on disk (src/node/scoreCache.ts) are answered without
// the model, so reopening a scored file needs no multi-GB load. The rest are scored by the one opened model the
// worker keeps (a large model must not be held twice): switching models frees the previous one, and a model whose
// files changed on disk is reopened. A request looks at the model folder once (resolve, list, stat: ModelRef) and
// both the score cache and the opened model are keyed by that one look.
import fs from 'node:fs';
import path from 'node:path';
import { openScorer, resolveModelFolder, type OpenScorerOptions, type OpenedScorer } from './openScorer';
import { loadDatasetText } from '../core/data';
import { kendallTauB, percentileRank } from '../core/stats';
import { contentKey, ScoreCache, type CachedGroup, type CachedPair, type ModelFacts } from '../node/scoreCache';
import type { MultiResponseGroup, PreferencePair } from '../core/types';
import type { ScoreParams, ScoreResult, ScoredGroup, ScoredRow } from '../protocol/trainer';
import { safeBackend } from './backends/wasm';

interface CachedModel extends OpenedScorer {
  readonly key: string;
  readonly stamp: string;
}

let current: CachedModel | undefined;
let opening: { key: string; promise: Promise<CachedModel> } | undefined;
const caches = new Map<string, ScoreCache>();
const BATCH = 32;

/** Size + mtime of the files that define a model: changes when it is retrained or re-exported. */
export function stampOf(dir: string): string {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.(safetensors|json|jinja)$/.test(f))
    .sort();
  return files
    .map((f) => {
      const st = fs.statSync(path.join(dir, f));
      return `${f}:${st.size}:${st.mtimeMs}`;
    })
    .join('|');
}

const modelKeyOf = (dir: string, opts: OpenScorerOptions) =>
  `${path.resolve(dir)}#${opts.maxTokens ?? ''}#${opts.useChatTemplate === false ? 'plain' : 'chat'}`;

/** One look at a model folder: where it is and what its files are now. */
interface ModelRef {
  readonly dir: string;
  /** The model and how it is fed (not the engine: scores do not depend on it). */
  readonly key: string;
  readonly stamp: string;
}

function modelRef(dirOrRun: string, opts: OpenScorerOptions): ModelRef {
  const dir = resolveModelFolder(dirOrRun);
  return { dir, key: modelKeyOf(dir, opts), stamp: stampOf(dir) };
}

/** The opened model for a folder (a run directory resolves to its model/), reusing the cached one when unchanged. */
export function getModel(dirOrRun: string, opts: OpenScorerOptions = {}): Promise<OpenedScorer> {
  return openRef(modelRef(dirOrRun, opts), opts);
}

async function openRef(ref: ModelRef, opts: OpenScorerOptions): Promise<OpenedScorer> {
  const key = `${ref.key}#${opts.engine ?? 'auto'}`;
  if (current && current.key === key && current.stamp === ref.stamp) return current;
  if (opening?.key === key) return opening.promise;
  dropModel();
  const promise = openScorer(ref.dir, opts).then((o) => ({ ...o, key, stamp: ref.stamp }));
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

function cacheFor(p: ScoreParams, ref: ModelRef): ScoreCache | undefined {
  if (!p.cacheDir) return undefined;
  const key = `${ref.key}#${ref.stamp}`;
  let c = caches.get(key);
  if (!c) caches.set(key, (c = ScoreCache.open(p.cacheDir, key)));
  return c;
}

const inRange = (line: number, p: ScoreParams) =>
  (p.fromLine === undefined || line >= p.fromLine) && (p.toLine === undefined || line <= p.toLine);
const pairKey = (x: PreferencePair) => contentKey(['pair', x.prompt, x.chosen, x.rejected, x.messages ?? null]);
const groupKey = (g: MultiResponseGroup) => contentKey(['group', g.prompt, g.responses.map((r) => r.text)]);

export async function scoreDocument(p: ScoreParams, opts: OpenScorerOptions = {}): Promise<ScoreResult> {
  const t0 = performance.now();
  const ref = modelRef(p.modelDir, opts);
  const cache = cacheFor(p, ref);
  const ds = loadDatasetText(p.file, p.text, { mapping: p.mapping, ...(p.textFirstLine ? { firstLine: p.textFirstLine } : {}) });
  const pairs = ds.pairs.filter((x) => inRange(x.source.line, p));
  const groups = ds.multi.filter((x) => inRange(x.source.line, p));
  const pairScores = pairs.map((x) => cache?.get<CachedPair>(pairKey(x)));
  const groupScores = groups.map((g) => cache?.get<CachedGroup>(groupKey(g)));
  const cached = pairScores.filter(Boolean).length + groupScores.filter(Boolean).length;
  let facts = cache?.modelFacts;
  if (cached < pairs.length + groups.length || !facts) {
    const opened = await openRef(ref, opts);
    await scoreMissing(opened, pairs, pairScores, groups, groupScores);
    facts = {
      wpNorm: opened.scorer.wpNorm(),
      trainNorms: opened.trainNorms,
      headTrained: opened.scorer.info.headTrained,
      kind: opened.scorer.info.kind,
    };
    pairs.forEach((x, i) => cache?.put(pairKey(x), pairScores[i]!));
    groups.forEach((g, i) => cache?.put(groupKey(g), groupScores[i]!));
    cache?.flush(facts);
  }
  return {
    modelDir: p.modelDir,
    model: { kind: facts.kind, headTrained: facts.headTrained },
    cached,
    wpNorm: facts.wpNorm,
    rows: pairs.map((pair, i) => scoredRow(pair, pairScores[i]!, facts!)),
    groups: groups.map((g, i): ScoredGroup => {
      const rewards = [...groupScores[i]!.rewards];
      const gold = g.responses.map((r) => r.gold);
      return { line: g.source.line, id: g.id, rewards, gold, tau: kendallTauB(gold, rewards) };
    }),
    skipped: ds.skipped
      .filter((x) => inRange(x.line, p))
      .map((x) => ({ line: x.line, ...(x.field ? { field: x.field } : {}), reason: x.reason, detail: x.detail })),
    ...(ds.tieRows ? { ties: ds.tieRows.filter((x) => inRange(x.line, p)) } : {}),
    backend: safeBackend() ?? 'none',
    elapsedMs: performance.now() - t0,
  };
}

/** Fills the holes of pairScores/groupScores with the model. */
async function scoreMissing(
  opened: OpenedScorer,
  pairs: readonly PreferencePair[],
  pairScores: (CachedPair | undefined)[],
  groups: readonly MultiResponseGroup[],
  groupScores: (CachedGroup | undefined)[],
): Promise<void> {
  const { scorer } = opened;
  const todo = pairs.map((_, i) => i).filter((i) => !pairScores[i]);
  if (todo.length) {
    const enc = todo.map((i) => scorer.encodePair(pairs[i]!));
    const s = await scorer.score([...enc.map((e) => e.chosen), ...enc.map((e) => e.rejected)], BATCH);
    const n = todo.length;
    todo.forEach((i, k) => {
      const c = enc[k]!.chosen,
        r = enc[k]!.rejected;
      const cut = c.promptTokensDropped + c.responseTokensDropped + r.promptTokensDropped + r.responseTokensDropped > 0;
      pairScores[i] = {
        rChosen: s.rewards[k]!,
        rRejected: s.rewards[n + k]!,
        hNormChosen: s.hNorm[k]!,
        hNormRejected: s.hNorm[n + k]!,
        ...(cut
          ? {
              truncated: {
                chosen: [c.promptTokensDropped, c.responseTokensDropped],
                rejected: [r.promptTokensDropped, r.responseTokensDropped],
              },
            }
          : {}),
      };
    });
  }
  for (let i = 0; i < groups.length; i++) {
    if (groupScores[i]) continue;
    const g = groups[i]!;
    const m = await scorer.score(
      g.responses.map((r) => scorer.encode(g.prompt, r.text)),
      BATCH,
    );
    groupScores[i] = { rewards: Array.from(m.rewards) };
  }
}

function scoredRow(pair: PreferencePair, s: CachedPair, facts: ModelFacts): ScoredRow {
  const pct = (x: number) => (facts.trainNorms.length ? percentileRank(facts.trainNorms, x) : NaN);
  const cos = (r: number, h: number) => r / (facts.wpNorm * h || 1e-12);
  return {
    line: pair.source.line,
    id: pair.id,
    rChosen: s.rChosen,
    rRejected: s.rRejected,
    hNormChosen: s.hNormChosen,
    hNormRejected: s.hNormRejected,
    cosChosen: cos(s.rChosen, s.hNormChosen),
    cosRejected: cos(s.rRejected, s.hNormRejected),
    hPctChosen: pct(s.hNormChosen),
    hPctRejected: pct(s.hNormRejected),
    ...(s.truncated ? { truncated: s.truncated } : {}),
  };
}
