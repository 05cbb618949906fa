// What a file offers the over-optimization scenarios, computed where the data is loaded (the worker; the scenarios
// quick input asks over src/protocol/scenarios.ts): its identities and, when one is missing, which scenarios the
// runner's own split builder refuses and why.
import { datasetIdentities } from '../core/scenarios/identities';
import { ScenarioError } from '../core/scenarios/splitTypes';
import type { ScenarioDataParams, ScenarioDataReport } from '../protocol/scenarios';
import { buildSplitsFromFiles } from './experimentSplits';
import { loadDatasetFile } from './loadDataset';

/**
 * Loads the file once and reports its identities; the splits are built only when the identities alone cannot
 * show that every scenario is possible (a prompt-group key, three or more models, every response's model known).
 * A ScenarioError (nothing can be built) is data here, `unbuildable`; other errors (unreadable file) reject.
 */
export async function inspectScenarioData(p: ScenarioDataParams): Promise<ScenarioDataReport> {
  const ds = await loadDatasetFile(p.file, p.mapping ? { mapping: p.mapping } : {});
  const identities = datasetIdentities(ds);
  if (identities.promptGroupKeys.length && identities.models.length >= 3 && identities.modelless === 0) return { identities, refused: [] };
  const split = { ...p.split, promptGroupKey: identities.promptGroupKeys[0] ?? 'dataset' };
  try {
    const { splits } = await buildSplitsFromFiles(
      [{ file: p.file }],
      split,
      async () => ds,
      () => undefined,
    );
    return { identities, refused: splits.refused };
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    return { identities, refused: [], unbuildable: e.message };
  }
}
