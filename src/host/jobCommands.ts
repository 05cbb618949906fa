// Export Training Job (TRL)… and Import TRL Run…: a run handed to TRL's RewardTrainer (PyTorch, accelerate,
// DeepSpeed, Slurm) as a self-contained folder, and that run's output brought back as a run the diagnostics panel
// shows beside local ones. The worker does the work (src/train/job, the CLI's functions); the host asks and shows.
import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';
import { BACKBONE_DEFAULTS } from '../core/hf/tuning';
import type { DiagnosticsPanels } from './diagnosticsPanel';
import { findWorkspaceHfModels } from './hfModels';
import { pathKind } from '../node/pathKind';
import { logError } from './errorLog';
import type { BackboneParams } from '../protocol/trainer';
import type { Services } from './services';

const EXPORT_TITLE = 'Export Training Job (TRL)';
const RUN_RECORD = 'reward_lens_run.json';

interface Source {
  readonly source: string;
  readonly id: string;
  readonly hasBackbone: boolean;
}

/** Whether a run directory's config.json, or a config file, names a pretrained model (backbone). Read asynchronously:
 * this runs on the extension host, once per export. */
async function namesBackbone(source: string): Promise<boolean> {
  try {
    const file = (await fs.promises.stat(source)).isDirectory() ? path.join(source, 'config.json') : source;
    const v = JSON.parse(await fs.promises.readFile(file, 'utf8')) as { backbone?: unknown };
    return typeof v.backbone === 'object' && v.backbone !== null;
  } catch {
    return false;
  }
}

/** Whether a path exists, without blocking the extension host. */
const exists = (p: string) =>
  fs.promises.access(p).then(
    () => true,
    () => false,
  );

async function pickSource(svc: Services): Promise<Source | undefined> {
  const listed = (await svc.runs.list()).filter((r) => !r.label.startsWith('Evaluation ·'));
  const hasConfig = await Promise.all(listed.map((r) => exists(path.join(r.runDir, 'config.json'))));
  const runs = listed.filter((_, i) => hasConfig[i]);
  const browse = { label: '$(folder-opened) Browse for a run directory or a config JSON…', source: '' };
  const items = [
    ...runs.map((r) => ({
      label: r.label,
      description: `${r.status} · ${r.backbone ? `from ${path.basename(r.backbone.dir)}` : 'trained from scratch'}`,
      detail: r.runDir,
      source: r.runDir,
    })),
    browse,
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: `${EXPORT_TITLE} (1/3): the run to train with TRL`,
    ignoreFocusOut: true,
  });
  if (!pick) return undefined;
  let source = pick.source;
  if (!source) {
    const uri = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: true,
      title: 'A run directory, or a JSON config ({ "trainFiles": […], "config": {…}, "backbone": {…} })',
    });
    if (!uri?.[0]) return undefined;
    source = uri[0].fsPath;
  }
  return {
    source,
    id: path
      .basename(source)
      .replace(/\.json$/i, '')
      .replace(/[\\/]/g, '-'),
    hasBackbone: await namesBackbone(source),
  };
}

/** A run trained from scratch needs a Hugging Face model: transformers cannot load Reward Lens' small models. */
async function pickBaseModel(): Promise<BackboneParams | undefined> {
  const found = await findWorkspaceHfModels();
  const browse = { label: '$(folder-opened) Browse for a Hugging Face model folder…', dir: '' };
  const pick = await vscode.window.showQuickPick(
    [...found.map((m) => ({ label: `$(hubot) ${m.label}`, description: m.architecture, detail: m.dir, dir: m.dir })), browse],
    {
      title: `${EXPORT_TITLE} (2/3): the model to train (the run was trained from scratch; transformers cannot load its small model)`,
      ignoreFocusOut: true,
    },
  );
  if (!pick) return undefined;
  let dir = pick.dir;
  if (!dir) {
    const uri = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      title: 'A Hugging Face model folder (config.json, *.safetensors, tokenizer.json)',
    });
    if (!uri?.[0]) return undefined;
    dir = uri[0].fsPath;
  }
  return { ...BACKBONE_DEFAULTS, dir };
}

/** Validates the job folder as it is typed (asynchronously: the input box waits, the editor thread does not). */
async function outDirProblem(root: string, value: string): Promise<string | undefined> {
  if (!value.trim()) return 'a folder for the job';
  const abs = path.resolve(root, value.trim());
  const kind = await pathKind(abs);
  if (kind === 'none') return undefined;
  if (kind !== 'directory' || (await fs.promises.readdir(abs).catch(() => [''])).length > 0)
    return `${value} is not empty: the job needs a new or empty folder`;
  return undefined;
}

