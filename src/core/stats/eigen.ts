// Eigenvalues of a real symmetric matrix by the cyclic Jacobi method (Golub & Van Loan §8.5.3).
// TF.js has no SVD, and the Gram matrices here are at most a few hundred wide, where Jacobi's
// O(m³) per sweep is fine and its accuracy (small eigenvalues to high relative precision) helps erank.

/** Options for {@link symmetricEigenvalues}. */
export interface JacobiOptions {
  /** Stop when the off-diagonal Frobenius norm falls below tol·‖A‖_F. Default 1e-13 (rounding dust is ~1e-16·m·‖A‖_F). */
  readonly tol?: number;
  /** Give up after this many sweeps (a sweep rotates every off-diagonal pair once). Default 100. */
  readonly maxSweeps?: number;
}

/**
 * Eigenvalues of the symmetric m×m matrix `a` (row-major, length m·m), in descending order.
 * `a` is not modified. Only the upper triangle is read as the source of truth: the lower one is
 * assumed to mirror it. Throws if the matrix is not square or does not converge.
 *
 * @example symmetricEigenvalues(Float64Array.of(2, 1, 1, 2), 2) // [3, 1]
 */
export function symmetricEigenvalues(a: ArrayLike<number>, m: number, opts: JacobiOptions = {}): Float64Array {
  if (a.length !== m * m) throw new RangeError(`symmetricEigenvalues: expected ${m}×${m} = ${m * m} entries, got ${a.length}`);
  const tol = opts.tol ?? 1e-13;
  const maxSweeps = opts.maxSweeps ?? 100;
  const w = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      const v = a[i * m + j]!;
      w[i * m + j] = v;
      w[j * m + i] = v;
    }
  }
  let total = 0;
  for (let k = 0; k < m * m; k++) total += w[k]! * w[k]!;
  const threshold = tol * Math.sqrt(total);
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    if (offDiagonalNorm(w, m) <= threshold) return sortedDiagonal(w, m);
    let rotations = 0;
    for (let p = 0; p < m - 1; p++) {
      for (let q = p + 1; q < m; q++) if (rotate(w, m, p, q)) rotations++;
    }
    if (rotations === 0) return sortedDiagonal(w, m); // Every off-diagonal entry is negligible.
  }
  if (offDiagonalNorm(w, m) <= threshold) return sortedDiagonal(w, m);
  throw new Error(`symmetricEigenvalues: Jacobi did not converge in ${maxSweeps} sweeps (m = ${m})`);
}

function offDiagonalNorm(w: Float64Array, m: number): number {
  let s = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) s += 2 * w[i * m + j]! * w[i * m + j]!;
  }
  return Math.sqrt(s);
}

function sortedDiagonal(w: Float64Array, m: number): Float64Array {
  const d = new Float64Array(m);
  for (let i = 0; i < m; i++) d[i] = w[i * m + i]!;
  d.sort();
  return d.reverse();
}

/**
 * One Jacobi rotation J(p, q, θ) applied as Jᵀ W J, chosen to zero w[p][q] (the stable tan θ of GVL
 * Alg. 8.5.1). Returns false, after zeroing it, when w[p][q] is below rounding of the diagonal pair
 * (Rutishauser's skip rule), so that converged sweeps do no work.
 */
function rotate(w: Float64Array, m: number, p: number, q: number): boolean {
  const apq = w[p * m + q]!;
  const app = w[p * m + p]!;
  const aqq = w[q * m + q]!;
  if (apq === 0 || Math.abs(apq) <= 1e-18 * Math.sqrt(Math.abs(app * aqq))) {
    w[p * m + q] = 0;
    w[q * m + p] = 0;
    return false;
  }
  const tau = (aqq - app) / (2 * apq);
  const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
  const c = 1 / Math.sqrt(1 + t * t);
  const s = t * c;
  for (let k = 0; k < m; k++) {
    if (k === p || k === q) continue;
    const akp = w[k * m + p]!;
    const akq = w[k * m + q]!;
    const nkp = c * akp - s * akq;
    const nkq = s * akp + c * akq;
    w[k * m + p] = nkp;
    w[p * m + k] = nkp;
    w[k * m + q] = nkq;
    w[q * m + k] = nkq;
  }
  w[p * m + p] = app - t * apq;
  w[q * m + q] = aqq + t * apq;
  w[p * m + q] = 0;
  w[q * m + p] = 0;
  return true;
}
