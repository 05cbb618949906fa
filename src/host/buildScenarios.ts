// "Build Over-optimization Scenarios…": a short quick input over a preference file with prompt-source and
// response-model identities (held-out prompt groups and models, objectives, seeds, preset, epochs), then the
// experiment itself in the worker (the CLI's runner) behind a cancellable progress notification. Output goes to
// <workspace>/.reward-lens/experiments/<id>/; at the end report.md opens in the Markdown preview and the runs
// show up in the Diagnostics panel, BSR next to BT.
import * as vscode from 'vscode';
import path from 'node:path';
import { OBJECTIVES, OBJECTIVE_LABELS, PRESETS, type Objective, type PresetName } from '../core/config';
import { ScenarioError } from '../core/scenarios/splitTypes';
import type { LoadedDataset } from '../core/types';
import { loadDatasetFile } from '../node/loadDataset';
import { buildSplitsFromFiles } from '../node/experimentSplits';
import type { ExperimentRunResult, ExperimentRunSpec } from '../protocol/trainer';
import { CONTEXT_KEYS } from './commandIds';
import { errorMessage } from './log';
import {
  datasetIdentities, experimentSpecFrom, newExperimentId, parseObjectives, parseSeeds, SPLIT_DEFAULTS,
  type DatasetIdentities, type ScenarioAnswers,
} from './scenarioSpec';
import { mappingKeys } from './settings';
import { candidateFiles, DATA_EXCLUDE, DATA_GLOB } from './trainCommand';
import fs from 'node:fs/promises';
import { classifyRecord } from '../core/data/detect';
import type { DiagnosticsPanels } from './diagnosticsPanel';
import type { Services } from './services';

const DEFAULTS_KEY = 'rewardLens.scenarioDefaults';
const STEPS = 8; // a step the data makes moot (one prompt-group key) is skipped, its number too
const SEED_CHOOSES = '\u0000seed';
type Remembered = Partial<Pick<ScenarioAnswers, 'objectives' | 'seeds' | 'preset' | 'epochs'>>;

/** What the command resolves with (the extension-host test reads it). */
export type ScenarioOutcome = { readonly experimentId: string; readonly outDir: string; readonly result: ExperimentRunResult } | { readonly error: string };

/**
 * The command. With `given` (an object with at least `file`), the quick input is skipped and its fields are the
 * answers (scripts and tests); otherwise the user is asked.
 */
export async function buildScenariosCommand(svc: Services, panels: DiagnosticsPanels, given?: unknown): Promise<ScenarioOutcome | undefined> {
  const root = svc.experimentsRoot;
  if (!root) {
    void vscode.window.showErrorMessage('Reward Lens: open a folder first; experiments are stored in <workspace>/.reward-lens/experiments.');
    return undefined;
  }
  const answers = isAnswers(given) ? { ...defaultAnswers(svc, given.file), ...given } : await askScenarioAnswers(svc);
  if (!answers) return undefined;
  const experimentId = newExperimentId();
  return runScenarioExperiment(svc, panels, experimentId, experimentSpecFrom(answers, path.join(root, experimentId)));
}

function isAnswers(v: unknown): v is Partial<ScenarioAnswers> & { file: string } {
  return !!v && typeof v === 'object' && typeof (v as { file?: unknown }).file === 'string';
}

function defaultAnswers(svc: Services, file: string): ScenarioAnswers {
  return {
    file, promptGroupKey: 'dataset', heldOutPromptGroups: [], heldOutModels: [], objectives: ['bt', 'bsr'], seeds: [1, 2, 3],
    preset: svc.settings.training.preset, epochs: 1, backend: svc.settings.training.backend,
  };
}

