// An evaluation of a model on files, stored as a run directory (config.json + evals.jsonl + summary.json, no
// metrics, no checkpoints), so it appears in the diagnostics panel and in Compare Runs beside training runs.
// Written by `reward-lens eval --out DIR` and the extension's Evaluate Model on Files… alike.
import fs from 'node:fs';
import path from 'node:path';
import type { EvalReport } from '../core/report';
import type { RunSummary } from '../protocol/trainer';
import { appendJsonLine, writeJsonAtomic } from './atomic';
import { runPaths } from './runDir';

export const EVALUATION_KIND = 'evaluation';

export interface EvaluationRecord {
  readonly runId: string;
  readonly modelDir: string;
  /** 'hf' or 'reward-lens', the engine that computed it, and whether the head was trained. */
  readonly model: { readonly kind: string; readonly engine: string; readonly headTrained: boolean; readonly label: string };
  readonly evalFiles: readonly string[];
  readonly report: EvalReport;
  readonly elapsedMs: number;
}

/** A new evaluation id: 2026-12-01T21-30-00-eval-<model folder name>. */
export function newEvaluationId(modelDir: string, now = new Date()): string {
  const name =
    path.basename(path.resolve(modelDir)) === 'model'
      ? path.basename(path.dirname(path.resolve(modelDir)))
      : path.basename(path.resolve(modelDir));
  return `${now.toISOString().slice(0, 19).replace(/:/g, '-')}-eval-${name.replace(/[^\w.-]+/g, '_').slice(0, 60)}`;
}

export function writeEvaluationRun(runDir: string, r: EvaluationRecord): RunSummary {
  if (fs.existsSync(runDir) && fs.readdirSync(runDir).length > 0)
    throw new Error(`${runDir}: already exists and is not empty; evaluations are written to a new directory`);
  const p = runPaths(runDir);
  writeJsonAtomic(p.config, {
    kind: EVALUATION_KIND,
    runId: r.runId,
    model: { dir: r.modelDir, ...r.model },
    evalFiles: r.evalFiles,
    createdAt: new Date().toISOString(),
  });
  const report = { ...r.report, step: 0 };
  appendJsonLine(p.evals, report);
  const summary: RunSummary = {
    runId: r.runId,
    runDir,
    status: 'completed',
    steps: 0,
    totalSteps: 0,
    backend: r.model.engine,
    elapsedMs: r.elapsedMs,
    finalEval: report,
    modelDir: r.modelDir,
  };
  writeJsonAtomic(p.summary, summary);
  return summary;
}
