// Evaluates a model on files (CLI `eval`, the extension's Evaluate/Compare): the same diagnostics as during training.
import path from 'node:path';
import { evaluateAllWith } from './evaluate';
import { loadDatasetFile } from '../node/loadDataset';
import type { EvalReport } from '../core/report';
import type { FieldMapping } from '../core/types';
import type { EvalSetData } from './trainingData';
import type { RewardScorer } from './scorer';
import type { RunSummary } from '../protocol/trainer';
import { writeEvaluationRun } from '../node/evaluationRun';
import { stripDatasetExtension } from '../core/data/extensions';

export async function evaluateFiles(
  scorer: RewardScorer,
  files: readonly string[],
  mapping?: FieldMapping,
  log?: (m: string) => void,
): Promise<EvalReport> {
  const sets: EvalSetData[] = [];
  for (const f of files) {
    const ds = await loadDatasetFile(f, { mapping });
    if (ds.skipped.length) log?.(`${f}: skipped ${ds.skipped.length} rows`);
    let name = stripDatasetExtension(path.basename(f));
    for (let i = 2; sets.some((s) => s.name === name); i++) name = `${name}-${i}`;
    sets.push({ name, file: f, pairs: ds.pairs, multi: ds.multi });
  }
  return evaluateAllWith(scorer, sets, -1, 32);
}

/** Evaluates and stores the result as an evaluation run directory (it then shows in the panel). */
export async function evaluateToRun(
  scorer: RewardScorer,
  modelDir: string,
  files: readonly string[],
  outDir: string,
  mapping?: FieldMapping,
  log?: (m: string) => void,
): Promise<{ report: EvalReport; summary: RunSummary }> {
  const t0 = performance.now();
  const report = await evaluateFiles(scorer, files, mapping, log);
  const label =
    path.basename(path.resolve(modelDir)) === 'model'
      ? path.basename(path.dirname(path.resolve(modelDir)))
      : path.basename(path.resolve(modelDir));
  const summary = writeEvaluationRun(outDir, {
    runId: path.basename(outDir),
    modelDir,
    model: { kind: scorer.info.kind, engine: scorer.info.engine, headTrained: scorer.info.headTrained, label },
    evalFiles: files,
    report,
    elapsedMs: performance.now() - t0,
  });
  return { report, summary };
}
