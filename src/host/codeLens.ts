// CodeLens over each scored row (rewardLens.scoring.display = codeLens | both). Without an active model,
// one lens at the top of a preference file offers to train or pick a model.
// Latency: VS Code asks for lenses once on open and again, after its own debounce (≥ 250 ms), on every change
// event, so a first answer without scores costs a whole extra round. The first answer therefore waits (briefly) for
// the first chunk, which covers the visible lines. A big file gets lenses only around what is visible: 100,000
// lenses took seconds of the host thread to build and send on every chunk. Change events are sent only when the
// workbench is not about to ask anyway (lensRefresh.ts): one per scored chunk kept restarting its CodeLens debounce.
import * as vscode from 'vscode';
import type { LineAnnotation } from '../core/scoring/annotations';
import { normalize } from '../core/scoring/chunks';
import type { LineStore } from '../core/scoring/lineStore';
import { LensRefresh } from './lensRefresh';
import { timed } from './taskMeter';
import { PREFERENCE_SELECTOR, type ScoreService } from './scoreService';
import type { Services } from './services';

/** How long the first answer waits for the first chunk; past it, the head lens shows and scores follow. */
const FIRST_SCORES_WAIT_MS = 1500;
/** Files with more scored rows than this get lenses only within LENS_MARGIN lines of the visible ranges. */
const ALL_LENSES_UP_TO = 2000;
const LENS_MARGIN = 300;
const SCROLL_REFRESH_MS = 100;
/** A change waits at most this long for a request the workbench was due to make (lensRefresh.ts). */
const REQUEST_FALLBACK_MS = 1500;
/** A request this recent is the one a just-reported editor opening was due. */
const RECENT_REQUEST_MS = 500;

class ScoreCodeLensProvider implements vscode.CodeLensProvider {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  readonly refresh = new LensRefresh({
    emit: () => this.emitter.fire(),
    visible: () => vscode.window.visibleTextEditors.map((e) => e.document.uri.toString()),
    fallbackMs: REQUEST_FALLBACK_MS,
    recentMs: RECENT_REQUEST_MS,
  });

  constructor(
    private readonly svc: Services,
    private readonly scores: ScoreService,
  ) {}

  dispose(): void {
    this.refresh.dispose();
    this.emitter.dispose();
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
    this.refresh.asked(doc.uri.toString()); // this answer reads the scores of now
    return timed('CodeLens answer', () => this.lensesOf(doc, model.label, store, token));
  }

  /** The head lens (the model, or the scoring error) and a lens per shown scored row. */
  private lensesOf(
    doc: vscode.TextDocument,
    label: string,
    store: LineStore | undefined,
    token: vscode.CancellationToken,
  ): vscode.CodeLens[] {
    const top = new vscode.Range(0, 0, 0, 0);
    const error = this.scores.lastError(doc);
    const head = new vscode.CodeLens(top, {
      title: error ? `$(error) Reward Lens: scoring failed: ${error}` : `$(beaker) ${label}`,
      command: error ? 'rewardLens.scoreFile' : 'rewardLens.selectModel',
      tooltip: 'The model scoring this file; click to change it',
    });
    if (this.svc.settings.scoring.display === 'decoration' || !store) return [head];
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
  const { refresh } = provider;
  let scrollTimer: NodeJS.Timeout | undefined;
  const scrolledDocs = new Set<string>();
  const scrolled = (doc: vscode.TextDocument) => {
    scrolledDocs.add(doc.uri.toString());
    scrollTimer ??= setTimeout(() => {
      scrollTimer = undefined;
      for (const k of scrolledDocs) refresh.changed(k);
      scrolledDocs.clear();
    }, SCROLL_REFRESH_MS);
  };
  // The workbench asks for a document's lenses when an editor opens on it and when its text changes.
  let shown = new Set(vscode.window.visibleTextEditors.map((e) => e.document.uri.toString()));
  const editorsChanged = (editors: readonly vscode.TextEditor[]) => {
    const now = new Set(editors.map((e) => e.document.uri.toString()));
    for (const k of now) if (!shown.has(k)) refresh.willAsk(k, true);
    shown = now;
  };
  return vscode.Disposable.from(
    vscode.window.onDidChangeTextEditorVisibleRanges((e) => provider.windowed(e.textEditor.document) && scrolled(e.textEditor.document)),
    vscode.window.onDidChangeVisibleTextEditors(editorsChanged),
    vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && refresh.willAsk(e.document.uri.toString())),
    vscode.workspace.onDidCloseTextDocument((d) => refresh.forget(d.uri.toString())),
    { dispose: () => clearTimeout(scrollTimer) },
    provider,
    vscode.languages.registerCodeLensProvider(PREFERENCE_SELECTOR, provider),
    scores.onDidChange((uri) => refresh.changed(uri.toString())),
    svc.onActiveModelChanged(() => refresh.all()),
    svc.onSettingsChanged(() => refresh.all()),
  );
}
