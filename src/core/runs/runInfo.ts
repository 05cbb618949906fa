// What the host knows about a run directory, as plain data: the node readers (src/node/runs.ts, runCatalog.ts)
// produce it, the RunStore keeps it, panelState turns it into what the panel shows.
import type { TrainConfig } from '../config';
import type { EvalReport, StepMetrics } from '../report';
import type { BonReport } from '../bon/types';
import type { BackboneParams, RunSummary } from '../../protocol/trainer';

export type RunStatus = 'running' | 'completed' | 'cancelled' | 'failed';

export interface RunInfo {
  readonly runId: string;
  readonly runDir: string;
  /** The scenario experiment the run belongs to (its id is then "<experimentId>/<name>"). */
  readonly experimentId?: string;
  readonly label: string;
  readonly status: RunStatus;
  readonly config: TrainConfig;
  readonly trainFiles: readonly string[];
  readonly evalFiles: readonly string[];
  /** The pretrained model a run started from (train --from), as its request recorded it. */
  readonly backbone?: BackboneParams;
  readonly backend: string;
  readonly step: number;
  readonly totalSteps: number;
  /** The model to score with: summary.modelDir, else <run>/model when it exists. */
  readonly modelDir?: string;
  /** A checkpoint exists and the run did not complete. */
  readonly resumable: boolean;
  readonly summary?: RunSummary;
  readonly error?: string;
}

/** A run's curves: read from its directory only for the runs the panel shows. */
export interface RunDetails {
  readonly metrics: readonly StepMetrics[];
  /** In step order. */
  readonly evals: readonly EvalReport[];
  readonly bon?: BonReport;
}

/** One run directory as it was last read. `stamp` changes whenever a file the readers use changes. */
export interface StoredRun {
  readonly info: RunInfo;
  readonly stamp: string;
  readonly details?: RunDetails;
}

/**
 * The workspace-wide id of an experiment's run. The bare names ("bsr-s1") repeat in every experiment; the panel and
 * the model picker need ids unique across the workspace.
 */
export const experimentRunId = (experimentId: string, name: string): string => `${experimentId}/${name}`;
