// Loads a preference file from disk by streaming it: JSONL line by line, JSON element by element, CSV record by
// record, parquet row group by row group. Only parsed pairs are kept, so a 1 GB JSONL is never held twice.
// All schema logic is in src/core/data (DatasetBuilder), shared with loadDatasetText for editor buffers.

import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { LoadedDataset, LoadOptions } from '../core/types';
import { DatasetBuilder } from '../core/data/builder';
import { csvReaderFor, jsonSplitterFor, splitterNotes } from '../core/data/loadText';
import { sniffKind } from '../core/data/sniff';
import { feedParquet } from './datasetParquet';
import { encodingProblem } from '../core/data/encoding';
import { FileError } from '../core/errors';
import { userIoError } from './ioError';

/**
 * Streams a dataset file into pairs (or multi-response groups). Throws a one-line UserError (FileError) only when the
 * file cannot be read at all: missing, a directory, unreadable, not UTF-8 text, not parquet when named .parquet. Bad
 * rows become `skipped` entries instead, and the row accounting (rows = pairs rows + skipped + non-pair rows) holds.
 *
 * @example const ds = await loadDatasetFile('data/sample/hh-harmless-base-400.jsonl'); ds.pairs.length
 */
export async function loadDatasetFile(file: string, opts: LoadOptions = {}): Promise<LoadedDataset> {
  try {
    const head = await readHead(file, 65536);
    const kind = sniffKind(file, new TextDecoder().decode(head));
    if (kind !== 'parquet') {
      const problem = encodingProblem(head);
      if (problem) throw new FileError({ file }, problem);
    }
    const b = new DatasetBuilder(file, opts);
    switch (kind) {
      case 'jsonl': await feedJsonLinesFile(b, file); break;
      case 'json': await feedJsonFile(b, file); break;
      case 'csv': await feedCsvFile(b, file); break;
      case 'parquet': await feedParquet(b, file); break;
    }
    return b.finish();
  } catch (e) {
    throw userIoError(e, file) ?? e;
  }
}

/** The first bytes of the file; a directory or a special file is refused before anything is read. */
async function readHead(file: string, bytes: number): Promise<Uint8Array> {
  const st = await stat(file);
  if (st.isDirectory()) throw new FileError({ file }, 'is a directory; give a data file (.jsonl, .json, .csv or .parquet)');
  if (!st.isFile()) throw new FileError({ file }, 'is not a regular file (a device, socket or pipe)');
  const fh = await open(file, 'r');
  try {
    const buf = new Uint8Array(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    // A multi-byte character cut at the end only affects the sniff of that last line.
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function feedJsonLinesFile(b: DatasetBuilder, file: string): Promise<void> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of rl) {
      line++;
      if (line === 1 && text.charCodeAt(0) === 0xfeff) {
        if (text.slice(1).trim() !== '') b.addJsonText(text.slice(1), line);
      } else if (text.trim() !== '') b.addJsonText(text, line);
      if (b.full) break;
    }
  } finally {
    rl.close();
    stream.destroy();
  }
}

/** Feeds a text file's chunks to a push/end reader, stopping early once the builder is full. */
async function feedChunks(file: string, b: DatasetBuilder, reader: { push(s: string): void; end(): void }): Promise<void> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) {
      reader.push(chunk as string);
      if (b.full) break;
    }
  } finally {
    stream.destroy();
  }
  if (!b.full) reader.end();
}

async function feedJsonFile(b: DatasetBuilder, file: string): Promise<void> {
  const s = jsonSplitterFor(b);
  await feedChunks(file, b, s);
  splitterNotes(b, s);
}

async function feedCsvFile(b: DatasetBuilder, file: string): Promise<void> {
  await feedChunks(file, b, csvReaderFor(b));
}
