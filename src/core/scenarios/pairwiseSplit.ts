// Scenario splits for pairwise-only data whose files carry the split identities (HH-RLHF): each input
// dataset is given a role. Example: train = helpful-base (part of it becomes in-domain), prompt-ood =
// harmless-base (prompt shift helpful -> harmless), response-ood = helpful-online + helpful-rejection-sampled
// (response-policy shift base -> online / rejection-sampled). Every set is scored by accuracy: there are no
// gold scores for τ. Prompts are deduplicated by normalised text (first human turn by default) so no
// prompt of an unseen-prompt set also occurs in a seen-prompt set.
import type { LoadedDataset, PreferencePair } from '../types';
import { promptKey, type PromptKeyMode } from './promptKey';
import { deriveSeed, seededRng, shuffled } from './rng';
import {
  countDrop,
  ScenarioError,
  SCENARIO_NAMES,
  setSize,
  type Refusal,
  type ScenarioName,
  type ScenarioPair,
  type ScenarioSet,
  type ScenarioSplits,
} from './splitTypes';

export interface RoleDataset {
  readonly role: ScenarioName;
  readonly dataset: Pick<LoadedDataset, 'file' | 'pairs'>;
}

export interface PairwiseSplitOptions {
  readonly seed: number;
  /** Share of the train-role prompts moved to in-domain when no dataset has the role 'in-domain'. */
  readonly idFraction: number;
  /** How prompts are compared for dedupe. 'first-turn' (default) for multi-turn transcripts. */
  readonly promptKeyMode?: PromptKeyMode;
  /** Keep at most this many pairs per eval set (seeded draw), to bound evaluation time. */
  readonly maxEvalPairs?: number;
}

const REASON_NEEDS: Readonly<Record<ScenarioName, string>> = {
  train: '',
  'in-domain': '',
  'prompt-ood': 'a dataset whose prompts come from another source (e.g. harmless-base when training on helpful-base)',
  'response-ood': 'a dataset whose responses come from another policy (e.g. helpful-online or helpful-rejection-sampled)',
  'mutual-ood': 'a dataset with both unseen prompts and an unseen response policy',
};

/** See the file header. Throws ScenarioError when there is no train-role data. */
export function buildPairwiseSplits(inputs: readonly RoleDataset[], opts: PairwiseSplitOptions): ScenarioSplits {
  if (!(opts.idFraction > 0 && opts.idFraction < 1)) throw new ScenarioError(`idFraction must be in (0, 1), got ${opts.idFraction}`);
  const mode = opts.promptKeyMode ?? 'first-turn';
  const key = (p: string) => promptKey(p, mode);
  const dropped: Record<string, number> = {};
  const refused: Refusal[] = [];
  const byRole = pairsByRole(inputs, dropped);
  const trainAll = byRole.get('train') ?? [];
  if (trainAll.length === 0) throw new ScenarioError('no training pairs: give at least one dataset the role train');
  if (trainAll.every((p) => p.prompt === ''))
    throw new ScenarioError('the train-role pairs have no prompts, so prompts cannot be deduplicated across sets');

  const { train, inDomain } = splitInDomain(trainAll, byRole.get('in-domain') ?? [], key, opts, dropped);
  const built = promptDisjointSets(byRole, train, inDomain, key, dropped);
  const sets = cappedSets(byRole, built, opts, refused, dropped);
  const sizes: Partial<Record<ScenarioName, ReturnType<typeof setSize>>> = {};
  for (const s of sets) sizes[s.name] = setSize(s, key);
  const filesOf = (role: ScenarioName) => inputs.filter((i) => i.role === role).map((i) => basename(i.dataset.file));
  return {
    kind: 'pairwise',
    sets,
    sizes,
    heldOut: {
      seenPromptGroups: [...filesOf('train'), ...filesOf('in-domain'), ...filesOf('response-ood')],
      heldOutPromptGroups: [...filesOf('prompt-ood'), ...filesOf('mutual-ood')],
      seenModels: [...filesOf('train'), ...filesOf('in-domain'), ...filesOf('prompt-ood')],
      heldOutModels: [...filesOf('response-ood'), ...filesOf('mutual-ood')],
      excludedModels: [],
    },
    refused,
    dropped,
    notes: [
      `prompts compared by ${mode === 'first-turn' ? 'normalised first human turn' : 'normalised full prompt'}; response identity = the source file's policy`,
    ],
  };
}

/** The pairs of every role, tagged with their file and role; pairs with an empty response are dropped. */
function pairsByRole(inputs: readonly RoleDataset[], dropped: Record<string, number>): Map<ScenarioName, ScenarioPair[]> {
  const byRole = new Map<ScenarioName, ScenarioPair[]>();
  for (const { role, dataset } of inputs) {
    const list = byRole.get(role) ?? [];
    for (const p of dataset.pairs) {
      // An empty final turn is legal in an HH transcript, but not in the TRL rows written here: drop it now so the
      // written files load back with the counts the manifest states.
      if (p.chosen.trim() === '' || p.rejected.trim() === '') {
        countDrop(dropped, `${role}: empty chosen or rejected response`);
        continue;
      }
      list.push(toScenarioPair(p, dataset.file, role));
    }
    byRole.set(role, list);
  }
  return byRole;
}

