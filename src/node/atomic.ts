// Atomic artifact writes: a reader (the panel, a resumed run, a crashed process) never sees half a file.
import fs from 'node:fs';
import path from 'node:path';

let counter = 0;
const tmpName = (target: string) => `${target}.tmp-${process.pid}-${Date.now()}-${counter++}`;

/** Writes a file by writing a sibling temp file and renaming it over the target (atomic on POSIX). */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tmpName(file);
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Appends one JSON line. A line is written with a single write() call, so a crash leaves at most one
 * truncated last line; readers (readJsonLines) skip a truncated last line and say so.
 */
export function appendJsonLine(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, JSON.stringify(value) + '\n');
}

/** Reads a JSON-lines artifact. A truncated final line (crash mid-write) is dropped and reported through `onBadLine`. */
export function readJsonLines<T>(file: string, onBadLine?: (line: number, err: string) => void): T[] {
  if (!fs.existsSync(file)) return [];
  const out: T[] = [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((text, i) => {
    if (!text.trim()) return;
    try {
      out.push(JSON.parse(text) as T);
    } catch (e) {
      onBadLine?.(i + 1, (e as Error).message);
    }
  });
  return out;
}

/**
 * Replaces a directory atomically: fill `build(tmpDir)`, then rename over `dir`. Used for checkpoints and the
 * final model, so a half-written checkpoint is never picked up by resume.
 */
export async function writeDirAtomic(dir: string, build: (tmpDir: string) => Promise<void> | void): Promise<void> {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const tmp = tmpName(dir);
  fs.mkdirSync(tmp, { recursive: true });
  try {
    await build(tmp);
    const old = fs.existsSync(dir) ? tmpName(dir) + '-old' : undefined;
    if (old) fs.renameSync(dir, old);
    fs.renameSync(tmp, dir);
    if (old) fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
