// Builds the paper's four generalisation scenarios from multi-response data (paper-spec §4.3):
// seen prompts × seen models -> train pairs + in-domain pairs (disjoint responses of the same prompts);
// held-out prompts × seen models -> prompt-OOD; seen prompts × held-out models -> response-OOD;
// held-out prompts × held-out models -> mutual-OOD. OOD sets keep all responses of a prompt for τ-b.
import type { MultiResponseGroup } from '../types';
import { chooseHeldOutModels, chooseHeldOutPromptGroups } from './heldOutChoice';
import { goldPairs, hasGoldSpread, type GoldResponse } from './pairing';
import { normalizePromptText } from './promptKey';
import { deriveSeed, seededRng, shuffled } from './rng';
import {
  countDrop,
  ScenarioError,
  SCENARIO_NAMES,
  setSize,
  type Refusal,
  type ScenarioGroup,
  type ScenarioName,
  type ScenarioPair,
  type ScenarioSet,
  type ScenarioSplits,
} from './splitTypes';

export interface MultiSplitOptions {
  /** Group field naming each prompt's source, e.g. 'dataset'. Held-out prompt groups are values of it. */
  readonly promptGroupKey: string;
  /** Explicit held-out prompt groups; otherwise groups covering `heldOutPromptFraction` of prompts are drawn. */
  readonly heldOutPromptGroups?: readonly string[];
  /** Default 0.25. */
  readonly heldOutPromptFraction?: number;
  /** Explicit held-out models; otherwise `heldOutModelCount` are drawn. */
  readonly heldOutModels?: readonly string[];
  /** Default 4 (the paper's M_valid has 4 models). */
  readonly heldOutModelCount?: number;
  /** Responses of these models are dropped everywhere (e.g. AlpacaEval's adversarial NullModel). */
  readonly excludeModels?: readonly string[];
  /** Drop responses flagged `is_adversarial` (AlpacaEval's NullModel prompt injection). Default true. */
  readonly excludeAdversarial?: boolean;
  readonly seed: number;
  /** Pairs drawn per prompt from its train responses (and again from its in-domain responses). Paper: 1. */
  readonly pairsPerPrompt: number;
  /** Minimum gold difference for a pair; ties are never paired. */
  readonly minGoldGap: number;
  /** Share of a seen prompt's seen-model responses reserved for in-domain pairs. Paper: 0.5 (2 of 4). */
  readonly idFraction: number;
  /** Fewest responses a prompt needs in a τ set. Default 3. */
  readonly minTauResponses?: number;
  /** Keep at most this many responses per prompt in τ sets (seeded draw), so τ sets are comparable in n. Default all. */
  readonly maxTauResponses?: number;
  /** Keep at most this many in-domain pairs (seeded draw), to bound evaluation time. Default all. */
  readonly maxEvalPairs?: number;
  /** Keep at most this many prompts per τ set (seeded draw), to bound evaluation time. Default all. */
  readonly maxTauPrompts?: number;
}

export const MODELESS = '(unknown model)';

/** See the file header. Throws ScenarioError when no training pairs can be built; refuses single scenarios otherwise. */
export function buildMultiResponseSplits(input: readonly MultiResponseGroup[], opts: MultiSplitOptions): ScenarioSplits {
  validate(opts);
  const dropped: Record<string, number> = {};
  const notes: string[] = [];
  const refused: Refusal[] = [];
  const prompts = cleanPrompts(input, opts, dropped);
  if (prompts.length === 0) throw new ScenarioError('no prompt has two or more responses with a finite gold score; nothing to split');

  // 1) Identities: which prompt groups and models exist, and whether every response names its model.
  const { groupCounts, heldGroups } = heldOutPromptGroups(prompts, opts, refused);
  const { models, heldModels } = heldOutModels(prompts, opts, refused);
  const heldGroupSet = new Set(heldGroups);
  const heldModelSet = new Set(heldModels);

  // 2) Assign every prompt's responses to sets.
  const minTau = opts.minTauResponses ?? 3;
  const { pairs, groups } = assignPrompts(prompts, heldGroupSet, heldModelSet, minTau, opts, dropped);
  if (pairs.train.length === 0)
    throw new ScenarioError(
      `no training pairs: no seen prompt has two seen-model responses whose gold scores differ by ≥ ${opts.minGoldGap}`,
    );

  // 3) Sets in the paper's order; a scenario that could have been built but came out empty is refused with its cause.
  const sets = scenarioSets(pairs, groups, refused, minTau, opts, dropped);
  const sizes: Partial<Record<ScenarioName, ReturnType<typeof setSize>>> = {};
  for (const s of sets) sizes[s.name] = setSize(s, normalizePromptText);
  if (opts.maxTauResponses) notes.push(`τ sets keep at most ${opts.maxTauResponses} responses per prompt (seeded draw)`);
  const allGroups = [...groupCounts.keys()].sort();
  return {
    kind: 'multi-response',
    sets,
    sizes,
    heldOut: {
      promptGroupKey: opts.promptGroupKey,
      seenPromptGroups: allGroups.filter((g) => !heldGroupSet.has(g)),
      heldOutPromptGroups: heldGroups,
      seenModels: [...models].filter((m) => !heldModelSet.has(m)).sort(),
      heldOutModels: heldModels,
      excludedModels: [...(opts.excludeModels ?? [])].sort(),
    },
    refused,
    dropped,
    notes,
  };
}

