// "Train Reward Model…": a short multi-step quick input with remembered defaults (workspaceState), then the
// run itself (trainRun.ts). Steps: start from (a pretrained model folder, or a new small model) → dataset(s) →
// eval sets → objective (+λ for BSR) → tuning (pretrained) or preset (new) → epochs/batch → backend. Escape at any
// step cancels without side effects. Offers to resume unfinished runs first.
import * as vscode from 'vscode';
import path from 'node:path';
import {
  BACKEND_NAMES,
  DEFAULTS,
  OBJECTIVES,
  OBJECTIVE_LABELS,
  OBJECTIVE_NAMES,
  PRESET_NAMES,
  presetSummary,
  validateTrainConfig,
  type BackendName,
  type Objective,
  type PresetName,
  type TrainConfig,
} from '../core/config';
import { datasetExtensionList } from '../core/data/extensions';
import { candidateFiles } from './workspaceDataFiles';
import { freshName } from '../node/freshName';
import { newRunId } from '../node/runDir';
import type { RunInfo, RunRequest } from '../node/runs';
import { mappingKeys } from './settings';
import { findWorkspaceHfModels, readHfModelFolder } from './hfModels';
import { TUNE_MODES, type TuneMode } from '../core/hf/tuning';
import type { BackboneParams } from '../protocol/trainer';
import type { Services } from './services';

interface TrainDefaults {
  readonly trainFiles: readonly string[];
  readonly holdout: boolean;
  readonly evalFiles: readonly string[];
  readonly objective: Objective;
  readonly lambda: number;
  readonly preset: PresetName;
  readonly epochs: number;
  readonly batchSize: number;
  readonly backend: BackendName;
  /** The last pretrained folder started from ('' for a new small model) and its tuning mode. */
  readonly from?: string;
  readonly tune?: TuneMode;
}
const DEFAULTS_KEY = 'rewardLens.trainDefaults';
const STEPS = 7;

/** Asks for everything a run needs; undefined when the user cancels. Returns a new or a resumed request. */
export async function askTrainRequest(svc: Services): Promise<RunRequest | undefined> {
  const root = svc.runsRoot;
  if (!root) {
    void vscode.window.showErrorMessage('Reward Lens: open a folder first; runs are stored in <workspace>/.reward-lens/runs.');
    return undefined;
  }
  const resume = await askResume(svc, root);
  if (resume !== 'new') return resume;
  const d = { ...fallbackDefaults(svc), ...svc.context.workspaceState.get<Partial<TrainDefaults>>(DEFAULTS_KEY) };
  const from = await askStartFrom(stepTitle(1, 'start from'), d.from ?? '');
  if (from === undefined) return undefined;
  const files = await candidateFiles(svc);
  if (!files.length) {
    void vscode.window.showErrorMessage(
      `Reward Lens: no preference files (${datasetExtensionList()}) found in the workspace. Open one and try again.`,
    );
    return undefined;
  }
  const a = await askSteps({ svc, d, files, from });
  if (!a) return undefined;
  const { tune, ...rest } = a;
  await svc.context.workspaceState.update(DEFAULTS_KEY, { ...rest, ...(tune ? { tune } : {}) } satisfies TrainDefaults);
  return newRequest(svc, root, a);
}

/** 'new' for a new run, the request of the run to resume, or undefined when cancelled. Asks only if one is resumable. */
async function askResume(svc: Services, root: string): Promise<RunRequest | 'new' | undefined> {
  // The run catalog reads the directories asynchronously (each re-read only when changed), off the editor thread.
  const inRoot = (r: RunInfo) => path.resolve(path.dirname(r.runDir)) === path.resolve(root);
  const resumable = (await svc.runs.list()).filter((r) => r.resumable && !r.live && !r.experimentId && inRoot(r));
  if (!resumable.length) return 'new';
  const choice = await vscode.window.showQuickPick(
    [
      { label: '$(add) New run…', run: undefined as RunInfo | undefined },
      ...resumable.map((r) => ({
        label: `$(debug-continue) Resume ${r.label}`,
        description: `${r.status} at step ${r.step}`,
        detail: r.error,
        run: r,
      })),
    ],
    { title: 'Train Reward Model: new run or resume?', ignoreFocusOut: true },
  );
  if (!choice) return undefined;
  return choice.run ? resumeRequest(choice.run) : 'new';
}

