// The quick input of "Build Over-optimization Scenarios…": a file, then a table of steps, one per answer. What the
// file offers (prompt groups, response models, refused scenarios) is asked of the worker, which loads the data, so
// the extension host never reads the whole dataset.
import * as vscode from 'vscode';
import path from 'node:path';
import { OBJECTIVES, OBJECTIVE_LABELS, PRESET_NAMES, presetSummary, type Objective, type PresetName } from '../core/config';
import { datasetExtensionList } from '../core/data/extensions';
import type { ScenarioDataReport } from '../protocol/scenarios';
import { parseObjectives, parseSeeds, SPLIT_DEFAULTS, type ScenarioAnswers } from './scenarioSpec';
import { describeWorkspaceFiles } from './workspaceDataFiles';
import type { Services } from './services';

const DEFAULTS_KEY = 'rewardLens.scenarioDefaults';
const STEPS = 8; // a step the data makes moot (one prompt-group key) is skipped, its number too
const SEED_CHOOSES = '\u0000seed';
type Remembered = Partial<Pick<ScenarioAnswers, 'objectives' | 'seeds' | 'preset' | 'epochs'>>;
type Draft = Partial<ScenarioAnswers>;

/** What every step can see: the file's report from the worker and the answers remembered from last time. */
interface StepContext {
  readonly svc: Services;
  readonly data: ScenarioDataReport;
  readonly last: Remembered;
  readonly title: (what: string) => string;
}

interface Step<K extends keyof ScenarioAnswers> {
  readonly key: K;
  /** The answer, or undefined when the user escapes (the whole quick input is then cancelled). */
  readonly ask: (c: StepContext, d: Draft) => Thenable<ScenarioAnswers[K] | undefined>;
}

const step = <K extends keyof ScenarioAnswers>(key: K, ask: Step<K>['ask']): Step<K> => ({ key, ask });

/** Steps 2 to 8, in order; step 1 (the file) comes before the worker's report. */
const ANSWER_STEPS = [
  step('promptGroupKey', askPromptGroupKey),
  step('heldOutPromptGroups', askHeldOutPromptGroups),
  step('heldOutModels', askHeldOutModels),
  step('objectives', askObjectives),
  step('seeds', askSeeds),
  step('preset', askPreset),
  step('epochs', askEpochs),
] as const;

/** Asks for every answer; undefined when the user escapes or the data gives no scenario. */
export async function askScenarioAnswers(svc: Services): Promise<ScenarioAnswers | undefined> {
  const title = (k: number, what: string) => `Build Over-optimization Scenarios (${k}/${STEPS}): ${what}`;
  const file = await pickScenarioFile(svc, title(1, 'data with prompt groups, response models and gold scores'));
  if (!file) return undefined;
  const data = await inspectWithProgress(svc, file);
  const ids = data.identities;
  svc.log.info(
    `scenarios: ${file}: ${ids.prompts} multi-response prompts, ${ids.responses} responses, prompt-group keys [${ids.promptGroupKeys.join(', ')}], ${ids.models.length} models`,
  );
  if (!(await acceptRefusals(file, data))) return undefined;
  const last: Remembered = svc.context.workspaceState.get<Remembered>(DEFAULTS_KEY) ?? {};
  const draft: Record<string, unknown> = { file };
  for (const [i, s] of ANSWER_STEPS.entries()) {
    const c: StepContext = { svc, data, last, title: (what) => title(i + 2, what) };
    const v = await (s as Step<keyof ScenarioAnswers>).ask(c, draft as Draft);
    if (v === undefined) return undefined;
    draft[s.key] = v;
  }
  const answers = { ...draft, backend: svc.settings.training.backend } as unknown as ScenarioAnswers;
  await svc.context.workspaceState.update(DEFAULTS_KEY, {
    objectives: answers.objectives,
    seeds: answers.seeds,
    preset: answers.preset,
    epochs: answers.epochs,
  } satisfies Remembered);
  return answers;
}

async function pickScenarioFile(svc: Services, title: string): Promise<string | undefined> {
  const files = await scenarioCandidates(svc);
  if (!files.length) {
    void vscode.window.showErrorMessage(
      `Reward Lens: no preference files (${datasetExtensionList()}) found in the workspace. Open one and try again.`,
    );
    return undefined;
  }
  const current = vscode.window.activeTextEditor?.document.uri.fsPath;
  const pick = await vscode.window.showQuickPick(
    files.map((f) => ({
      label: `$(file) ${path.basename(f)}`,
      description: vscode.workspace.asRelativePath(f) + (f === current ? ' · current editor' : ''),
      file: f,
    })),
    { title, ignoreFocusOut: true, placeHolder: 'e.g. AlpacaEval long rows: dataset, generator, output, score' },
  );
  return pick?.file;
}

/**
 * Files to offer: multi-response files first (what the scenarios need), the current editor's first among them,
 * then the other preference files (they get the runner's refusal, which says what is missing).
 */
async function scenarioCandidates(svc: Services): Promise<string[]> {
  const described = await describeWorkspaceFiles(svc);
  const isMulti = (f: string | undefined) => f === 'multi-long' || f === 'multi-wide';
  const multi = described.filter((d) => isMulti(d.head.family)).map((d) => d.file);
  const current = vscode.window.activeTextEditor?.document.uri.fsPath;
  const pref = described.filter((d) => d.head.preference && !multi.includes(d.file)).map((d) => d.file);
  return [...multi.filter((f) => f === current), ...multi.filter((f) => f !== current), ...pref];
}

