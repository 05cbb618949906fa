// Mean ± std over seeds. std is the sample standard deviation (ddof = 1), the usual choice for a handful of
// seeds; NaN values (a missing run, an undefined τ) are left out of both and counted in `n`'s absence.

export interface SeedStat {
  /** One value per seed, in the experiment's seed order; NaN where the run is missing or the value undefined. */
  readonly values: readonly number[];
  readonly mean: number;
  /** Sample std (ddof = 1); NaN for fewer than 2 finite values. */
  readonly std: number;
  /** Finite values used. */
  readonly n: number;
}

/**
 * @example seedStat([0.8, 0.9, 1.0]) // { mean: 0.9, std: 0.1, n: 3, values: [0.8, 0.9, 1.0] }
 */
export function seedStat(values: readonly number[]): SeedStat {
  const finite = values.filter((v) => Number.isFinite(v));
  const n = finite.length;
  const mean = n ? finite.reduce((a, b) => a + b, 0) / n : NaN;
  const std = n >= 2 ? Math.sqrt(finite.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : NaN;
  return { values: [...values], mean, std, n };
}

/** JSON turns NaN into null; reading it back must turn null (or anything non-numeric) into NaN again. */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : NaN;
}

/** "0.8132 ± 0.0041" with `digits` decimals; "—" when no value, "0.8132" when only one seed. */
export function formatSeedStat(s: SeedStat, digits = 4): string {
  if (s.n === 0) return '—';
  if (s.n === 1) return s.mean.toFixed(digits);
  return `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}`;
}
