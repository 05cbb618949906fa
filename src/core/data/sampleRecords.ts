// The first records of a text buffer in whatever format its head describes: what the "Configure Fields" quick fix
// offers as keys.
import { describeHead, HEAD_BYTES } from './head';
import { firstRecords } from './records';

/** The quick fix looks at no more than this much text. */
const SAMPLE_CHARS = 4 << 20;

/**
 * Up to `n` records (objects) from JSONL, JSON or CSV text; records that do not parse are left out.
 * @example sampleRecords('a.jsonl', '{"q":1}\n{"q":2}', 1) // [{ q: 1 }]
 */
export function sampleRecords(fileName: string, text: string, n = 50): Record<string, unknown>[] {
  return firstRecords(describeHead(fileName, text.slice(0, HEAD_BYTES)).format, text.slice(0, SAMPLE_CHARS), n);
}
