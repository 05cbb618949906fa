// End-of-line score text (rewardLens.scoring.display = decoration | both). Redraws are debounced while
// results stream in, and immediate when the visible editors change.
import * as vscode from 'vscode';
import type { LineStatus } from '../core/scoring/annotations';
import type { ScoreService } from './scoreService';
import type { Services } from './services';
import { timed } from './taskMeter';

const COLORS: Readonly<Record<LineStatus, string>> = {
  correct: 'testing.iconPassed',
  wrong: 'testing.iconFailed',
  mixed: 'editorWarning.foreground',
  group: 'editorCodeLens.foreground',
  invalid: 'editorWarning.foreground',
};
const REDRAW_MS = 100;

export function registerDecorations(svc: Services, scores: ScoreService): vscode.Disposable {
  const types = Object.fromEntries(
    (Object.keys(COLORS) as LineStatus[]).map((s) => [
      s,
      vscode.window.createTextEditorDecorationType({
        after: { color: new vscode.ThemeColor(COLORS[s]), margin: '0 0 0 2em', fontStyle: 'italic' },
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    ]),
  ) as Record<LineStatus, vscode.TextEditorDecorationType>;

  const draw = (editor: vscode.TextEditor) => {
    const display = svc.settings.scoring.display;
    const store = display === 'decoration' || display === 'both' ? scores.storeFor(editor.document) : undefined;
    const byStatus = new Map<LineStatus, vscode.DecorationOptions[]>();
    for (const a of store?.all() ?? []) {
      const line = a.line - 1;
      if (line < 0 || line >= editor.document.lineCount) continue;
      const end = editor.document.lineAt(line).range.end;
      const list = byStatus.get(a.status) ?? [];
      list.push({ range: new vscode.Range(end, end), renderOptions: { after: { contentText: a.inlineText } } });
      byStatus.set(a.status, list);
    }
    for (const s of Object.keys(types) as LineStatus[]) editor.setDecorations(types[s], byStatus.get(s) ?? []);
  };
  const drawAll = () => timed('decorations', () => vscode.window.visibleTextEditors.forEach(draw));

  let timer: NodeJS.Timeout | undefined;
  const drawSoon = () => {
    if (!timer)
      timer = setTimeout(() => {
        timer = undefined;
        drawAll();
      }, REDRAW_MS);
  };
  return vscode.Disposable.from(
    ...Object.values(types),
    scores.onDidChange(drawSoon),
    vscode.window.onDidChangeVisibleTextEditors(drawAll),
    svc.onSettingsChanged(drawAll),
    { dispose: () => clearTimeout(timer) },
  );
}
