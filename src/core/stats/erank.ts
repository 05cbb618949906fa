// Effective rank of hidden states (Roy & Vetterli 2007), the paper's Table 1 diagnostic
// (paper-spec §3.7, §7.11), plus the deterministic row sampling that keeps N equal across sets.
import { symmetricEigenvalues } from './eigen';
import type { Numbers } from './numeric';
import { mulberry32 } from '../random';

/** Rows of a row-major N×d matrix of hidden states (one row per response). */
export interface HiddenRows {
  readonly rows: Numbers;
  readonly n: number;
  readonly dim: number;
}

export interface ErankOptions {
  /**
   * Subtract the mean row (the average hidden state) from every row before the SVD. Default false:
   * the paper does not say it centred (paper-spec §3.7 lists this as unknown), and its erank is of
   * "the hidden states H", so we take H as it is. Centring removes the shared offset direction, which
   * typically raises erank; whichever is chosen, compare sets computed with the same choice.
   */
  readonly center?: boolean;
}

/**
 * erank(H) = exp(−Σ_k p_k ln p_k), p_k = σ_k / Σ_j σ_j over the singular values σ of H ∈ ℝ^{N×d}
 * (0·ln 0 = 0). The σ are √λ of the smaller Gram matrix (HHᵀ when N ≤ d, else HᵀH), whose eigenvalues
 * come from cyclic Jacobi. Lies in [1, min(N, d)]. NaN for an empty or all-zero matrix, or any NaN entry.
 *
 * @example erank({ rows: [1, 0, 0, 1], n: 2, dim: 2 }) // 2: two equal singular values
 */
export function erank(h: HiddenRows, opts: ErankOptions = {}): number {
  const { n, dim } = h;
  if (!Number.isInteger(n) || !Number.isInteger(dim) || n < 0 || dim < 0) {
    throw new RangeError(`erank: n and dim must be integers ≥ 0, got n = ${n}, dim = ${dim}`);
  }
  if (h.rows.length !== n * dim) throw new RangeError(`erank: expected n·dim = ${n * dim} values, got ${h.rows.length}`);
  if (n === 0 || dim === 0) return NaN;
  const x = Float64Array.from(h.rows as ArrayLike<number>);
  for (let k = 0; k < x.length; k++) if (Number.isNaN(x[k]!)) return NaN;
  if (opts.center) centerColumns(x, n, dim);
  const { gram, m } = smallerGram(x, n, dim);
  return erankFromEigenvalues(symmetricEigenvalues(gram, m));
}

/**
 * erank from the eigenvalues λ of HᵀH (or HHᵀ), σ = √λ. Eigenvalues at or below m·ε·λ_max are
 * rounding noise of the Gram route (an exact zero comes back as ±ε·λ_max, i.e. σ ≈ 1e-8·σ_max, which
 * would add ~1e-7 to the entropy), so they count as exact zeros: numpy.linalg.matrix_rank's tolerance.
 */
export function erankFromEigenvalues(lambdas: ArrayLike<number>): number {
  let max = 0;
  for (let k = 0; k < lambdas.length; k++) max = Math.max(max, lambdas[k]!);
  const floor = max * lambdas.length * Number.EPSILON;
  const sigmas = Array.from(lambdas, (l) => (l > floor ? Math.sqrt(l) : 0));
  return erankFromSingularValues(sigmas);
}

/** erank from singular values directly (exp of the Shannon entropy of σ / Σσ). NaN when Σσ = 0. */
export function erankFromSingularValues(sigmas: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < sigmas.length; k++) sum += sigmas[k]!;
  if (!(sum > 0)) return NaN;
  let entropy = 0;
  for (let k = 0; k < sigmas.length; k++) {
    const p = sigmas[k]! / sum;
    if (p > 0) entropy -= p * Math.log(p);
  }
  return Math.exp(entropy);
}

function centerColumns(x: Float64Array, n: number, dim: number): void {
  for (let j = 0; j < dim; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i * dim + j]!;
    const mu = s / n;
    for (let i = 0; i < n; i++) x[i * dim + j] = x[i * dim + j]! - mu;
  }
}

/** HHᵀ (N×N) when N ≤ d, else HᵀH (d×d): both share the nonzero eigenvalues σ², and the smaller is cheaper. */
function smallerGram(x: Float64Array, n: number, dim: number): { gram: Float64Array; m: number } {
  if (n <= dim) {
    const g = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        let s = 0;
        for (let k = 0; k < dim; k++) s += x[i * dim + k]! * x[j * dim + k]!;
        g[i * n + j] = s;
        g[j * n + i] = s;
      }
    }
    return { gram: g, m: n };
  }
  const g = new Float64Array(dim * dim);
  for (let r = 0; r < n; r++) {
    const base = r * dim;
    for (let i = 0; i < dim; i++) {
      const xi = x[base + i]!;
      if (xi === 0) continue;
      for (let j = i; j < dim; j++) g[i * dim + j] = g[i * dim + j]! + xi * x[base + j]!;
    }
  }
  for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) g[i * dim + j] = g[j * dim + i]!;
  return { gram: g, m: dim };
}

/**
 * k distinct row indices out of [0, n), ascending, the same for the same (n, k, seed) on every
 * machine (mulberry32 + a partial Fisher-Yates shuffle). k ≥ n returns every row. Use one k for the
 * training sample and every eval set: erank depends on N (paper-spec §7.11).
 *
 * @example sampleRows(10, 3, 1) // [0, 1, 6], on every run and machine
 */
export function sampleRows(n: number, k: number, seed: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`sampleRows: n must be an integer ≥ 0, got ${n}`);
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`sampleRows: k must be an integer ≥ 0, got ${k}`);
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  const rand = mulberry32(seed);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (n - i));
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx.slice(0, k).sort((a, b) => a - b);
}

/** The selected rows of a row-major matrix, as a new Float32Array (the worker's hidden-state format). */
export function gatherRows(h: HiddenRows, indices: readonly number[]): HiddenRows & { rows: Float32Array } {
  const out = new Float32Array(indices.length * h.dim);
  indices.forEach((r, i) => {
    if (!(Number.isInteger(r) && r >= 0 && r < h.n)) throw new RangeError(`gatherRows: row ${r} is outside [0, ${h.n})`);
    for (let k = 0; k < h.dim; k++) out[i * h.dim + k] = h.rows[r * h.dim + k]!;
  });
  return { rows: out, n: indices.length, dim: h.dim };
}