function inspectWithProgress(svc: Services, file: string): Thenable<ScenarioDataReport> {
  const mapping = svc.mappingFor(vscode.Uri.file(file));
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Reward Lens: reading ${path.basename(file)}…` },
    () => svc.training.inspectScenarioData({ file, ...(mapping ? { mapping } : {}), split: SPLIT_DEFAULTS }),
  );
}

/**
 * When the data lacks an identity, the runner's split builder (in the worker) says what cannot be built and why.
 * Returns false when nothing can be built (shown as an error), or when the user declines to run what remains.
 */
async function acceptRefusals(file: string, data: ScenarioDataReport): Promise<boolean> {
  if (data.unbuildable !== undefined) {
    void vscode.window.showErrorMessage(`Reward Lens: ${path.basename(file)}: ${data.unbuildable}`);
    return false;
  }
  if (!data.refused.length) return true;
  const scenarios = [...new Set(data.refused.map((r) => r.scenario))].join(', ');
  const reasons = [...new Set(data.refused.map((r) => r.reason))].join('; ');
  const go = await vscode.window.showErrorMessage(
    `Reward Lens: ${path.basename(file)} cannot give every scenario: refused ${scenarios}: ${reasons}`,
    { modal: false },
    'Run the Remaining Scenarios',
  );
  return go === 'Run the Remaining Scenarios';
}

async function askPromptGroupKey({ data, title }: StepContext): Promise<string | undefined> {
  const ids = data.identities;
  if (ids.promptGroupKeys.length <= 1) return ids.promptGroupKeys[0] ?? 'dataset';
  const k = await vscode.window.showQuickPick(
    ids.promptGroupKeys.map((key) => ({ label: key, description: ids.promptGroups[key]!.map((c) => c.value).join(', ') })),
    { title: title('field naming each prompt’s source'), ignoreFocusOut: true },
  );
  return k?.label;
}

async function askHeldOutPromptGroups({ data, title }: StepContext, d: Draft): Promise<string[] | undefined> {
  const groups = data.identities.promptGroups[d.promptGroupKey!] ?? [];
  if (!groups.length) return [];
  return pickHeldOut(
    title(`held-out prompt groups (${d.promptGroupKey})`),
    'Let the seed choose (about 25% of the prompts)',
    groups,
    'prompts',
  );
}

async function askHeldOutModels({ data, title }: StepContext): Promise<string[] | undefined> {
  const models = data.identities.models;
  if (models.length < 3) return [];
  return pickHeldOut(
    title('held-out response models'),
    `Let the seed choose (${Math.min(4, models.length - 2)} models)`,
    models,
    'responses',
  );
}

/** Multi-select of held-out values; [] means "let the seed choose"; undefined when the user escapes. */
async function pickHeldOut(
  title: string,
  seedLabel: string,
  values: readonly { value: string; count: number }[],
  unit: string,
): Promise<string[] | undefined> {
  const picks = await vscode.window.showQuickPick(
    [
      { label: `$(symbol-event) ${seedLabel}`, value: SEED_CHOOSES, picked: true },
      ...values.map((c) => ({ label: c.value, description: `${c.count} ${unit}`, value: c.value, picked: false })),
    ],
    { title, canPickMany: true, ignoreFocusOut: true, placeHolder: 'Pick the ones to hold out, or keep "let the seed choose"' },
  );
  if (!picks) return undefined;
  return picks.filter((p) => p.value !== SEED_CHOOSES).map((p) => p.value);
}

async function askObjectives({ last, title }: StepContext): Promise<Objective[] | undefined> {
  const lastObjectives = last.objectives?.length ? last.objectives : (['bt', 'bsr'] as Objective[]);
  const picks = await vscode.window.showQuickPick(
    OBJECTIVES.map((o) => ({ label: o, description: OBJECTIVE_LABELS[o], picked: lastObjectives.includes(o) })),
    { title: title('objectives (BT and BSR; the paper’s baselines optional)'), canPickMany: true, ignoreFocusOut: true },
  );
  return picks?.length ? parseObjectives(picks.map((p) => p.label)) : undefined;
}

async function askSeeds({ last, title }: StepContext): Promise<number[] | undefined> {
  const text = await vscode.window.showInputBox({
    title: title('seeds'),
    value: last.seeds ? last.seeds.join(',') : '3',
    ignoreFocusOut: true,
    prompt: 'How many seeds (3 = seeds 1, 2, 3) or a list (1,2,5). Each objective trains once per seed on the same splits.',
    validateInput: (v) => (parseSeeds(v) ? undefined : 'A count from 1 to 100, or a comma-separated list of distinct integers'),
  });
  return text === undefined ? undefined : parseSeeds(text);
}

async function askPreset({ svc, last, title }: StepContext): Promise<PresetName | undefined> {
  const lastPreset = last.preset ?? svc.settings.training.preset;
  const pick = await vscode.window.showQuickPick(
    [lastPreset, ...PRESET_NAMES.filter((p) => p !== lastPreset)].map((p) => ({ label: p, description: presetSummary(p), preset: p })),
    { title: title('model size'), ignoreFocusOut: true },
  );
  return pick?.preset;
}

async function askEpochs({ last, title }: StepContext, d: Draft): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title: title('epochs per run'),
    value: String(last.epochs ?? 1),
    ignoreFocusOut: true,
    prompt: `Epochs over the training pairs; ${d.objectives!.length * d.seeds!.length} runs in all, one after another`,
    validateInput: (v) => (/^\s*\d+\s*$/.test(v) && Number(v) >= 1 ? undefined : 'An integer ≥ 1'),
  });
  return text === undefined ? undefined : Number(text);
}
