// Which prompt groups and which response models are held out. Explicit names are validated against
// the data; otherwise a seeded draw picks them, so the same seed gives the same split.
import { deriveSeed, seededRng, shuffled } from './rng';
import { ScenarioError } from './splitTypes';

/**
 * Held-out prompt groups: `explicit` if given, else groups drawn in seeded order until they cover at least
 * `fraction` of the prompts, always leaving one group seen. `counts` maps group -> prompts.
 * Returns [] (with no error) when there are fewer than two groups; the caller refuses prompt-OOD then.
 */
export function chooseHeldOutPromptGroups(
  counts: ReadonlyMap<string, number>,
  explicit: readonly string[] | undefined,
  fraction: number,
  seed: number,
  key: string,
): string[] {
  const groups = [...counts.keys()].sort();
  if (explicit && explicit.length > 0) {
    const unknown = explicit.filter((g) => !counts.has(g));
    if (unknown.length) {
      throw new ScenarioError(
        `held-out prompt group(s) ${unknown.map((g) => `'${g}'`).join(', ')} not found in field '${key}'; the data has: ${groups.join(', ')}`,
      );
    }
    if (explicit.length >= groups.length) {
      throw new ScenarioError(`holding out every prompt group (${groups.join(', ')}) leaves no prompts to train on; hold out fewer`);
    }
    return [...new Set(explicit)].sort();
  }
  if (groups.length < 2) return [];
  if (!(fraction > 0 && fraction < 1)) throw new ScenarioError(`held-out prompt fraction must be in (0, 1), got ${fraction}`);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const order = shuffled(groups, seededRng(deriveSeed(seed, 'prompt-groups')));
  const chosen: string[] = [];
  let covered = 0;
  for (const g of order) {
    if (covered >= fraction * total || chosen.length === groups.length - 1) break;
    chosen.push(g);
    covered += counts.get(g) ?? 0;
  }
  return chosen.sort();
}

/**
 * Held-out models: `explicit` if given, else `count` models drawn with a seeded shuffle. At least two models
 * must stay seen (one pair needs two responses). Returns [] when there are too few models to hold any out.
 */
export function chooseHeldOutModels(
  models: readonly string[],
  explicit: readonly string[] | undefined,
  count: number,
  seed: number,
): string[] {
  const sorted = [...models].sort();
  if (explicit && explicit.length > 0) {
    const unknown = explicit.filter((m) => !models.includes(m));
    if (unknown.length) {
      throw new ScenarioError(`held-out model(s) ${unknown.map((m) => `'${m}'`).join(', ')} not found; the data has: ${sorted.join(', ')}`);
    }
    if (sorted.length - new Set(explicit).size < 2) {
      throw new ScenarioError(
        `holding out ${explicit.length} of ${sorted.length} models leaves fewer than 2 seen models to make training pairs`,
      );
    }
    return [...new Set(explicit)].sort();
  }
  const n = Math.min(count, sorted.length - 2);
  if (n <= 0) return [];
  return shuffled(sorted, seededRng(deriveSeed(seed, 'models')))
    .slice(0, n)
    .sort();
}
