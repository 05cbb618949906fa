// Scored pairs cross from the worker to the extension host in columns. A structured clone of a chunk's 500 row objects
// made some 5,000 heap objects in the host (each number of each row boxed), all kept while the file is open; scoring a
// 100,000-line file kept the host's garbage collector busy copying them. In columns a chunk is two typed arrays and the
// ids. The host reads a row when it needs one (a lens title, a hover): rowAt.
import type { ScoredRow, ScoreResult } from './trainer';

/** The numbers of a row, in the order `values` holds them. */
export const ROW_VALUES = [
  'rChosen',
  'rRejected',
  'hNormChosen',
  'hNormRejected',
  'cosChosen',
  'cosRejected',
  'hPctChosen',
  'hPctRejected',
] as const satisfies readonly (keyof ScoredRow)[];
const WIDTH = ROW_VALUES.length;

export interface ScoredRowColumns {
  readonly count: number;
  readonly lines: Int32Array;
  readonly ids: readonly string[];
  /** ROW_VALUES.length numbers a row, in ROW_VALUES order. */
  readonly values: Float64Array;
  /** Per row, the tokens cut to fit the model (null: nothing cut); absent when no row was cut. */
  readonly truncated?: readonly (ScoredRow['truncated'] | null)[];
}

/** What ScoreDocument answers: a ScoreResult with its rows in columns. */
export interface ScoreReply extends Omit<ScoreResult, 'rows'> {
  readonly rows: ScoredRowColumns;
}

export function toColumns(rows: readonly ScoredRow[]): ScoredRowColumns {
  const values = new Float64Array(rows.length * WIDTH);
  const lines = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    lines[i] = r.line;
    for (let k = 0; k < WIDTH; k++) values[i * WIDTH + k] = r[ROW_VALUES[k]!];
  });
  const cut = rows.some((r) => r.truncated);
  return {
    count: rows.length,
    lines,
    ids: rows.map((r) => r.id),
    values,
    ...(cut ? { truncated: rows.map((r) => r.truncated ?? null) } : {}),
  };
}

/** Row `i` as an object (made on each call: keep it only as long as needed). */
export function rowAt(c: ScoredRowColumns, i: number): ScoredRow {
  const v = c.values;
  const o = i * WIDTH;
  const cut = c.truncated?.[i];
  return {
    line: c.lines[i]!,
    id: c.ids[i]!,
    rChosen: v[o]!,
    rRejected: v[o + 1]!,
    hNormChosen: v[o + 2]!,
    hNormRejected: v[o + 3]!,
    cosChosen: v[o + 4]!,
    cosRejected: v[o + 5]!,
    hPctChosen: v[o + 6]!,
    hPctRejected: v[o + 7]!,
    ...(cut ? { truncated: cut } : {}),
  };
}

/** r(chosen) − r(rejected) of row `i`, without making the row. */
export const marginAt = (c: ScoredRowColumns, i: number): number => c.values[i * WIDTH]! - c.values[i * WIDTH + 1]!;

export function rowsOf(c: ScoredRowColumns): ScoredRow[] {
  return Array.from({ length: c.count }, (_, i) => rowAt(c, i));
}

export function isColumns(rows: readonly ScoredRow[] | ScoredRowColumns): rows is ScoredRowColumns {
  return !Array.isArray(rows);
}

export const toScoreReply = (r: ScoreResult): ScoreReply => ({ ...r, rows: toColumns(r.rows) });
export const fromScoreReply = (r: ScoreReply): ScoreResult => ({ ...r, rows: rowsOf(r.rows) });
