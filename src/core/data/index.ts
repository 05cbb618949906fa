// The preference-data layer: pure parsing and schema detection. File streaming lives in src/node/loadDataset.ts.

export { DatasetBuilder, DEFAULT_MAX_CHARS, DETECT_SAMPLE, rowAccountingProblem } from './builder';
export { CsvReader, csvObjects } from './csv';
export { classifyRecord, detectFormat } from './detect';
export { isHHTranscript, splitHH } from './hh';
export { JsonRecordSplitter } from './jsonSplitter';
export { loadDatasetText } from './loadText';
export { isMessageList, renderMessages, renderResponse, splitConversations, toMessages } from './messages';
export { MultiCollector, pairsFromMulti, type MultiPairOptions } from './multi';
export { baseName, firstHumanTurn, hashString, normalizePrompt } from './normalize';
export { domainFromFileName, styleOf } from './rmbench';
export { countSkipped, formatSkipped, formatSkippedRow } from './skipped';
export { describeHead, HEAD_BYTES, type FileFormat, type FileHead } from './head';
