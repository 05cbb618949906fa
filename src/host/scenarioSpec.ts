// Pure helpers behind "Build Over-optimization Scenarios…": what identities a loaded dataset has (prompt groups,
// response models), and the experiment spec (plus its equivalent CLI command) built from the user's answers.
// No vscode and no IO here, so the unit tests cover it; buildScenarios.ts does the UI and the worker call.
import { OBJECTIVES, type Objective, type PresetName } from '../core/config';
import type { LoadedDataset } from '../core/types';
import type { MultiSplitOptions } from '../core/scenarios/multiSplit';
import type { ExperimentRunSpec } from '../protocol/trainer';

export interface Count {
  readonly value: string;
  readonly count: number;
}

export interface DatasetIdentities {
  /** Prompt-group fields present on every multi-response prompt with ≥ 2 values (e.g. 'dataset'), most values first. */
  readonly promptGroupKeys: readonly string[];
  /** Values of each such key with their prompt counts, largest first. */
  readonly promptGroups: Readonly<Record<string, readonly Count[]>>;
  /** Response models with their response counts, largest first (adversarial responses not counted). */
  readonly models: readonly Count[];
  readonly prompts: number;
  readonly responses: number;
  /** Responses with no model id (response-OOD needs every response's model). */
  readonly modelless: number;
  /** Responses flagged is_adversarial (dropped by default, as the CLI does). */
  readonly adversarial: number;
}

const byCount = (m: Map<string, number>): Count[] =>
  [...m].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));

/** The identities the split builder can use. Pairwise files (no multi-response prompts) give zero prompts. */
export function datasetIdentities(ds: Pick<LoadedDataset, 'multi'>): DatasetIdentities {
  const perKey = new Map<string, Map<string, number>>();
  const models = new Map<string, number>();
  let responses = 0;
  let modelless = 0;
  let adversarial = 0;
  for (const g of ds.multi) {
    for (const [k, v] of Object.entries(g.groups)) {
      if (!v) continue;
      const m = perKey.get(k) ?? new Map<string, number>();
      m.set(v, (m.get(v) ?? 0) + 1);
      perKey.set(k, m);
    }
    for (const r of g.responses) {
      responses++;
      if (r.groups?.['is_adversarial'] === 'true') { adversarial++; continue; }
      if (!r.model) modelless++;
      else models.set(r.model, (models.get(r.model) ?? 0) + 1);
    }
  }
  const promptGroups: Record<string, Count[]> = {};
  for (const [k, m] of perKey) {
    const covered = [...m.values()].reduce((a, b) => a + b, 0);
    // A usable prompt-source field names the group of every prompt and has at least two groups.
    if (covered === ds.multi.length && m.size >= 2 && m.size < ds.multi.length) promptGroups[k] = byCount(m);
  }
  const promptGroupKeys = Object.keys(promptGroups).sort((a, b) => (a === 'dataset' ? -1 : b === 'dataset' ? 1 : promptGroups[b]!.length - promptGroups[a]!.length || a.localeCompare(b)));
  return { promptGroupKeys, promptGroups, models: byCount(models), prompts: ds.multi.length, responses, modelless, adversarial };
}

export interface ScenarioAnswers {
  readonly file: string;
  readonly promptGroupKey: string;
  /** Empty: let the split seed choose (about a quarter of the prompts). */
  readonly heldOutPromptGroups: readonly string[];
  /** Empty: let the split seed choose (4 models, as the paper's M_valid). */
  readonly heldOutModels: readonly string[];
  readonly objectives: readonly Objective[];
  readonly seeds: readonly number[];
  readonly preset: PresetName;
  readonly epochs: number;
  /** Fixed steps per run instead of epochs (0 or absent: epochs). Tests use it to keep runs tiny. */
  readonly steps?: number;
  readonly backend: string;
  /** Evaluations per run (the checkpoints of the Figure-2 curve). Default 5, as the CLI. */
  readonly checkpoints?: number;
  /** Overrides of the CLI's split defaults (e.g. minTauResponses for a tiny dataset). */
  readonly split?: Partial<MultiSplitOptions>;
}

