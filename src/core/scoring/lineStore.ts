// Per-document store of line annotations that fills up chunk by chunk (visible range first).
// Pure; the host keeps one per uri+version and drops it when the version changes.
import type { LineAnnotation } from './annotations';
import { normalize, type LineRange } from './chunks';

export class LineStore {
  private readonly byLine = new Map<number, LineAnnotation>();
  private scored: LineRange[] = [];

  constructor(readonly version: number) {}

  /** Records the annotations of one scored range; lines of the range with no annotation are known-empty. */
  add(range: LineRange, annotations: readonly LineAnnotation[]): void {
    for (let l = range.from; l <= range.to; l++) this.byLine.delete(l);
    for (const a of annotations) if (a.line >= range.from && a.line <= range.to) this.byLine.set(a.line, a);
    this.scored = normalize([...this.scored, range]);
  }

  /** Ranges already scored (sorted, merged). */
  get done(): readonly LineRange[] {
    return this.scored;
  }

  get(line: number): LineAnnotation | undefined {
    return this.byLine.get(line);
  }

  /** Every annotation, in line order. */
  all(): LineAnnotation[] {
    return [...this.byLine.values()].sort((a, b) => a.line - b.line);
  }

  /** Annotations within [from, to]. */
  inRange(from: number, to: number): LineAnnotation[] {
    return this.all().filter((a) => a.line >= from && a.line <= to);
  }
}
