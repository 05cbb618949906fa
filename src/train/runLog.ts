// The run's log: every line goes to the caller's hook (terminal, output channel) and, once the run directory is
// claimed, to <run>/log.txt. Lines logged before that (backend, data, resume checks) wait and are written then, so a
// run that is refused before it starts leaves nothing behind.
import fs from 'node:fs';
import { oneLine } from '../core/text';

const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

export class RunLog {
  private file?: string;
  private pending: string[] = [];
  /** Set when log.txt could not be written (a full disk): the summary still records the outcome. */
  failed?: string;

  constructor(private readonly onLine?: (message: string) => void) {}

  /** Logs a line to the hook and to log.txt. */
  readonly line = (message: string): void => {
    this.onLine?.(message);
    this.toFile(message);
  };

  /** Logs only to log.txt (a bug's stack: the terminal gets the one-line reason). */
  toFile(message: string): void {
    const text = `${new Date().toISOString()} ${message
      .split('\n')
      .map((l) => oneLine(l, 100_000))
      .join('\n  ')}\n`;
    if (this.file) this.append(text);
    else this.pending.push(text);
  }

  /** From now on lines go to `file`; the ones logged so far are written first. */
  attach(file: string): void {
    this.file = file;
    const pending = this.pending.join('');
    this.pending = [];
    if (pending) this.append(pending);
  }

  private append(text: string): void {
    try {
      // Never through a symbolic link: log.txt is ours, not a file elsewhere.
      const fd = fs.openSync(this.file!, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | NOFOLLOW, 0o644);
      try {
        fs.writeSync(fd, text);
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      this.failed = (e as Error).message;
    }
  }
}
