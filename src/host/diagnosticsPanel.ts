// The Diagnostics panel host: one WebviewPanel (restored after reload by a serializer), a ready handshake
// (PanelReady answered with the full PanelState), then complete PanelState snapshots on every change of the
// RunStore, throttled. The state is panelState(store, selection) (src/core/runs/panelState.ts); this file only
// keeps the selection, asks for the selected runs' curves, and posts.
import * as vscode from 'vscode';
import crypto from 'node:crypto';
import { pathExists, pathKind } from '../node/pathKind';
import path from 'node:path';
import { escapeHtml } from '../core/escapeHtml';
import { renderPanelHtml } from '../core/panelHtml';
import { Endpoint, type Wire } from '../protocol/rpc';
import { CancelRunFromPanel, PanelReady, PanelStateDidChange, RevealRow, SelectRuns, type PanelState } from '../protocol/panel';
import { panelState, resolveSelection, type PanelSelection } from '../core/runs/panelState';
import type { RunStoreChange } from '../core/runs/runStore';
import { errorMessage } from './log';
import { checkReveal, revealTargets } from './revealGuard';
import { externalComparisons } from './externalScores';
import type { Services } from './services';
import { timed } from './taskMeter';

export const PANEL_VIEW_TYPE = 'rewardLens.diagnostics';
const PUSH_MS = 500;

class DiagnosticsPanel implements vscode.Disposable {
  private readonly endpoint: Endpoint;
  private readonly subs: vscode.Disposable[] = [];
  ready = false;
  /** Snapshots sent so far (the extension-host tests read it). */
  pushes = 0;
  private pushTimer?: NodeJS.Timeout;
  private lastPush = 0;
  /** The next push scans the run directories first (the panel was opened or shown again). */
  private rescan = false;
  /** The last state sent to the webview: what RevealRow requests are checked against. */
  private sent?: PanelState;
  /** Training runs already switched to once (a later choice of the user's is not overridden). */
  private readonly followed = new Set<string>();

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly svc: Services,
    public primary?: string,
    public secondary?: string,
    private readonly onDispose?: () => void,
  ) {
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [svc.asset('dist', 'webview'), svc.asset('media')] };
    panel.iconPath = svc.asset('media', 'icon.png');
    webview.html = this.html(webview);
    this.endpoint = new Endpoint((msg) => void webview.postMessage(msg));
    this.endpoint.onRequest(PanelReady, async (p) => {
      const [a, b] = p.restoredRunIds ?? [];
      if (!this.primary && a) this.primary = a;
      if (!this.secondary && b) this.secondary = b;
      const state = await this.state(true);
      this.ready = true;
      return state;
    });
    this.endpoint.onNotification(SelectRuns, (p) => {
      this.primary = p.primary;
      this.secondary = p.secondary;
      this.push(true);
    });
    this.endpoint.onNotification(RevealRow, (p) => {
      // Only files the host itself put in the panel's state; anything else the webview asks for is refused and logged.
      const ok = checkReveal(p, revealTargets(this.sent));
      if ('refused' in ok) return svc.log.warn(`reveal request refused: ${ok.refused}`);
      void revealRow(ok.file, ok.line).catch((e) => svc.log.error(`reveal ${ok.file}:${ok.line} failed: ${errorMessage(e)}`));
    });
    this.endpoint.onNotification(CancelRunFromPanel, (p) => svc.training.cancel(p.runId));
    this.subs.push(
      webview.onDidReceiveMessage((m: Wire) => this.endpoint.handle(m)),
      { dispose: svc.runs.store.subscribe((c) => this.onStoreChange(c)) },
      svc.onExternalChanged(() => this.push(true)),
      panel.onDidChangeViewState(() => panel.visible && this.push(true, true)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private html(webview: vscode.Webview): string {
    const script = this.svc.asset('dist', 'webview', 'diagnostics.js');
    // Checked off the editor thread: a missing bundle (an unbuilt checkout) leaves an empty panel, so say why.
    void pathExists(script.fsPath).then(
      (ok) => ok || this.svc.log.warn(`diagnostics webview bundle missing: ${script.fsPath} (run the build)`),
    );
    const css = this.svc.asset('media', 'diagnostics.css'); // shipped in media/: the build emits no stylesheet
    // FIXME(webview helper, src/core/panelHtml.ts): renderPanelHtml accepts one CSP source expression, but
    // code-server's webview.cspSource is "'self' https://*.vscode-cdn.net" (two). Until it takes a list, render
    // with a placeholder and substitute the validated, escaped list.
    const sources = webview.cspSource.split(/\s+/).filter(Boolean);
    if (!sources.length || !sources.every((s) => /^[^\s;,"]+$/.test(s)))
      throw new Error(`unexpected webview.cspSource ${JSON.stringify(webview.cspSource)}`);
    const placeholder = 'https://reward-lens-csp-source.invalid';
    return renderPanelHtml({
      cspSource: placeholder,
      nonce: crypto.randomBytes(18).toString('base64url'),
      scriptUri: webview.asWebviewUri(script).toString(),
      styleUri: webview.asWebviewUri(css).toString(),
      title: 'Reward Lens Diagnostics',
    }).replaceAll(placeholder, escapeHtml(sources.join(' ')));
  }

  /**
   * The complete snapshot for the current selection. The selected runs' curves are read (once, asynchronously) when
   * the selection moved to runs not read yet; a push during training reads nothing.
   */
  private async state(rescan: boolean): Promise<PanelState> {
    const runs = this.svc.runs;
    if (rescan) await runs.refresh();
    const selected = this.select();
    if (runs.want(selected) || selected.some((id) => runs.store.run(id)?.detailed === false)) await runs.refresh();
    this.select();
    return (this.sent = panelState(runs.store, this.selection(), this.external()));
  }

  private selection(): PanelSelection {
    return { ...(this.primary ? { primary: this.primary } : {}), ...(this.secondary ? { secondary: this.secondary } : {}) };
  }

  /** Resolves the selection against the store (the newest run when none is chosen); returns the ids shown. */
  private select(): string[] {
    const sel = resolveSelection(this.svc.runs.store, this.selection());
    this.primary = sel.primary;
    return [sel.primary, sel.secondary].filter((id): id is string => !!id);
  }

  private external(): PanelState['external'] {
    const ext = this.svc.external;
    if (!ext) return undefined;
    return {
      name: ext.name,
      file: ext.file,
      pairs: ext.byId.size,
      ...(this.svc.activeModel ? { model: this.svc.activeModel.label } : {}),
      documents: externalComparisons(this.svc),
    };
  }

  /** A training run started in this window becomes the one shown: the user just asked for it. Progress is throttled. */
  private onStoreChange(c: RunStoreChange): void {
    if (c.kind === 'progress' || c.kind === 'experiment') {
      this.push();
      return;
    }
    if (c.kind === 'started' && c.runId && !c.experimentId && !this.followed.has(c.runId)) {
      this.followed.add(c.runId);
      this.primary = c.runId;
    }
    this.push(true);
  }

  /** Sends a snapshot now (force) or at most every PUSH_MS, scanning the run directories first with `rescan`. Nothing is sent before the handshake. */
  push(force = false, rescan = false): void {
    if (rescan) this.rescan = true;
    if (!this.ready) return;
    const wait = force ? 0 : Math.max(0, this.lastPush + PUSH_MS - Date.now());
    if (this.pushTimer && !force) return;
    clearTimeout(this.pushTimer);
    this.pushTimer = setTimeout(() => {
      this.pushTimer = undefined;
      this.lastPush = Date.now();
      const rescanNow = this.rescan;
      this.rescan = false;
      this.state(rescanNow).then(
        (state) => {
          timed('panel push', () => this.endpoint.sendNotification(PanelStateDidChange, state));
          this.pushes++;
        },
        (e) => this.svc.log.error(`panel update failed: ${errorMessage(e)}`),
      );
    }, wait);
  }

  dispose(): void {
    clearTimeout(this.pushTimer);
    this.endpoint.dispose('diagnostics panel closed');
    for (const s of this.subs) s.dispose();
    this.subs.length = 0;
    this.onDispose?.();
  }
}

async function revealRow(file: string, line: number): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const abs = path.isAbsolute(file) || !folder ? file : path.join(folder, file);
  if ((await pathKind(abs)) !== 'file') throw new Error(`${abs} is not a file`);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(abs));
  const pos = new vscode.Position(Math.max(0, Math.min(doc.lineCount - 1, line - 1)), 0);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), viewColumn: vscode.ViewColumn.One, preview: false });
}

