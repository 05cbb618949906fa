// Turning scored responses of one prompt into gold-labelled preference pairs (paper-spec §4.3 step 5:
// "chosen/rejected are set by ArmoRM"; here by whatever gold the data carries).
import { shuffled, type Rng } from './rng';

export interface GoldResponse {
  readonly text: string;
  readonly gold: number;
  readonly model: string;
}

export interface GoldPair {
  readonly chosen: GoldResponse;
  readonly rejected: GoldResponse;
}

/**
 * Up to `maxPairs` pairs drawn without replacement from all pairs whose gold scores differ by at least
 * `minGap` (and by more than 0: a tie cannot be labelled). The higher gold score is chosen.
 * @example goldPairs([{text:'a',gold:1,model:'m'},{text:'b',gold:0,model:'n'}], 5, 0, rng) // one pair, chosen 'a'
 */
export function goldPairs(responses: readonly GoldResponse[], maxPairs: number, minGap: number, rng: Rng): GoldPair[] {
  const candidates: GoldPair[] = [];
  for (let i = 0; i < responses.length; i++) {
    for (let j = i + 1; j < responses.length; j++) {
      const a = responses[i] as GoldResponse;
      const b = responses[j] as GoldResponse;
      const gap = Math.abs(a.gold - b.gold);
      if (!(gap > 0) || gap < minGap) continue;
      candidates.push(a.gold > b.gold ? { chosen: a, rejected: b } : { chosen: b, rejected: a });
    }
  }
  return shuffled(candidates, rng).slice(0, Math.max(0, maxPairs));
}

/** True when Kendall's τ-b against these gold scores is defined: at least two distinct finite values. */
export function hasGoldSpread(responses: readonly { readonly gold: number }[]): boolean {
  const first = responses[0]?.gold;
  return responses.some((r) => r.gold !== first);
}
