// Small numeric building blocks shared by the diagnostics: the input array type, numpy's default
// (linear) quantile, ascending sorts that keep NaN out of comparisons, and a stable logistic.

/** Any array of numbers the engine produces: plain arrays, Float32Array from the worker, Float64Array. */
export type Numbers = ArrayLike<number>;

/** True when any element is NaN. Diagnostics propagate NaN (as numpy does) instead of hiding it. */
export function hasNaN(xs: Numbers): boolean {
  for (let i = 0; i < xs.length; i++) if (Number.isNaN(xs[i]!)) return true;
  return false;
}

/** A Float64Array copy sorted ascending. Callers must have ruled out NaN (NaN has no order). */
export function sortedCopy(xs: Numbers): Float64Array {
  const out = Float64Array.from(xs as ArrayLike<number>);
  out.sort(); // Typed-array sort is numeric, unlike Array.prototype.sort.
  return out;
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of an ascending sample with linear interpolation between order
 * statistics: numpy.quantile's default method ('linear', h = (n−1)·q). NaN for an empty sample.
 *
 * @example quantileSorted(Float64Array.of(1, 2, 3, 4), 0.25) // 1.75, as np.quantile([1,2,3,4], .25)
 */
export function quantileSorted(sorted: Numbers, q: number): number {
  const n = sorted.length;
  if (n === 0 || Number.isNaN(q)) return NaN;
  if (q < 0 || q > 1) throw new RangeError(`quantile q must lie in [0, 1], got ${q}`);
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const t = pos - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  // numpy's _lerp: interpolate from the nearer end so that t = 1 returns b exactly.
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

/** Arithmetic mean; NaN for an empty sample. */
export function mean(xs: Numbers): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** Mean of the non-NaN elements (numpy.nanmean); NaN when none is left. */
export function nanMean(xs: Numbers): number {
  let s = 0;
  let k = 0;
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    if (!Number.isNaN(v)) {
      s += v;
      k++;
    }
  }
  return k === 0 ? NaN : s / k;
}

/** σ(z) = 1 / (1 + e^(−z)), written so that neither branch overflows. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Throws when aligned arrays differ in length, naming both so the caller's bug is easy to find. */
export function assertSameLength(what: string, a: { length: number }, aName: string, b: { length: number }, bName: string): void {
  if (a.length !== b.length) {
    throw new RangeError(`${what}: ${aName} has ${a.length} elements but ${bName} has ${b.length}; they must be aligned`);
  }
}

/** Concatenates two numeric arrays into one Float64Array (e.g. chosen then rejected rewards). */
export function concat(a: Numbers, b: Numbers): Float64Array {
  const out = new Float64Array(a.length + b.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]!;
  for (let i = 0; i < b.length; i++) out[a.length + i] = b[i]!;
  return out;
}
