// Size and sha256 of an input file, streamed (a 1 GB dataset is never held in memory), for the run fingerprint.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FileDigest } from '../core/runFingerprint';
import { userIoError } from './ioError';

export async function digestFile(file: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      const b = chunk as Buffer;
      hash.update(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
      bytes += b.byteLength;
    }
  } catch (e) {
    throw userIoError(e, file) ?? e;
  }
  return { path: file, bytes, sha256: hash.digest('hex') };
}
