// CLI errors: one clear line and a non-zero exit, no stack trace for user mistakes.
import { UserError } from '../core/errors';
import { oneLine } from '../core/text';
import { userIoError } from '../node/ioError';

/** A bad command line: unknown command, missing or malformed flag. */
export class UsageError extends UserError {
  override readonly name = 'UsageError';
  override readonly code: string = 'usage';
}

export function fail(message: string): never {
  throw new UsageError(message);
}

export function numberOpt(
  name: string,
  raw: string | undefined,
  fallback: number,
  check: (v: number) => boolean = Number.isFinite,
): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!check(v)) fail(`--${name} expects a valid number, got "${raw}"`);
  return v;
}

/**
 * The CLI's exit codes. 1 is a result (the run diverged, the self-test drifted, some experiment runs failed), never a
 * crash; a bug has a code of its own so scripts and CI can tell "your data or flags" (2) from "report this" (70,
 * EX_SOFTWARE in sysexits.h).
 */
export const EXIT = { ok: 0, failed: 1, userError: 2, bug: 70, interrupted: 130 } as const;

/**
 * What the CLI prints for an error that reached main, and its exit code, decided by type: a UserError (bad flag, bad
 * file, run directory refused, also one rebuilt from a worker), an OS error (ENOENT, EISDIR, ENOSPC… by errno code)
 * or node's argument parser (ERR_PARSE_ARGS_* code) is one line with exit code 2; anything else is a bug and prints
 * its stack with exit code 70, whatever its message says.
 */
export function describeCliError(err: unknown): { readonly text: string; readonly exitCode: number } {
  const user = err instanceof UserError ? err : userIoError(err);
  if (user) return { text: oneLine(user.message), exitCode: EXIT.userError };
  const e = err as Error & { code?: string };
  if (typeof e?.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS'))
    return { text: oneLine(e.message.split('\n')[0] ?? ''), exitCode: EXIT.userError };
  return {
    text: `internal error (a bug in reward-lens; please report it with this stack):\n${e?.stack ?? String(err)}`,
    exitCode: EXIT.bug,
  };
}
