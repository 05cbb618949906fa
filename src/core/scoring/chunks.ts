// Which line ranges to score, in which order: what the user sees first, then outward, in bounded chunks,
// so the first lenses arrive fast and a 100,000-line file never blocks anything for long.

/** An inclusive, 1-based line range (the ScoreDocument fromLine/toLine convention). */
export interface LineRange {
  readonly from: number;
  readonly to: number;
}

export interface ChunkPlanOptions {
  readonly lineCount: number;
  /** Lines per request after the visible ranges. */
  readonly chunkLines: number;
  /** Files longer than this are scored only around what is visible (0 = no limit). */
  readonly maxLines: number;
  /** Extra lines scored around each visible range, so a small scroll shows scores at once. */
  readonly margin: number;
}

/**
 * Plans the score requests: visible ranges (widened by `margin`) first, then the rest of the file in chunks
 * ordered by distance from the first visible line. Already-scored ranges are left out.
 * @example planChunks([{ from: 50, to: 80 }], [], { lineCount: 200, chunkLines: 100, maxLines: 0, margin: 10 })
 *   // [{from:40,to:90},{from:91,to:190},{from:1,to:39},{from:191,to:200}]
 */
export function planChunks(visible: readonly LineRange[], done: readonly LineRange[], opts: ChunkPlanOptions): LineRange[] {
  const n = opts.lineCount;
  if (n <= 0) return [];
  const first: LineRange[] = normalize(
    visible.map((r) => ({ from: Math.max(1, r.from - opts.margin), to: Math.min(n, r.to + opts.margin) })),
  );
  const out: LineRange[] = subtractAll(first, done);
  if (opts.maxLines > 0 && n > opts.maxLines) return out;
  const covered = normalize([...first, ...done]);
  const rest = subtractAll([{ from: 1, to: n }], covered).flatMap((r) => split(r, Math.max(1, opts.chunkLines)));
  // Distance from the visible block; on a tie the chunk below wins (people scroll down more than up).
  const lo = first[0]?.from ?? 1;
  const hi = first[first.length - 1]?.to ?? 1;
  const dist = (r: LineRange) => (r.to < lo ? lo - r.to : Math.max(0, r.from - hi));
  rest.sort((a, b) => dist(a) - dist(b) || b.from - a.from);
  return [...out, ...rest];
}

/** Merges overlapping or touching ranges; the result is sorted. */
export function normalize(ranges: readonly LineRange[]): LineRange[] {
  const sorted = ranges
    .filter((r) => r.to >= r.from)
    .slice()
    .sort((a, b) => a.from - b.from);
  const out: LineRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to + 1) out[out.length - 1] = { from: last.from, to: Math.max(last.to, r.to) };
    else out.push({ ...r });
  }
  return out;
}

function subtractAll(ranges: readonly LineRange[], holes: readonly LineRange[]): LineRange[] {
  let cur = normalize(ranges);
  for (const h of normalize(holes)) {
    cur = cur.flatMap((r) => {
      if (h.to < r.from || h.from > r.to) return [r];
      const parts: LineRange[] = [];
      if (h.from > r.from) parts.push({ from: r.from, to: h.from - 1 });
      if (h.to < r.to) parts.push({ from: h.to + 1, to: r.to });
      return parts;
    });
  }
  return cur;
}

function split(r: LineRange, size: number): LineRange[] {
  const out: LineRange[] = [];
  for (let from = r.from; from <= r.to; from += size) out.push({ from, to: Math.min(r.to, from + size - 1) });
  return out;
}

/**
 * The JSON Lines text of lines [from, to] and the line it starts at, so the worker parses a chunk instead of the whole
 * file and numbers its rows as the document does (ScoreParams.textFirstLine). Not for formats whose records span lines
 * or group rows across the file (JSON arrays, CSV, one-row-per-response data). Lines are read through `lineText`
 * (0-based), so the host never copies or splits the whole document. (It used to blank the lines before the window,
 * ~50 KB of newlines per chunk of a 100,000-line file, copied again to reach the worker.)
 * @example windowJsonl(4, (i) => 'abcd'[i], 2, 3) // { text: 'b\nc', firstLine: 2 }
 */
export function windowJsonl(
  lineCount: number,
  lineText: (index: number) => string,
  from: number,
  to: number,
): { readonly text: string; readonly firstLine: number } {
  const lo = Math.max(1, from);
  const hi = Math.min(lineCount, to);
  const kept: string[] = [];
  for (let i = lo - 1; i < hi; i++) kept.push(lineText(i));
  return { text: kept.join('\n'), firstLine: lo };
}
