// Pure helpers behind "Build Over-optimization Scenarios…": the experiment spec (plus its equivalent CLI command)
// built from the user's answers. What identities the data has is asked of the worker (src/protocol/scenarios.ts).
// No vscode and no IO here, so the unit tests cover it; buildScenarios.ts does the UI and the worker calls.
import { OBJECTIVES, type Objective, type PresetName } from '../core/config';
import type { MultiSplitOptions } from '../core/scenarios/multiSplit';
import type { ExperimentRunSpec } from '../protocol/trainer';

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

export const parseObjectives = (xs: readonly string[]): Objective[] =>
  xs.filter((x): x is Objective => (OBJECTIVES as readonly string[]).includes(x));

/** The CLI reads "--seeds 3" as seeds 1..3 and "--seeds 1,2,5" as a list; a lone seed other than 1 needs "5,". */
export function seedsArg(seeds: readonly number[]): string {
  if (seeds.every((s, i) => s === i + 1)) return String(seeds.length);
  return seeds.length === 1 ? `${seeds[0]},` : seeds.join(',');
}

const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The `reward-lens experiment scenarios` command line that runs the same experiment. */
function cliArgs(a: ScenarioAnswers, outDir: string, split: MultiSplitOptions, steps: number | undefined, checkpoints: number): string[] {
  return [
    'reward-lens',
    'experiment',
    'scenarios',
    '--data',
    a.file,
    '--out',
    outDir,
    '--prompt-group-key',
    split.promptGroupKey,
    ...(split.heldOutPromptGroups ? ['--held-out-prompts', split.heldOutPromptGroups.join(',')] : []),
    ...(split.heldOutModels ? ['--held-out-models', split.heldOutModels.join(',')] : []),
    ...(split.minTauResponses !== SPLIT_DEFAULTS.minTauResponses ? ['--min-tau-responses', String(split.minTauResponses)] : []),
    ...(split.seed !== SPLIT_DEFAULTS.seed ? ['--split-seed', String(split.seed)] : []),
    '--objectives',
    a.objectives.join(','),
    '--seeds',
    seedsArg(a.seeds),
    '--preset',
    a.preset,
    ...(steps ? ['--steps', String(steps)] : ['--epochs', String(a.epochs)]),
    '--backend',
    a.backend,
    '--checkpoints',
    String(checkpoints),
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
  const train = {
    preset: a.preset,
    backend: a.backend as ExperimentRunSpec['train']['backend'],
    ...(steps ? { steps } : { epochs: a.epochs }),
  };
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
