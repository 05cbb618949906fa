// Loads a preference file from disk by streaming it: JSONL line by line, JSON element by element, CSV record by
// record, parquet row group by row group, Arrow record batch by record batch; .gz files are decompressed as they are
// read. Only parsed pairs are kept (none with LoadOptions.onPair), so a 1 GB JSONL is never held twice.
// All schema logic is in src/core/data (DatasetBuilder), shared with loadDatasetText for editor buffers.

import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { LoadedDataset, LoadOptions } from '../core/types';
import { DatasetBuilder } from '../core/data/builder';
import { csvReaderFor, jsonSplitterFor, splitterNotes } from '../core/data/loadText';
import { describeHead } from '../core/data/head';
import { feedParquet } from './datasetParquet';
import { encodingProblem } from '../core/data/encoding';
import { FileError } from '../core/errors';
import { userIoError } from './ioError';
import { gunzipProblem, readHead } from './readHead';
import { datasetExtensionList } from '../core/data/extensions';

/**
 * Streams a dataset file into pairs (or multi-response groups). Throws a one-line UserError (FileError) only when the
 * file cannot be read at all: missing, a directory, unreadable, not UTF-8 text, not parquet when named .parquet. Bad
 * rows become `skipped` entries instead, and the row accounting (rows = pairs rows + skipped + non-pair rows) holds.
 *
 * @example const ds = await loadDatasetFile('data/sample/hh-harmless-base-400.jsonl'); ds.pairs.length
 */
export async function loadDatasetFile(file: string, opts: LoadOptions = {}): Promise<LoadedDataset> {
  try {
    if ((await stat(file)).isDirectory()) return await loadSavedDataset(file, opts);
    const head = await readHead(file);
    const gz = head.gzip;
    const kind = describeHead(file, head.text).format;
    if (kind !== 'parquet' && kind !== 'arrow') {
      const problem = encodingProblem(head.bytes);
      if (problem) throw new FileError({ file }, problem);
    }
    if (gz && (kind === 'parquet' || kind === 'arrow'))
      throw new FileError({ file }, `a gzip-compressed ${kind} file; decompress it first (gunzip), ${kind} is compressed inside already`);
    const b = new DatasetBuilder(file, opts);
    switch (kind) {
      case 'jsonl':
        await feedJsonLinesFile(b, file, gz, opts.waitForConsumer);
        break;
      case 'json':
        await feedJsonFile(b, file, gz, opts.waitForConsumer);
        break;
      case 'csv':
        await feedCsvFile(b, file, gz, opts.waitForConsumer);
        break;
      case 'parquet':
        await feedParquet(b, file, opts.waitForConsumer);
        break;
      case 'arrow':
        await feedArrow(b, [file], opts.waitForConsumer);
        break;
    }
    return b.finish();
  } catch (e) {
    throw userIoError(e, file) ?? e;
  }
}

/** A file, or the Arrow shards of one cached split read as one dataset named `label` (see hfCache.splitSources). */
export async function loadDataSource(
  src: { readonly label: string; readonly files: readonly string[] },
  opts: LoadOptions = {},
): Promise<LoadedDataset> {
  if (src.files.length === 1) return loadDatasetFile(src.files[0]!, opts);
  try {
    const b = new DatasetBuilder(src.label, opts);
    await feedArrow(b, src.files, opts.waitForConsumer);
    return b.finish();
  } catch (e) {
    throw userIoError(e, src.label) ?? e;
  }
}

/**
 * A folder written by `datasets` save_to_disk (state.json lists the Arrow shards of one split) is read shard after
 * shard into one dataset; a DatasetDict folder (dataset_dict.json) names its splits.
 */
