// "Reward Lens: Load External Scores…": scores of the same pairs made elsewhere (reward-lens score output, RewardBench
// per-sample score files, {id, score} lines) shown next to the active model in hovers, with the agreement rate and
// Kendall's τ in the Diagnostics panel. Thin: src/core/scoring/external.ts parses and compares.
import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';
import { compareScorers, parseExternalScores, type ScorerComparison } from '../core/scoring/external';
import { errorMessage } from './log';
import type { Services } from './services';

/** The command; a path loads that file without asking, 'clear' forgets the loaded scorer. */
export async function loadExternalScores(svc: Services, arg?: unknown): Promise<void> {
  if (arg === 'clear') return svc.setExternal(undefined);
  let file = typeof arg === 'string' ? arg : arg instanceof vscode.Uri ? arg.fsPath : undefined;
  if (!file) {
    const picked = await vscode.window.showOpenDialog({
      title: 'Reward Lens: an external scorer’s scores (reward-lens score output, RewardBench scores, {id, score} lines)',
      filters: { 'Scores (JSON, JSON lines)': ['json', 'jsonl'] },
      canSelectMany: false,
    });
    file = picked?.[0]?.fsPath;
  }
  if (!file) return;
  try {
    const ext = parseExternalScores(file, await fs.promises.readFile(file, 'utf8'));
    svc.setExternal(ext);
    void vscode.window.showInformationMessage(
      `Reward Lens: external scorer ${ext.name} loaded (${ext.byId.size} pairs, ${ext.layout}); hovers show it next to ${svc.activeModel?.label ?? 'the active model'}.`,
    );
  } catch (e) {
    void vscode.window.showErrorMessage(`Reward Lens: ${path.basename(file)}: ${errorMessage(e)}`);
  }
}

export interface ExternalRow extends ScorerComparison {
  readonly document: string;
}

/** The comparison per scored document, for the panel (documents with no matched pair are left out). */
export function externalComparisons(svc: Services): ExternalRow[] {
  const ext = svc.external;
  if (!ext) return [];
  return [...svc.modelMargins]
    .map(([uri, margins]) => ({ document: vscode.workspace.asRelativePath(vscode.Uri.parse(uri), false), ...compareScorers(margins, ext) }))
    .filter((r) => r.matched > 0);
}
