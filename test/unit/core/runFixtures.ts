// Run directories as the catalog would have read them, for the RunStore and panelState tests.
import { DEFAULTS } from '../../../src/core/config';
import type { StepMetrics } from '../../../src/core/report';
import type { StoredRun } from '../../../src/core/runs/runInfo';

/** A run directory as the catalog would have read it. */
export function stored(runId: string, over: Partial<StoredRun['info']> = {}, metrics: StepMetrics[] = []): StoredRun {
  return {
    stamp: 's1',
    info: {
      runId,
      runDir: `/ws/${runId}`,
      label: `label ${runId}`,
      status: 'completed',
      config: DEFAULTS,
      trainFiles: ['/d/a.jsonl'],
      evalFiles: [],
      backend: 'cpu',
      step: 4,
      totalSteps: 4,
      resumable: false,
      ...over,
    },
    details: { metrics, evals: [] },
  };
}
