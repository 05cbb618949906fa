// From loaded multi-response prompts to best-of-N candidates: which responses take part (adversarial ones and those
// without a gold score are left out, counted), how gold is oriented, and how length is measured.
import type { MultiResponseGroup, ScoredResponse } from '../types';
import type { BonPrompt } from './types';

export interface PrepareOptions {
  /** Keep responses flagged `is_adversarial` (AlpacaEval's NullModel, which games the judge). Default false. */
  readonly includeAdversarial?: boolean;
}

/** A prompt ready to be scored: its responses in order, and the prompt-level groups its curves are split by. */
export interface PreparedPrompt {
  readonly id: string;
  readonly prompt: string;
  readonly groups: Readonly<Record<string, string>>;
  readonly responses: readonly ScoredResponse[];
}

export interface Prepared {
  readonly prompts: readonly PreparedPrompt[];
  readonly dropped: Readonly<Record<string, number>>;
  /** Every field gold was read from, sorted (one, unless the files differ). */
  readonly goldFields: readonly string[];
}

const count = (into: Record<string, number>, why: string, n = 1) => void (into[why] = (into[why] ?? 0) + n);

export function prepareBonPrompts(groups: readonly MultiResponseGroup[], opts: PrepareOptions = {}): Prepared {
  const dropped: Record<string, number> = {};
  const fields = new Set<string>();
  const prompts: PreparedPrompt[] = [];
  for (const g of groups) {
    const kept = g.responses.filter((r) => {
      if (!opts.includeAdversarial && r.groups?.['is_adversarial'] === 'true') {
        count(dropped, 'responses flagged is_adversarial');
        return false;
      }
      if (!Number.isFinite(r.gold)) {
        count(dropped, 'responses without a finite gold score');
        return false;
      }
      if (r.goldField) fields.add(r.goldField);
      return true;
    });
    if (kept.length === 0) {
      count(dropped, 'prompts with no usable response');
      continue;
    }
    prompts.push({ id: g.id, prompt: g.prompt, groups: g.groups, responses: kept });
  }
  return { prompts, dropped, goldFields: [...fields].sort() };
}

/** Characters as a reader counts them (Unicode code points, not UTF-16 units). */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Attaches the proxy scores (`proxy[i][k]` for response k of prompt i) and orients gold (negated when lower is
 * better). A response whose proxy score is not finite is left out and counted: argmax over NaN has no meaning.
 */
export function toBonPrompts(
  prepared: readonly PreparedPrompt[],
  proxy: readonly (readonly number[])[],
  higherIsBetter: boolean,
  dropped: Record<string, number>,
): BonPrompt[] {
  const sign = higherIsBetter ? 1 : -1;
  const out: BonPrompt[] = [];
  prepared.forEach((p, i) => {
    const scores = proxy[i] ?? [];
    const candidates = p.responses.flatMap((r, k) => {
      const s = scores[k];
      if (s === undefined || !Number.isFinite(s)) {
        count(dropped, 'responses whose proxy score is not finite');
        return [];
      }
      return [{ gold: sign * r.gold, proxy: s, length: charLength(r.text) }];
    });
    if (candidates.length) out.push({ id: p.id, groups: p.groups, candidates });
  });
  return out;
}
