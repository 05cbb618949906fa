// The Diagnostics panel host: one WebviewPanel (restored after reload by a serializer), a ready handshake
// (PanelReady answered with the full PanelState), then complete PanelState snapshots on every change,
// throttled. Runs are read from their directories (src/node/runs.ts); a live run overlays its progress.
import * as vscode from 'vscode';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { escapeHtml } from '../core/escapeHtml';
import { renderPanelHtml } from '../core/panelHtml';
import { Endpoint, type Wire } from '../protocol/rpc';
import { CancelRunFromPanel, PanelReady, PanelStateDidChange, RevealRow, SelectRuns, type PanelState } from '../protocol/panel';
import { listAllRuns, readRunSnapshot, type RunInfo } from '../node/runs';
import { errorMessage } from './log';
import { checkReveal, revealTargets } from './revealGuard';
import { externalComparisons } from './externalScores';
import type { Services } from './services';

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
  /** The last state sent to the webview: what RevealRow requests are checked against. */
  private sent?: PanelState;
  /** Training runs already switched to once (a later choice of the user's is not overridden). */
  private readonly followed = new Set<string>();

  constructor(readonly panel: vscode.WebviewPanel, private readonly svc: Services, public primary?: string, public secondary?: string, private readonly onDispose?: () => void) {
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [svc.asset('dist', 'webview'), svc.asset('media')] };
    panel.iconPath = svc.asset('media', 'icon.png');
    webview.html = this.html(webview);
    this.endpoint = new Endpoint((msg) => void webview.postMessage(msg));
    this.endpoint.onRequest(PanelReady, (p) => {
      this.ready = true;
      const [a, b] = p.restoredRunIds ?? [];
      if (!this.primary && a) this.primary = a;
      if (!this.secondary && b) this.secondary = b;
      return (this.sent = this.state());
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
      svc.training.onProgress(() => this.push()),
      svc.training.onRunsChanged(() => this.followNewRun()),
      svc.training.onExperimentProgress(() => this.push()),
      svc.onExternalChanged(() => this.push(true)),
      panel.onDidChangeViewState(() => panel.visible && this.push(true)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private html(webview: vscode.Webview): string {
    const script = this.svc.asset('dist', 'webview', 'diagnostics.js');
    if (!fs.existsSync(script.fsPath)) this.svc.log.warn(`diagnostics webview bundle missing: ${script.fsPath} (run the build)`);
    const css = [this.svc.asset('dist', 'webview', 'diagnostics.css'), this.svc.asset('media', 'diagnostics.css')].find((u) => fs.existsSync(u.fsPath));
    // FIXME(webview helper, src/core/panelHtml.ts): renderPanelHtml accepts one CSP source expression, but
    // code-server's webview.cspSource is "'self' https://*.vscode-cdn.net" (two). Until it takes a list, render
    // with a placeholder and substitute the validated, escaped list.
    const sources = webview.cspSource.split(/\s+/).filter(Boolean);
    if (!sources.length || !sources.every((s) => /^[^\s;,"]+$/.test(s))) throw new Error(`unexpected webview.cspSource ${JSON.stringify(webview.cspSource)}`);
    const placeholder = 'https://reward-lens-csp-source.invalid';
    return renderPanelHtml({
      cspSource: placeholder,
      nonce: crypto.randomBytes(18).toString('base64url'),
      scriptUri: webview.asWebviewUri(script).toString(),
      ...(css ? { styleUri: webview.asWebviewUri(css).toString() } : {}),
      title: 'Reward Lens Diagnostics',
    }).replaceAll(placeholder, escapeHtml(sources.join(' ')));
  }

  /** Complete snapshot: the run list plus the selected run(s), newest run by default. */
  state(): PanelState {
    const ext = this.svc.external;
    const external = ext ? { external: { name: ext.name, file: ext.file, pairs: ext.byId.size, ...(this.svc.activeModel ? { model: this.svc.activeModel.label } : {}), documents: externalComparisons(this.svc) } } : {};
    if (!this.svc.runsRoot) return { runs: [], ...external };
    const runs = workspaceRuns(this.svc);
    // The run an experiment is training has no summary yet; overlay its progress so it reads as running.
    const expLive = new Map(this.svc.training.runningExperiments.filter((x) => x.runId).map((x) => [`${x.experimentId}/${x.runId}`, { step: x.step, totalSteps: x.totalSteps, backend: x.backend ?? '', metrics: [] }]));
    const live = (id: string) => this.svc.training.liveRun(id) ?? expLive.get(id);
    const snap = (id: string | undefined) => {
      const info = id ? runs.find((r) => r.runId === id) : undefined;
      const l = id ? live(id) : undefined;
      return info ? readRunSnapshot(info.runDir, l) : undefined;
    };
    if (!this.primary || !runs.some((r) => r.runId === this.primary)) this.primary = runs[0]?.runId;
    const primary = snap(this.primary);
    const secondary = this.secondary && this.secondary !== this.primary ? snap(this.secondary) : undefined;
    return {
      runs: runs.map((r) => ({ runId: r.runId, label: r.label, status: live(r.runId) ? 'running' : r.status })),
      ...(primary ? { primary } : {}),
      ...(secondary ? { secondary } : {}),
      ...external,
    };
  }

  /** A training run started in this window becomes the one shown: the user just asked for it. */
  private followNewRun(): void {
    for (const r of this.svc.training.running) {
      if (this.followed.has(r.runId)) continue;
      this.followed.add(r.runId);
      this.primary = r.runId;
    }
    this.push(true);
  }

  /** Sends a snapshot now (force) or at most every PUSH_MS. Nothing is sent before the handshake. */
  push(force = false): void {
    if (!this.ready) return;
    const wait = force ? 0 : Math.max(0, this.lastPush + PUSH_MS - Date.now());
    if (this.pushTimer && !force) return;
    clearTimeout(this.pushTimer);
    this.pushTimer = setTimeout(() => {
      this.pushTimer = undefined;
      this.lastPush = Date.now();
      try {
        this.sent = this.state();
        this.endpoint.sendNotification(PanelStateDidChange, this.sent);
        this.pushes++;
      } catch (e) {
        this.svc.log.error(`panel update failed: ${errorMessage(e)}`);
      }
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

/** The panel's run list: plain runs and the runs of scenario experiments (.reward-lens/experiments/<id>/runs). */
export const workspaceRuns = (svc: Services): RunInfo[] => listAllRuns(svc.runsRoot, svc.experimentsRoot);

async function revealRow(file: string, line: number): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const abs = path.isAbsolute(file) || !folder ? file : path.join(folder, file);
  if (!fs.statSync(abs).isFile()) throw new Error(`${abs} is not a file`);
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
    return workspaceRuns(this.svc).map((r) => ({ runId: r.runId, label: r.label, status: r.status }));
  }

  /** The runs the open panel shows (primary, secondary), if a panel is open. */
  get shown(): { readonly primary?: string; readonly secondary?: string } {
    return this.current ? { ...(this.current.primary ? { primary: this.current.primary } : {}), ...(this.current.secondary ? { secondary: this.current.secondary } : {}) } : {};
  }

  /** Shows the panel on a run (newest by default), optionally comparing with a second one. */
  show(primary?: string, secondary?: string): void {
    if (this.current) {
      if (primary) this.current.primary = primary;
      this.current.secondary = secondary;
      this.current.panel.reveal(undefined, false);
      this.current.push(true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Reward Lens Diagnostics', vscode.ViewColumn.Beside, { enableScripts: true, retainContextWhenHidden: false });
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
