// Entry of the Diagnostics panel webview: Endpoint over postMessage, the PanelReady handshake, then
// every PanelStateDidChange snapshot is rendered. UI choices go back to the host as SelectRuns / RevealRow /
// CancelRunFromPanel, and into setState so a reload restores them.
import { CancelRunFromPanel, PanelReady, PanelStateDidChange, RevealRow, SelectRuns, type PanelState } from '../../src/protocol/panel';
import { Endpoint, type Wire } from '../../src/protocol/rpc';
import { getHost } from './host';
import { restoredRunIds, restoreUi, updateUi, type UiState } from './state';
import { watchTheme } from './theme';
import { createView, type View } from './view';

/** What tests can reach on window (read-only inspection; the app never reads it back). */
export interface DiagnosticsDebug {
  readonly view: View;
  state(): PanelState | undefined;
  ui(): UiState;
}

export function main(): void {
  const host = getHost();
  const app = document.getElementById('app') ?? document.body.appendChild(document.createElement('main'));
  const endpoint = new Endpoint((msg: Wire) => host.postMessage(msg));
  window.addEventListener('message', (e: MessageEvent) => endpoint.handle(e.data as Wire));

  let ui = restoreUi(host);
  let state: PanelState | undefined;
  const setUi = (change: Partial<UiState>) => {
    ui = updateUi(host, ui, change);
  };
  const rerender = () => state && view.render(state, ui);

  /** Tells the host which runs to show; it answers with a new snapshot. */
  const selectRuns = () => {
    const primary = ui.primaryRunId ?? state?.primary?.runId;
    if (!primary) return;
    const secondary = ui.compare ? (ui.secondaryRunId ?? state?.runs.find((r) => r.runId !== primary)?.runId) : undefined;
    endpoint.sendNotification(SelectRuns, secondary ? { primary, secondary } : { primary });
  };

  const view = createView(app, {
    onPrimary: (runId) => {
      if (runId === state?.primary?.runId) return;
      setUi({ primaryRunId: runId });
      selectRuns();
    },
    onSecondary: (runId) => {
      if (runId === ui.secondaryRunId && runId === state?.secondary?.runId) return;
      setUi({ secondaryRunId: runId });
      selectRuns();
    },
    onCompare: (on) => {
      if (on === ui.compare) return;
      setUi({ compare: on });
      selectRuns();
      rerender();
    },
    onEvalSet: (name) => {
      if (name === ui.evalSet) return;
      setUi({ evalSet: name });
      rerender();
    },
    onBonSet: (name) => {
      if (name === ui.bonSet) return;
      setUi({ bonSet: name });
      rerender();
    },
    onBonGroup: (name) => {
      if (name === ui.bonGroup) return;
      setUi({ bonGroup: name });
      rerender();
    },
    onTab: (tab) => {
      if (tab !== ui.tab) setUi({ tab });
    },
    onReveal: (file, line) => endpoint.sendNotification(RevealRow, { file, line }),
    onCancel: (runId) => endpoint.sendNotification(CancelRunFromPanel, { runId }),
  });

  const show = (next: PanelState) => {
    // A newly shown run with evaluations but no training steps (an evaluation of a model) opens on its rewards:
    // the Training tab would be empty.
    const fresh = next.primary && next.primary.runId !== state?.primary?.runId;
    if (fresh && ui.tab === 'training' && next.primary!.metrics.length === 0 && next.primary!.evals.length > 0) setUi({ tab: 'rewards' });
    state = next;
    // Remember what the host shows, so a reload asks for the same runs.
    // A second run from the host (Compare Runs…, a finished experiment) means compare mode: show it, don't hide it.
    setUi({ ...(next.primary ? { primaryRunId: next.primary.runId } : {}), ...(next.secondary ? { secondaryRunId: next.secondary.runId, compare: true } : {}) });
    view.render(next, ui);
  };
  endpoint.onNotification(PanelStateDidChange, show);
  watchTheme(() => view.retheme());
  (window as unknown as { __rewardLens: DiagnosticsDebug }).__rewardLens = { view, state: () => state, ui: () => ui };

  const ids = restoredRunIds(ui);
  endpoint.sendRequest(PanelReady, ids.length ? { restoredRunIds: ids } : {}).then((first) => {
    show(first);
    // Compare was on when the panel was last seen, but the host answered with one run: ask for the pair.
    if (ui.compare && !first.secondary && first.runs.length > 1) selectRuns();
  }, (err: unknown) => {
    app.textContent = `Could not load diagnostics: ${err instanceof Error ? err.message : String(err)}`;
  });
}

main();
