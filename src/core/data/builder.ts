// DatasetBuilder: the one place where records become a LoadedDataset. The file readers (src/node) and the
// editor-text reader (loadText.ts) only split their input into records with line numbers and hand them here,
// so detection, conversion, skipping and tallies are identical for both.

import type {
  DatasetFormat,
  LoadedDataset,
  LoadOptions,
  NonPairRowKind,
  PreferencePair,
  RowAccounting,
  SkippedRow,
  SkipReason,
} from '../types';
import { DETECTION_RULES, detectWithVotes } from './detect';
import { MULTI_RESPONSE_FORMATS, NON_PAIR_KIND } from './families';
import { describeMapping, isLabelledFormat, mappedConverter, mappingKind } from './fieldMapping';
import { pickGroups, ROW_GROUP_KEYS, tally } from './groups';
import { MultiCollector } from './multi';
import { helpSteer2Row, nectarRow, parseGold, ppeCorrectnessRow, ultraFeedbackRawRow } from './multiFamilies';
import { baseName } from './normalize';
import { hhRow, llmbarRow, rewardbenchRow, skyworkRow, trlRow, ultrafeedbackRow, type EmitPair } from './pairwise';
import { rewardBench2Row } from './rewardbench2';
import { rmBenchRow } from './rmbench';
import type { RowContext, TruncationCounts } from './rowContext';
import { typeName } from './messages';
import { oneLine } from '../text';

/** Records examined before the schema is fixed. Later rows that do not fit are skipped with a reason. */
export const DETECT_SAMPLE = 32;
export const DEFAULT_MAX_CHARS = 100_000;

type Row = Record<string, unknown>;
type Converter = (ctx: RowContext, row: Row, emit: EmitPair) => void;

export class DatasetBuilder {
  private rows = 0;
  private readonly pairs: PreferencePair[] = [];
  private readonly skipped: SkippedRow[] = [];
  private readonly notes: string[] = [];
  private readonly truncated: TruncationCounts = { prompt: 0, chosen: 0, rejected: 0, response: 0 };
  private readonly groups: Record<string, Record<string, number>> = {};
  private readonly multi = new MultiCollector();
  private pairRows = 0;
  private skippedRows = 0;
  private readonly nonPairRows: Partial<Record<NonPairRowKind, number>> = {};
  /** Rows a pairwise converter neither paired nor skipped: a bug that finish() reports. */
  private unaccounted = 0;
  private pending: { row: Row; line: number; index: number }[] = [];
  /** Pairs made so far (kept in `pairs`, or handed to opts.onPair). */
  private pairCount = 0;
  /** Tie labels as spelled in the data → rows, for the notes. */
  private readonly ties = new Map<string, number>();
  private readonly tieRows: { line: number; label: string }[] = [];
  private detection: string | undefined;
  private format: DatasetFormat | undefined;
  private convert: Converter | undefined;
  private readonly base: string;
  private readonly maxChars: number;
  private readonly overLong: 'skip' | 'truncate';
  private readonly emit: EmitPair = (p) => {
    this.pairCount++;
    if (this.opts.onPair) this.opts.onPair(p);
    else this.pairs.push(p);
    tally(this.groups, p.groups);
  };

  constructor(
    readonly file: string,
    private readonly opts: LoadOptions = {},
  ) {
    this.base = baseName(file);
    this.maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
    this.overLong = opts.overLong ?? 'skip';
    const kind = mappingKind(opts.mapping);
    if (kind === 'pairs' || kind === 'ab') {
      this.detection = describeMapping(opts.mapping!);
      this.setFormat('custom');
    }
  }

  /** True once `limit` records were taken; readers should stop reading. */
  get full(): boolean {
    return this.opts.limit !== undefined && this.rows >= this.opts.limit;
  }

  /** A record that could not be parsed (bad JSON, bad CSV quoting). It counts as a row. */
  addMalformed(line: number, detail: string, field?: string): void {
    if (this.full) return;
    this.rows++;
    this.skippedRows++;
    this.skipped.push({
      file: this.file,
      line,
      ...(field !== undefined ? { field } : {}),
      reason: 'malformed',
      detail: cleanDetail(detail),
    });
  }

