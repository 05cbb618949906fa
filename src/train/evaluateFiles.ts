// Evaluates a saved model on files (CLI `eval`, the extension's Score/Compare): same diagnostics as during training.
import path from 'node:path';
import { getModel } from './score';
import { evaluateAll } from './evaluate';
import { loadDatasetFile } from '../node/loadDataset';
import type { EvalReport } from '../core/report';
import type { FieldMapping } from '../core/types';
import type { EvalSetData } from './trainingData';

export async function evaluateFiles(modelDir: string, files: readonly string[], mapping?: FieldMapping, log?: (m: string) => void): Promise<EvalReport> {
  const { model, vocab } = await getModel(modelDir);
  const sets: EvalSetData[] = [];
  for (const f of files) {
    const ds = await loadDatasetFile(f, { mapping });
    if (ds.skipped.length) log?.(`${f}: skipped ${ds.skipped.length} rows`);
    let name = path.basename(f).replace(/\.(jsonl|json|csv|parquet)$/i, '');
    for (let i = 2; sets.some((s) => s.name === name); i++) name = `${name}-${i}`;
    sets.push({ name, file: f, pairs: ds.pairs, multi: ds.multi });
  }
  return evaluateAll(model, vocab, sets, -1, 32);
}
