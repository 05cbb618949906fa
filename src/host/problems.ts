// Mis-ranked pairs and invalid rows in the Problems panel, from the scoring annotations.
import * as vscode from 'vscode';
import { fieldColumns } from '../core/scoring/annotations';
import type { ScoreService } from './scoreService';
import type { Services } from './services';

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
    for (const a of store.all()) {
      for (const p of a.problems) {
        if (out.length >= svc.settings.scoring.maxProblems) break;
        const line = p.line - 1;
        if (line < 0 || line >= doc.lineCount) continue;
        const cols = fieldColumns(doc.lineAt(line).text, p.field);
        const d = new vscode.Diagnostic(new vscode.Range(line, cols.start, line, cols.end), p.message,
          p.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information);
        d.source = 'Reward Lens';
        d.code = p.code;
        out.push(d);
      }
    }
    collection.set(uri, out);
  };
  return vscode.Disposable.from(collection, scores.onDidChange(update), svc.onActiveModelChanged(() => collection.clear()));
}
