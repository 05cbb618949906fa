// The file extensions of preference data, declared once. Readers, the workspace file pickers, the Hugging Face cache
// listing, eval-set names and messages all derive their lists from this table, so a new format is added here.

/** The readers a data file can need; a file's extension selects one (DATASET_EXTENSIONS), its head can overrule. */
export const FILE_FORMATS = ['jsonl', 'json', 'csv', 'parquet', 'arrow'] as const;

export type FileFormat = (typeof FILE_FORMATS)[number];

/** Every data file extension a reader handles, with the reader it selects. A `.gz` of a text format is read too. */
export const DATASET_EXTENSIONS = {
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  json: 'json',
  csv: 'csv',
  parquet: 'parquet',
  arrow: 'arrow',
} as const satisfies Readonly<Record<string, FileFormat>>;

export type DatasetExtension = keyof typeof DATASET_EXTENSIONS;

/** The extensions, in the table's order. */
export const DATASET_EXTENSION_NAMES = Object.keys(DATASET_EXTENSIONS) as readonly DatasetExtension[];

/** Formats that are binary containers (read by column, never shown as text in an editor). */
export const BINARY_FORMATS: readonly FileFormat[] = ['parquet', 'arrow'];

/** Formats with one record per line (row positions are line numbers): JSON Lines and CSV. */
export const LINE_FORMATS: readonly FileFormat[] = ['jsonl', 'csv'];

const EXTENSION_RE = new RegExp(`\\.(${DATASET_EXTENSION_NAMES.join('|')})(\\.gz)?$`, 'i');

/**
 * The data extension of a file name, ignoring a trailing .gz; undefined for other names.
 * @example datasetExtension('train.JSONL.gz') // 'jsonl'
 */
export function datasetExtension(fileName: string): DatasetExtension | undefined {
  return EXTENSION_RE.exec(fileName)?.[1]?.toLowerCase() as DatasetExtension | undefined;
}

/**
 * The reader a file's name alone selects (content can still overrule it: see describeHead); undefined when the name
 * has no data extension.
 * @example formatOfName('a.ndjson') // 'jsonl'
 */
export function formatOfName(fileName: string): FileFormat | undefined {
  const ext = datasetExtension(fileName);
  return ext ? DATASET_EXTENSIONS[ext] : undefined;
}

/**
 * True for an uncompressed Parquet or Arrow name: opened in the binary data view and evaluated as a file, never as
 * editor text.
 * @example isBinaryDataName('train.parquet') // true; 'train.parquet.gz' is not (it must be decompressed first)
 */
export function isBinaryDataName(fileName: string): boolean {
  const format = formatOfName(fileName);
  return format !== undefined && BINARY_FORMATS.includes(format) && !/\.gz$/i.test(fileName);
}

/** True for names with a data extension (plain or .gz). */
export const isDatasetFileName = (fileName: string): boolean => EXTENSION_RE.test(fileName);

/**
 * A file name without its data extension (and .gz): the default name of an eval set.
 * @example stripDatasetExtension('helpful-test.jsonl.gz') // 'helpful-test'
 */
export function stripDatasetExtension(fileName: string): string {
  return fileName.replace(EXTENSION_RE, '');
}

/** Extensions of the given formats (all by default). */
export function extensionsOf(formats: readonly FileFormat[] = Object.values(DATASET_EXTENSIONS)): DatasetExtension[] {
  return DATASET_EXTENSION_NAMES.filter((e) => formats.includes(DATASET_EXTENSIONS[e]));
}

/** A workspace glob for data files of the given formats: `**\/*.{jsonl,ndjson,json,csv,parquet,arrow}`. */
export function datasetGlob(formats?: readonly FileFormat[]): string {
  return `**/*.{${extensionsOf(formats).join(',')}}`;
}

/** The extensions for a message: ".jsonl, .ndjson, .json, .csv, .parquet, .arrow". */
export function datasetExtensionList(formats?: readonly FileFormat[]): string {
  return extensionsOf(formats)
    .map((e) => `.${e}`)
    .join(', ');
}
