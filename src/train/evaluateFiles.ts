// Evaluates a model on files (CLI `eval`, the extension's Evaluate/Compare): the same diagnostics as during training.
import path from 'node:path';
import { evaluateAllWith } from './evaluate';
import { loadDatasetFile } from '../node/loadDataset';
import type { EvalReport } from '../core/report';
import type { FieldMapping } from '../core/types';
import type { EvalSetData } from './trainingData';
import type { RewardScorer } from './scorer';

export async function evaluateFiles(scorer: RewardScorer, files: readonly string[], mapping?: FieldMapping, log?: (m: string) => void): Promise<EvalReport> {
  const sets: EvalSetData[] = [];
  for (const f of files) {
    const ds = await loadDatasetFile(f, { mapping });
    if (ds.skipped.length) log?.(`${f}: skipped ${ds.skipped.length} rows`);
    let name = path.basename(f).replace(/\.(jsonl|json|csv|parquet)$/i, '');
    for (let i = 2; sets.some((s) => s.name === name); i++) name = `${name}-${i}`;
    sets.push({ name, file: f, pairs: ds.pairs, multi: ds.multi });
  }
  return evaluateAllWith(scorer, sets, -1, 32);
}
