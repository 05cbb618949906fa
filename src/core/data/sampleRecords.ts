// The first records of a text buffer, parsed but not interpreted: what the "Configure Fields" quick fix offers as keys.

import { CsvReader, csvObjects } from './csv';
import { JsonRecordSplitter } from './jsonSplitter';
import { sniffKind } from './sniff';

type Rec = Record<string, unknown>;

/**
 * Up to `n` records (objects) from JSONL, JSON or CSV text; records that do not parse are left out.
 * @example sampleRecords('a.jsonl', '{"q":1}\n{"q":2}', 1) // [{ q: 1 }]
 */
export function sampleRecords(fileName: string, text: string, n = 50): Rec[] {
  const out: Rec[] = [];
  const take = (v: unknown) => {
    if (out.length < n && v && typeof v === 'object' && !Array.isArray(v)) out.push(v as Rec);
  };
  const kind = sniffKind(fileName, text.slice(0, 65536));
  const head = text.slice(0, 4 << 20);
  if (kind === 'jsonl') {
    for (const line of head.split('\n')) {
      if (out.length >= n) break;
      try {
        if (line.trim()) take(JSON.parse(line));
      } catch { /* not a record */ }
    }
  } else if (kind === 'json') {
    const s = new JsonRecordSplitter((piece) => {
      try {
        take(JSON.parse(piece));
      } catch { /* not a record */ }
    });
    s.push(head);
    s.end();
  } else if (kind === 'csv') {
    const r = new CsvReader(csvObjects((row) => take(row), () => undefined));
    r.push(head);
    r.end();
  }
  return out;
}
