// Evaluation: run the model over each eval set and hand the numbers to the pure diagnostics in src/core/stats.
// Reads from the backend once per batch (eval is not the hot loop).
import { tf } from './tf';
import { forward, makeBatch, type RewardModel } from './model';
import type { EncodedSeq, RewardScorer } from './scorer';
import { boxStats, buildEvalReport, buildEvalSetReport } from '../core/stats';
import type { EvalReport, EvalSetReport, PairScores } from '../core/report';
import type { EvalSetData } from './trainingData';

/** Rows of hidden states used for the effective rank; the same N for every set so ranks are comparable. */
export const ERANK_ROWS = 128;

export interface SequenceScores {
  readonly rewards: Float32Array;
  readonly hNorm: Float32Array;
  /** Row-major [n, H] hidden states of the first `keepHidden` sequences. */
  readonly hidden: Float32Array;
  readonly dim: number;
}

/** Scores sequences in length-sorted batches (less padding), returning results in input order. */
export async function scoreSequences(
  model: RewardModel,
  seqs: readonly Int32Array[],
  batchSize: number,
  keepHidden = 0,
): Promise<SequenceScores> {
  const n = seqs.length;
  const dim = model.config.dModel;
  const rewards = new Float32Array(n);
  const hNorm = new Float32Array(n);
  const keep = Math.min(keepHidden, n);
  const hidden = new Float32Array(keep * dim);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => seqs[a]!.length - seqs[b]!.length);
  for (let start = 0; start < n; start += batchSize) {
    const idx = order.slice(start, start + batchSize);
    const batch = makeBatch(idx.map((i) => seqs[i]!));
    const out = tf.tidy(() => {
      const { rewards: r, hidden: h } = forward(model, batch);
      return { r, norm: tf.norm(h, 'euclidean', 1), h: keep > 0 ? h : undefined };
    });
    // Sync point: one read per eval batch.
    const [r, norm, h] = await Promise.all([out.r.data(), out.norm.data(), out.h ? out.h.data() : Promise.resolve(undefined)]);
    idx.forEach((orig, k) => {
      rewards[orig] = r[k]!;
      hNorm[orig] = norm[k]!;
      if (h && orig < keep) hidden.set(h.subarray(k * dim, (k + 1) * dim), orig * dim);
    });
    tf.dispose([batch.ids, batch.lastIdx, out.r, out.norm, ...(out.h ? [out.h] : [])]);
  }
  return { rewards, hNorm, hidden, dim };
}

/** ‖h_w − h_l‖ per pair from interleaved hidden rows (2i = chosen, 2i+1 = rejected): no second forward pass. */
function hiddenDiffNorms(hidden: Float32Array, dim: number, pairs: number): Float32Array {
  const out = new Float32Array(pairs);
  for (let i = 0; i < pairs; i++) {
    const c = 2 * i * dim,
      r = (2 * i + 1) * dim;
    let ss = 0;
    for (let k = 0; k < dim; k++) {
      const d = hidden[c + k]! - hidden[r + k]!;
      ss += d * d;
    }
    out[i] = Math.sqrt(ss);
  }
  return out;
}

/** The diagnostics of one eval set under any reward model (ours or a Hugging Face checkpoint). */
export async function evaluateSetWith(scorer: RewardScorer, set: EvalSetData, batchSize: number): Promise<EvalSetReport> {
  const wp = scorer.wpNorm();
  const seqs = encodeInterleaved(scorer, set);
  // Keep every hidden row (n·H floats, a few MB at these sizes): ‖h_w − h_l‖ and the erank sample come from one pass.
  const s = await scorer.score(seqs, batchSize, seqs.length);
  const scores = pairScoresOf(set, seqs, s);
  const multi = set.multi.length > 0 ? await scoreMulti(scorer, set, batchSize) : undefined;
  // A set of multi-response groups only has no pair rows, so its erank sample comes from the responses.
  const hiddenSample = multi && set.pairs.length === 0 ? multi.hiddenSample : hiddenSampleOf(s, seqs.length);
  const report = buildEvalSetReport({
    name: set.name,
    file: set.file,
    pairs: set.pairs,
    scores,
    wpNorm: wp,
    hiddenSample,
    multi: multi?.groups,
  });
  return withOutlierLines(report, set, s.hNorm, multi);
}

/** Chosen and rejected sequences interleaved (2i = chosen, 2i+1 = rejected) so the first ERANK_ROWS hidden rows mix both sides. */
function encodeInterleaved(scorer: RewardScorer, set: EvalSetData): EncodedSeq[] {
  const seqs: EncodedSeq[] = [];
  for (const p of set.pairs) {
    const e = scorer.encodePair(p);
    seqs.push(e.chosen, e.rejected);
  }
  return seqs;
}