type PairSets = Record<'train' | 'in-domain', ScenarioPair[]>;
type TauSets = Record<'prompt-ood' | 'response-ood' | 'mutual-ood', ScenarioGroup[]>;

/** The prompt groups and the held-out ones; refuses prompt-OOD and mutual-OOD (in `refused`) when they cannot exist. */
function heldOutPromptGroups(
  prompts: readonly CleanPrompt[],
  opts: MultiSplitOptions,
  refused: Refusal[],
): { groupCounts: Map<string, number>; heldGroups: string[] } {
  const groupCounts = new Map<string, number>();
  for (const p of prompts) groupCounts.set(p.promptGroup, (groupCounts.get(p.promptGroup) ?? 0) + 1);
  const withoutGroup = prompts.filter((p) => p.promptGroup === '').length;
  const heldGroups =
    withoutGroup > 0
      ? []
      : chooseHeldOutPromptGroups(
          groupCounts,
          opts.heldOutPromptGroups,
          opts.heldOutPromptFraction ?? 0.25,
          opts.seed,
          opts.promptGroupKey,
        );
  if (withoutGroup > 0) {
    if (opts.heldOutPromptGroups?.length)
      throw new ScenarioError(
        `${withoutGroup} of ${prompts.length} prompts have no '${opts.promptGroupKey}' field, so held-out prompt groups cannot be applied`,
      );
    const reason = `${withoutGroup} of ${prompts.length} prompts have no '${opts.promptGroupKey}' field: prompt-OOD needs a prompt-source identity on every prompt`;
    refused.push({ scenario: 'prompt-ood', reason }, { scenario: 'mutual-ood', reason });
  } else if (heldGroups.length === 0) {
    const reason = `only one prompt group in field '${opts.promptGroupKey}' (${[...groupCounts.keys()].join(', ')}): prompt-OOD needs at least two`;
    refused.push({ scenario: 'prompt-ood', reason }, { scenario: 'mutual-ood', reason });
  }
  return { groupCounts, heldGroups };
}

/** The response models and the held-out ones; refuses response-OOD and mutual-OOD (in `refused`) when they cannot exist. */
function heldOutModels(
  prompts: readonly CleanPrompt[],
  opts: MultiSplitOptions,
  refused: Refusal[],
): { models: Set<string>; heldModels: string[] } {
  const models = new Set<string>();
  let modelless = 0;
  for (const p of prompts) for (const r of p.responses) r.model === MODELESS ? modelless++ : models.add(r.model);
  let heldModels: string[] = [];
  if (modelless > 0) {
    if (opts.heldOutModels?.length)
      throw new ScenarioError(`${modelless} responses have no model id, so held-out models cannot be applied`);
    const reason = `${modelless} responses have no model id (generator/model field): response-OOD needs the model of every response`;
    refused.push({ scenario: 'response-ood', reason }, { scenario: 'mutual-ood', reason });
  } else {
    heldModels = chooseHeldOutModels([...models], opts.heldOutModels, opts.heldOutModelCount ?? 4, opts.seed);
    if (heldModels.length === 0) {
      const reason = `only ${models.size} response model(s) (${[...models].sort().join(', ')}): response-OOD needs at least 3 (2 seen to make pairs, 1 held out)`;
      refused.push({ scenario: 'response-ood', reason }, { scenario: 'mutual-ood', reason });
    }
  }
  return { models, heldModels };
}

