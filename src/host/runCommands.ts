// Commands that work on stored runs: Select Active Model…, Compare Runs…, Export Run…, Cancel Training,
// Open Diagnostics Panel. Thin: the run files are read by src/node/runs.ts.
import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';
import { exportRun, type RunInfo } from '../node/runs';
import { workspaceRuns } from './diagnosticsPanel';
import { errorMessage } from './log';
import type { DiagnosticsPanels } from './diagnosticsPanel';
import type { Services } from './services';

const runItem = (r: RunInfo) => ({
  label: r.label,
  description: `${r.status}${r.totalSteps ? ` · step ${r.step}/${r.totalSteps}` : ''} · ${r.backend}`,
  detail: r.runDir,
  run: r,
});

function runsOrWarn(svc: Services): RunInfo[] | undefined {
  const runs = workspaceRuns(svc);
  if (!runs.length) {
    void vscode.window.showInformationMessage('Reward Lens: no runs yet. Run "Train Reward Model…" first.', 'Train Reward Model…')
      .then((a) => a && vscode.commands.executeCommand('rewardLens.trainModel'));
    return undefined;
  }
  return runs;
}

export async function selectModel(svc: Services): Promise<void> {
  const runs = workspaceRuns(svc).filter((r) => r.modelDir && fs.existsSync(r.modelDir));
  const active = svc.activeModel;
  const pick = await vscode.window.showQuickPick<vscode.QuickPickItem & { action: 'run' | 'browse' | 'clear'; run?: RunInfo }>(
    [
      ...runs.map((r) => ({ ...runItem(r), action: 'run' as const, picked: r.runId === active?.runId, description: `${r.runId === active?.runId ? '$(check) active · ' : ''}${runItem(r).description}` })),
      { label: '$(folder-opened) Browse for a model folder…', action: 'browse' },
      ...(active ? [{ label: '$(close) Clear the active model (stop scoring)', action: 'clear' as const }] : []),
    ],
    { title: 'Reward Lens: Select Active Model', placeHolder: runs.length ? 'Model used for inline scoring' : 'No trained models in this workspace yet' },
  );
  if (!pick) return;
  if (pick.action === 'clear') return svc.setActiveModel(undefined);
  if (pick.action === 'run' && pick.run?.modelDir) return svc.setActiveModel({ runId: pick.run.runId, modelDir: pick.run.modelDir, label: pick.run.label });
  const dir = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: 'Reward Lens: model folder (a run’s model/ directory)' });
  if (!dir?.[0]) return;
  const modelDir = dir[0].fsPath;
  const runDir = path.basename(modelDir) === 'model' ? path.dirname(modelDir) : modelDir;
  await svc.setActiveModel({ runId: path.basename(runDir), modelDir, label: path.basename(runDir) });
}

export async function compareRuns(svc: Services, panels: DiagnosticsPanels): Promise<void> {
  const runs = runsOrWarn(svc);
  if (!runs) return;
  const picks = await vscode.window.showQuickPick(runs.map(runItem), { title: 'Reward Lens: Compare Runs (pick two, e.g. BT and BSR)', canPickMany: true });
  if (!picks) return;
  if (picks.length !== 2) {
    void vscode.window.showWarningMessage(`Reward Lens: pick exactly two runs to compare (you picked ${picks.length}).`);
    return;
  }
  panels.show(picks[0]!.run.runId, picks[1]!.run.runId);
}

export async function exportRunCommand(svc: Services, runId?: string): Promise<void> {
  const runs = runsOrWarn(svc);
  if (!runs) return;
  const run = runs.find((r) => r.runId === runId) ?? (await vscode.window.showQuickPick(runs.map(runItem), { title: 'Reward Lens: Export Run' }))?.run;
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
    void vscode.window.showInformationMessage(`Reward Lens: exported ${run.label} (config, metrics, evals, summary) to ${vscode.workspace.asRelativePath(target)}.`);
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

