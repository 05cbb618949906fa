// Shared assertions for the stats tests: closeness with a stated tolerance, and NaN-aware equality.
import assert from 'node:assert/strict';
import type { PreferencePair } from '../../../src/core/types';

/** |actual − expected| ≤ tol·max(1, |expected|), NaN only equal to NaN. */
export function assertClose(actual: number, expected: number, tol = 1e-12, what = 'value'): void {
  if (Number.isNaN(expected)) {
    assert.ok(Number.isNaN(actual), `${what}: expected NaN, got ${actual}`);
    return;
  }
  const err = Math.abs(actual - expected);
  assert.ok(err <= tol * Math.max(1, Math.abs(expected)), `${what}: expected ${expected}, got ${actual} (|err| = ${err}, tol ${tol})`);
}

export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-12, what = 'array'): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) assertClose(actual[i]!, expected[i]!, tol, `${what}[${i}]`);
}

/** A minimal PreferencePair for stats tests: only id and groups matter to the diagnostics. */
export function pair(i: number, groups: Record<string, string> = {}): PreferencePair {
  return {
    id: `t:${i + 1}`,
    prompt: `p${i}`,
    chosen: `c${i}`,
    rejected: `r${i}`,
    groups,
    source: { file: 'test.jsonl', line: i + 1, row: i },
  };
}
