// Seeded shuffles for split construction, on the project's PRNG (src/core/random), so the same seed gives
// the same split on every runtime.
import { deriveSeed as deriveCoreSeed, mulberry32 } from '../random';

export type Rng = () => number;

export function seededRng(seed: number): Rng {
  return mulberry32(seed);
}

/** A child seed for a named choice ('models', 'prompt:17'), so independent draws never share a stream. */
export function deriveSeed(seed: number, label: string): number {
  return deriveCoreSeed(seed, 'scenarios', label);
}

/** Fisher-Yates shuffle into a new array; the input is left untouched. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}
