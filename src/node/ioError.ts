// Operating-system errors (a missing file, a directory where a file was expected, a full disk) are the user's to
// fix, not bugs: they become one-line UserErrors that name the path and say what is wrong, by errno code.
import { UserError } from '../core/errors';
import { oneLine } from '../core/text';

const EXPLAIN: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EIO: 'input/output error',
  EEXIST: 'already exists',
  ENOTEMPTY: 'directory not empty',
  EBUSY: 'resource busy',
  EXDEV: 'cannot move across file systems',
  EFBIG: 'file too large',
};

const VERB: Readonly<Record<string, string>> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create directory',
  rename: 'rename',
  unlink: 'remove',
  rmdir: 'remove',
  scandir: 'list',
  stat: 'read',
  lstat: 'read',
  copyfile: 'copy',
  fsync: 'write',
  ftruncate: 'write',
};

export type ErrnoError = Error & { readonly code?: string; readonly syscall?: string; readonly path?: string; readonly dest?: string };

/**
 * The errno code of an operating-system error, when it is one we can explain to the user. A UserError is never one:
 * it may carry the errno code it was made from, but it already says what is wrong (and mapping it again would lose
 * the path it names).
 */
export function ioCode(e: unknown): string | undefined {
  if (e instanceof UserError) return undefined;
  const code = (e as ErrnoError | undefined)?.code;
  return typeof code === 'string' && code in EXPLAIN ? code : undefined;
}

/**
 * A UserError for an OS error: `cannot write runs/x/metrics.jsonl: no space left on the device (ENOSPC)`.
 * `what` names the file when the error itself does not (stream errors, or to say what the file is for).
 * Returns undefined for anything else (a bug keeps its stack).
 */
export function userIoError(e: unknown, what?: string): UserError | undefined {
  const code = ioCode(e);
  if (!code) return undefined;
  const err = e as ErrnoError;
  const verb = VERB[err.syscall ?? ''] ?? 'use';
  const target = what ?? err.path ?? '(unknown path)';
  const dest = err.dest && !what ? ` → ${err.dest}` : '';
  return new UserError(oneLine(`cannot ${verb} ${target}${dest}: ${EXPLAIN[code]} (${code})`), { code, cause: e });
}
