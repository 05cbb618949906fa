// Hover on a scored row: rewards, ‖h‖ with its percentile in the training distribution, cos ψ and the
// decomposition r = ‖W_p‖·‖h‖·cos ψ. The Markdown is built in core/scoring and is never trusted.
import * as vscode from 'vscode';
import { PREFERENCE_SELECTOR, type ScoreService } from './scoreService';

/** A hover on a row not scored yet (just edited, or far from where scoring got) waits this long for its score. */
const SCORE_WAIT_MS = 2000;

export function registerHover(scores: ScoreService): vscode.Disposable {
  return vscode.languages.registerHoverProvider(PREFERENCE_SELECTOR, {
    async provideHover(doc, pos, token) {
      const line = pos.line + 1;
      const known = scores.storeFor(doc)?.done.some((r) => r.from <= line && line <= r.to);
      const store = known
        ? scores.storeFor(doc)
        : scores.isPreferenceDocument(doc)
          ? await scores.whenScored(doc, SCORE_WAIT_MS, line)
          : undefined;
      const a = store?.get(line);
      if (!a || token.isCancellationRequested) return undefined;
      const md = new vscode.MarkdownString(a.hoverMarkdown);
      md.isTrusted = false;
      md.supportHtml = false;
      return new vscode.Hover(md, doc.lineAt(pos.line).range);
    },
  });
}
