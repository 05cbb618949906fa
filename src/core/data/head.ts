// What a file is, from its name and its first characters: the reader it needs (format), the schema family of its
// first record, and whether it looks like preference data Reward Lens can score, with the reason in one line. This is
// the one place that decides it: the dataset readers, activation and inline scoring, the training and scenario file
// pickers and the Hugging Face cache browser all ask describeHead. src/node/readHead.ts reads a file's head.
import type { DatasetFormat } from '../types';
import { classifyRecord, DETECTION_RULES } from './detect';
import { DATASET_EXTENSIONS, datasetExtension, type FileFormat } from './extensions';
import { FALLBACK_FORMATS } from './families';
import { firstRecords } from './records';

export type { FileFormat };

export interface FileHead {
  readonly format: FileFormat;
  /** The schema family of the first complete record in the head; absent for binary formats or an unknown shape. */
  readonly family?: DatasetFormat;
  /** Looks like preference data Reward Lens can score (binary formats always do: their reader decides). */
  readonly preference: boolean;
  /** Why, in one line: "JSON Lines (.jsonl); first record: trl-pairwise (TRL pairwise: prompt?, chosen, rejected)". */
  readonly reason: string;
}

/** How much of a file a description reads: 64 KiB holds the first record of nearly every dataset. */
export const HEAD_BYTES = 65536;
/** How many characters the key search looks at, so package.json and friends cost one regex over a few KB. */
export const KEY_SEARCH_CHARS = 8192;

