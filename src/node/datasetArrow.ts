// Arrow IPC files as the Hugging Face `datasets` library writes them (save_to_disk folders and its cache): streamed one
// record batch at a time with apache-arrow, so a large split is never decoded whole. Stream and file formats both
// read. Rows carry line = row index + 1 (counted across the shards of a split), as for parquet.

import { createReadStream } from 'node:fs';
import { RecordBatchReader, Vector } from 'apache-arrow';
import type { DatasetBuilder } from '../core/data/builder';
import { FileError } from '../core/errors';

/** Feeds the rows of one Arrow file; returns the next row index (for the following shard). */
export async function feedArrowFile(b: DatasetBuilder, file: string, rowStart = 0, wait?: () => Promise<void> | void): Promise<number> {
  const stream = createReadStream(file);
  let row = rowStart;
  try {
    const reader = await RecordBatchReader.from(stream);
    for await (const batch of reader) {
      for (const r of batch) {
        b.addRecord(plainArrow(r), ++row);
        if (b.full) return row;
      }
      if (wait) await wait();
    }
  } catch (e) {
    if (e instanceof FileError) throw e;
    throw new FileError(
      { file, line: row + 1 },
      `not a readable Arrow IPC file (${(e as Error).message}); is it truncated, or not written by the datasets library?`,
    );
  } finally {
    stream.destroy();
  }
  return row;
}

/** Arrow values as plain JSON-like values: Vectors → arrays, struct rows → objects, BigInt → number (or string if too big). */
export function plainArrow(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Vector) return Array.from(v as Iterable<unknown>, plainArrow);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView))
    return v instanceof Uint8Array ? v : Array.from(v as unknown as ArrayLike<number>, plainArrow);
  if (typeof v === 'object' && !(v instanceof Date) && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries((v as { toJSON(): Record<string, unknown> }).toJSON())) out[k] = plainArrow(x);
    return out;
  }
  return v;
}
