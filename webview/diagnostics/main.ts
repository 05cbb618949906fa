// Entry of the Diagnostics panel webview: Endpoint over postMessage, the PanelReady handshake, then
// every PanelStateDidChange snapshot is rendered. UI choices go back to the host as SelectRuns / RevealRow /
// CancelRunFromPanel, and into setState so a reload restores them.
import { CancelRunFromPanel, PanelReady, PanelStateDidChange, RevealRow, SelectRuns, type PanelState } from '../../src/protocol/panel';
import { Endpoint, type Wire } from '../../src/protocol/rpc';
import { getHost } from './host';
import { restoredRunIds, restoreUi, updateUi, type UiState } from './state';
import { watchTheme } from './theme';
import { createView, type View, type ViewHandlers } from './view';

/** What tests can reach on window (read-only inspection; the app never reads it back). */
export interface DiagnosticsDebug {
  readonly view: View;
  state(): PanelState | undefined;
  ui(): UiState;
}

/** The panel's mutable state: the latest snapshot from the host and the UI choices. */
interface Session {
  ui: UiState;
  state: PanelState | undefined;
}
/** What the view's handlers do besides updating the session. */
interface Actions {
  readonly endpoint: Endpoint;
  setUi(change: Partial<UiState>): void;
  /** Tells the host which runs to show; it answers with a new snapshot. */
  selectRuns(): void;
  rerender(): void;
}

export function main(): void {
  const host = getHost();
  const app = document.getElementById('app') ?? document.body.appendChild(document.createElement('main'));
  const endpoint = new Endpoint((msg: Wire) => host.postMessage(msg));
  window.addEventListener('message', (e: MessageEvent) => endpoint.handle(e.data as Wire));

  const s: Session = { ui: restoreUi(host), state: undefined };
  const actions: Actions = {
    endpoint,
    setUi: (change) => {
      s.ui = updateUi(host, s.ui, change);
    },
    selectRuns: () => selectRuns(s, endpoint),
    rerender: () => {
      if (s.state) view.render(s.state, s.ui);
    },
  };
  const view = createView(app, viewHandlers(s, actions));
  const show = (next: PanelState) => showSnapshot(s, actions, view, next);
  endpoint.onNotification(PanelStateDidChange, show);
  watchTheme(() => view.retheme());
  (window as unknown as { __rewardLens: DiagnosticsDebug }).__rewardLens = { view, state: () => s.state, ui: () => s.ui };

  const ids = restoredRunIds(s.ui);
  endpoint.sendRequest(PanelReady, ids.length ? { restoredRunIds: ids } : {}).then(
    (first) => {
      show(first);
      // Compare was on when the panel was last seen, but the host answered with one run: ask for the pair.
      if (s.ui.compare && !first.secondary && first.runs.length > 1) selectRuns(s, endpoint);
    },
    (err: unknown) => {
      app.textContent = `Could not load diagnostics: ${err instanceof Error ? err.message : String(err)}`;
    },
  );
}

/** Tells the host which runs to show; it answers with a new snapshot. */
function selectRuns({ ui, state }: Session, endpoint: Endpoint): void {
  const primary = ui.primaryRunId ?? state?.primary?.runId;
  if (!primary) return;
  const secondary = ui.compare ? (ui.secondaryRunId ?? state?.runs.find((r) => r.runId !== primary)?.runId) : undefined;
  endpoint.sendNotification(SelectRuns, secondary ? { primary, secondary } : { primary });
}

/** The view's handlers: a choice that changes nothing is ignored; otherwise it is remembered, then acted on. */
function viewHandlers(s: Session, a: Actions): ViewHandlers {
  const { setUi, selectRuns: select, rerender, endpoint } = a;
  return {
    onPrimary: (runId) => {
      if (runId === s.state?.primary?.runId) return;
      setUi({ primaryRunId: runId });
      select();
    },
    onSecondary: (runId) => {
      if (runId === s.ui.secondaryRunId && runId === s.state?.secondary?.runId) return;
      setUi({ secondaryRunId: runId });
      select();
    },
    onCompare: (on) => {
      if (on === s.ui.compare) return;
      setUi({ compare: on });
      select();
      rerender();
    },
    onEvalSet: (name) => {
      if (name === s.ui.evalSet) return;
      setUi({ evalSet: name });
      rerender();
    },
    onBonSet: (name) => {
      if (name === s.ui.bonSet) return;
      setUi({ bonSet: name });
      rerender();
    },
    onBonGroup: (name) => {
      if (name === s.ui.bonGroup) return;
      setUi({ bonGroup: name });
      rerender();
    },
    onTab: (tab) => {
      if (tab !== s.ui.tab) setUi({ tab });
    },
    onReveal: (file, line) => endpoint.sendNotification(RevealRow, { file, line }),
    onCancel: (runId) => endpoint.sendNotification(CancelRunFromPanel, { runId }),
  };
}

/** Renders a snapshot from the host and remembers which runs it shows. */
function showSnapshot(s: Session, { setUi }: Actions, view: View, next: PanelState): void {
  // A newly shown run with evaluations but no training steps (an evaluation of a model) opens on its rewards:
  // the Training tab would be empty.
  const fresh = next.primary && next.primary.runId !== s.state?.primary?.runId;
  if (fresh && s.ui.tab === 'training' && next.primary!.metrics.length === 0 && next.primary!.evals.length > 0) setUi({ tab: 'rewards' });
  s.state = next;
  // Remember what the host shows, so a reload asks for the same runs.
  // A second run from the host (Compare Runs…, a finished experiment) means compare mode: show it, don't hide it.
  setUi({
    ...(next.primary ? { primaryRunId: next.primary.runId } : {}),
    ...(next.secondary ? { secondaryRunId: next.secondary.runId, compare: true } : {}),
  });
  view.render(next, s.ui);
}

main();
