// Host ↔ diagnostics webview messages. Pushes are complete snapshots, never deltas; the webview persists UI state only.
import { notification, request } from './rpc';
import type { TrainConfig } from '../core/config';
import type { EvalReport, StepMetrics } from '../core/report';
import type { BonReport } from '../core/bon/types';

/** Everything the panel shows about one run. */
export interface RunSnapshot {
  readonly runId: string;
  readonly label: string;
  readonly status: 'running' | 'completed' | 'cancelled' | 'failed';
  readonly config: TrainConfig;
  readonly backend: string;
  readonly step: number;
  readonly totalSteps: number;
  /** Logged steps (bounded: at most ~2000 points, evenly thinned). */
  readonly metrics: readonly StepMetrics[];
  /** Every evaluation so far, in step order (Figure 2 uses ‖h_w−h_l‖ per checkpoint). */
  readonly evals: readonly EvalReport[];
  readonly trainFiles: readonly string[];
  readonly error?: string;
  /** Best-of-N of the run's model (bon.json in its directory: `reward-lens bon --out`, or a scenario experiment). */
  readonly bon?: BonReport;
}

/** An external scorer (Load External Scores…) against the active model, per scored document. */
export interface ExternalScorerState {
  readonly name: string;
  readonly file: string;
  /** Pairs the file scores. */
  readonly pairs: number;
  /** The active model's label. */
  readonly model?: string;
  readonly documents: readonly { readonly document: string; readonly matched: number; readonly agreement: number; readonly tau: number }[];
}

export interface PanelState {
  /** Runs available to pick from (id + label), newest first. */
  readonly runs: readonly { readonly runId: string; readonly label: string; readonly status: RunSnapshot['status'] }[];
  /** The run shown, and in Compare mode the second one. */
  readonly primary?: RunSnapshot;
  readonly secondary?: RunSnapshot;
  /** The loaded external scorer, when there is one. */
  readonly external?: ExternalScorerState;
}

/** Webview → host, once per load. The host answers with the full current state. */
export const PanelReady = request<{ readonly restoredRunIds?: readonly string[] }, PanelState>('panel/ready');
/** Host → webview. The complete new state (sent on progress, at most every ~500 ms). */
export const PanelStateDidChange = notification<PanelState>('panel/stateDidChange');
/** Webview → host. Show this run (and optionally compare with another). */
export const SelectRuns = notification<{ readonly primary: string; readonly secondary?: string }>('panel/selectRuns');
/** Webview → host. Reveal a dataset row in the editor (a clicked point or bar). */
export const RevealRow = notification<{ readonly file: string; readonly line: number }>('panel/revealRow');
/** Webview → host. Cancel the running training. */
export const CancelRunFromPanel = notification<{ readonly runId: string }>('panel/cancelRun');