/** Every prompt's responses into the pair sets (seen prompts) and the τ sets (held-out prompts or models). */
function assignPrompts(
  prompts: readonly CleanPrompt[],
  heldGroupSet: ReadonlySet<string>,
  heldModelSet: ReadonlySet<string>,
  minTau: number,
  opts: MultiSplitOptions,
  dropped: Record<string, number>,
): { pairs: PairSets; groups: TauSets } {
  const pairs: PairSets = { train: [], 'in-domain': [] };
  const groups: TauSets = { 'prompt-ood': [], 'response-ood': [], 'mutual-ood': [] };
  const anyHeldModel = heldModelSet.size > 0;
  for (const p of prompts) {
    const rng = seededRng(deriveSeed(opts.seed, `prompt:${p.id}`));
    const seen = p.responses.filter((r) => !heldModelSet.has(r.model));
    const unseen = p.responses.filter((r) => heldModelSet.has(r.model));
    if (heldGroupSet.has(p.promptGroup)) {
      addTauGroup(groups['prompt-ood'], 'prompt-ood', p, seen, minTau, opts.maxTauResponses, rng, dropped);
      if (anyHeldModel) addTauGroup(groups['mutual-ood'], 'mutual-ood', p, unseen, minTau, opts.maxTauResponses, rng, dropped);
      continue;
    }
    const share = seenShare(seen, opts.idFraction, rng);
    addPairs(pairs['in-domain'], 'in-domain', p, share.inDomain, opts, rng, dropped);
    addPairs(pairs.train, 'train', p, share.train, opts, rng, dropped);
    if (anyHeldModel) addTauGroup(groups['response-ood'], 'response-ood', p, unseen, minTau, opts.maxTauResponses, rng, dropped);
  }
  return { pairs, groups };
}

/** The sets in the paper's order, capped; an unrefused scenario that came out empty is refused with its cause. */
function scenarioSets(
  pairs: PairSets,
  groups: TauSets,
  refused: Refusal[],
  minTau: number,
  opts: MultiSplitOptions,
  dropped: Record<string, number>,
): ScenarioSet[] {
  const sets: ScenarioSet[] = [];
  const refusedNames = new Set(refused.map((r) => r.scenario));
  for (const name of SCENARIO_NAMES) {
    if (refusedNames.has(name)) continue;
    const set: ScenarioSet =
      name === 'train' || name === 'in-domain'
        ? { name, metric: 'accuracy', pairs: pairs[name], groups: [] }
        : { name, metric: 'kendall', pairs: [], groups: groups[name] };
    if (set.pairs.length + set.groups.length === 0) {
      refused.push({ scenario: name, reason: emptyReason(name, minTau, opts) });
      continue;
    }
    sets.push(capEvalSet(set, opts, dropped));
  }
  return sets;
}

export interface CleanPrompt {
  readonly id: string;
  readonly prompt: string;
  readonly promptGroup: string;
  readonly responses: readonly GoldResponse[];
}

/**
 * A seen prompt's seen-model responses split into the in-domain share (the first round(idFraction · n) of a seeded
 * shuffle on the prompt's own stream `rng`) and the training share. The best-of-N pools (bonPools.ts) call it with a
 * fresh stream of the same seed, so their in-domain candidates are exactly the responses training never saw.
 */
export function seenShare(
  seen: readonly GoldResponse[],
  idFraction: number,
  rng: () => number,
): { readonly inDomain: GoldResponse[]; readonly train: GoldResponse[] } {
  const order = shuffled(seen, rng);
  const nId = Math.round(idFraction * order.length);
  return { inDomain: order.slice(0, nId), train: order.slice(nId) };
}

/** Dedupes prompts by normalised text (first occurrence wins), drops excluded models, unknown gold and repeated responses. */
export function cleanPrompts(
  input: readonly MultiResponseGroup[],
  opts: MultiSplitOptions,
  dropped: Record<string, number>,
): CleanPrompt[] {
  const excluded = new Set(opts.excludeModels ?? []);
  const seenPrompts = new Set<string>();
  const out: CleanPrompt[] = [];
  for (const g of input) {
    const key = normalizePromptText(g.prompt);
    if (seenPrompts.has(key)) {
      countDrop(dropped, 'prompt repeated (same normalised text as an earlier prompt)');
      continue;
    }
    seenPrompts.add(key);
    const texts = new Set<string>();
    const responses: GoldResponse[] = [];
    for (const r of g.responses) {
      const model = r.model ?? MODELESS;
      if (excluded.has(model)) {
        countDrop(dropped, 'response of an excluded model');
        continue;
      }
      if ((opts.excludeAdversarial ?? true) && r.groups?.['is_adversarial'] === 'true') {
        countDrop(dropped, 'response flagged is_adversarial');
        continue;
      }
      if (!Number.isFinite(r.gold)) {
        countDrop(dropped, 'response without a finite gold score');
        continue;
      }
      const t = normalizePromptText(r.text);
      if (texts.has(t)) {
        countDrop(dropped, 'response repeated within its prompt');
        continue;
      }
      texts.add(t);
      responses.push({ text: r.text, gold: r.gold, model });
    }
    if (responses.length < 2) {
      countDrop(dropped, 'prompt with fewer than 2 usable responses');
      continue;
    }
    out.push({ id: g.id, prompt: g.prompt, promptGroup: g.groups[opts.promptGroupKey] ?? '', responses });
  }
  return out;
}