  /** A JSON text (a JSONL line or an array element) that starts at `line`. */
  addJsonText(text: string, line: number): void {
    if (this.full) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.addMalformed(line, `invalid JSON: ${(e as Error).message}`);
      return;
    }
    this.addRecord(value, line);
  }

  /** A parsed record. Records before the schema is known are buffered (at most DETECT_SAMPLE of them). */
  addRecord(value: unknown, line: number): void {
    if (this.full) return;
    const index = this.rows++;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.skippedRows++;
      this.skipped.push({ file: this.file, line, reason: 'unrecognised', detail: `expected a JSON object, got ${typeName(value)}` });
      return;
    }
    if (this.convert === undefined) {
      this.pending.push({ row: value as Row, line, index });
      if (this.pending.length >= DETECT_SAMPLE) this.decide();
      return;
    }
    this.process(value as Row, line, index);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  finish(): LoadedDataset {
    if (this.convert === undefined) this.decide();
    if (this.full) this.notes.push(`stopped after ${this.opts.limit} records (limit)`);
    const format = this.format ?? 'trl-pairwise';
    const multi = this.multi.groups;
    if (MULTI_RESPONSE_FORMATS.includes(format)) this.multiNotes(format);
    this.tieNotes();
    if (format === 'responses')
      this.notes.push(
        `no pairs: this file holds ${this.nonPairRows['response-only'] ?? 0} single labelled responses without a chosen/rejected structure; use a paired file built from them (for XSTest: derived_pairs.jsonl)`,
      );
    if (format === 'prompts')
      this.notes.push(`no pairs: this file holds ${this.nonPairRows['prompt-only'] ?? 0} prompts without responses`);
    const skipped = [...this.skipped].sort((a, b) => a.line - b.line);
    const accounting: RowAccounting = { pairRows: this.pairRows, skippedRows: this.skippedRows, nonPairRows: { ...this.nonPairRows } };
    const ds: LoadedDataset = {
      file: this.file,
      format,
      rows: this.rows,
      pairs: this.pairs,
      multi,
      skipped,
      truncated: { ...this.truncated },
      notes: this.notes,
      groups: this.groups,
      accounting,
      ...(this.detection !== undefined ? { detection: this.detection } : {}),
      ...(this.opts.onPair ? { streamedPairs: this.pairCount } : {}),
      ...(this.tieRows.length ? { tieRows: this.tieRows } : {}),
    };
    const broken = rowAccountingProblem(ds, this.unaccounted);
    // A bug, not a data problem: some converter dropped rows without saying why. It keeps its stack.
    if (broken) throw new Error(`${this.file}: row accounting does not add up (${broken})`);
    return ds;
  }

  private multiNotes(format: DatasetFormat): void {
    const g = this.multi.groups;
    for (const grp of g) tally(this.groups, grp.groups);
    // Responses are tallied by generator so response-OOD splits can be planned from the inspect view.
    for (const grp of g) for (const r of grp.responses) if (r.model !== undefined) tally(this.groups, { generator: r.model });
    this.notes.push(
      `${g.length} prompts with ${this.multi.responseCount} scored responses; build pairs from gold-score differences with pairsFromMulti()`,
    );
    if (this.multi.rankBased)
      this.notes.push('gold scores come from a rank, where lower is better: gold = −rank, so rank 1 is the best response');
    if (format === 'helpsteer2')
      this.notes.push(
        `gold score: ${parseGold(this.opts.gold, 'helpfulness').text} (choose another attribute or a weighted sum with --gold, e.g. helpfulness=0.65,correctness=0.8)`,
      );
    if (format === 'ultrafeedback-raw')
      this.notes.push(
        `gold score: ${parseGold(this.opts.gold, 'fine-grained_score').text} (or --gold overall_score, helpfulness, honesty, instruction_following, truthfulness, or a weighted sum)`,
      );
    if (this.multi.unscored > 0)
      this.notes.push(`${this.multi.unscored} responses have no gold score (NaN): usable for ranking by the model, never paired`);
  }

  private tieNotes(): void {
    const n = this.nonPairRows.tie ?? 0;
    if (n === 0) return;
    const by = [...this.ties]
      .sort((a, b) => b[1] - a[1])
      .map(([label, k]) => `${k} ${JSON.stringify(label)}`)
      .join(', ');
    this.notes.push(`${n} row${n === 1 ? ' is a tie' : 's are ties'} (${by}): counted, not paired`);
  }

  private setFormat(format: DatasetFormat): void {
    this.format = format;
    this.convert = this.converterFor(format);
  }

  private decide(): void {
    const sample = this.pending.map((p) => p.row);
    const found = detectWithVotes(sample);
    const detected = found?.format;
    if (found) this.detection = `${DETECTION_RULES[found.format]} (${found.votes} of ${found.sampled} sampled records)`;
    this.labelMappingNotes(detected, sample);
    if (detected === undefined) {
      const keys = [...new Set(sample.flatMap((r) => Object.keys(r)))].slice(0, 12);
      this.notes.push(
        sample.length === 0
          ? 'no records found'
          : `schema not recognised from the first ${sample.length} records (keys: ${keys.join(', ')}); read as TRL pairwise (prompt?, chosen, rejected) — set a field mapping to choose the keys`,
      );
    }
    this.setFormat(detected ?? 'trl-pairwise');
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) this.process(p.row, p.line, p.index);
  }

  /** Says which label a labelled family is read with, and what a label-only mapping did. */
  private labelMappingNotes(format: DatasetFormat | undefined, sample: readonly Row[]): void {
    const m = this.opts.mapping;
    const labelOnly = mappingKind(m) === 'label';
    if (labelOnly && format && isLabelledFormat(format)) this.detection += `; ${describeMapping(m!)}`;
    if (labelOnly && !(format && isLabelledFormat(format)))
      this.notes.push(
        `the label mapping (${describeMapping(m!)}) applies to files of two responses and a winner label; this file is ${format ?? 'not recognised'}, so it was not used (name the responses with --a-key/--b-key)`,
      );
    if (format === 'pku-saferlhf' && !(labelOnly && m?.label) && sample.some((r) => r.safer_response_id !== undefined)) {
      this.notes.push(
        'read for better_response_id (helpfulness); the second label safer_response_id is present: score for safety with --label-key safer_response_id',
      );
    }
  }

  private converterFor(format: DatasetFormat): Converter {
    const mapped = mappedConverter(format, this.opts.mapping);
    if (mapped) return mapped;
    switch (format) {
      case 'trl-pairwise':
        return trlRow;
      case 'hh-rlhf':
        return hhRow;
      case 'ultrafeedback':
        return ultrafeedbackRow;
      case 'skywork':
        return skyworkRow;
      case 'rewardbench':
        return rewardbenchRow;
      case 'rm-bench':
        return rmBenchRow;
      case 'llmbar':
        return llmbarRow;
      case 'rewardbench-2':
        return rewardBench2Row;
      case 'ultrafeedback-raw':
        return ultraFeedbackRawRow(this.multi, parseGold(this.opts.gold, 'fine-grained_score'));
      case 'nectar':
        return nectarRow(this.multi);
      case 'helpsteer2':
        return helpSteer2Row(this.multi, parseGold(this.opts.gold, 'helpfulness'));
      case 'ppe-correctness':
        return ppeCorrectnessRow(this.multi);
      case 'multi-long':
        return (ctx, row) => this.multi.addLong(ctx, row);
      case 'multi-wide':
        return (ctx, row) => this.multi.addWide(ctx, row);
      case 'responses':
      case 'prompts':
        return (_ctx, row) => tally(this.groups, pickGroups(row, ROW_GROUP_KEYS));
      default:
        throw new Error(`no converter for format ${format}`);
    }
  }

  private process(row: Row, line: number, index: number): void {
    let counted: NonPairRowKind | undefined;
    const ctx: RowContext = {
      source: { file: this.file, line, row: index },
      base: this.base,
      maxChars: this.maxChars,
      overLong: this.overLong,
      truncated: this.truncated,
      skip: (field: string | undefined, reason: SkipReason, detail: string) =>
        this.skipped.push({ file: this.file, line, ...(field !== undefined ? { field } : {}), reason, detail: cleanDetail(detail) }),
      count: (kind, label) => {
        counted = kind;
        if (label !== undefined) this.ties.set(label, (this.ties.get(label) ?? 0) + 1);
        if (kind === 'tie') this.tieRows.push({ line, label: label ?? 'tie' });
      },
    };
    const pairs0 = this.pairCount;
    const skipped0 = this.skipped.length;
    const responses0 = this.multi.responsesAdded;
    this.convert!(ctx, row, this.emit);
    const kind = NON_PAIR_KIND[this.format!];
    if (this.pairCount > pairs0) this.pairRows++;
    else if (counted) this.countRow(counted);
    // A multi-response row with some usable responses counts as that kind even when other responses were skipped.
    else if (this.multi.responsesAdded > responses0 && kind) this.countRow(kind);
    else if (this.skipped.length > skipped0) this.skippedRows++;
    else if (kind) this.countRow(kind);
    else this.unaccounted++;
  }

  private countRow(kind: NonPairRowKind): void {
    this.nonPairRows[kind] = (this.nonPairRows[kind] ?? 0) + 1;
  }
}

/** Details quote the data (JSON parse errors quote the line): one line, control characters made visible. */
const cleanDetail = (detail: string) => oneLine(detail, 300);

/**
 * Why a loaded dataset's row accounting is wrong, or undefined when rows = pairRows + skippedRows + non-pair rows,
 * every skipped row has an entry, and no row of a pairwise format was dropped silently.
 */
export function rowAccountingProblem(ds: LoadedDataset, unaccounted = 0): string | undefined {
  const a = ds.accounting;
  const other = Object.values(a.nonPairRows).reduce((n, k) => n + (k ?? 0), 0);
  if (unaccounted > 0) return `${unaccounted} rows gave neither a pair nor a skip reason`;
  if (a.pairRows + a.skippedRows + other !== ds.rows)
    return `${ds.rows} rows ≠ ${a.pairRows} pair rows + ${a.skippedRows} skipped + ${other} non-pair rows`;
  if (ds.skipped.length < a.skippedRows) return `${a.skippedRows} skipped rows but ${ds.skipped.length} skip entries`;
  const pairs = ds.pairs.length + (ds.streamedPairs ?? 0);
  if (a.pairRows > 0 && pairs < a.pairRows) return `${a.pairRows} pair rows but ${pairs} pairs`;
  return undefined;
}
