// Which compute backend the worker scores on. Declared apart from trainer.ts because it is worker state, not a
// request: scoring and training each use the backend they were asked for (src/train/engineLease.ts), and the host
// shows the scoring one in the status bar.
import { notification } from './rpc';
import type { BackendName } from '../core/config';

export interface ScoringBackendInfo {
  /** What the request asked for (rewardLens.scoring.backend). */
  readonly requested: BackendName;
  /** What that resolved to in this worker ('auto' → the probes' pick). */
  readonly backend: Exclude<BackendName, 'auto'>;
  /** Why: the probe's reason, or for 'auto' the ranking of the backends passed over. */
  readonly why: string;
}

/** Worker → host, when scoring first picks its backend and whenever that choice changes. The status bar shows it. */
export const ScoringBackendChanged = notification<ScoringBackendInfo>('scoring/backendChanged');
