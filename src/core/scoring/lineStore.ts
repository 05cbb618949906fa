// Per-document store of line annotations that fills up chunk by chunk (visible range first).
// Pure; the host keeps one per uri+version and drops it when the version changes.
import type { LineAnnotation } from './annotations';
import { normalize, type LineRange } from './chunks';

export class LineStore {
  private readonly byLine = new Map<number, LineAnnotation>();
  private scored: LineRange[] = [];
  // all() is read by every provider after every chunk; re-sorting 100,000 annotations each time blocked the host.
  private sorted?: LineAnnotation[];
  // The Problems panel reads only annotations with problems (few): indexed apart, so it never walks every row.
  private readonly problemLines = new Map<number, LineAnnotation>();

  constructor(readonly version: number) {}

  /** Records the annotations of one scored range; lines of the range with no annotation are known-empty. */
  add(range: LineRange, annotations: readonly LineAnnotation[]): void {
    for (let l = range.from; l <= range.to; l++) {
      this.byLine.delete(l);
      this.problemLines.delete(l);
    }
    for (const a of annotations) {
      if (a.line < range.from || a.line > range.to) continue;
      this.byLine.set(a.line, a);
      if (a.problems.length) this.problemLines.set(a.line, a);
    }
    this.scored = normalize([...this.scored, range]);
    this.sorted = undefined;
  }

  /** How many lines hold an annotation. */
  get size(): number {
    return this.byLine.size;
  }

  /** Ranges already scored (sorted, merged). */
  get done(): readonly LineRange[] {
    return this.scored;
  }

  get(line: number): LineAnnotation | undefined {
    return this.byLine.get(line);
  }

  /** Every annotation, in line order (the same array until the next add: do not modify it). */
  all(): readonly LineAnnotation[] {
    // Walking the scored ranges (sorted; every annotation lies in one) is cheaper than sorting the map's values.
    this.sorted ??= this.scored.flatMap((r) => this.inRange(r.from, r.to));
    return this.sorted;
  }

  /** The annotations that carry problems, in line order. */
  withProblems(): LineAnnotation[] {
    return [...this.problemLines.values()].sort((a, b) => a.line - b.line);
  }

  /** Annotations within [from, to], in line order; a short range costs its length, not the store's size. */
  inRange(from: number, to: number): LineAnnotation[] {
    if (to - from + 1 > 4 * this.byLine.size)
      return [...this.byLine.values()].filter((a) => a.line >= from && a.line <= to).sort((a, b) => a.line - b.line);
    const out: LineAnnotation[] = [];
    for (let l = from; l <= to; l++) {
      const a = this.byLine.get(l);
      if (a) out.push(a);
    }
    return out;
  }
}
