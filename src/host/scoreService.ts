// Scores open preference documents with the active model, lazily: the visible lines first (ScoreDocument
// with fromLine/toLine), then the rest of the file in chunks, one request in flight per document. Results
// are cached per uri + version; an edit restarts scoring after a debounce. Providers (codeLens, decorations,
// hover, problems) read the LineStore and listen to onDidChange.
import * as vscode from 'vscode';
import { annotateScores } from '../core/scoring/annotations';
import { planChunks, windowJsonl, type LineRange } from '../core/scoring/chunks';
import { LineStore } from '../core/scoring/lineStore';
import { describeHead, HEAD_BYTES, type FileHead } from '../core/data/head';
import { datasetGlob, formatOfName, LINE_FORMATS } from '../core/data/extensions';
import { isOneRowPerResponse } from '../core/data/families';
import { mappingSniffKeys } from '../core/data/fieldMapping';
import { marginAt, type ScoredRowColumns, type ScoreReply } from '../protocol/scoredRows';
import { logError } from './errorLog';
import type { Services } from './services';
import { timed } from './taskMeter';

/** The documents Reward Lens providers attach to; content sniffing narrows JSON/CSV further. */
export const PREFERENCE_SELECTOR: vscode.DocumentSelector = [
  { language: 'jsonl' },
  { language: 'json' },
  { language: 'csv' },
  { pattern: datasetGlob(LINE_FORMATS) },
];
const CHUNK_LINES = 500;
/** Above this many lines, JSONL chunks are sent windowed (see windowJsonl) so the worker parses only the chunk. */
const WINDOW_ABOVE_LINES = 2000;
// The first request covers exactly the visible lines (fastest first lenses); the neighbours come next, outward.
const VISIBLE_MARGIN = 0;
// A freshly opened editor shows the top of the file but reports its visible ranges only after the workbench laid it
// out (a second or more on a busy machine): until then these lines are taken as visible, so scoring starts at once.
const FIRST_SCREEN_LINES = 60;

interface DocState {
  store: LineStore;
  /** Bumped on every (re)start, so a stale chunk loop stops. */
  generation: number;
  running: boolean;
  /** Text of this version, read once, when chunks are not windowed (getText() on a 100k-line file is not free). */
  text?: string;
  /** Whether chunks are sent windowed (big one-record-per-line JSONL): decided once per version. */
  windowed?: boolean;
  /** Score every line regardless of rewardLens.scoring.maxLines (Score Current File). */
  full: boolean;
  error?: string;
}