/** Keys that only preference/ranking datasets carry (the formats of src/core/types.ts DatasetFormat). */
const PAIR_KEYS =
  /["']?(chosen|rejected|output_1|output_2|all_scores|response_\d+_text|completions|better_response_id|safer_response_id|conversation_a|preference_strength|overall_preference|response_[ab]|answer_a|answers)["']?\s*[:,]/i;
/** HelpSteer2 attribute rows: a response with its helpfulness rating. */
const ATTRIBUTE_KEYS = [/["']?(response)["']?\s*[:,]/i, /["']?(helpfulness)["']?\s*[:,]/i] as const;
/** Single-response-with-score rows (AlpacaEval-style long format): both keys must appear. */
const LONG_KEYS = [
  /["']?(output)["']?\s*[:,]/i,
  /["']?(score|win_prob_vs_baseline|preference_vs_baseline|gold|rank)["']?\s*[:,]/i,
] as const;
const CSV_HEADER =
  /(^|,)\s*"?(chosen|rejected|output_1|all_scores|response_\d+_text|response_[01ab]|answer_a|better_response_id|preference_strength|helpfulness)"?\s*(,|$)/i;

const FORMAT_NAMES: Readonly<Record<FileFormat, string>> = {
  jsonl: 'JSON Lines',
  json: 'JSON',
  csv: 'CSV',
  parquet: 'Parquet',
  arrow: 'Arrow IPC',
};

/**
 * Describes a file from its name and head (the start of the file, 64 KiB is plenty, decompressed for `.gz` files,
 * whose format is that of the name without `.gz`). `extraKeys` are the user's field mapping, which may use any key
 * names. Pure and cheap: one pass over the head for the first record, a few regexes over the first 8 KB.
 * @example describeHead('a.jsonl', '{"prompt":"hi","chosen":"a","rejected":"b"}').preference // true
 * @example describeHead('package.json', '{"name":"x","version":"1.0.0"}').preference // false
 */
export function describeHead(fileName: string, head: string, extraKeys: readonly string[] = []): FileHead {
  const { format, why } = formatOf(fileName, head);
  if (format === 'parquet' || format === 'arrow')
    return { format, preference: true, reason: `${why}; binary: its reader decides from the columns` };
  const record = firstRecords(format, head, 1)[0];
  const family = record ? classifyRecord(record) : undefined;
  const verdict = preferenceVerdict(format, head.slice(0, KEY_SEARCH_CHARS), family, extraKeys);
  return { format, ...(family ? { family } : {}), preference: verdict.yes, reason: `${why}; ${verdict.why}` };
}

/**
 * The reader. `.json` files that are really JSON Lines (a complete object on the first line and another object on the
 * next) are read as JSONL, so each record keeps its own line and a record that holds arrays of objects is not
 * mistaken for a wrapper. Magic bytes win over the name: Parquet's PAR1, Arrow's ARROW1 or the Arrow stream format's
 * continuation marker 0xFFFFFFFF (datasets' .arrow files), which decodes as four U+FFFD.
 */
function formatOf(fileName: string, head: string): { format: FileFormat; why: string } {
  const ext = datasetExtension(fileName);
  const byName = ext ? DATASET_EXTENSIONS[ext] : undefined;
  const named = (format: FileFormat) => ({ format, why: `${FORMAT_NAMES[format]} (.${ext})` });
  if (byName === 'parquet') return named('parquet');
  if (head.startsWith('PAR1')) return { format: 'parquet', why: 'Parquet (PAR1 magic)' };
  if (byName === 'arrow') return named('arrow');
  if (head.startsWith('ARROW1')) return { format: 'arrow', why: 'Arrow IPC file (ARROW1 magic)' };
  if (head.startsWith('\uFFFD\uFFFD\uFFFD\uFFFD')) return { format: 'arrow', why: 'Arrow IPC stream (0xFFFFFFFF marker)' };
  if (byName === 'jsonl' || byName === 'csv') return named(byName);
  const text = head.replace(/^\ufeff/, '');
  const first = text.trimStart()[0];
  if (first === '[') return { format: 'json', why: 'JSON (an array)' };
  if (first === '{')
    return looksLikeJsonLines(text)
      ? { format: 'jsonl', why: 'JSON Lines (an object on each of the first lines)' }
      : { format: 'json', why: 'JSON (an object)' };
  return byName === 'json' ? named('json') : { format: 'csv', why: 'CSV (neither a data extension nor JSON text)' };
}

function looksLikeJsonLines(text: string): boolean {
  const lines: string[] = [];
  for (let start = 0; lines.length < 2 && start < text.length; ) {
    const end = text.indexOf('\n', start) >>> 0; // -1 becomes 2^32 - 1: the rest of the text
    const line = text.slice(start, end).trim();
    if (line !== '') lines.push(line);
    start = end + 1;
  }
  if (lines.length < 2 || !lines[1]!.startsWith('{')) return false;
  try {
    const v: unknown = JSON.parse(lines[0]!);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

/** Is a text head preference data? The first record's family decides when it is a preference family; keys otherwise. */
function preferenceVerdict(
  format: FileFormat,
  text: string,
  family: DatasetFormat | undefined,
  extraKeys: readonly string[],
): { yes: boolean; why: string } {
  const rule = family ? `${family} (${DETECTION_RULES[family].replace(/\n/g, '\\n')})` : undefined;
  if (family && !FALLBACK_FORMATS.includes(family)) return { yes: true, why: `first record: ${rule}` };
  const mapped = { yes: true, why: `the field mapping's keys ${extraKeys.filter((k) => k).join(', ')} appear` };
  const none = (where: string) => ({ yes: false, why: `${rule ? `first record: ${rule}; ` : ''}no preference keys in ${where}` });
  if (format === 'csv') {
    const header = text.split(/\r?\n/, 1)[0] ?? '';
    const column = CSV_HEADER.exec(header.replace(/\t/g, ','))?.[2];
    if (column) return { yes: true, why: `the header names ${column}` };
    return hasAllKeys(header, extraKeys) ? mapped : none('the header');
  }
  const pair = PAIR_KEYS.exec(text)?.[1];
  if (pair) return { yes: true, why: `key ${pair} in the first ${KEY_SEARCH_CHARS} characters` };
  for (const keys of [LONG_KEYS, ATTRIBUTE_KEYS]) {
    const found = keys.map((re) => re.exec(text)?.[1]);
    if (found.every((k) => k)) return { yes: true, why: `keys ${found.join(' and ')} in the first ${KEY_SEARCH_CHARS} characters` };
  }
  return hasAllKeys(text, extraKeys) ? mapped : none(`the first ${KEY_SEARCH_CHARS} characters`);
}

function hasAllKeys(text: string, keys: readonly string[]): boolean {
  const usable = keys.filter((k) => k.length > 0);
  return usable.length >= 2 && usable.every((k) => text.includes(k));
}
