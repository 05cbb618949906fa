// Reading the start of a data file, once for everyone: the dataset loader, the editor's file pickers (training,
// scenarios) and the Hugging Face cache listing. A `.gz` name holding gzip data is decompressed; what the head means
// is decided by src/core/data/head.ts (describeHead).
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { describeHead, HEAD_BYTES, type FileHead } from '../core/data/head';
import { FileError } from '../core/errors';

export interface Head {
  /** The first bytes, decompressed when `gzip`. A multi-byte character cut at the end only affects the last line. */
  readonly bytes: Uint8Array;
  /** The bytes as UTF-8 text (invalid bytes become U+FFFD, which is how Arrow's 0xFFFFFFFF marker shows). */
  readonly text: string;
  /** The file is named .gz and holds gzip data. Only a .gz name means compressed: gzip bytes under a .jsonl name are the binary file they look like. */
  readonly gzip: boolean;
}

/** The first `bytes` bytes of a file (decompressed for .gz); a directory or special file is refused before anything is read. */
export async function readHead(file: string, bytes = HEAD_BYTES): Promise<Head> {
  const st = await stat(file);
  if (!st.isFile())
    throw new FileError({ file }, st.isDirectory() ? 'is a directory, not a file' : 'is not a regular file (a device, socket or pipe)');
  const raw = await rawHead(file, bytes);
  const gzip = /\.gz$/i.test(file) && raw[0] === 0x1f && raw[1] === 0x8b;
  const head = gzip ? await gunzipHead(file, bytes) : raw;
  return { bytes: head, text: new TextDecoder().decode(head), gzip };
}

/** readHead + describeHead: what a file on disk is. `extraKeys` are the field mapping's keys (see describeHead). */
export async function describeFile(file: string, extraKeys: readonly string[] = []): Promise<FileHead> {
  return describeHead(file, (await readHead(file)).text, extraKeys);
}

async function rawHead(file: string, bytes: number): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const buf = new Uint8Array(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The first decompressed bytes of a .gz file. */
async function gunzipHead(file: string, bytes: number): Promise<Uint8Array> {
  const out = new Uint8Array(bytes);
  let n = 0;
  const raw = createReadStream(file);
  const s = raw.pipe(createGunzip());
  raw.on('error', (e) => s.destroy(e));
  try {
    for await (const c of s) {
      const chunk = c as Uint8Array;
      out.set(chunk.subarray(0, bytes - n), n);
      n += Math.min(chunk.length, bytes - n);
      if (n >= bytes) break;
    }
  } catch (e) {
    throw gunzipProblem(file, e) ?? e;
  } finally {
    s.destroy();
    raw.destroy();
  }
  return out.subarray(0, n);
}

/** A damaged .gz (zlib's Z_* errors) is the user's to fix: a FileError naming the file; undefined for other errors. */
export const gunzipProblem = (file: string, e: unknown) =>
  (e as { code?: string }).code?.startsWith('Z_')
    ? new FileError({ file }, `is not valid gzip data (${(e as Error).message}); is it truncated?`)
    : undefined;