async function loadSavedDataset(dir: string, opts: LoadOptions): Promise<LoadedDataset> {
  const state = await readJson(path.join(dir, 'state.json'));
  if (state === undefined) {
    const dict = await readJson(path.join(dir, 'dataset_dict.json'));
    const splits = Array.isArray((dict as { splits?: unknown } | undefined)?.splits)
      ? (dict as { splits: unknown[] }).splits.map(String)
      : undefined;
    if (splits)
      throw new FileError(
        { file: dir },
        `is a DatasetDict with splits ${splits.join(', ')}; give one split's folder, e.g. ${path.join(dir, splits[0] ?? 'train')}`,
      );
    throw new FileError(
      { file: dir },
      `is a directory; give a data file (${datasetExtensionList()}, or .gz of a text format) or a folder saved by the datasets library (state.json)`,
    );
  }
  const files =
    (state as { _data_files?: { filename?: unknown }[] })._data_files
      ?.map((f) => f.filename)
      .filter((f): f is string => typeof f === 'string') ?? [];
  if (!files.length)
    throw new FileError({ file: path.join(dir, 'state.json') }, 'lists no _data_files; is this folder written by datasets save_to_disk?');
  const b = new DatasetBuilder(dir, opts);
  await feedArrow(
    b,
    files.map((f) => path.join(dir, path.basename(f))),
    opts.waitForConsumer,
  );
  const split = (state as { _split?: unknown })._split;
  if (typeof split === 'string')
    b.note(`split "${split}" saved by the datasets library: ${files.length} Arrow file${files.length === 1 ? '' : 's'}`);
  return b.finish();
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new FileError({ file }, `is not valid JSON (${(e as Error).message})`);
  }
}

/** The Arrow shards of one split, in order, into one builder (apache-arrow is loaded only when an Arrow file is read). */
type Wait = LoadOptions['waitForConsumer'];

export async function feedArrow(b: DatasetBuilder, files: readonly string[], wait?: Wait): Promise<void> {
  let mod: typeof import('./datasetArrow');
  try {
    mod = await import('./datasetArrow');
  } catch (e) {
    throw new FileError(
      { file: files[0] ?? '' },
      `reading Arrow files needs the apache-arrow package, which is not installed (${(e as Error).message.split('\n')[0]})`,
    );
  }
  let row = 0;
  for (const f of files) {
    row = await mod.feedArrowFile(b, f, row, wait);
    if (b.full) return;
  }
}

/** The file's bytes, decompressed when gz; as UTF-8 text unless encoding is null. A damaged .gz is a FileError. */
function textStream(file: string, gz: boolean, encoding: 'utf8' | null = 'utf8', highWaterMark = 1 << 20): Readable {
  const raw = createReadStream(file, { highWaterMark });
  if (!gz) {
    if (encoding) raw.setEncoding(encoding);
    return raw;
  }
  const out = raw.pipe(createGunzip());
  raw.on('error', (e) => out.destroy(e));
  out.on('close', () => raw.destroy());
  if (encoding) out.setEncoding(encoding);
  return out;
}

async function feedJsonLinesFile(b: DatasetBuilder, file: string, gz: boolean, wait: Wait): Promise<void> {
  const stream = textStream(file, gz, 'utf8', 1 << 16);
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of rl) {
      line++;
      if (line === 1 && text.charCodeAt(0) === 0xfeff) {
        if (text.slice(1).trim() !== '') b.addJsonText(text.slice(1), line);
      } else if (text.trim() !== '') b.addJsonText(text, line);
      if (b.full) break;
      if (wait) await wait();
    }
  } catch (e) {
    throw gunzipProblem(file, e) ?? e;
  } finally {
    rl.close();
    stream.destroy();
  }
}

/** Feeds a text file's chunks to a push/end reader, stopping early once the builder is full. */
async function feedChunks(
  file: string,
  gz: boolean,
  b: DatasetBuilder,
  reader: { push(s: string): void; end(): void },
  wait: Wait,
): Promise<void> {
  const stream = textStream(file, gz);
  try {
    for await (const chunk of stream) {
      reader.push(chunk as string);
      if (b.full) break;
      if (wait) await wait();
    }
  } catch (e) {
    throw gunzipProblem(file, e) ?? e;
  } finally {
    stream.destroy();
  }
  if (!b.full) reader.end();
}

async function feedJsonFile(b: DatasetBuilder, file: string, gz: boolean, wait: Wait): Promise<void> {
  const s = jsonSplitterFor(b);
  await feedChunks(file, gz, b, s, wait);
  splitterNotes(b, s);
}

async function feedCsvFile(b: DatasetBuilder, file: string, gz: boolean, wait: Wait): Promise<void> {
  await feedChunks(file, gz, b, csvReaderFor(b), wait);
}
