// Evaluation: run the model over each eval set and hand the numbers to the pure diagnostics in src/core/stats.
// Reads from the backend once per batch (eval is not the hot loop).
import { tf } from './tf';
import { forward, makeBatch, wpNorm as wpNormOf, type RewardModel } from './model';
import { encodePairs } from './encode';
import { encodePair, type Vocabulary } from '../core/tokenize';
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
export async function scoreSequences(model: RewardModel, seqs: readonly Int32Array[], batchSize: number, keepHidden = 0): Promise<SequenceScores> {
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

/** ‖h_w − h_l‖ per pair: scored pairwise so both hidden states are on the backend at once. */
async function hiddenDiffNorms(model: RewardModel, chosen: readonly Int32Array[], rejected: readonly Int32Array[], batchSize: number): Promise<Float32Array> {
  const n = chosen.length;
  const out = new Float32Array(n);
  const half = Math.max(1, Math.floor(batchSize / 2));
  for (let start = 0; start < n; start += half) {
    const c = chosen.slice(start, start + half);
    const r = rejected.slice(start, start + half);
    const batch = makeBatch([...c, ...r]);
    const d = tf.tidy(() => {
      const { hidden } = forward(model, batch);
      const k = c.length;
      return tf.norm(tf.sub(hidden.slice([0, 0], [k, -1]), hidden.slice([k, 0], [k, -1])), 'euclidean', 1);
    });
    out.set(await d.data(), start); // Sync point: one read per eval batch.
    tf.dispose([batch.ids, batch.lastIdx, d]);
  }
  return out;
}

export async function evaluateSet(model: RewardModel, vocab: Vocabulary, set: EvalSetData, batchSize: number): Promise<EvalSetReport> {
  const maxLen = model.config.maxLen;
  const wp = wpNormOf(model);
  const enc = encodePairs(vocab, set.pairs, maxLen);
  const n = set.pairs.length;
  // Interleave chosen/rejected so the first ERANK_ROWS hidden rows mix both sides.
  const seqs: Int32Array[] = [];
  for (let i = 0; i < n; i++) seqs.push(enc.chosen[i]!, enc.rejected[i]!);
  const s = await scoreSequences(model, seqs, batchSize, ERANK_ROWS);
  const even = (a: Float32Array) => Float32Array.from({ length: n }, (_, i) => a[2 * i]!);
  const odd = (a: Float32Array) => Float32Array.from({ length: n }, (_, i) => a[2 * i + 1]!);
  const scores: PairScores = {
    ids: set.pairs.map((p) => p.id),
    lines: set.pairs.map((p) => p.source.line),
    rChosen: even(s.rewards),
    rRejected: odd(s.rewards),
    hNormChosen: even(s.hNorm),
    hNormRejected: odd(s.hNorm),
    hDiffNorm: n > 0 ? await hiddenDiffNorms(model, enc.chosen, enc.rejected, batchSize) : new Float32Array(0),
    lenChosen: enc.lenChosen,
    lenRejected: enc.lenRejected,
  };
  let hiddenSample = { rows: s.hidden.subarray(0, Math.min(ERANK_ROWS, seqs.length) * s.dim), n: Math.min(ERANK_ROWS, seqs.length), dim: s.dim };
  let multi: { gold: number[]; model: number[] }[] | undefined;
  let multiNorms: number[] | undefined;
  if (set.multi.length > 0) {
    const flat: Int32Array[] = [];
    const owner: number[] = [];
    set.multi.forEach((g, gi) => g.responses.forEach((r) => { flat.push(encodePair(vocab, g.prompt, r.text, maxLen).ids); owner.push(gi); }));
    const m = await scoreSequences(model, flat, batchSize, ERANK_ROWS);
    multi = set.multi.map((g) => ({ gold: g.responses.map((r) => r.gold), model: [] as number[] }));
    owner.forEach((gi, k) => multi![gi]!.model.push(m.rewards[k]!));
    multiNorms = Array.from(m.hNorm);
    if (n === 0) hiddenSample = { rows: m.hidden.subarray(0, Math.min(ERANK_ROWS, flat.length) * m.dim), n: Math.min(ERANK_ROWS, flat.length), dim: m.dim };
  }
  const report = buildEvalSetReport({ name: set.name, file: set.file, pairs: set.pairs, scores, wpNorm: wp, hiddenSample, multi });
  // For multi-response sets ‖h‖ covers every response (paper-spec §7.4: "for 4-response sets, over all 4").
  if (multiNorms && multiNorms.length > 0) {
    const all = [...Array.from(s.hNorm), ...multiNorms];
    return { ...report, hNorm: boxStats(all) };
  }
  return report;
}

export async function evaluateAll(model: RewardModel, vocab: Vocabulary, sets: readonly EvalSetData[], step: number, batchSize: number): Promise<EvalReport> {
  const reports: EvalSetReport[] = [];
  for (const set of sets) reports.push(await evaluateSet(model, vocab, set, batchSize));
  return buildEvalReport(step, reports);
}
