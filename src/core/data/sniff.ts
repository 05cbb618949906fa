// Which reader a file needs, from its extension and (for ambiguous cases) its first bytes.

export type FileKind = 'jsonl' | 'json' | 'csv' | 'parquet' | 'arrow';

/**
 * Picks the reader. `.json` files that are really JSON Lines (a complete object on the first line and another
 * object on the next) are read as JSONL, so each record keeps its own line and a record that holds arrays of
 * objects is not mistaken for a wrapper. `head` is the start of the file (64 KiB is plenty), decompressed for `.gz`
 * files, whose kind is that of the name without `.gz` (data.jsonl.gz is JSONL).
 */
export function sniffKind(file: string, head: string): FileKind {
  const ext = /\.([a-z0-9]+)$/i.exec(file.replace(/\.gz$/i, ''))?.[1]?.toLowerCase() ?? '';
  if (ext === 'parquet' || head.startsWith('PAR1')) return 'parquet';
  // Arrow IPC: the file format's magic, or the stream format's continuation marker 0xFFFFFFFF (datasets' .arrow files).
  if (ext === 'arrow' || head.startsWith('ARROW1') || head.startsWith('\uFFFD\uFFFD\uFFFD\uFFFD')) return 'arrow';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  if (ext === 'csv') return 'csv';
  const text = head.replace(/^\ufeff/, '');
  const first = text.trimStart()[0];
  if (first === '[') return 'json';
  if (first === '{') return looksLikeJsonLines(text) ? 'jsonl' : 'json';
  return ext === 'json' ? 'json' : 'csv';
}

function looksLikeJsonLines(text: string): boolean {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length < 2 || !lines[1]!.startsWith('{')) return false;
  try {
    const v: unknown = JSON.parse(lines[0]!);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}
