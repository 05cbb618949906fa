// Commands that work on stored runs: Select Active Model…, Compare Runs…, Export Run…, Cancel Training,
// Open Diagnostics Panel. Thin: the runs come from the RunStore (svc.runs).
import * as vscode from 'vscode';
import { pathExists } from '../node/pathKind';
import path from 'node:path';
import { exportRun, type RunInfo } from '../node/runs';
import { errorMessage } from './log';
import { findWorkspaceHfModels, readHfModelFolder, type WorkspaceHfModel } from './hfModels';
import type { DiagnosticsPanels } from './diagnosticsPanel';
import type { Services } from './services';

const runItem = (r: RunInfo) => ({
  label: r.label,
  description: `${r.status}${r.totalSteps ? ` · step ${r.step}/${r.totalSteps}` : ''} · ${r.backend}`,
  detail: r.runDir,
  run: r,
});

async function runsOrWarn(svc: Services): Promise<RunInfo[] | undefined> {
  const runs = await svc.runs.list();
  if (!runs.length) {
    void vscode.window
      .showInformationMessage('Reward Lens: no runs yet. Run "Train Reward Model…" first.', 'Train Reward Model…')
      .then((a) => a && vscode.commands.executeCommand('rewardLens.trainModel'));
    return undefined;
  }
  return runs;
}

type ModelPick = vscode.QuickPickItem & { action: 'run' | 'hf' | 'browse' | 'clear'; run?: RunInfo; hf?: WorkspaceHfModel };

/** The runs whose model folder is there (checked off the editor thread). */
async function runsWithModels(svc: Services): Promise<RunInfo[]> {
  const listed = await svc.runs.list();
  const usable = await Promise.all(listed.map((r) => (r.modelDir ? pathExists(r.modelDir) : false)));
  return listed.filter((_, i) => usable[i]);
}

export async function selectModel(svc: Services): Promise<void> {
  const runs = await runsWithModels(svc);
  const active = svc.activeModel;
  const mark = (yes: boolean) => (yes ? '$(check) active · ' : '');
  const items = async (): Promise<ModelPick[]> => {
    const hf = await findWorkspaceHfModels();
    return [
      ...runs.map((r) => ({
        ...runItem(r),
        action: 'run' as const,
        description: `${mark(r.runId === active?.runId)}${runItem(r).description}`,
      })),
      ...(hf.length
        ? [{ label: 'Hugging Face models in this workspace', kind: vscode.QuickPickItemKind.Separator, action: 'hf' as const }]
        : []),
      ...hf.map((m) => ({
        label: `$(hubot) ${m.label}`,
        description: `${mark(m.dir === active?.modelDir)}${m.architecture}`,
        detail: m.dir,
        action: 'hf' as const,
        hf: m,
      })),
      { label: '', kind: vscode.QuickPickItemKind.Separator, action: 'browse' as const },
      {
        label: '$(folder-opened) Browse for a model folder…',
        description: 'a Hugging Face folder (config.json, *.safetensors, tokenizer.json) or a run',
        action: 'browse' as const,
      },
      ...(active ? [{ label: '$(close) Clear the active model (stop scoring)', action: 'clear' as const }] : []),
    ];
  };
  const pick = await vscode.window.showQuickPick<ModelPick>(items(), {
    title: 'Reward Lens: Select Active Model',
    placeHolder: 'Model used for inline scoring, hovers and Problems',
  });
  if (!pick) return;
  if (pick.action === 'clear') return svc.setActiveModel(undefined);
  if (pick.action === 'run' && pick.run?.modelDir)
    return svc.setActiveModel({ runId: pick.run.runId, modelDir: pick.run.modelDir, label: pick.run.label });
  if (pick.action === 'hf' && pick.hf)
    return svc.setActiveModel({ runId: pick.hf.dir, modelDir: pick.hf.dir, label: pick.hf.label, kind: 'hf' });
  const dir = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    title: 'Reward Lens: a Hugging Face model folder, a run, or a run’s model/ folder',
  });
  if (!dir?.[0]) return;
  await setModelFolder(svc, dir[0].fsPath);
}

/** Makes a folder the active model: a Hugging Face folder, or one of our runs (or its model/). */
export async function setModelFolder(svc: Services, folder: string): Promise<void> {
  const hf = await readHfModelFolder(folder);
  if (hf) return svc.setActiveModel({ runId: hf.dir, modelDir: hf.dir, label: hf.label, kind: 'hf' });
  const modelDir = (await pathExists(path.join(folder, 'model', 'model.safetensors'))) ? path.join(folder, 'model') : folder;
  if (!(await pathExists(path.join(modelDir, 'model.safetensors')))) {
    void vscode.window.showErrorMessage(
      `Reward Lens: ${folder} is neither a Hugging Face model folder (config.json with a supported model_type, *.safetensors) nor a Reward Lens run.`,
    );
    return;
  }
  const runDir = path.basename(modelDir) === 'model' ? path.dirname(modelDir) : modelDir;
  await svc.setActiveModel({ runId: path.basename(runDir), modelDir, label: path.basename(runDir) });
}

export async function compareRuns(svc: Services, panels: DiagnosticsPanels): Promise<void> {
  const runs = await runsOrWarn(svc);
  if (!runs) return;
  const picks = await vscode.window.showQuickPick(runs.map(runItem), {
    title: 'Reward Lens: Compare Runs (pick two, e.g. BT and BSR)',
    canPickMany: true,
  });
  if (!picks) return;
  if (picks.length !== 2) {
    void vscode.window.showWarningMessage(`Reward Lens: pick exactly two runs to compare (you picked ${picks.length}).`);
    return;
  }
  panels.show(picks[0]!.run.runId, picks[1]!.run.runId);
}

export async function exportRunCommand(svc: Services, runId?: string): Promise<void> {
  const runs = await runsOrWarn(svc);
  if (!runs) return;
  const run =
    runs.find((r) => r.runId === runId) ??
    (await vscode.window.showQuickPick(runs.map(runItem), { title: 'Reward Lens: Export Run' }))?.run;
  if (!run) return;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: `Export ${run.label}`,
    filters: { 'Reward Lens run (JSON)': ['json'] },
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `${run.runId.replace(/[\\/]/g, '-')}.reward-lens.json`) } : {}),
  });
  if (!target) return;
  try {
    const { bytes } = exportRun(run.runDir, target.fsPath);
    svc.log.info(`exported ${run.runId} to ${target.fsPath} (${bytes} bytes)`);
    void vscode.window.showInformationMessage(
      `Reward Lens: exported ${run.label} (config, metrics, evals, summary) to ${vscode.workspace.asRelativePath(target)}.`,
    );
  } catch (e) {
    void vscode.window.showErrorMessage(`Reward Lens: export failed: ${errorMessage(e)}`);
  }
}

export function cancelTraining(svc: Services): void {
  const live = svc.training.running;
  const experiments = svc.training.runningExperiments;
  if (!live.length && !experiments.length) {
    void vscode.window.showInformationMessage('Reward Lens: no training is running.');
    return;
  }
  for (const r of live) svc.training.cancel(r.runId);
  for (const x of experiments) svc.training.cancelExperiment(x.experimentId);
}

export function openDiagnostics(svc: Services, panels: DiagnosticsPanels, runId?: unknown): void {
  if (!svc.runsRoot) {
    void vscode.window.showErrorMessage('Reward Lens: open a folder first; the panel shows the runs stored in it.');
    return;
  }
  panels.show(typeof runId === 'string' ? runId : undefined);
}
