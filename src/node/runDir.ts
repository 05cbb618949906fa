// The layout of a run directory. One place that knows the file names; everything else asks here.
//
//   <runDir>/
//     config.json        TrainConfig + ModelConfig + data files + backend (written at start)
//     metrics.jsonl      one StepMetrics per log step
//     evals.jsonl        one EvalReport per evaluation
//     summary.json       RunSummary (written at the end, and on cancel/failure)
//     checkpoints/latest model + optimizer + loop state; what resume restarts from
//     model/             the final model (safetensors + config + vocab), used for scoring
import path from 'node:path';

export const runPaths = (runDir: string) => ({
  config: path.join(runDir, 'config.json'),
  metrics: path.join(runDir, 'metrics.jsonl'),
  evals: path.join(runDir, 'evals.jsonl'),
  summary: path.join(runDir, 'summary.json'),
  checkpoint: path.join(runDir, 'checkpoints', 'latest'),
  model: path.join(runDir, 'model'),
  log: path.join(runDir, 'log.txt'),
});

/** A sortable, readable run id: 2026-11-28T04-12-33-bsr-s1. */
export function newRunId(objective: string, seed: number, now = new Date()): string {
  return `${now.toISOString().slice(0, 19).replace(/:/g, '-')}-${objective}-s${seed}`;
}