/** 1) Train vs in-domain: split train-role prompts (all pairs of one prompt stay together), unless in-domain data is given. */
function splitInDomain(
  trainAll: ScenarioPair[],
  givenInDomain: ScenarioPair[],
  key: (prompt: string) => string,
  opts: PairwiseSplitOptions,
  dropped: Record<string, number>,
): { train: ScenarioPair[]; inDomain: ScenarioPair[] } {
  if (givenInDomain.length === 0) {
    const keys = shuffled([...new Set(trainAll.map((p) => key(p.prompt)))].sort(), seededRng(deriveSeed(opts.seed, 'in-domain')));
    const idKeys = new Set(keys.slice(0, Math.round(opts.idFraction * keys.length)));
    return {
      train: trainAll.filter((p) => !idKeys.has(key(p.prompt))),
      inDomain: trainAll.filter((p) => idKeys.has(key(p.prompt))).map((p) => retag(p, 'in-domain')),
    };
  }
  const trainKeys = new Set(trainAll.map((p) => key(p.prompt)));
  return {
    train: trainAll,
    inDomain: dropWhere(givenInDomain, (p) => trainKeys.has(key(p.prompt)), 'in-domain: prompt also in train', dropped),
  };
}

/**
 * 2) Seen prompts = train ∪ in-domain ∪ response-ood (the response shift keeps the prompt distribution).
 * Unseen-prompt sets (prompt-ood, mutual-ood) drop any prompt seen there.
 */
function promptDisjointSets(
  byRole: ReadonlyMap<ScenarioName, ScenarioPair[]>,
  train: ScenarioPair[],
  inDomain: ScenarioPair[],
  key: (prompt: string) => string,
  dropped: Record<string, number>,
): Record<ScenarioName, ScenarioPair[]> {
  const seen = new Set([...train, ...inDomain].map((p) => key(p.prompt)));
  const responseOod = dropWhere(
    byRole.get('response-ood') ?? [],
    (p) => p.prompt === '',
    'response-ood: pair without a prompt (cannot be checked for overlap)',
    dropped,
  );
  for (const p of responseOod) seen.add(key(p.prompt));
  const unseenSet = (name: 'prompt-ood' | 'mutual-ood') => {
    const noPrompt = dropWhere(
      byRole.get(name) ?? [],
      (p) => p.prompt === '',
      `${name}: pair without a prompt (cannot be checked for overlap)`,
      dropped,
    );
    return dropWhere(
      noPrompt,
      (p) => seen.has(key(p.prompt)),
      `${name}: prompt also in a seen-prompt set (train, in-domain or response-ood)`,
      dropped,
    );
  };
  return {
    train,
    'in-domain': inDomain,
    'prompt-ood': unseenSet('prompt-ood'),
    'response-ood': responseOod,
    'mutual-ood': unseenSet('mutual-ood'),
  };
}

/** The sets in the paper's order, eval sets capped at maxEvalPairs; an empty one is refused with its cause. */
function cappedSets(
  byRole: ReadonlyMap<ScenarioName, ScenarioPair[]>,
  built: Record<ScenarioName, ScenarioPair[]>,
  opts: PairwiseSplitOptions,
  refused: Refusal[],
  dropped: Record<string, number>,
): ScenarioSet[] {
  const sets: ScenarioSet[] = [];
  for (const name of SCENARIO_NAMES) {
    const given = (byRole.get(name)?.length ?? 0) > 0 || name === 'in-domain';
    let pairs = built[name];
    if (name !== 'train' && opts.maxEvalPairs && pairs.length > opts.maxEvalPairs) {
      countDrop(dropped, `${name}: pairs over maxEvalPairs (${opts.maxEvalPairs})`, pairs.length - opts.maxEvalPairs);
      pairs = shuffled(pairs, seededRng(deriveSeed(opts.seed, name))).slice(0, opts.maxEvalPairs);
    }
    if (pairs.length === 0) {
      refused.push({
        scenario: name,
        reason: given
          ? `every ${name} pair was removed (see dropped): its prompts all occur in seen-prompt sets`
          : `no dataset has the role ${name}; it needs ${REASON_NEEDS[name]}`,
      });
      continue;
    }
    sets.push({ name, metric: 'accuracy', pairs, groups: [] });
  }
  return sets;
}

function toScenarioPair(p: PreferencePair, file: string, role: ScenarioName): ScenarioPair {
  return {
    id: p.id,
    prompt: p.prompt,
    chosen: p.chosen,
    rejected: p.rejected,
    groups: { ...p.groups, source_file: basename(file), scenario: role },
  };
}

function retag(p: ScenarioPair, role: ScenarioName): ScenarioPair {
  return { ...p, groups: { ...p.groups, scenario: role } };
}

function dropWhere(
  pairs: readonly ScenarioPair[],
  bad: (p: ScenarioPair) => boolean,
  reason: string,
  dropped: Record<string, number>,
): ScenarioPair[] {
  const kept = pairs.filter((p) => !bad(p));
  countDrop(dropped, reason, pairs.length - kept.length);
  return kept;
}

function basename(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}