/** The CLI's defaults (src/cli/experiment.ts splitSpecFrom), so the command and the CLI build the same splits. */
export const SPLIT_DEFAULTS: Omit<MultiSplitOptions, 'promptGroupKey'> = {
  heldOutPromptFraction: 0.25,
  heldOutModelCount: 4,
  excludeModels: [],
  excludeAdversarial: true,
  seed: 1,
  pairsPerPrompt: 4,
  minGoldGap: 0,
  idFraction: 0.5,
  minTauResponses: 3,
};

/** "2026-11-28T05-30-00-scenarios": sortable like run ids, one folder per experiment. */
export const newExperimentId = (now = new Date()) => `${now.toISOString().slice(0, 19).replace(/:/g, '-')}-scenarios`;

/** Seeds from "3" (seeds 1..3) or "1,2,5"; undefined when not positive integers / non-negative list entries. */
export function parseSeeds(text: string): number[] | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return n >= 1 && n <= 100 ? Array.from({ length: n }, (_, i) => i + 1) : undefined;
  }
  const parts = t.split(',').map((s) => s.trim());
  if (parts.length < 2 || !parts.every((s) => /^\d+$/.test(s))) return undefined;
  const seeds = [...new Set(parts.map(Number))];
  return seeds.length === parts.length ? seeds : undefined;
}

export const parseObjectives = (xs: readonly string[]): Objective[] => xs.filter((x): x is Objective => (OBJECTIVES as readonly string[]).includes(x));

/** The CLI reads "--seeds 3" as seeds 1..3 and "--seeds 1,2,5" as a list; a lone seed other than 1 needs "5,". */
export function seedsArg(seeds: readonly number[]): string {
  if (seeds.every((s, i) => s === i + 1)) return String(seeds.length);
  return seeds.length === 1 ? `${seeds[0]},` : seeds.join(',');
}

const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The `reward-lens experiment scenarios` command line that runs the same experiment. */
function cliArgs(a: ScenarioAnswers, outDir: string, split: MultiSplitOptions, steps: number | undefined, checkpoints: number): string[] {
  return [
    'reward-lens', 'experiment', 'scenarios', '--data', a.file, '--out', outDir,
    '--prompt-group-key', split.promptGroupKey,
    ...(split.heldOutPromptGroups ? ['--held-out-prompts', split.heldOutPromptGroups.join(',')] : []),
    ...(split.heldOutModels ? ['--held-out-models', split.heldOutModels.join(',')] : []),
    ...(split.minTauResponses !== SPLIT_DEFAULTS.minTauResponses ? ['--min-tau-responses', String(split.minTauResponses)] : []),
    ...(split.seed !== SPLIT_DEFAULTS.seed ? ['--split-seed', String(split.seed)] : []),
    '--objectives', a.objectives.join(','), '--seeds', seedsArg(a.seeds), '--preset', a.preset,
    ...(steps ? ['--steps', String(steps)] : ['--epochs', String(a.epochs)]),
    '--backend', a.backend, '--checkpoints', String(checkpoints),
  ];
}

/** The experiment spec the worker's runner gets, with the equivalent CLI command recorded for the report. */
export function experimentSpecFrom(a: ScenarioAnswers, outDir: string): ExperimentRunSpec {
  const split: MultiSplitOptions = {
    ...SPLIT_DEFAULTS,
    promptGroupKey: a.promptGroupKey,
    ...(a.heldOutPromptGroups.length ? { heldOutPromptGroups: [...a.heldOutPromptGroups] } : {}),
    ...(a.heldOutModels.length ? { heldOutModels: [...a.heldOutModels] } : {}),
    ...a.split,
  };
  const steps = a.steps && a.steps > 0 ? a.steps : undefined;
  const checkpoints = a.checkpoints ?? 5;
  const train = { preset: a.preset, backend: a.backend as ExperimentRunSpec['train']['backend'], ...(steps ? { steps } : { epochs: a.epochs }) };
  const args = cliArgs(a, outDir, split, steps, checkpoints);
  return {
    outDir,
    data: [{ file: a.file }],
    split,
    objectives: [...a.objectives],
    seeds: [...a.seeds],
    train,
    checkpoints,
    command: args.map(shellQuote).join(' '),
  };
}
