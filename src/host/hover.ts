// Hover on a scored row: rewards, ‖h‖ with its percentile in the training distribution, cos ψ and the
// decomposition r = ‖W_p‖·‖h‖·cos ψ. The Markdown is built in core/scoring and is never trusted.
import * as vscode from 'vscode';
import { PREFERENCE_SELECTOR, type ScoreService } from './scoreService';

export function registerHover(scores: ScoreService): vscode.Disposable {
  return vscode.languages.registerHoverProvider(PREFERENCE_SELECTOR, {
    provideHover(doc, pos) {
      const a = scores.storeFor(doc)?.get(pos.line + 1);
      if (!a) return undefined;
      const md = new vscode.MarkdownString(a.hoverMarkdown);
      md.isTrusted = false;
      md.supportHtml = false;
      return new vscode.Hover(md, doc.lineAt(pos.line).range);
    },
  });
}
