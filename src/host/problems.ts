// Mis-ranked pairs and invalid rows in the Problems panel, from the scoring annotations. Updates are coalesced
// (UPDATE_MS): scoring a 100,000-line file fires a change per chunk, and each update walks the annotations.
import * as vscode from 'vscode';
import { fieldColumns } from '../core/scoring/annotations';
import type { ScoreService } from './scoreService';
import type { Services } from './services';

const UPDATE_MS = 100;

export function registerProblems(svc: Services, scores: ScoreService): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('rewardLens');
  const update = (uri: vscode.Uri) => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const store = doc && scores.storeFor(doc);
    if (!doc || !store) {
      collection.delete(uri);
      return;
    }
    const out: vscode.Diagnostic[] = [];
    const max = svc.settings.scoring.maxProblems;
    for (const a of store.withProblems()) {
      if (out.length >= max) break;
      for (const p of a.problems) {
        if (out.length >= max) break;
        const line = p.line - 1;
        if (line < 0 || line >= doc.lineCount) continue;
        const cols = fieldColumns(doc.lineAt(line).text, p.field);
        const d = new vscode.Diagnostic(
          new vscode.Range(line, cols.start, line, cols.end),
          p.message,
          p.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information,
        );
        d.source = 'Reward Lens';
        d.code = p.code;
        out.push(d);
      }
    }
    collection.set(uri, out);
  };
  const pending = new Map<string, vscode.Uri>();
  let timer: NodeJS.Timeout | undefined;
  const updateSoon = (uri: vscode.Uri) => {
    pending.set(uri.toString(), uri);
    timer ??= setTimeout(() => {
      timer = undefined;
      for (const u of pending.values()) update(u);
      pending.clear();
    }, UPDATE_MS);
  };
  return vscode.Disposable.from(
    collection,
    scores.onDidChange(updateSoon),
    svc.onActiveModelChanged(() => collection.clear()),
    { dispose: () => clearTimeout(timer) },
  );
}
