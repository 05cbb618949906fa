// Evaluate Model on Files…: the active model (ours or a Hugging Face folder) on preference files, written as an
// evaluation run directory so the diagnostics panel shows it beside the training runs (and Compare Runs can put
// it next to one). The worker computes and writes it; the host only asks and then opens the panel.
import * as vscode from 'vscode';
import path from 'node:path';
import { newEvaluationId } from '../node/evaluationRun';
import { logError } from './errorLog';
import { extensionsOf } from '../core/data/extensions';
import { candidateFiles } from './workspaceDataFiles';
import type { DiagnosticsPanels } from './diagnosticsPanel';
import type { Services } from './services';

/** files: given by a caller (tests, other commands); otherwise picked. */
export async function evaluateModelCommand(svc: Services, panels: DiagnosticsPanels, files?: unknown): Promise<string | undefined> {
  const model = svc.activeModel;
  if (!model) {
    const a = await vscode.window.showInformationMessage('Reward Lens: select a model to evaluate first.', 'Select Active Model…');
    if (a) await vscode.commands.executeCommand('rewardLens.selectModel');
    return undefined;
  }
  if (!svc.runsRoot) {
    void vscode.window.showErrorMessage('Reward Lens: open a folder first; evaluations are stored in it.');
    return undefined;
  }
  const picked = Array.isArray(files) && files.every((f) => typeof f === 'string') ? (files as string[]) : await pickFiles(svc);
  if (!picked?.length) return undefined;
  const outDir = path.join(svc.runsRoot, newEvaluationId(model.modelDir));
  try {
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Reward Lens: evaluating ${model.label} on ${picked.length} file${picked.length > 1 ? 's' : ''}…`,
      },
      () =>
        svc.training.evaluate({
          modelDir: model.modelDir,
          files: picked,
          outDir,
          engine: svc.settings.scoring.engine,
          maxTokens: svc.settings.scoring.maxLength,
          backend: svc.settings.scoring.backend,
        }),
    );
  } catch (e) {
    void vscode.window.showErrorMessage(`Reward Lens: evaluation failed: ${logError(svc.log, 'evaluation', e)}`);
    return undefined;
  }
  svc.log.info(`evaluation of ${model.modelDir} written to ${outDir}`);
  panels.show(path.basename(outDir));
  return outDir;
}

async function pickFiles(svc: Services): Promise<string[] | undefined> {
  // The workspace's preference files (by content: a model folder's config.json and tokenizer.json are not data).
  const found = await candidateFiles(svc);
  const browse = { label: '$(folder-opened) Browse…', file: '' };
  const items = [...found.map((f) => ({ label: vscode.workspace.asRelativePath(f), file: f })), browse];
  const picks = await vscode.window.showQuickPick(items, {
    title: 'Reward Lens: Evaluate Model on Files (pick one or more)',
    canPickMany: true,
  });
  if (!picks?.length) return undefined;
  if (!picks.includes(browse)) return picks.map((p) => p.file);
  const chosen = await vscode.window.showOpenDialog({
    canSelectMany: true,
    filters: { 'Preference data': extensionsOf() },
    title: 'Reward Lens: files to evaluate on',
  });
  return [...picks.filter((p) => p !== browse).map((p) => p.file), ...(chosen ?? []).map((u) => u.fsPath)];
}
