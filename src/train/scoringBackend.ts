// The backend inline scoring, evaluations and imports run on: the one the request names (rewardLens.scoring.backend,
// default 'auto'), made active before every use. A training run makes its own config's backend active and never
// changes what scoring asks for; the engine lease (engineLease.ts) keeps the two from running at the same time.
import type { BackendName } from '../core/config';
import type { ScoringBackendInfo } from '../protocol/backendState';
import { initBackend, type BackendChoice } from './backends';

export class ScoringBackend {
  private last: ScoringBackendInfo | undefined;

  /** `onChange` hears the first choice and every change of it (the host's status bar shows it). */
  constructor(private readonly onChange: (info: ScoringBackendInfo) => void) {}

  /** Makes the requested backend active; call it while holding the engine lease, before any scoring op. */
  async use(requested: BackendName = 'auto'): Promise<BackendChoice> {
    const choice = await initBackend(requested);
    if (this.last?.requested !== requested || this.last.backend !== choice.name) {
      this.last = { requested, backend: choice.name, why: choice.why };
      this.onChange(this.last);
    }
    return choice;
  }
}
