// The layout of a run directory. One place that knows the file names; everything else asks here.
//
//   <runDir>/
//     config.json          TrainConfig + ModelConfig + data files + backend + the run's fingerprint (written at start, sealed)
//     metrics.jsonl        one StepMetrics per log step (each line with its checksum)
//     evals.jsonl          one EvalReport per evaluation
//     summary.json         RunSummary (written at the end, and on cancel/failure)
//     log.txt              what the run printed, failures included
//     run.lock             held while a process trains in this directory (pid, host)
//     disk-reserve.tmp     256 KiB held while training, freed on failure (room for summary.json on a full disk)
//     checkpoints/latest   model + optimizer + loop state; what resume restarts from
//     checkpoints/previous the checkpoint before it: resume falls back to it when latest is damaged
//     model/               the final model (safetensors + config + vocab), used for scoring
//     previous-runs/<t>/   an earlier run a fresh run replaced (moved aside, never deleted)
import path from 'node:path';

export const runPaths = (runDir: string) => ({
  config: path.join(runDir, 'config.json'),
  metrics: path.join(runDir, 'metrics.jsonl'),
  evals: path.join(runDir, 'evals.jsonl'),
  summary: path.join(runDir, 'summary.json'),
  checkpoints: path.join(runDir, 'checkpoints'),
  /** The newest checkpoint slot (checkpoints/latest); see src/train/checkpoint.ts for the fallback to previous. */
  checkpoint: path.join(runDir, 'checkpoints', 'latest'),
  model: path.join(runDir, 'model'),
  log: path.join(runDir, 'log.txt'),
  lock: path.join(runDir, 'run.lock'),
  /** Space held while a run trains and freed when it fails, so a full disk still takes summary.json. */
  reserve: path.join(runDir, 'disk-reserve.tmp'),
  previousRuns: path.join(runDir, 'previous-runs'),
});

/** A sortable, readable run id: 2026-11-28T04-12-33-bsr-s1. */
export function newRunId(objective: string, seed: number, now = new Date()): string {
  return `${now.toISOString().slice(0, 19).replace(/:/g, '-')}-${objective}-s${seed}`;
}
