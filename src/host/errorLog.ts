// How the extension reports a failure: the user sees one line, the output channel gets what a maintainer needs.
// Pure (no runtime vscode import) so it is tested in plain Node.
import { UserError } from '../core/errors';
import type { Log } from './log';

/**
 * Logs a failure and returns the one line the user is shown. A user's mistake (a UserError, thrown here or rebuilt
 * from the worker by src/protocol/errors.ts) is one warning line; a bug is logged with its stack, which for an error
 * from the worker starts at the worker's frame.
 */
export function logError(log: Pick<Log, 'warn' | 'error'>, what: string, e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof UserError) log.warn(`${what}: ${message}`);
  else log.error(`${what}: ${e instanceof Error ? (e.stack ?? message) : message}`);
  return message;
}
