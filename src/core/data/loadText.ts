// Loading from text already in memory (an unsaved editor buffer): the same records and the same builder as
// the streaming file reader in src/node/loadDataset.ts, fed from a string.

import type { LoadedDataset, LoadOptions } from '../types';
import { DatasetBuilder } from './builder';
import { CsvReader, csvObjects } from './csv';
import { JsonRecordSplitter } from './jsonSplitter';
import { describeHead, HEAD_BYTES } from './head';
import { FileError } from '../errors';

/**
 * Loads preference data from text (JSONL, JSON or CSV; chosen by extension, then content).
 *
 * @example loadDatasetText('a.jsonl', '{"prompt":"p","chosen":"a","rejected":"b"}').pairs.length === 1
 */
export function loadDatasetText(file: string, text: string, opts: LoadOptions = {}): LoadedDataset {
  const kind = describeHead(file, text.slice(0, HEAD_BYTES)).format;
  const b = new DatasetBuilder(file, opts);
  if (kind === 'parquet' || kind === 'arrow')
    throw new FileError({ file }, `${kind} is binary and cannot be read from editor text; load the file instead`);
  const firstLine = opts.firstLine ?? 1;
  if (kind !== 'jsonl' && firstLine !== 1)
    throw new FileError({ file }, `a window of the text (from line ${firstLine}) can only be read as JSON Lines, not ${kind}`);
  if (kind === 'jsonl') feedJsonLines(b, text, firstLine);
  else if (kind === 'json') {
    const s = jsonSplitterFor(b);
    s.push(text);
    s.end();
    splitterNotes(b, s);
  } else {
    const r = csvReaderFor(b);
    r.push(text);
    r.end();
  }
  return b.finish();
}

/** JSONL: one record per non-blank line, numbered from `firstLine`; a trailing CR (CRLF files) is dropped. */
export function feedJsonLines(b: DatasetBuilder, text: string, firstLine = 1): void {
  let line = firstLine - 1;
  let start = 0;
  while (start <= text.length && !b.full) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const s = text.slice(start, end);
    if (s.trim() !== '') b.addJsonText(s, line);
    start = end + 1;
  }
}

export function jsonSplitterFor(b: DatasetBuilder): JsonRecordSplitter {
  return new JsonRecordSplitter((piece, line) => b.addJsonText(piece, line));
}

/** Notes about the JSON layout, added once the splitter has seen the whole file. */
export function splitterNotes(b: DatasetBuilder, s: JsonRecordSplitter): void {
  if (s.containerKey !== undefined) b.note(`records read from the array under key "${s.containerKey}"`);
  else if (s.layout === 'object') b.note('the file holds one JSON object without an array of records; read as a single record');
  for (const p of s.problems) b.note(p);
}

export function csvReaderFor(b: DatasetBuilder): CsvReader {
  return new CsvReader(
    csvObjects(
      (row, line) => b.addRecord(row, line),
      (line, detail) => b.addMalformed(line, `invalid CSV: ${detail}`),
    ),
  );
}