function addPairs(
  out: ScenarioPair[],
  set: 'train' | 'in-domain',
  p: CleanPrompt,
  pool: readonly GoldResponse[],
  opts: MultiSplitOptions,
  rng: () => number,
  dropped: Record<string, number>,
): void {
  const made = goldPairs(pool, opts.pairsPerPrompt, opts.minGoldGap, rng);
  if (made.length === 0) countDrop(dropped, `${set}: prompt without a pair (fewer than 2 responses or gold gap < ${opts.minGoldGap})`);
  made.forEach((pair, k) =>
    out.push({
      id: `${p.id}#${set}${k}`,
      prompt: p.prompt,
      chosen: pair.chosen.text,
      rejected: pair.rejected.text,
      groups: { [opts.promptGroupKey]: p.promptGroup, chosen_model: pair.chosen.model, rejected_model: pair.rejected.model },
    }),
  );
}

function addTauGroup(
  out: ScenarioGroup[],
  set: ScenarioName,
  p: CleanPrompt,
  pool: readonly GoldResponse[],
  minTau: number,
  max: number | undefined,
  rng: () => number,
  dropped: Record<string, number>,
): void {
  const kept = max && pool.length > max ? shuffled(pool, rng).slice(0, max) : pool;
  if (kept.length < minTau) {
    countDrop(dropped, `${set}: prompt with fewer than ${minTau} responses`);
    return;
  }
  if (!hasGoldSpread(kept)) {
    countDrop(dropped, `${set}: prompt whose gold scores are all tied (τ undefined)`);
    return;
  }
  out.push({ id: p.id, prompt: p.prompt, promptGroup: p.promptGroup, responses: kept });
}

/** Seeded subsample of an eval set when the caller bounds evaluation time; the training set is never cut. */
function capEvalSet(set: ScenarioSet, opts: MultiSplitOptions, dropped: Record<string, number>): ScenarioSet {
  const rng = seededRng(deriveSeed(opts.seed, `cap:${set.name}`));
  if (set.name === 'in-domain' && opts.maxEvalPairs && set.pairs.length > opts.maxEvalPairs) {
    countDrop(dropped, `in-domain: pairs over maxEvalPairs (${opts.maxEvalPairs})`, set.pairs.length - opts.maxEvalPairs);
    const keep = new Set(shuffled(set.pairs, rng).slice(0, opts.maxEvalPairs));
    return { ...set, pairs: set.pairs.filter((p) => keep.has(p)) };
  }
  if (set.metric === 'kendall' && opts.maxTauPrompts && set.groups.length > opts.maxTauPrompts) {
    countDrop(dropped, `${set.name}: prompts over maxTauPrompts (${opts.maxTauPrompts})`, set.groups.length - opts.maxTauPrompts);
    const keep = new Set(shuffled(set.groups, rng).slice(0, opts.maxTauPrompts));
    return { ...set, groups: set.groups.filter((g) => keep.has(g)) };
  }
  return set;
}

function emptyReason(name: ScenarioName, minTau: number, opts: MultiSplitOptions): string {
  if (name === 'in-domain')
    return `no seen prompt kept a pair among its in-domain responses (idFraction ${opts.idFraction}, min gold gap ${opts.minGoldGap})`;
  return `no prompt had ≥ ${minTau} responses with distinct gold scores for ${name}: too few responses per prompt for Kendall's τ`;
}

function validate(o: MultiSplitOptions): void {
  const bad: string[] = [];
  if (!o.promptGroupKey) bad.push('promptGroupKey must be a non-empty field name');
  if (!Number.isInteger(o.seed)) bad.push(`seed must be an integer, got ${o.seed}`);
  if (!(Number.isInteger(o.pairsPerPrompt) && o.pairsPerPrompt >= 1))
    bad.push(`pairsPerPrompt must be an integer ≥ 1, got ${o.pairsPerPrompt}`);
  if (!(o.minGoldGap >= 0)) bad.push(`minGoldGap must be ≥ 0, got ${o.minGoldGap}`);
  if (!(o.idFraction > 0 && o.idFraction < 1)) bad.push(`idFraction must be in (0, 1), got ${o.idFraction}`);
  if (o.minTauResponses !== undefined && !(Number.isInteger(o.minTauResponses) && o.minTauResponses >= 2))
    bad.push(`minTauResponses must be an integer ≥ 2, got ${o.minTauResponses}`);
  if (o.maxTauResponses !== undefined && !(Number.isInteger(o.maxTauResponses) && o.maxTauResponses >= (o.minTauResponses ?? 3)))
    bad.push(`maxTauResponses must be an integer ≥ minTauResponses, got ${o.maxTauResponses}`);
  for (const k of ['maxEvalPairs', 'maxTauPrompts'] as const) {
    const v = o[k];
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) bad.push(`${k} must be an integer ≥ 1, got ${v}`);
  }
  if (bad.length) throw new ScenarioError(bad.join('; '));
}