/** Every answer of the quick input; `from` is '' for a new small model. */
interface Answers {
  readonly from: string;
  readonly trainFiles: readonly string[];
  readonly holdout: boolean;
  readonly evalFiles: readonly string[];
  readonly objective: Objective;
  readonly lambda: number;
  readonly preset: PresetName;
  readonly tune?: TuneMode;
  readonly epochs: number;
  readonly batchSize: number;
  readonly backend: BackendName;
}
interface StepContext {
  readonly svc: Services;
  /** The remembered (or fallback) answers of the last run, offered first. */
  readonly d: TrainDefaults;
  /** The workspace's candidate preference files. */
  readonly files: readonly string[];
}
/** One step reads the answers so far and returns its own; undefined when the user cancels. */
type Step = (c: StepContext, a: Partial<Answers>) => Promise<Partial<Answers> | undefined>;

const stepTitle = (k: number, what: string) => `Train Reward Model (${k}/${STEPS}): ${what}`;

/** Steps 2 to 7, in order (step 1, the start-from pick, comes before the workspace is searched for files). */
const STEP_TABLE: readonly Step[] = [askTrainFiles, askEvalSets, askObjective, askLambda, askPreset, askTune, askSizes, askBackend];

async function askSteps(c: StepContext & { readonly from: string }): Promise<Answers | undefined> {
  let a: Partial<Answers> = { from: c.from };
  for (const step of STEP_TABLE) {
    const got = await step(c, a);
    if (!got) return undefined;
    a = { ...a, ...got };
  }
  // Every step has answered (a cancelled one returned above), so every field is set.
  return a as Answers;
}

async function askTrainFiles({ d, files }: StepContext): Promise<Partial<Answers> | undefined> {
  const current = vscode.window.activeTextEditor?.document.uri.fsPath;
  const wanted = new Set(d.trainFiles.filter((f) => files.includes(f)));
  if (!wanted.size) wanted.add(current && files.includes(current) ? current : files[0]!);
  const trainPick = await vscode.window.showQuickPick(
    files.map((f) => ({
      label: `$(file) ${path.basename(f)}`,
      description: relative(f) + (f === current ? ' · current editor' : ''),
      picked: wanted.has(f),
      file: f,
    })),
    { title: stepTitle(2, 'training data'), canPickMany: true, ignoreFocusOut: true, placeHolder: 'Preference files to train on' },
  );
  return trainPick?.length ? { trainFiles: trainPick.map((p) => p.file) } : undefined;
}

async function askEvalSets({ svc, d, files }: StepContext, a: Partial<Answers>): Promise<Partial<Answers> | undefined> {
  const holdoutPct = Math.round(svc.settings.training.holdoutFrac * 100);
  const evalPick = await vscode.window.showQuickPick(
    [
      { label: `$(split-horizontal) Held-out split: ${holdoutPct}% of the training data`, picked: d.holdout, file: '' },
      ...files
        .filter((f) => !a.trainFiles?.includes(f))
        .map((f) => ({ label: `$(file) ${path.basename(f)}`, description: relative(f), picked: d.evalFiles.includes(f), file: f })),
    ],
    { title: stepTitle(3, 'eval sets (optional)'), canPickMany: true, ignoreFocusOut: true, placeHolder: 'Pick none to skip evaluation' },
  );
  if (!evalPick) return undefined;
  return { holdout: evalPick.some((p) => p.file === ''), evalFiles: evalPick.filter((p) => p.file !== '').map((p) => p.file) };
}

async function askObjective({ d }: StepContext): Promise<Partial<Answers> | undefined> {
  const objective = await pickOne(stepTitle(4, 'objective'), OBJECTIVES, d.objective, (o) => ({
    label: OBJECTIVE_NAMES[o],
    detail: OBJECTIVE_LABELS[o],
  }));
  return objective ? { objective } : undefined;
}

