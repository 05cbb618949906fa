// The first records of a text, parsed but not interpreted: what the head description classifies and what the
// "Configure Fields" quick fix offers as keys. The format is given (see describeHead); nothing is sniffed here.

import { CsvReader, csvObjects } from './csv';
import type { FileFormat } from './head';
import { JsonRecordSplitter } from './jsonSplitter';

type Rec = Record<string, unknown>;

/**
 * Up to `n` records (objects) from JSONL, JSON or CSV text; records that do not parse, or are cut off at the end of
 * the text, are left out. Binary formats have no text records: [].
 * @example firstRecords('jsonl', '{"q":1}\n{"q":2}', 1) // [{ q: 1 }]
 */
export function firstRecords(format: FileFormat, text: string, n: number): Rec[] {
  const out: Rec[] = [];
  const take = (v: unknown) => {
    if (out.length < n && v && typeof v === 'object' && !Array.isArray(v)) out.push(v as Rec);
  };
  const body = text.replace(/^\ufeff/, '');
  if (format === 'jsonl') {
    for (const line of body.split('\n')) {
      if (out.length >= n) break;
      try {
        if (line.trim()) take(JSON.parse(line));
      } catch {
        /* not a record */
      }
    }
  } else if (format === 'json') {
    const s = new JsonRecordSplitter((piece) => {
      try {
        take(JSON.parse(piece));
      } catch {
        /* not a record, or cut off */
      }
    });
    s.push(body);
    s.end();
  } else if (format === 'csv') {
    const r = new CsvReader(
      csvObjects(
        (row) => take(row),
        () => undefined,
      ),
    );
    r.push(body);
    r.end();
  }
  return out;
}
