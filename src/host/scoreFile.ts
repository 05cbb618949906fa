// "Score Current File": scores every row of the active preference document (ignoring the lazy limits)
// and summarises; on a .parquet file (no text editor) it runs a full evaluation in the worker instead.
import * as vscode from 'vscode';
import path from 'node:path';
import type { EvalReport } from '../core/report';
import { datasetExtensionList, isBinaryDataName } from '../core/data/extensions';
import { escapeMarkdown } from '../core/markdown';
import { logError } from './errorLog';
import type { ScoreService } from './scoreService';
import type { Services } from './services';

export async function scoreFile(svc: Services, scores: ScoreService, arg?: unknown): Promise<void> {
  const uri = toUri(arg) ?? activeResource();
  if (!uri) {
    void vscode.window.showErrorMessage(`Reward Lens: open a preference file (${datasetExtensionList()}) to score it.`);
    return;
  }
  const model = svc.activeModel;
  if (!model) {
    const a = await vscode.window.showWarningMessage(
      'Reward Lens: no active model. Train one or select an existing run.',
      'Train Reward Model…',
      'Select Active Model…',
    );
    if (a) await vscode.commands.executeCommand(a.startsWith('Train') ? 'rewardLens.trainModel' : 'rewardLens.selectModel');
    return;
  }
  if (isBinaryDataName(uri.fsPath)) {
    await scoreParquet(svc, uri.fsPath);
    return;
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  if (!scores.isPreferenceDocument(doc)) {
    void vscode.window.showWarningMessage(
      `Reward Lens: ${path.basename(uri.fsPath)} does not look like preference data (no chosen/rejected fields). Set rewardLens.data.fieldMapping if it uses other names.`,
    );
    return;
  }
  await vscode.window.showTextDocument(doc, { preview: false });
  try {
    const store = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Reward Lens: scoring…' }, () =>
      scores.scoreAll(doc),
    );
    if (!store) return;
    const all = store.all();
    const count = (s: string) => all.filter((a) => a.status === s).length;
    const pairs = count('correct') + count('wrong') + count('mixed');
    const msg = `Reward Lens: ${path.basename(uri.fsPath)} scored with ${model.label}: ${count('correct')}/${pairs} rows ranked correctly, ${count('wrong') + count('mixed')} mis-ranked, ${count('group')} multi-response rows, ${count('invalid')} rows skipped (see Problems).`;
    svc.log.info(msg);
    void vscode.window.showInformationMessage(msg);
  } catch (e) {
    void vscode.window
      .showErrorMessage(`Reward Lens: scoring failed: ${logError(svc.log, `scoring ${uri.fsPath}`, e)}`, 'Show Log')
      .then((a) => a && svc.log.show());
  }
}

/** A Uri from a command argument: a real Uri, or its JSON form (command links in webviews). */
function toUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const o = arg && typeof arg === 'object' ? (arg as { scheme?: unknown; path?: unknown }) : undefined;
  return typeof o?.scheme === 'string' && typeof o.path === 'string' ? vscode.Uri.from({ scheme: o.scheme, path: o.path }) : undefined;
}

function activeResource(): vscode.Uri | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor) return editor.document.uri;
  // A custom editor (parquet) is active: take the tab's uri.
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom ? input.uri : undefined;
}

export async function scoreParquet(svc: Services, file: string): Promise<EvalReport | undefined> {
  const model = svc.activeModel;
  if (!model) return undefined;
  try {
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Reward Lens: evaluating ${path.basename(file)}…` },
      () => svc.training.evaluate({ modelDir: model.modelDir, files: [file], backend: svc.settings.scoring.backend }),
    );
    const md = evalMarkdown(file, model.label, report);
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: md });
    await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
    return report;
  } catch (e) {
    void vscode.window.showErrorMessage(
      `Reward Lens: evaluating ${path.basename(file)} failed: ${logError(svc.log, `evaluating ${file}`, e)}`,
    );
    return undefined;
  }
}

const esc = escapeMarkdown;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function evalMarkdown(file: string, modelLabel: string, r: EvalReport): string {
  const rows = r.sets.map(
    (s) =>
      `| ${esc(s.name)} | ${s.pairs} | ${pct(s.accuracy.value)} [${pct(s.accuracy.lo)}, ${pct(s.accuracy.hi)}] | ${s.margin.mean.toFixed(3)} | ${s.rewardChosen.mean.toFixed(3)} / ${s.rewardRejected.mean.toFixed(3)} | ${s.hNorm.median.toFixed(3)} | ${s.erank.toFixed(1)} |`,
  );
  return [
    `# Reward Lens — ${esc(path.basename(file))}`,
    '',
    `Model: ${esc(modelLabel)}`,
    '',
    '| set | pairs | accuracy [95% CI] | mean margin | mean r(chosen) / r(rejected) | median ‖h‖ | erank |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}