/** BSR only: its weight λ (other objectives keep the remembered one). */
async function askLambda({ d }: StepContext, a: Partial<Answers>): Promise<Partial<Answers> | undefined> {
  if (a.objective !== 'bsr') return { lambda: d.lambda };
  const text = await vscode.window.showInputBox({
    title: stepTitle(4, 'BSR weight λ'),
    value: String(d.lambda),
    ignoreFocusOut: true,
    prompt: 'Penalty λ·b·mean(r)² over the micro-batch rewards. The paper uses 1e-3.',
    validateInput: (v) => (Number.isFinite(Number(v)) && Number(v) > 0 ? undefined : 'λ must be a positive number, e.g. 0.001'),
  });
  return text === undefined ? undefined : { lambda: Number(text) };
}

/** A new small model only: its size (a pretrained one keeps the remembered preset). */
async function askPreset({ d }: StepContext, a: Partial<Answers>): Promise<Partial<Answers> | undefined> {
  if (a.from) return { preset: d.preset };
  const preset = await pickOne(stepTitle(5, 'model size'), PRESET_NAMES, d.preset, (p) => ({ label: p, description: presetSummary(p) }));
  return preset ? { preset } : undefined;
}

/** A pretrained model only: what to train. */
async function askTune({ d }: StepContext, a: Partial<Answers>): Promise<Partial<Answers> | undefined> {
  if (!a.from) return {};
  const tune = await pickOne(stepTitle(5, 'what to train'), TUNE_MODES, d.tune ?? 'lora', (t) => ({ label: t, detail: TUNE_LABELS[t] }));
  return tune ? { tune } : undefined;
}

async function askSizes({ d }: StepContext): Promise<Partial<Answers> | undefined> {
  const sizes = await vscode.window.showInputBox({
    title: stepTitle(6, 'epochs, batch size'),
    value: `${d.epochs}, ${d.batchSize}`,
    ignoreFocusOut: true,
    prompt: 'Two integers: epochs over the training pairs, pairs per micro-batch (BSR acts on this batch)',
    validateInput: (v) => (parseSizes(v) ? undefined : 'Expected two integers ≥ 1, e.g. "1, 16"'),
  });
  const parsed = sizes === undefined ? undefined : parseSizes(sizes);
  return parsed ? { epochs: parsed[0], batchSize: parsed[1] } : undefined;
}

async function askBackend({ d }: StepContext): Promise<Partial<Answers> | undefined> {
  const backend = await pickOne(stepTitle(7, 'compute backend'), BACKEND_NAMES, d.backend, (b) => ({
    label: b,
    description: b === 'auto' ? 'the best backend that actually works (see Show Compute Doctor)' : '',
  }));
  return backend ? { backend } : undefined;
}

/** The request of a new run from the answers, or undefined (with a notification) when the config is invalid. */
function newRequest(svc: Services, root: string, a: Answers): RunRequest | undefined {
  const { objective, lambda, preset, epochs, batchSize, backend, holdout, from, tune } = a;
  const config: TrainConfig = {
    ...DEFAULTS,
    objective,
    lambda,
    preset,
    epochs,
    batchSize,
    backend,
    holdoutFrac: holdout ? svc.settings.training.holdoutFrac : 0,
    steps: svc.settings.training.steps,
    logEvery: svc.settings.training.logEvery,
    evalEvery: svc.settings.training.evalEvery,
  };
  const problems = validateTrainConfig(config);
  if (problems.length) {
    void vscode.window.showErrorMessage(`Reward Lens: invalid training config: ${problems.join('; ')}`);
    return undefined;
  }
  const runId = freshName(root, newRunId(objective, config.seed));
  const m = svc.settings.data.fieldMapping;
  const backbone = from && tune ? backboneRequest(from, tune, svc) : undefined;
  return {
    runId,
    runDir: path.join(root, runId),
    config,
    trainFiles: a.trainFiles,
    evalFiles: a.evalFiles,
    resume: false,
    ...(mappingKeys(m).length ? { mapping: m } : {}),
    ...(backbone ? { backbone } : {}),
  };
}

