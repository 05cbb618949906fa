// Parquet rows, one row group at a time (hyparquet reads only the byte ranges of that group), so a large file
// is never decoded whole. Rows carry line = row index + 1, as SourceRef documents for parquet.

import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { DatasetBuilder } from '../core/data/builder';
import { FileError } from '../core/errors';

export async function feedParquet(b: DatasetBuilder, file: string, wait?: () => Promise<void> | void): Promise<void> {
  const asyncBuffer = await asyncBufferFromFile(file);
  let metadata;
  try {
    metadata = await parquetMetadataAsync(asyncBuffer);
  } catch (e) {
    throw new FileError({ file }, `not a readable Parquet file (${(e as Error).message}); is it truncated, or not Parquet at all?`);
  }
  let rowStart = 0;
  for (const [k, group] of metadata.row_groups.entries()) {
    const rowEnd = rowStart + Number(group.num_rows);
    let rows;
    try {
      rows = await parquetReadObjects({ file: asyncBuffer, metadata, rowStart, rowEnd, compressors });
    } catch (e) {
      throw new FileError(
        { file, line: rowStart + 1 },
        `Parquet row group ${k} (rows ${rowStart + 1}–${rowEnd}) cannot be decoded (${(e as Error).message}); the file is damaged or truncated`,
      );
    }
    rows.forEach((row, i) => b.addRecord(plainValue(row), rowStart + i + 1));
    if (b.full) return;
    if (wait) await wait();
    rowStart = rowEnd;
  }
}

/** INT64 columns decode to BigInt, which JSON-minded code cannot use: make them numbers (or strings if too big). */
function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(plainValue);
  if (v && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plainValue(x);
    return out;
  }
  return v;
}
