// Histograms with fixed, shared edges so chosen and rejected rewards overlay on one axis
// (paper-spec §7.1). Binning follows numpy.histogram exactly, so tests can compare counts.
import type { Histogram } from '../report';
import type { Numbers } from './numeric';

/** Default number of bins for reward histograms. */
export const DEFAULT_BINS = 30;

/**
 * `bins` equal-width edges over [lo, hi], as numpy.histogram builds them: linspace(lo, hi, bins+1);
 * when lo = hi the range is widened to [lo − 0.5, hi + 0.5]; when there is no finite data the range is [0, 1].
 */
export function equalWidthEdges(lo: number, hi: number, bins: number): number[] {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`histogram bins must be an integer ≥ 1, got ${bins}`);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = 0;
    hi = 1;
  } else if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = new Array<number>(bins + 1);
  const step = (hi - lo) / bins;
  for (let i = 0; i <= bins; i++) edges[i] = lo + i * step;
  edges[bins] = hi; // Pin the last edge so the maximum always lands in the last bin.
  return edges;
}

/**
 * Counts of `xs` in the bins defined by ascending `edges`: [e_i, e_{i+1}) except the last bin,
 * which is closed. Values outside the edges, and NaN or ±∞, are not counted (the Summary of the same
 * sample reports NaN, which is where a broken value shows).
 */
export function histogramWithEdges(xs: Numbers, edges: readonly number[]): Histogram {
  const bins = edges.length - 1;
  if (bins < 1) throw new RangeError(`histogram needs at least 2 edges, got ${edges.length}`);
  const counts = new Array<number>(bins).fill(0);
  const first = edges[0]!;
  const lastEdge = edges[bins]!;
  const width = lastEdge - first;
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    if (!(v >= first && v <= lastEdge)) continue;
    // numpy's fast path: guess the bin from the position, then correct by comparing with the edges.
    let k = Math.min(Math.floor(((v - first) / width) * bins), bins - 1);
    if (v < edges[k]!) k--;
    else if (k < bins - 1 && v >= edges[k + 1]!) k++;
    counts[k]!++;
  }
  return { edges: [...edges], counts };
}

/** Finite minimum and maximum over several samples; ±∞ when none is finite. */
function finiteRange(samples: readonly Numbers[]): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const xs of samples) {
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return { lo, hi };
}

/** Histogram of one sample over its own finite range (numpy.histogram(xs, bins)). */
export function histogram(xs: Numbers, bins = DEFAULT_BINS): Histogram {
  const { lo, hi } = finiteRange([xs]);
  return histogramWithEdges(xs, equalWidthEdges(lo, hi, bins));
}

/**
 * Two histograms over the same edges, spanning the finite range of both samples together, so they
 * can be drawn on one axis (chosen vs rejected rewards).
 *
 * @example sharedHistogram([0, 1], [2, 3], 3).a.counts // [1, 1, 0] over edges [0, 1, 2, 3]
 */
export function sharedHistogram(a: Numbers, b: Numbers, bins = DEFAULT_BINS): { a: Histogram; b: Histogram } {
  const { lo, hi } = finiteRange([a, b]);
  const edges = equalWidthEdges(lo, hi, bins);
  return { a: histogramWithEdges(a, edges), b: histogramWithEdges(b, edges) };
}