const TUNE_LABELS: Readonly<Record<TuneMode, string>> = {
  lora: 'LoRA adapters on every attention and MLP projection + the head (rank 8, α 16): the usual way, light on memory',
  full: 'every weight of the backbone + the head: needs gradients and Adam state for all of them',
  head: 'the head only: the backbone is frozen and h cached, fast on a CPU, but ‖h‖ cannot drift',
  'top-k': 'the last 2 blocks, the final norm and the head; the frozen prefix is cached',
};

/** '' for a new small model, a folder path for a pretrained one, undefined when cancelled. */
async function askStartFrom(title: string, last: string): Promise<string | undefined> {
  const hf = await findWorkspaceHfModels();
  const items = [
    { label: '$(add) A new small model', description: 'trained from scratch on your data (Reward Lens presets)', dir: '' },
    ...hf.map((m) => ({
      label: `$(hubot) ${m.label}`,
      description: `${m.architecture}${m.dir === last ? ' (last used)' : ''}`,
      detail: m.dir,
      dir: m.dir,
    })),
    {
      label: '$(folder-opened) A pretrained model folder…',
      description: 'a Hugging Face folder: config.json, *.safetensors, tokenizer.json',
      dir: '?',
    },
  ];
  const ordered = [...items.filter((i) => i.dir === last), ...items.filter((i) => i.dir !== last)];
  const pick = await vscode.window.showQuickPick(ordered, { title, ignoreFocusOut: true, matchOnDetail: true });
  if (!pick) return undefined;
  if (pick.dir !== '?') return pick.dir;
  const dir = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    title: 'Reward Lens: a Hugging Face model folder to start from',
  });
  if (!dir?.[0]) return undefined;
  if (!(await readHfModelFolder(dir[0].fsPath))) {
    void vscode.window.showErrorMessage(
      `Reward Lens: ${dir[0].fsPath} is not a Hugging Face model folder Reward Lens can load (config.json with a supported model_type, *.safetensors).`,
    );
    return undefined;
  }
  return dir[0].fsPath;
}

function backboneRequest(dir: string, tune: TuneMode, svc: Services): BackboneParams {
  return {
    dir,
    tune,
    loraRank: 8,
    loraAlpha: 16,
    loraDropout: 0,
    topK: 2,
    resetHead: false,
    maxTokens: Math.min(1024, svc.settings.scoring.maxLength),
  };
}

function resumeRequest(run: RunInfo): RunRequest | undefined {
  if (!run.trainFiles.length) {
    void vscode.window.showErrorMessage(`Reward Lens: cannot resume ${run.runId}: its config names no training files.`);
    return undefined;
  }
  return {
    runId: run.runId,
    runDir: run.runDir,
    config: run.config,
    trainFiles: run.trainFiles,
    evalFiles: run.evalFiles,
    resume: true,
    ...(run.backbone ? { backbone: run.backbone } : {}),
  };
}

async function pickOne<T extends string>(
  title: string,
  values: readonly T[],
  last: T,
  item: (v: T) => { label: string; description?: string; detail?: string },
): Promise<T | undefined> {
  // The remembered value goes first, so Enter accepts it.
  const ordered = [last, ...values.filter((v) => v !== last)].filter((v) => values.includes(v));
  const pick = await vscode.window.showQuickPick(
    ordered.map((v) => ({
      ...item(v),
      value: v,
      ...(v === last ? { description: `${item(v).description ?? ''} (last used)`.trim() } : {}),
    })),
    { title, ignoreFocusOut: true, matchOnDetail: true },
  );
  return pick?.value;
}

function parseSizes(v: string): [number, number] | undefined {
  const m = /^\s*(\d+)\s*[, x×]\s*(\d+)\s*$/.exec(v);
  if (!m) return undefined;
  const [e, b] = [Number(m[1]), Number(m[2])];
  return e >= 1 && b >= 1 ? [e, b] : undefined;
}

function fallbackDefaults(svc: Services): TrainDefaults {
  return {
    trainFiles: [],
    holdout: true,
    evalFiles: [],
    objective: DEFAULTS.objective,
    lambda: DEFAULTS.lambda,
    preset: svc.settings.training.preset,
    epochs: DEFAULTS.epochs,
    batchSize: DEFAULTS.batchSize,
    backend: svc.settings.training.backend,
  };
}

const relative = (f: string) => vscode.workspace.asRelativePath(f);
