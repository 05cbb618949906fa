// Candidate pools for best-of-N in a scenario experiment: the same prompts and models as the four scenarios, but
// every response a prompt has in its cell (no τ-set caps), so N can grow as far as the data allows:
//   in-domain    seen prompts × seen models, only the in-domain share (the responses training never saw);
//   prompt-OOD   held-out prompts × seen models;  response-OOD  seen prompts × held-out models;
//   mutual-OOD   held-out prompts × held-out models.
// The held-out groups and models come from the split's manifest (what the runs were trained on), and the in-domain
// share is redrawn with the split's own per-prompt stream (seenShare), so it matches the split exactly.
import type { MultiResponseGroup } from '../types';
import { GOLD_KEYS } from '../data/multi';
import { cleanPrompts, seenShare, type CleanPrompt, type MultiSplitOptions } from './multiSplit';
import type { GoldResponse } from './pairing';
import { deriveSeed, seededRng } from './rng';
import { countDrop, type HeldOut, type ScenarioGroup, type ScenarioSet } from './splitTypes';

export const BON_POOLS = ['in-domain', 'prompt-ood', 'response-ood', 'mutual-ood'] as const;
export type BonPoolName = (typeof BON_POOLS)[number];

export interface BonPools {
  /** Non-empty pools in BON_POOLS order, as τ-style sets (one group per prompt), ready for setToJsonl. */
  readonly sets: readonly ScenarioSet[];
  readonly dropped: Readonly<Record<string, number>>;
}

/** The four pools; prompts left with fewer than 2 candidates in a pool are counted, not kept (N = 1 is no choice). */
export function buildBonPools(
  input: readonly MultiResponseGroup[],
  opts: MultiSplitOptions,
  heldOut: Pick<HeldOut, 'heldOutPromptGroups' | 'heldOutModels'>,
): BonPools {
  const dropped: Record<string, number> = {};
  const heldGroups = new Set(heldOut.heldOutPromptGroups);
  const heldModels = new Set(heldOut.heldOutModels);
  const pools: Record<BonPoolName, ScenarioGroup[]> = { 'in-domain': [], 'prompt-ood': [], 'response-ood': [], 'mutual-ood': [] };
  const add = (name: BonPoolName, p: CleanPrompt, responses: readonly GoldResponse[]) => {
    // Without held-out models the model pools do not exist: nothing to count as dropped there.
    if ((name === 'response-ood' || name === 'mutual-ood') && heldModels.size === 0) return;
    if (responses.length >= 2) pools[name].push({ id: p.id, prompt: p.prompt, promptGroup: p.promptGroup, responses });
    else countDrop(dropped, `${name}: prompt with fewer than 2 candidates`);
  };
  for (const p of cleanPrompts(input, opts, dropped)) {
    const seen = p.responses.filter((r) => !heldModels.has(r.model));
    const unseen = p.responses.filter((r) => heldModels.has(r.model));
    if (heldGroups.has(p.promptGroup)) {
      add('prompt-ood', p, seen);
      add('mutual-ood', p, unseen);
      continue;
    }
    add('in-domain', p, seenShare(seen, opts.idFraction, seededRng(deriveSeed(opts.seed, `prompt:${p.id}`))).inDomain);
    add('response-ood', p, unseen);
  }
  const sets = BON_POOLS.filter((n) => pools[n].length > 0).map(
    (name): ScenarioSet => ({ name, metric: 'kendall', pairs: [], groups: pools[name] }),
  );
  return { sets, dropped };
}

/** The gold key a pool file is written with: the data's own field when the long-row reader knows it, else `score`. */
export function poolGoldKey(goldField: string | undefined): string {
  return goldField && GOLD_KEYS.includes(goldField) ? goldField : 'score';
}

/** A pool as multi-response long rows (AlpacaEval style), which `reward-lens bon` reads back as the same prompts. */
export function poolRows(set: ScenarioSet, promptGroupKey: string, goldField: string | undefined): Record<string, string | number>[] {
  const goldKey = poolGoldKey(goldField);
  return set.groups.flatMap((g) =>
    g.responses.map((r) => ({
      instruction_id: g.id,
      instruction: g.prompt,
      generator: r.model,
      output: r.text,
      [goldKey]: r.gold,
      [promptGroupKey]: g.promptGroup,
    })),
  );
}

/** A pool as in-memory prompts (what loading its file would give), for `reward-lens bon --split` without writing. */
export function poolPrompts(set: ScenarioSet, promptGroupKey: string, goldField: string | undefined, file: string): MultiResponseGroup[] {
  let line = 0;
  return set.groups.map((g) => ({
    id: g.id,
    prompt: g.prompt,
    groups: g.promptGroup ? { [promptGroupKey]: g.promptGroup } : {},
    source: { file, line: line + 1, row: line },
    responses: g.responses.map((r) => ({
      text: r.text,
      gold: r.gold,
      model: r.model,
      goldField: poolGoldKey(goldField),
      source: { file, line: ++line, row: line - 1 },
    })),
  }));
}
