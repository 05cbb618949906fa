// Errors the user can fix (a bad flag, a file that cannot be used, a run directory that belongs to another run)
// are UserErrors: the CLI prints their message on one line and exits 2, the extension shows it in a notification.
// Everything else is a bug and keeps its stack. The class is the contract: nothing matches on message text.
// Each UserError carries a short stable `code` (what crosses the worker protocol, src/protocol/errors.ts, and what
// callers and tests may branch on); the message is for people.
import { oneLine } from './text';

export interface UserErrorOptions {
  /** Machine-readable kind: 'user' by default, the errno code ('ENOENT') for an OS error, a subclass's own. */
  readonly code?: string;
  readonly cause?: unknown;
}

export class UserError extends Error {
  override readonly name: string = 'UserError';
  readonly code: string;

  constructor(message: string, options: UserErrorOptions = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = options.code ?? 'user';
  }
}

/** Where in a file the problem is. `line` is 1-based (parquet: row index + 1). */
export interface FilePlace {
  readonly file: string;
  readonly line?: number;
  readonly field?: string;
}

/**
 * A file that cannot be used as it is. The message names the file, then the line and field when known:
 * `data.jsonl:12: field "score": number out of range`. Control characters in any part are made visible.
 */
export class FileError extends UserError {
  override readonly name: string = 'FileError';
  readonly place: FilePlace;

  constructor(place: FilePlace, detail: string) {
    const where = `${place.file}${place.line !== undefined ? `:${place.line}` : ''}`;
    super(oneLine(`${where}: ${place.field !== undefined ? `field "${place.field}": ` : ''}${detail}`), { code: 'file' });
    this.place = place;
  }
}
