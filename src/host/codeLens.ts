// CodeLens over each scored row (rewardLens.scoring.display = codeLens | both). Without an active model,
// one lens at the top of a preference file offers to train or pick a model.
// Latency: VS Code asks for lenses once on open and again, after its own debounce (≥ 250 ms), on every change
// event, so a first answer without scores costs a whole extra round. The first answer therefore waits (briefly) for
// the first chunk, which covers the visible lines. A big file gets lenses only around what is visible: 100,000
// lenses took seconds of the host thread to build and send on every chunk.
import * as vscode from 'vscode';
import type { LineAnnotation } from '../core/scoring/annotations';
import { normalize } from '../core/scoring/chunks';
import type { LineStore } from '../core/scoring/lineStore';
import { PREFERENCE_SELECTOR, type ScoreService } from './scoreService';
import type { Services } from './services';

/** How long the first answer waits for the first chunk; past it, the head lens shows and scores follow. */
const FIRST_SCORES_WAIT_MS = 1500;
/** Files with more scored rows than this get lenses only within LENS_MARGIN lines of the visible ranges. */
const ALL_LENSES_UP_TO = 2000;
const LENS_MARGIN = 300;
const SCROLL_REFRESH_MS = 100;

class ScoreCodeLensProvider implements vscode.CodeLensProvider {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;

  constructor(
    private readonly svc: Services,
    private readonly scores: ScoreService,
  ) {}

  refresh(): void {
    this.emitter.fire();
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const display = this.svc.settings.scoring.display;
    if (display === 'off' || !this.scores.isPreferenceDocument(doc)) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const model = this.svc.activeModel;
    if (!model) {
      return [
        new vscode.CodeLens(top, { title: '$(beaker) Reward Lens: Train Reward Model…', command: 'rewardLens.trainModel' }),
        new vscode.CodeLens(top, { title: 'Select Active Model…', command: 'rewardLens.selectModel' }),
      ];
    }
    let store = this.scores.storeFor(doc);
    if (!store?.done.length && display !== 'decoration') store = await this.scores.whenScored(doc, FIRST_SCORES_WAIT_MS);
    else if (!store) this.scores.kick(doc);
    if (token.isCancellationRequested) return [];
    const error = this.scores.lastError(doc);
    const head = new vscode.CodeLens(top, {
      title: error ? `$(error) Reward Lens: scoring failed: ${error}` : `$(beaker) ${model.label}`,
      command: error ? 'rewardLens.scoreFile' : 'rewardLens.selectModel',
      tooltip: 'The model scoring this file; click to change it',
    });
    if (display === 'decoration' || !store) return [head];
    const lenses = [head];
    for (const a of this.shownRows(doc, store)) {
      if (token.isCancellationRequested) break;
      const line = a.line - 1;
      if (line < 0 || line >= doc.lineCount) continue;
      lenses.push(
        new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
          title: a.title,
          command: '',
          tooltip: 'Hover the row for ‖h‖, percentiles and the decomposition',
        }),
      );
    }
    return lenses;
  }

  /** Whether lenses of `doc` depend on what is visible (see ALL_LENSES_UP_TO): then scrolling refreshes them. */
  windowed(doc: vscode.TextDocument): boolean {
    return (this.scores.storeFor(doc)?.size ?? 0) > ALL_LENSES_UP_TO;
  }

  private shownRows(doc: vscode.TextDocument, store: LineStore): readonly LineAnnotation[] {
    if (store.size <= ALL_LENSES_UP_TO) return store.all();
    const around = normalize(this.scores.visibleRanges(doc).map((r) => ({ from: r.from - LENS_MARGIN, to: r.to + LENS_MARGIN })));
    return around.flatMap((r) => store.inRange(r.from, r.to));
  }
}

export function registerCodeLens(svc: Services, scores: ScoreService): vscode.Disposable {
  const provider = new ScoreCodeLensProvider(svc, scores);
  let scrollTimer: NodeJS.Timeout | undefined;
  const refreshSoon = () => {
    scrollTimer ??= setTimeout(() => {
      scrollTimer = undefined;
      provider.refresh();
    }, SCROLL_REFRESH_MS);
  };
  return vscode.Disposable.from(
    vscode.window.onDidChangeTextEditorVisibleRanges((e) => provider.windowed(e.textEditor.document) && refreshSoon()),
    { dispose: () => clearTimeout(scrollTimer) },
    vscode.languages.registerCodeLensProvider(PREFERENCE_SELECTOR, provider),
    scores.onDidChange(() => provider.refresh()),
    svc.onActiveModelChanged(() => provider.refresh()),
    svc.onSettingsChanged(() => provider.refresh()),
  );
}