/** source: a run directory or config file given by a caller (tests); otherwise picked. Returns the job folder. */
export async function exportTrainingJobCommand(svc: Services, source?: unknown): Promise<string | undefined> {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!root) {
    void vscode.window.showErrorMessage('Reward Lens: open a folder first; the job is written into it.');
    return undefined;
  }
  const src =
    typeof source === 'string' ? { source, id: path.basename(source), hasBackbone: await namesBackbone(source) } : await pickSource(svc);
  if (!src) return undefined;
  const backbone = src.hasBackbone ? undefined : await pickBaseModel();
  if (!src.hasBackbone && !backbone) return undefined;
  const value = await vscode.window.showInputBox({
    title: `${EXPORT_TITLE} (3/3): the job folder (new or empty), relative to the workspace`,
    value: path.join('.reward-lens', 'jobs', `${src.id}-trl`),
    validateInput: (v) => outDirProblem(root, v),
    ignoreFocusOut: true,
  });
  if (!value) return undefined;
  const outDir = path.resolve(root, value.trim());
  try {
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Reward Lens: writing the TRL job…' },
      () => svc.training.exportJob({ source: src.source, outDir, ...(backbone ? { backbone } : {}) }),
    );
    svc.log.info(`TRL job for ${src.source} written to ${outDir}`);
    const sets = r.evalSets.map((e) => `${e.name} ${e.pairs}`).join(', ');
    void vscode.window
      .showInformationMessage(
        `Reward Lens: wrote the TRL job to ${vscode.workspace.asRelativePath(outDir)}: ${r.trainPairs} training pairs (eval: ${sets}), ${r.objective} on ${path.basename(r.model)}.`,
        'Open README',
        'Copy Launch Command',
      )
      .then(async (a) => {
        if (a === 'Open README') await vscode.window.showTextDocument(vscode.Uri.file(path.join(outDir, 'README.md')));
        else if (a)
          await vscode.env.clipboard.writeText(`cd ${outDir} && accelerate launch --config_file accelerate/single_gpu.yaml train.py`);
      });
    return outDir;
  } catch (e) {
    void vscode.window.showErrorMessage(`Reward Lens: export failed: ${logError(svc.log, 'TRL job export', e)}`);
    return undefined;
  }
}

async function pickTrlOutput(): Promise<string | undefined> {
  const records = await vscode.workspace.findFiles(`**/${RUN_RECORD}`, '**/{node_modules,.git}/**', 100);
  const browse = { label: '$(folder-opened) Browse for a TRL output directory…', dir: '' };
  const dirs = records.map((u) => path.dirname(u.fsPath)).sort();
  const statuses = await Promise.all(dirs.map(statusOf));
  const items = dirs.map((dir, i) => ({ label: `$(package) ${vscode.workspace.asRelativePath(dir)}`, description: statuses[i], dir }));
  const pick = await vscode.window.showQuickPick([...items, browse], {
    title: 'Import TRL Run: the output directory of a Reward Lens TRL job (train.py --output_dir)',
    ignoreFocusOut: true,
  });
  if (!pick) return undefined;
  if (pick.dir) return pick.dir;
  const uri = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    title: `A TRL output directory (it holds ${RUN_RECORD})`,
  });
  return uri?.[0]?.fsPath;
}

async function statusOf(dir: string): Promise<string> {
  try {
    const r = JSON.parse(await fs.promises.readFile(path.join(dir, RUN_RECORD), 'utf8')) as {
      status?: string;
      global_step?: number;
      job_args?: { objective?: string };
    };
    return `${r.job_args?.objective ?? '?'} · ${r.status ?? '?'} · step ${r.global_step ?? '?'}`;
  } catch {
    return 'unreadable record';
  }
}

/** dir: a TRL output directory given by a caller (tests); otherwise picked. Opens the panel on the imported run. */
export async function importTrainingJobCommand(svc: Services, panels: DiagnosticsPanels, dir?: unknown): Promise<string | undefined> {
  const runsRoot = svc.runsRoot;
  if (!runsRoot) {
    void vscode.window.showErrorMessage('Reward Lens: open a folder first; the imported run is stored in it.');
    return undefined;
  }
  const picked = typeof dir === 'string' ? dir : await pickTrlOutput();
  if (!picked) return undefined;
  try {
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Reward Lens: importing the TRL run (scoring its checkpoints)…' },
      () => svc.training.importJob({ dir: picked, runsRoot, engine: svc.settings.scoring.engine, backend: svc.settings.scoring.backend }),
    );
    svc.log.info(`TRL run ${picked} imported to ${summary.runDir}`);
    panels.show(summary.runId);
    void vscode.window.showInformationMessage(
      `Reward Lens: imported the TRL run (${summary.steps}/${summary.totalSteps} steps on ${summary.backend}) as ${summary.runId}.`,
    );
    return summary.runDir;
  } catch (e) {
    void vscode.window.showErrorMessage(`Reward Lens: import failed: ${logError(svc.log, 'TRL run import', e)}`);
    return undefined;
  }
}