/** Opens, reveals and restores the one Diagnostics panel. */
export class DiagnosticsPanels implements vscode.Disposable {
  private current?: DiagnosticsPanel;
  private readonly serializer: vscode.Disposable;

  constructor(private readonly svc: Services) {
    this.serializer = vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const s = state && typeof state === 'object' ? (state as { primary?: unknown; secondary?: unknown }) : {};
        this.adopt(panel, typeof s.primary === 'string' ? s.primary : undefined, typeof s.secondary === 'string' ? s.secondary : undefined);
      },
    });
  }

  /** The open panel's handshake state (for the extension-host tests). */
  get status(): { readonly open: boolean; readonly ready: boolean; readonly pushes: number } {
    return { open: !!this.current, ready: !!this.current?.ready, pushes: this.current?.pushes ?? 0 };
  }

  /** The runs the panel lists, as it lists them (the extension-host tests read it). */
  runList(): { readonly runId: string; readonly label: string; readonly status: string }[] {
    return this.svc.runs.store.runs().map((r) => ({ runId: r.runId, label: r.label, status: r.status }));
  }

  /** The runs the open panel shows (primary, secondary), if a panel is open. */
  get shown(): { readonly primary?: string; readonly secondary?: string } {
    return this.current
      ? {
          ...(this.current.primary ? { primary: this.current.primary } : {}),
          ...(this.current.secondary ? { secondary: this.current.secondary } : {}),
        }
      : {};
  }

  /** Shows the panel on a run (newest by default), optionally comparing with a second one. */
  show(primary?: string, secondary?: string): void {
    if (this.current) {
      if (primary) this.current.primary = primary;
      this.current.secondary = secondary;
      this.current.panel.reveal(undefined, false);
      this.current.push(true, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Reward Lens Diagnostics', vscode.ViewColumn.Beside, {
      enableScripts: true,
      retainContextWhenHidden: false,
    });
    this.adopt(panel, primary, secondary);
  }

  private adopt(panel: vscode.WebviewPanel, primary?: string, secondary?: string): void {
    this.current?.panel.dispose();
    const p = new DiagnosticsPanel(panel, this.svc, primary, secondary, () => {
      if (this.current === p) this.current = undefined;
    });
    this.current = p;
  }

  dispose(): void {
    this.current?.panel.dispose();
    this.serializer.dispose();
  }
}
