// Mis-ranked pairs and invalid rows in the Problems panel, from the scoring annotations. Updates are coalesced
// (UPDATE_MS): scoring a 100,000-line file fires a change per chunk, and each update walks the annotations.
import * as vscode from 'vscode';
import { fieldColumns, type LineAnnotation } from '../core/scoring/annotations';
import type { ScoreService } from './scoreService';
import type { Services } from './services';
import { timed } from './taskMeter';

const UPDATE_MS = 100;

export function registerProblems(svc: Services, scores: ScoreService): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('rewardLens');
  /** Per document, the annotations whose problems the panel shows now. */
  const published = new Map<string, readonly LineAnnotation[]>();
  const update = (uri: vscode.Uri) => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const store = doc && scores.storeFor(doc);
    if (!doc || !store) {
      published.delete(uri.toString());
      collection.delete(uri);
      return;
    }
    const max = svc.settings.scoring.maxProblems;
    const shown = firstWithProblems(store.withProblems(), max);
    const key = uri.toString();
    // Most chunks of a big file add problems past the first `max` (or none): then what the panel shows is unchanged,
    // and rebuilding and sending up to `max` diagnostics per chunk was garbage for the host to collect.
    const last = published.get(key);
    if (last && last.length === shown.length && last.every((a, i) => a === shown[i])) return;
    published.set(key, shown);
    collection.set(uri, toDiagnostics(doc, shown, max));
  };
  const pending = new Map<string, vscode.Uri>();
  let timer: NodeJS.Timeout | undefined;
  const updateSoon = (uri: vscode.Uri) => {
    pending.set(uri.toString(), uri);
    timer ??= setTimeout(() => {
      timer = undefined;
      timed('Problems update', () => {
        for (const u of pending.values()) update(u);
      });
      pending.clear();
    }, UPDATE_MS);
  };
  return vscode.Disposable.from(
    collection,
    scores.onDidChange(updateSoon),
    svc.onActiveModelChanged(() => {
      published.clear();
      collection.clear();
    }),
    { dispose: () => clearTimeout(timer) },
  );
}

/** The annotations, in line order, whose problems fill the first `max` entries. */
function firstWithProblems(withProblems: readonly LineAnnotation[], max: number): LineAnnotation[] {
  const out: LineAnnotation[] = [];
  let n = 0;
  for (const a of withProblems) {
    if (n >= max) break;
    out.push(a);
    n += a.problems.length;
  }
  return out;
}

/** The Problems entries of `shown` (at most `max`), each underlining the field at fault. */
function toDiagnostics(doc: vscode.TextDocument, shown: readonly LineAnnotation[], max: number): vscode.Diagnostic[] {
  const out: vscode.Diagnostic[] = [];
  for (const a of shown) {
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
  return out;
}
