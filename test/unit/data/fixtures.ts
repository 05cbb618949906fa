// Paths of the small fixtures under test/fixtures, and a helper that loads a fixture both ways
// (streaming file reader and in-memory text reader) so every schema test also checks they agree.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LoadedDataset, LoadOptions } from '../../../src/core/types';
import { loadDatasetText } from '../../../src/core/data/loadText';
import { loadDatasetFile } from '../../../src/node/loadDataset';

export const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

export async function loadBoth(name: string, opts: LoadOptions = {}): Promise<LoadedDataset> {
  const file = fixture(name);
  const fromFile = await loadDatasetFile(file, opts);
  if (!name.endsWith('.parquet')) {
    const fromText = loadDatasetText(file, readFileSync(file, 'utf8'), opts);
    // deepEqual compares with Object.is, so NaN gold scores match too.
    assert.deepEqual(fromText, fromFile, `${name}: text and file loaders disagree`);
  }
  return fromFile;
}