async function loadWithProgress(svc: Services, file: string): Promise<LoadedDataset> {
  const m = svc.mappingFor(vscode.Uri.file(file)) ?? {};
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Reward Lens: reading ${path.basename(file)}…` },
    () => loadDatasetFile(file, mappingKeys(m).length ? { mapping: m } : {}),
  );
}

/**
 * When the data lacks an identity, the runner's own split builder says what cannot be built and why. Returns
 * false when nothing can be built (shown as an error), or when the user declines to run what remains.
 */
async function checkIdentities(file: string, ds: LoadedDataset, ids: DatasetIdentities): Promise<boolean> {
  if (ids.promptGroupKeys.length && ids.models.length >= 3 && ids.modelless === 0) return true;
  try {
    const { splits } = await buildSplitsFromFiles([{ file }], { ...SPLIT_DEFAULTS, promptGroupKey: ids.promptGroupKeys[0] ?? 'dataset' }, async () => ds, () => undefined);
    if (!splits.refused.length) return true;
    const reasons = [...new Map(splits.refused.map((r) => [r.reason, r])).values()].map((r) => r.reason);
    const go = await vscode.window.showErrorMessage(
      `Reward Lens: ${path.basename(file)} cannot give every scenario: refused ${[...new Set(splits.refused.map((r) => r.scenario))].join(', ')}: ${reasons.join('; ')}`,
      { modal: false }, 'Run the Remaining Scenarios',
    );
    return go === 'Run the Remaining Scenarios';
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    void vscode.window.showErrorMessage(`Reward Lens: ${path.basename(file)}: ${e.message}`);
    return false;
  }
}

async function askScenarioAnswers(svc: Services): Promise<ScenarioAnswers | undefined> {
  const title = (k: number, what: string) => `Build Over-optimization Scenarios (${k}/${STEPS}): ${what}`;
  const files = await scenarioCandidates(svc);
  if (!files.length) {
    void vscode.window.showErrorMessage('Reward Lens: no preference files (.jsonl, .json, .csv, .parquet) found in the workspace. Open one and try again.');
    return undefined;
  }
  const current = vscode.window.activeTextEditor?.document.uri.fsPath;
  const filePick = await vscode.window.showQuickPick(
    files.map((f) => ({ label: `$(file) ${path.basename(f)}`, description: vscode.workspace.asRelativePath(f) + (f === current ? ' · current editor' : ''), file: f })),
    { title: title(1, 'data with prompt groups, response models and gold scores'), ignoreFocusOut: true, placeHolder: 'e.g. AlpacaEval long rows: dataset, generator, output, score' },
  );
  if (!filePick) return undefined;
  const file = filePick.file;
  const ds = await loadWithProgress(svc, file);
  const ids = datasetIdentities(ds);
  svc.log.info(`scenarios: ${file}: ${ids.prompts} multi-response prompts, ${ids.responses} responses, prompt-group keys [${ids.promptGroupKeys.join(', ')}], ${ids.models.length} models`);
  if (!(await checkIdentities(file, ds, ids))) return undefined;

  let promptGroupKey = ids.promptGroupKeys[0] ?? 'dataset';
  if (ids.promptGroupKeys.length > 1) {
    const k = await vscode.window.showQuickPick(
      ids.promptGroupKeys.map((key) => ({ label: key, description: ids.promptGroups[key]!.map((c) => c.value).join(', ') })),
      { title: title(2, 'field naming each prompt’s source'), ignoreFocusOut: true },
    );
    if (!k) return undefined;
    promptGroupKey = k.label;
  }
  const groups = ids.promptGroups[promptGroupKey] ?? [];
  const heldOutPromptGroups = groups.length
    ? await pickHeldOut(title(3, `held-out prompt groups (${promptGroupKey})`), 'Let the seed choose (about 25% of the prompts)', groups, 'prompts')
    : [];
  if (!heldOutPromptGroups) return undefined;
  const heldOutModels = ids.models.length >= 3
    ? await pickHeldOut(title(4, 'held-out response models'), `Let the seed choose (${Math.min(4, ids.models.length - 2)} models)`, ids.models, 'responses')
    : [];
  if (!heldOutModels) return undefined;

  const d: Remembered = svc.context.workspaceState.get<Remembered>(DEFAULTS_KEY) ?? {};
  const lastObjectives = d.objectives?.length ? d.objectives : (['bt', 'bsr'] as Objective[]);
  const objPick = await vscode.window.showQuickPick(
    OBJECTIVES.map((o) => ({ label: o, description: OBJECTIVE_LABELS[o], picked: lastObjectives.includes(o) })),
    { title: title(5, 'objectives (BT and BSR; the paper’s baselines optional)'), canPickMany: true, ignoreFocusOut: true },
  );
  if (!objPick?.length) return undefined;
  const objectives = parseObjectives(objPick.map((p) => p.label));
  const seedsText = await vscode.window.showInputBox({
    title: title(6, 'seeds'), value: d.seeds ? d.seeds.join(',') : '3', ignoreFocusOut: true,
    prompt: 'How many seeds (3 = seeds 1, 2, 3) or a list (1,2,5). Each objective trains once per seed on the same splits.',
    validateInput: (v) => (parseSeeds(v) ? undefined : 'A count from 1 to 100, or a comma-separated list of distinct integers'),
  });
  const seeds = seedsText === undefined ? undefined : parseSeeds(seedsText);
  if (!seeds) return undefined;
  const presets = Object.keys(PRESETS) as PresetName[];
  const lastPreset = d.preset ?? svc.settings.training.preset;
  const presetPick = await vscode.window.showQuickPick(
    [lastPreset, ...presets.filter((p) => p !== lastPreset)].map((p) => ({ label: p, description: `${PRESETS[p].nLayers} layers · d=${PRESETS[p].dModel} · ${PRESETS[p].maxLen} tokens` })),
    { title: title(7, 'model size'), ignoreFocusOut: true },
  );
  if (!presetPick) return undefined;
  const epochsText = await vscode.window.showInputBox({
    title: title(8, 'epochs per run'), value: String(d.epochs ?? 1), ignoreFocusOut: true,
    prompt: `Epochs over the training pairs; ${objectives.length * seeds.length} runs in all, one after another`,
    validateInput: (v) => (/^\s*\d+\s*$/.test(v) && Number(v) >= 1 ? undefined : 'An integer ≥ 1'),
  });
  if (epochsText === undefined) return undefined;
  const answers: ScenarioAnswers = {
    file, promptGroupKey, heldOutPromptGroups, heldOutModels, objectives, seeds,
    preset: presetPick.label as PresetName, epochs: Number(epochsText), backend: svc.settings.training.backend,
  };
  await svc.context.workspaceState.update(DEFAULTS_KEY, { objectives, seeds, preset: answers.preset, epochs: answers.epochs } satisfies Remembered);
  return answers;
}

/**
 * Files to offer: multi-response files first (what the scenarios need), then the other preference files (they get
 * the runner's refusal, which says what is missing). The pairwise sniff misses AlpacaEval-style long rows whose gold
 * field is not "score" (win_prob_vs_baseline), so the first JSON record is classified here too.
 */
async function scenarioCandidates(svc: Services): Promise<string[]> {
  const pref = await candidateFiles(svc);
  const uris = await vscode.workspace.findFiles(DATA_GLOB, DATA_EXCLUDE, 500);
  const multi: string[] = [];
  for (const u of uris.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) if (await firstRecordIsMulti(u.fsPath)) multi.push(u.fsPath);
  const current = vscode.window.activeTextEditor?.document.uri.fsPath;
  const ordered = [...multi.filter((f) => f === current), ...multi.filter((f) => f !== current), ...pref.filter((f) => !multi.includes(f))];
  return ordered;
}

async function firstRecordIsMulti(file: string): Promise<boolean> {
  if (!/\.jsonl?$/i.test(file)) return false;
  try {
    const fh = await fs.open(file, 'r');
    try {
      const buf = new Uint8Array(65536);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      const text = new TextDecoder().decode(buf.subarray(0, bytesRead)).replace(/^\uFEFF/, '').trimStart();
      const first = text.startsWith('[') ? text.slice(1).trimStart() : text;
      const line = first.split('\n', 1)[0]!.replace(/,\s*$/, '');
      const rec: unknown = JSON.parse(line);
      const f = rec && typeof rec === 'object' && !Array.isArray(rec) ? classifyRecord(rec as Record<string, unknown>) : undefined;
      return f === 'multi-long' || f === 'multi-wide';
    } finally {
      await fh.close();
    }
  } catch {
    return false; // unreadable, or the first record spans lines (pretty-printed JSON): not offered first
  }
}

/** Multi-select of held-out values; [] means "let the seed choose"; undefined when the user escapes. */
async function pickHeldOut(title: string, seedLabel: string, values: readonly { value: string; count: number }[], unit: string): Promise<string[] | undefined> {
  const picks = await vscode.window.showQuickPick(
    [{ label: `$(symbol-event) ${seedLabel}`, value: SEED_CHOOSES, picked: true },
      ...values.map((c) => ({ label: c.value, description: `${c.count} ${unit}`, value: c.value, picked: false }))],
    { title, canPickMany: true, ignoreFocusOut: true, placeHolder: 'Pick the ones to hold out, or keep "let the seed choose"' },
  );
  if (!picks) return undefined;
  return picks.filter((p) => p.value !== SEED_CHOOSES).map((p) => p.value);
}

/** Runs (or resumes) an experiment in the worker, then opens the report and the runs. */
export async function runScenarioExperiment(svc: Services, panels: DiagnosticsPanels, experimentId: string, spec: ExperimentRunSpec): Promise<ScenarioOutcome> {
  const order = spec.seeds.flatMap((s) => spec.objectives.map((o) => `${o}-s${s}`)); // the runner's seed-major order
  svc.log.info(`experiment ${experimentId}: ${spec.command}`);
  await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.isTraining, true);
  let result: ExperimentRunResult;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Reward Lens: scenarios ${spec.objectives.join(' vs ')} × ${spec.seeds.length} seed(s)`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => svc.training.cancelExperiment(experimentId));
        let reported = 0;
        const sub = svc.training.onExperimentProgress((x) => {
          if (x.experimentId !== experimentId) return;
          const k = x.runId ? order.indexOf(x.runId) : -1;
          const frac = k >= 0 ? (k + (x.totalSteps ? x.step / x.totalSteps : 0)) / order.length : 0;
          const pct = 100 * frac;
          const train = x.runId && x.totalSteps
            ? `run ${k + 1}/${order.length} ${x.runId} · step ${x.step}/${x.totalSteps} · loss ${x.loss?.toFixed(4)} · acc ${(100 * (x.accuracy ?? 0)).toFixed(1)}% · ${x.backend}`
            : (x.lastLog?.split('\n')[0] ?? '');
          progress.report({ message: train, increment: Math.max(0, pct - reported) });
          reported = Math.max(reported, pct);
        });
        progress.report({ message: 'building the splits…' });
        try {
          return await svc.training.experiment(experimentId, spec);
        } finally {
          sub.dispose();
        }
      },
    );
  } catch (e) {
    const error = errorMessage(e);
    svc.log.error(`experiment ${experimentId} failed: ${error}`);
    void vscode.window.showErrorMessage(`Reward Lens: ${error}`, 'Show Log').then((a) => a && svc.log.show());
    return { error };
  } finally {
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.isTraining, svc.training.running.length + svc.training.runningExperiments.length > 0);
  }
  await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(result.reportMarkdown));
  // BSR on the left, BT beside it, first seed: the comparison the paper makes.
  const ran = new Set([...result.completed, ...result.skipped]);
  const shown = ['bsr-s', 'bt-s'].map((p) => order.find((r) => r.startsWith(p) && ran.has(r))).filter((r): r is string => !!r);
  const [a, b] = shown.length ? shown : [...ran];
  if (a) panels.show(`${experimentId}/${a}`, b ? `${experimentId}/${b}` : undefined);
  void afterExperiment(svc, panels, experimentId, spec, result);
  return { experimentId, outDir: spec.outDir, result };
}

async function afterExperiment(svc: Services, panels: DiagnosticsPanels, experimentId: string, spec: ExperimentRunSpec, r: ExperimentRunResult): Promise<void> {
  const refused = r.refused.length ? ` Not built: ${[...new Set(r.refused.map((x) => x.scenario))].join(', ')} (see the report).` : '';
  const failed = r.failed.length ? ` Failed: ${r.failed.map((f) => `${f.runId} (${f.error})`).join('; ')}.` : '';
  if (r.status === 'cancelled') {
    const a = await vscode.window.showInformationMessage(`Reward Lens: experiment stopped after ${r.completed.length} run(s); the run in progress kept its checkpoint.${refused}`, 'Resume');
    if (a === 'Resume') await runScenarioExperiment(svc, panels, experimentId, spec);
    return;
  }
  const head = `Reward Lens: scenarios ${r.status}: ${r.completed.length} run(s) trained${r.skipped.length ? `, ${r.skipped.length} reused` : ''}.${failed}${refused}`;
  const show = r.status === 'failed' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const a = await show(head, 'Open Report', 'Reveal Folder');
  if (a === 'Open Report') await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(r.reportMarkdown));
  if (a === 'Reveal Folder') await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(spec.outDir));
}
