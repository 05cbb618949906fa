// UI state only (GitLens rule): which tab, which eval set, compare on/off and which runs were picked.
// Data never goes into setState; the host re-sends the full PanelState after a reload.
import type { WebviewHost } from './host';

export type TabId = 'training' | 'rewards' | 'hidden' | 'robustness' | 'bon';
export const TABS: readonly { readonly id: TabId; readonly title: string }[] = [
  { id: 'training', title: 'Training' },
  { id: 'rewards', title: 'Rewards' },
  { id: 'hidden', title: 'Hidden states' },
  { id: 'robustness', title: 'Robustness' },
  { id: 'bon', title: 'Best-of-N' },
];

export interface UiState {
  readonly tab: TabId;
  /** Eval set name chosen for per-set charts; undefined = the first set of the latest evaluation. */
  readonly evalSet?: string;
  readonly compare: boolean;
  /** Best-of-N card: the set (pool or file) and the prompt group shown; undefined = the first of each. */
  readonly bonSet?: string;
  readonly bonGroup?: string;
  readonly primaryRunId?: string;
  readonly secondaryRunId?: string;
}

export const INITIAL_UI: UiState = { tab: 'training', compare: false };

const isTab = (v: unknown): v is TabId => TABS.some((t) => t.id === v);
const optString = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Reads persisted UI state, tolerating anything (older versions, corrupt state): unknown fields fall back to defaults. */
export function restoreUi(host: WebviewHost): UiState {
  const raw = host.getState();
  if (!raw || typeof raw !== 'object') return INITIAL_UI;
  const r = raw as Record<string, unknown>;
  const ui: UiState = {
    tab: isTab(r['tab']) ? r['tab'] : INITIAL_UI.tab,
    compare: r['compare'] === true,
  };
  const evalSet = optString(r['evalSet']);
  const bonSet = optString(r['bonSet']);
  const bonGroup = optString(r['bonGroup']);
  const primaryRunId = optString(r['primaryRunId']);
  const secondaryRunId = optString(r['secondaryRunId']);
  return {
    ...ui,
    ...(evalSet !== undefined ? { evalSet } : {}),
    ...(bonSet !== undefined ? { bonSet } : {}),
    ...(bonGroup !== undefined ? { bonGroup } : {}),
    ...(primaryRunId !== undefined ? { primaryRunId } : {}),
    ...(secondaryRunId !== undefined ? { secondaryRunId } : {}),
  };
}

/** Applies a change and persists the result. */
export function updateUi(host: WebviewHost, ui: UiState, change: Partial<UiState>): UiState {
  const next = { ...ui, ...change };
  host.setState(next);
  return next;
}

/** The run ids to ask the host to restore on load (PanelReady.restoredRunIds). */
export function restoredRunIds(ui: UiState): string[] {
  const ids: string[] = [];
  if (ui.primaryRunId) ids.push(ui.primaryRunId);
  if (ui.compare && ui.secondaryRunId) ids.push(ui.secondaryRunId);
  return ids;
}
