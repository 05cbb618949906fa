// The Diagnostics panel's state as a pure function of the RunStore and the panel's selection: the host posts what
// this returns, complete, on every change (snapshots, never deltas).
import type { ExternalScorerState, PanelState, RunSnapshot } from '../../protocol/panel';
import type { RunStore } from './runStore';
import { MAX_CHART_POINTS, thin } from './thin';
import type { RunView } from './runView';

export interface PanelSelection {
  readonly primary?: string;
  /** In Compare mode, the second run. */
  readonly secondary?: string;
}

/** The chosen primary while it exists, else the newest run; the secondary is kept as chosen (shown when it exists). */
export function resolveSelection(store: RunStore, sel: PanelSelection): PanelSelection {
  const primary = sel.primary && store.run(sel.primary) ? sel.primary : store.runs()[0]?.runId;
  return { ...(primary ? { primary } : {}), ...(sel.secondary ? { secondary: sel.secondary } : {}) };
}

/** Everything the panel shows about one run; the curves thinned to what a chart can draw. */
export function runSnapshot(run: RunView): RunSnapshot {
  return {
    runId: run.runId,
    label: run.label,
    status: run.status,
    config: run.config,
    backend: run.backend,
    step: run.step,
    totalSteps: run.totalSteps,
    metrics: thin(run.metrics, MAX_CHART_POINTS),
    evals: run.evals,
    trainFiles: run.trainFiles,
    ...(run.status !== 'running' && run.error ? { error: run.error } : {}),
    ...(run.bon ? { bon: run.bon } : {}),
  };
}

/** The run list, the selected run(s) (resolved as resolveSelection does) and the external scorer. */
export function panelState(store: RunStore, chosen: PanelSelection, external?: ExternalScorerState): PanelState {
  const runs = store.runs();
  const selection = resolveSelection(store, chosen);
  const primary = selection.primary ? store.run(selection.primary) : undefined;
  const secondary = selection.secondary && selection.secondary !== selection.primary ? store.run(selection.secondary) : undefined;
  return {
    runs: runs.map((r) => ({ runId: r.runId, label: r.label, status: r.status })),
    ...(primary ? { primary: runSnapshot(primary) } : {}),
    ...(secondary ? { secondary: runSnapshot(secondary) } : {}),
    ...(external ? { external } : {}),
  };
}