export class ScoreService implements vscode.Disposable {
  private readonly docs = new Map<string, DocState>();
  private readonly heads = new Map<string, { version: number; head: FileHead }>();
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  /** Fires when a document's chunk loop stopped (done, failed, or nothing to score): wakes whenScored. */
  private readonly stopEmitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly debounce = new Map<string, NodeJS.Timeout>();
  private readonly subs: vscode.Disposable[] = [];
  /** Fires when annotations of a document changed (or were cleared). */
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly svc: Services) {
    this.subs.push(
      vscode.window.onDidChangeVisibleTextEditors(() => this.kickVisible()),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => this.kick(e.textEditor.document)),
      vscode.workspace.onDidChangeTextDocument((e) => this.onEdit(e.document)),
      // The workbench lays an opened editor out (and reports it visible) a second or more after the document reaches
      // the host on a busy machine: its top screen is scored from the document's arrival, so lenses are ready then.
      vscode.workspace.onDidOpenTextDocument((d) => d.uri.scheme === 'file' && this.kick(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      svc.onActiveModelChanged(() => this.resetAll()),
      svc.onSettingsChanged(() => this.resetAll()),
      svc.onExternalChanged(() => this.resetAll()),
    );
    this.kickVisible();
  }

  /** Cheap, cached: does this document hold preference data? */
  isPreferenceDocument(doc: vscode.TextDocument): boolean {
    return this.headOf(doc).preference;
  }

  /** What the document is (format, first record's family), from its first lines; cached per version. */
  headOf(doc: vscode.TextDocument): FileHead {
    const key = doc.uri.toString();
    const hit = this.heads.get(key);
    if (hit && hit.version === doc.version) return hit.head;
    const text = doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, 200), 0)).slice(0, HEAD_BYTES);
    const head = describeHead(doc.fileName, text, mappingSniffKeys(this.svc.mappingFor(doc.uri)));
    this.heads.set(key, { version: doc.version, head });
    return head;
  }

  /** Current annotations of a document, if they belong to its current version. */
  storeFor(doc: vscode.TextDocument): LineStore | undefined {
    const st = this.docs.get(doc.uri.toString());
    return st && st.store.version === doc.version ? st.store : undefined;
  }

  lastError(doc: vscode.TextDocument): string | undefined {
    return this.docs.get(doc.uri.toString())?.error;
  }

  /**
   * Resolves when `line` (default: the first chunk scored) of the document's current version is scored, when scoring
   * stopped (an error, no model) or after `timeoutMs`, with the store as it is then. Starts scoring at once, without
   * the edit debounce: a provider waiting here (first lenses, a hover) is what the user looks at now.
   */
  async whenScored(doc: vscode.TextDocument, timeoutMs: number, line?: number): Promise<LineStore | undefined> {
    const covered = () => {
      const s = this.storeFor(doc);
      return s?.done.some((r) => line === undefined || (r.from <= line && line <= r.to)) ? s : undefined;
    };
    if (covered()) return covered();
    this.kick(doc);
    const key = doc.uri.toString();
    if (!this.docs.get(key)?.running) return this.storeFor(doc);
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        sub.dispose();
        resolve(this.storeFor(doc));
      };
      const timer = setTimeout(finish, timeoutMs);
      const check = (uri: vscode.Uri) => {
        if (uri.toString() === key && (covered() || !this.docs.get(key)?.running)) finish();
      };
      const sub = vscode.Disposable.from(this.onDidChange(check), this.stopEmitter.event(check));
    });
  }

  /** Starts (or continues) scoring a document: visible ranges first. No-op without an active model. */
  kick(doc: vscode.TextDocument, full = false): void {
    timed('start scoring', () => this.start(doc, full));
  }

  private start(doc: vscode.TextDocument, full: boolean): void {
    if (!this.svc.activeModel || !this.isPreferenceDocument(doc)) return;
    const key = doc.uri.toString();
    let st = this.docs.get(key);
    if (!st || st.store.version !== doc.version) {
      st = { store: new LineStore(doc.version), generation: (st?.generation ?? 0) + 1, running: false, full: st?.full ?? false };
      this.docs.set(key, st);
    }
    if (full) st.full = true;
    if (!st.running) void this.loop(doc, st);
  }

  /** Scores the whole document and resolves when done (Score Current File). */
  async scoreAll(doc: vscode.TextDocument): Promise<LineStore | undefined> {
    this.kick(doc, true);
    const key = doc.uri.toString();
    for (;;) {
      const st = this.docs.get(key);
      if (!st) return undefined;
      if (!st.running) {
        if (st.error) throw new Error(st.error);
        return st.store;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async loop(doc: vscode.TextDocument, st: DocState): Promise<void> {
    const gen = st.generation;
    st.running = true;
    st.error = undefined;
    try {
      for (;;) {
        const model = this.svc.activeModel;
        if (!model || st.generation !== gen || doc.isClosed || doc.version !== st.store.version) return;
        const next = timed('plan a chunk', () =>
          planChunks(this.visibleRanges(doc), st.store.done, {
            lineCount: doc.lineCount,
            chunkLines: CHUNK_LINES,
            maxLines: st.full ? 0 : this.svc.settings.scoring.maxLines,
            margin: VISIBLE_MARGIN,
          }),
        )[0];
        // A document no editor shows (yet) gets its first screen only; becoming visible kicks the rest.
        if (!next || (!st.full && st.store.done.length > 0 && !this.isVisible(doc))) return;
        const sent = performance.now();
        const res = await timed('send a chunk', () => this.requestScores(doc, st, next, model.modelDir));
        if (st.generation !== gen || doc.version !== st.store.version) return;
        timed('store a chunk', () => this.storeScores(doc, st, next, res, sent));
      }
    } catch (e) {
      st.error = logError(this.svc.log, `scoring ${doc.uri.fsPath} failed`, e);
    } finally {
      if (st.generation === gen) st.running = false;
    }
    if (st.generation !== gen) return;
    this.stopEmitter.fire(doc.uri);
    if (st.error) this.changeEmitter.fire(doc.uri); // the head lens shows the error
  }

  /** One chunk's request to the worker, with the scoring settings, score cache and field mapping of now. */
  private requestScores(doc: vscode.TextDocument, st: DocState, next: LineRange, modelDir: string): Promise<ScoreReply> {
    const cacheDir = this.svc.scoreCacheDir;
    const mapping = this.svc.mappingFor(doc.uri);
    const { text, firstLine } = this.textFor(doc, st, next);
    return this.svc.training.score({
      modelDir,
      file: doc.uri.fsPath,
      text,
      ...(firstLine > 1 ? { textFirstLine: firstLine } : {}),
      fromLine: next.from,
      toLine: next.to,
      engine: this.svc.settings.scoring.engine,
      maxTokens: this.svc.settings.scoring.maxLength,
      backend: this.svc.settings.scoring.backend,
      ...(cacheDir ? { cacheDir } : {}),
      ...(mapping ? { mapping } : {}),
    });
  }

  /** Adds one scored chunk to the document's store, logs it (the first chunk at info, with timings) and tells listeners. */
  private storeScores(doc: vscode.TextDocument, st: DocState, next: LineRange, res: ScoreReply, sent: number): void {
    const first = st.store.done.length === 0;
    const ext = this.svc.external;
    st.store.add(
      next,
      annotateScores(res, {
        reportMisranked: this.svc.settings.scoring.reportMisranked,
        ...(ext ? { external: { name: ext.name, get: (id) => ext.byId.get(id) } } : {}),
      }),
    );
    this.recordMargins(doc, res.rows);
    if (first)
      this.svc.log.info(
        `first scores for ${doc.uri.fsPath} (v${doc.version}, ${doc.lineCount} lines): lines ${next.from}-${next.to}, ${res.rows.count} pairs (${res.cached} from the score cache), worker ${res.elapsedMs.toFixed(0)} ms, round trip ${(performance.now() - sent).toFixed(0)} ms`,
      );
    this.svc.log.debug(
      `scored ${doc.uri.fsPath} lines ${next.from}-${next.to}: ${res.rows.count} pairs, ${res.groups.length} groups, ${res.skipped.length} skipped in ${res.elapsedMs} ms (worker)`,
    );
    this.changeEmitter.fire(doc.uri);
  }

  /**
   * Keeps the active model's margins of the pairs a loaded external scorer also scored, so the panel can compare the
   * two. Only those: a map of every pair of a 100,000-line file was garbage for the host to collect, and loading or
   * clearing an external scorer re-scores every document (resetAll), so nothing is missed.
   */
  private recordMargins(doc: vscode.TextDocument, rows: ScoredRowColumns): void {
    const ext = this.svc.external;
    if (!ext) return;
    const key = doc.uri.toString();
    const m = this.svc.modelMargins.get(key) ?? new Map<string, number>();
    rows.ids.forEach((id, i) => ext.byId.has(id) && m.set(id, marginAt(rows, i)));
    this.svc.modelMargins.set(key, m);
  }

  /**
   * The text sent for one chunk: the whole document, or for big one-record-per-line JSONL only the chunk's lines
   * (read with lineAt: copying and splitting a 100,000-line document blocked the extension host for seconds).
   */
  private textFor(doc: vscode.TextDocument, st: DocState, r: LineRange): { readonly text: string; readonly firstLine: number } {
    if (st.windowed === undefined) {
      const head = this.headOf(doc);
      // Only a JSON Lines name or language is windowed: the worker reads a window by the same name, and a .json window
      // holding a single record would be read as JSON. One-row-per-response data groups rows by prompt across the
      // file: it must be parsed whole.
      const jsonlName = doc.languageId === 'jsonl' || formatOfName(doc.fileName) === 'jsonl';
      st.windowed = jsonlName && head.format === 'jsonl' && !isOneRowPerResponse(head.family) && doc.lineCount > WINDOW_ABOVE_LINES;
    }
    if (!st.windowed) return { text: (st.text ??= doc.getText()), firstLine: 1 };
    return windowJsonl(doc.lineCount, (i) => doc.lineAt(i).text, r.from, r.to);
  }

  /** 1-based line ranges the editors of `doc` show; the top screen when none is reported yet (see FIRST_SCREEN_LINES). */
  visibleRanges(doc: vscode.TextDocument): LineRange[] {
    const shown = vscode.window.visibleTextEditors
      .filter((e) => e.document === doc)
      .flatMap((e) => e.visibleRanges.map((r) => ({ from: r.start.line + 1, to: r.end.line + 1 })));
    // Before layout an editor may report one line (or none): take the top screen then.
    return shown.some((r) => r.to > r.from) ? shown : [{ from: 1, to: Math.min(doc.lineCount, FIRST_SCREEN_LINES) }];
  }

  private isVisible(doc: vscode.TextDocument): boolean {
    return vscode.window.visibleTextEditors.some((e) => e.document === doc);
  }

  private kickVisible(): void {
    for (const e of vscode.window.visibleTextEditors) this.kick(e.document);
  }

  private onEdit(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    if (!this.docs.has(key)) return;
    clearTimeout(this.debounce.get(key));
    this.debounce.set(
      key,
      setTimeout(() => {
        this.debounce.delete(key);
        this.kick(doc);
      }, this.svc.settings.scoring.debounceMs),
    );
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    this.svc.modelMargins.delete(key);
    const st = this.docs.get(key);
    if (st) st.generation++;
    this.docs.delete(key);
    this.heads.delete(key);
    this.changeEmitter.fire(uri);
  }

  private resetAll(): void {
    this.svc.modelMargins.clear();
    for (const [key, st] of this.docs) {
      st.generation++;
      this.docs.delete(key);
      this.changeEmitter.fire(vscode.Uri.parse(key));
    }
    this.heads.clear();
    this.kickVisible();
  }

  dispose(): void {
    for (const t of this.debounce.values()) clearTimeout(t);
    for (const s of this.subs) s.dispose();
    this.changeEmitter.dispose();
    this.stopEmitter.dispose();
  }
}
