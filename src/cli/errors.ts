// CLI errors: one clear line and a non-zero exit, no stack trace for user mistakes.
import { UserError } from '../core/errors';
import { oneLine } from '../core/text';
import { userIoError } from '../node/ioError';

/** A bad command line: unknown command, missing or malformed flag. */
export class UsageError extends UserError {
  override readonly name = 'UsageError';
}

export function fail(message: string): never {
  throw new UsageError(message);
}

export function numberOpt(name: string, raw: string | undefined, fallback: number, check: (v: number) => boolean = Number.isFinite): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!check(v)) fail(`--${name} expects a valid number, got "${raw}"`);
  return v;
}

/**
 * What the CLI prints for an error that reached main, and its exit code: a UserError (bad flag, bad file, run
 * directory refused), an OS error (ENOENT, EISDIR, ENOSPC…) or node's argument parser (ERR_PARSE_ARGS_*) is one
 * line with exit code 2; anything else is a bug and keeps its stack (exit code 1).
 */
export function describeCliError(err: unknown): { readonly text: string; readonly exitCode: number } {
  const user = err instanceof UserError ? err : userIoError(err);
  if (user) return { text: oneLine(user.message), exitCode: 2 };
  const e = err as Error & { code?: string };
  if (typeof e?.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS')) return { text: oneLine(e.message.split('\n')[0] ?? ''), exitCode: 2 };
  return { text: e?.stack ?? String(err), exitCode: 1 };
}
