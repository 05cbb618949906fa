// Scores of (model, pair content) kept on disk, so reopening a scored file shows its lenses at once, without
// loading a multi-GB model again. Keyed by content, not by file and line: an edit elsewhere in the file, a window of
// a large JSONL file or a copy of the file in another folder all hit the same entries.
//
// One JSON-lines file per model version (path + size/mtime of its weight and config files): a header line with
// ‖W_p‖ and the training ‖h‖ sample, then one line per entry. A truncated last line (crash mid-append) is skipped.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic';

export interface CachedPair {
  readonly rChosen: number;
  readonly rRejected: number;
  readonly hNormChosen: number;
  readonly hNormRejected: number;
  /** [prompt, response] tokens truncated per side, when any were. */
  readonly truncated?: { readonly chosen: readonly [number, number]; readonly rejected: readonly [number, number] };
}

export interface CachedGroup {
  readonly rewards: readonly number[];
}

/** What scoring needs to know about the model besides the entries (so a fully cached file needs no model). */
export interface ModelFacts {
  readonly wpNorm: number;
  readonly trainNorms: readonly number[];
  readonly headTrained: boolean;
  readonly kind: 'reward-lens' | 'hf';
}

interface Header extends ModelFacts {
  readonly model: string;
}

/** Entries beyond this are not appended (the file stays a few tens of MB at most). */
const MAX_ENTRIES = 500_000;

export const contentKey = (parts: readonly unknown[]) => createHash('sha1').update(JSON.stringify(parts)).digest('base64url');

export class ScoreCache {
  private readonly entries = new Map<string, CachedPair | CachedGroup>();
  private pending: string[] = [];
  private header?: Header;
  readonly file: string;

  private constructor(
    dir: string,
    readonly modelKey: string,
  ) {
    this.file = path.join(dir, `${contentKey([modelKey])}.jsonl`);
  }

  /** Opens (or starts) the cache of one model version; never throws for a damaged file, which is started afresh. */
  static open(dir: string, modelKey: string): ScoreCache {
    const c = new ScoreCache(dir, modelKey);
    if (!fs.existsSync(c.file)) return c;
    const lines = fs.readFileSync(c.file, 'utf8').split('\n');
    try {
      const h = JSON.parse(lines[0]!) as Header;
      if (h.model !== modelKey) return c;
      c.header = h;
      for (const line of lines.slice(1)) {
        if (!line) continue;
        try {
          const [k, v] = JSON.parse(line) as [string, CachedPair | CachedGroup];
          c.entries.set(k, v);
        } catch {
          // A torn last line from a crash: that entry is simply recomputed.
        }
      }
    } catch {
      c.entries.clear();
    }
    return c;
  }

  get modelFacts(): ModelFacts | undefined {
    return this.header;
  }

  get size(): number {
    return this.entries.size;
  }

  get<T extends CachedPair | CachedGroup>(key: string): T | undefined {
    return this.entries.get(key) as T | undefined;
  }

  put(key: string, value: CachedPair | CachedGroup): void {
    if (this.entries.has(key) || this.entries.size >= MAX_ENTRIES) return;
    this.entries.set(key, value);
    this.pending.push(JSON.stringify([key, value]));
  }

  /** Writes new entries; the header (model facts) is rewritten atomically when it changes. */
  flush(facts: ModelFacts): void {
    const header: Header = { model: this.modelKey, ...facts };
    if (!this.header || JSON.stringify(this.header) !== JSON.stringify(header)) {
      const body = [...this.entries].map(([k, v]) => JSON.stringify([k, v]));
      writeFileAtomic(this.file, [JSON.stringify(header), ...body].join('\n') + '\n');
      this.header = header;
      this.pending = [];
      return;
    }
    if (this.pending.length) fs.appendFileSync(this.file, this.pending.join('\n') + '\n');
    this.pending = [];
  }
}