/** The per-pair numbers of one set, de-interleaved from the scores of `encodeInterleaved`'s sequences. */
function pairScoresOf(set: EvalSetData, seqs: readonly EncodedSeq[], s: SequenceScores): PairScores {
  const n = set.pairs.length;
  const even = (a: Float32Array) => Float32Array.from({ length: n }, (_, i) => a[2 * i]!);
  const odd = (a: Float32Array) => Float32Array.from({ length: n }, (_, i) => a[2 * i + 1]!);
  return {
    ids: set.pairs.map((p) => p.id),
    lines: set.pairs.map((p) => p.source.line),
    rChosen: even(s.rewards),
    rRejected: odd(s.rewards),
    hNormChosen: even(s.hNorm),
    hNormRejected: odd(s.hNorm),
    hDiffNorm: hiddenDiffNorms(s.hidden, s.dim, n),
    lenChosen: seqs.filter((_, i) => i % 2 === 0).map((e) => e.responseTokens),
    lenRejected: seqs.filter((_, i) => i % 2 === 1).map((e) => e.responseTokens),
  };
}

/** The first ERANK_ROWS kept hidden rows of `count` scored sequences, for the effective rank. */
function hiddenSampleOf(s: SequenceScores, count: number): { rows: Float32Array; n: number; dim: number } {
  return { rows: s.hidden.subarray(0, Math.min(ERANK_ROWS, count) * s.dim), n: Math.min(ERANK_ROWS, count), dim: s.dim };
}

interface MultiScores {
  /** Gold and model scores per group, in the order of `set.multi`. */
  readonly groups: { gold: number[]; model: number[] }[];
  /** ‖h‖ and the dataset line of every response, flattened group by group. */
  readonly norms: number[];
  readonly lines: number[];
  readonly hiddenSample: { rows: Float32Array; n: number; dim: number };
}

/** Scores every response of the set's multi-response groups in one batched pass. */
async function scoreMulti(scorer: RewardScorer, set: EvalSetData, batchSize: number): Promise<MultiScores> {
  const flat: EncodedSeq[] = [];
  const owner: number[] = [];
  set.multi.forEach((g, gi) =>
    g.responses.forEach((r) => {
      flat.push(scorer.encode(g.prompt, r.text));
      owner.push(gi);
    }),
  );
  const m = await scorer.score(flat, batchSize, ERANK_ROWS);
  const groups = set.multi.map((g) => ({ gold: g.responses.map((r) => r.gold), model: [] as number[] }));
  owner.forEach((gi, k) => groups[gi]!.model.push(m.rewards[k]!));
  return {
    groups,
    norms: Array.from(m.hNorm),
    lines: set.multi.flatMap((g) => g.responses.map((r) => r.source.line)),
    hiddenSample: hiddenSampleOf(m, flat.length),
  };
}

/** The report with its ‖h‖ box plot extended to the multi-response rows and each outlier's dataset line attached. */
function withOutlierLines(report: EvalSetReport, set: EvalSetData, pairNorms: Float32Array, multi: MultiScores | undefined): EvalSetReport {
  const multiNorms = multi?.norms ?? [];
  // For multi-response sets ‖h‖ covers every response (paper-spec §7.4: "for 4-response sets, over all 4").
  const norms = [...Array.from(pairNorms), ...multiNorms];
  const lines = [...set.pairs.flatMap((p) => [p.source.line, p.source.line]), ...(multi?.lines ?? [])];
  const hNorm = multiNorms.length > 0 ? boxStats(norms) : report.hNorm;
  return { ...report, hNorm: { ...hNorm, outlierLines: outlierLinesOf(hNorm.outliers, norms, lines) } };
}

/** The dataset line of each box-plot outlier, so a click on it in the panel reveals that row. */
function outlierLinesOf(outliers: readonly number[], values: readonly number[], lines: readonly number[]): number[] {
  const used = new Set<number>();
  return outliers.map((o) => {
    const i = values.findIndex((v, k) => !used.has(k) && Math.fround(v) === Math.fround(o));
    if (i < 0) return 0;
    used.add(i);
    return lines[i] ?? 0;
  });
}

export async function evaluateAllWith(
  scorer: RewardScorer,
  sets: readonly EvalSetData[],
  step: number,
  batchSize: number,
): Promise<EvalReport> {
  const reports: EvalSetReport[] = [];
  for (const set of sets) reports.push(await evaluateSetWith(scorer, set, batchSize));
  return buildEvalReport(step, reports);
}
