// When to tell the workbench that CodeLenses changed. VS Code's CodeLens controller asks for a document's lenses a
// debounce (≥ 250 ms; 375 ms in extension-development mode) after its editor opens, its text changes, it gains focus
// or the provider fires onDidChangeCodeLenses, and every event restarts that timer. One event per scored chunk
// (every ~50 ms) therefore postponed the first request until scoring ended: 1–3 s on a 10,000-line file whose
// visible lines were scored in ~70 ms. A request reads the scores as they are when it comes, so an event is only
// needed when no request is due: after the workbench asked (or for a document it is not about to ask for), a change
// fires at once; while a request is due, the change waits for it. A request can be dropped (the editor lost focus
// before its timer ran out), so a change that waited longer than `fallbackMs` fires anyway.
// No vscode import: tested in plain Node.

export interface LensRefreshOptions {
  /** Sends onDidChangeCodeLenses (every editor showing lenses will ask). */
  readonly emit: () => void;
  /** Keys (uri strings) of the documents visible editors show: the ones an event makes the workbench ask for. */
  readonly visible: () => readonly string[];
  readonly fallbackMs: number;
  /** A request that came this recently is taken to be the one an editor's opening was due (see willAsk). */
  readonly recentMs: number;
  readonly now?: () => number;
}

export class LensRefresh {
  /** Per document: since when a request is due (an event was sent, its editor opened, its text changed). */
  private readonly due = new Map<string, number>();
  private readonly lastAsked = new Map<string, number>();
  private readonly waiting = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: LensRefreshOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The workbench will ask for `key` soon: its text changed, or an editor for it opened (unless it just asked). */
  willAsk(key: string, opened = false): void {
    if (opened && this.now() - (this.lastAsked.get(key) ?? -Infinity) < this.opts.recentMs) return;
    this.due.set(key, this.now());
  }

  /** The provider answered for `key` from the scores of now: nothing waits any more. */
  asked(key: string): void {
    this.due.delete(key);
    this.waiting.delete(key);
    this.lastAsked.set(key, this.now());
  }

  /** `key`'s lenses changed: an event now, unless the workbench is about to ask for it anyway. */
  changed(key: string): void {
    if (!this.opts.visible().includes(key)) return; // no editor shows it: opening one asks
    const since = this.due.get(key);
    if (since === undefined || this.now() - since >= this.opts.fallbackMs) {
      this.emitNow();
      return;
    }
    this.waiting.add(key);
    this.arm();
  }

  /** Every document's lenses may have changed (another model, other settings): an event now. */
  all(): void {
    this.emitNow();
  }

  /** A document is gone: forget it. */
  forget(key: string): void {
    this.due.delete(key);
    this.waiting.delete(key);
    this.lastAsked.delete(key);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private emitNow(): void {
    const t = this.now();
    for (const k of this.opts.visible()) this.due.set(k, t);
    this.waiting.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.opts.emit();
  }

  /** Fires for changes whose request did not come within fallbackMs. */
  private arm(): void {
    if (this.timer) return;
    const deadline = Math.min(...[...this.waiting].map((k) => (this.due.get(k) ?? 0) + this.opts.fallbackMs));
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        const t = this.now();
        const late = [...this.waiting].some((k) => t - (this.due.get(k) ?? -Infinity) >= this.opts.fallbackMs);
        if (late) this.emitNow();
        else if (this.waiting.size) this.arm();
      },
      Math.max(0, deadline - this.now()),
    );
  }
}
