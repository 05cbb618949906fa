// Atomic artifact writes: a reader (the panel, a resumed run, a crashed process) never sees half a file, and a
// damaged file is detected and named, never misread.
//   - whole files: a sibling temp file renamed over the target (the temp file is removed when the write fails);
//   - JSON lines: one write() per line, rolled back to the previous size when it fails (a full disk leaves no torn
//     line), never through a symbolic link, each line carrying `_sha` (the sha256 of the rest of the line);
//   - sealed JSON (checkpoint state, run config): a `checksum` field over the rest, checked on read.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { userIoError } from './ioError';
import { FileError } from '../core/errors';

let counter = 0;
const tmpName = (target: string) => `${target}.tmp-${process.pid}-${Date.now()}-${counter++}`;
/** Matches the temp names above, so a crashed writer's leftovers can be recognised and removed. */
export const TMP_PATTERN = /\.tmp-\d+-\d+-\d+(-old)?$/;

/** Writes a file by writing a sibling temp file and renaming it over the target (atomic on POSIX). */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tmpName(file);
  try {
    fs.writeFileSync(tmp, data, { flag: 'wx' });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    // write() errors carry no path: name the file (a full disk is the user's to fix, not a bug).
    throw userIoError(e, file) ?? e;
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/**
 * A JSON line ending in its checksum: `{…,"_sha":"<16 hex>"}`, where the hash is over the exact text of the line
 * without that field. Any changed byte (a digit, `1e-8` → `1E-8`, a key) makes it mismatch.
 */
function checkedLine(value: object): string {
  const json = JSON.stringify(value);
  return `${json.slice(0, -1)}${json.length > 2 ? ',' : ''}"_sha":"${sha256(json).slice(0, 16)}"}\n`;
}

const LINE_SEAL = /,?"_sha":"([0-9a-f]{16})"\}$/;

/**
 * Appends one JSON line with its checksum. The line is written with a single write() call; when the write fails
 * (ENOSPC, EIO) the file is cut back to its previous size, so no partial line is left behind. A symbolic link in
 * place of the file is refused (ELOOP): an artifact is never appended to a file elsewhere.
 */
export function appendJsonLine(file: string, value: object): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const line = checkedLine(value);
  const existed = fs.existsSync(file);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | NOFOLLOW, 0o644);
  } catch (e) {
    throw userIoError(e, file) ?? e;
  }
  const before = fs.fstatSync(fd).size;
  try {
    fs.writeSync(fd, line);
  } catch (e) {
    try {
      fs.ftruncateSync(fd, before);
    } catch {
      /* the original error is the one to report */
    }
    throw userIoError(e, file) ?? e;
  } finally {
    fs.closeSync(fd);
    if (!existed && fs.statSync(file).size === 0) fs.rmSync(file, { force: true });
  }
}

/** One line: its value when its checksum matches (or it has none: `sealed` false), else throws with the reason. */
function parseCheckedLine<T>(text: string, sealed: boolean): T {
  const m = LINE_SEAL.exec(text);
  if (!m) {
    if (sealed) throw new Error('no checksum, unlike the other lines: the line was changed after it was written');
    const value = JSON.parse(text) as unknown; // written before lines carried checksums
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as T;
  }
  const json = `${text.slice(0, m.index)}}`;
  if (sha256(json).slice(0, 16) !== m[1]) throw new Error('checksum mismatch: the line was changed after it was written');
  return JSON.parse(json) as T;
}

/**
 * Reads a JSON-lines artifact. A damaged line (torn by a crash, or altered: checksum mismatch) is dropped and
 * reported through `onBadLine` with its 1-based line number; it is never returned. Once any line carries a checksum,
 * every line must.
 */
export function readJsonLines<T>(file: string, onBadLine?: (line: number, err: string) => void): T[] {
  return fs.existsSync(file) ? parseJsonLines<T>(fs.readFileSync(file, 'utf8'), onBadLine) : [];
}

/** The text of a JSON-lines artifact, checked as readJsonLines does (for readers that read the file themselves). */
export function parseJsonLines<T>(text: string, onBadLine?: (line: number, err: string) => void): T[] {
  const out: T[] = [];
  const lines = text.split('\n');
  const sealed = lines.some((l) => LINE_SEAL.test(l));
  lines.forEach((text, i) => {
    if (!text.trim()) return;
    try {
      out.push(parseCheckedLine<T>(text, sealed));
    } catch (e) {
      onBadLine?.(i + 1, (e as Error).message);
    }
  });
  return out;
}

/** Reads a JSON artifact; a file that does not parse is a FileError naming it (damaged or truncated), not a stack. */
export function readJsonFile<T>(file: string): T {
  return parseJsonFile<T>(fs.readFileSync(file, 'utf8'), file);
}

/** The text of a JSON artifact read by the caller; one that does not parse is a FileError naming `file`. */
export function parseJsonFile<T>(text: string, file: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new FileError({ file }, `not valid JSON (${(e as Error).message}); the file is damaged or truncated`);
  }
}

/** Rewrites a JSON-lines artifact atomically with these values (e.g. the lines up to a checkpoint), with checksums. */
export function rewriteJsonLines<T extends object>(file: string, values: readonly T[]): void {
  writeFileAtomic(file, values.map(checkedLine).join(''));
}

const SEAL = /,\n {2}"checksum": "([0-9a-f]{64})"\n\}\n$/;

/**
 * Writes a JSON object (pretty-printed) whose last field, `checksum`, is the sha256 of the exact text before it, so
 * any changed byte is detected; atomically.
 */
export function writeSealedJson(file: string, value: object): void {
  const body = JSON.stringify(value, null, 2);
  writeFileAtomic(file, `${body.slice(0, -2)},\n  "checksum": "${sha256(body)}"\n}\n`);
}

/** Whether a sealed file's text matches its checksum: 'ok', 'missing' (no checksum field where it belongs) or 'mismatch'. */
export function sealStatus(text: string): 'ok' | 'missing' | 'mismatch' {
  const m = SEAL.exec(text);
  if (!m) return 'missing';
  return sha256(`${text.slice(0, m.index)}\n}`) === m[1] ? 'ok' : 'mismatch';
}

/**
 * Reads a sealed JSON file. Throws with the file and what is wrong: not JSON, no checksum (unless `allowUnsealed`,
 * for files written before sealing), or a checksum that does not match (the file was damaged or edited).
 */
export function readSealedJson<T>(file: string, opts: { readonly allowUnsealed?: boolean } = {}): T {
  const text = fs.readFileSync(file, 'utf8');
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message}); the file is damaged or truncated`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${file}: expected a JSON object`);
  const status = sealStatus(text);
  if (status === 'missing' && opts.allowUnsealed && !('checksum' in value)) return value as T;
  if (status !== 'ok') throw new Error(`${file}: checksum ${status}: the file was damaged or edited after it was written`);
  const { checksum: _checksum, ...rest } = value;
  return rest as T;
}

/**
 * Replaces a directory atomically: fill `build(tmpDir)`, then rename over `dir`. Used for the final model, so a
 * half-written model is never picked up.
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

/** Removes temp files and directories a crashed writer left in `dir` (not recursive). */
export function removeStaleTemps(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const stale = names.filter((n) => TMP_PATTERN.test(n));
  for (const n of stale) fs.rmSync(path.join(dir, n), { recursive: true, force: true });
  return stale;
}
