// CLI errors: one clear line and a non-zero exit, no stack trace for user mistakes.
export class UsageError extends Error {}

export function fail(message: string): never {
  throw new UsageError(message);
}

export function numberOpt(name: string, raw: string | undefined, fallback: number, check: (v: number) => boolean = Number.isFinite): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!check(v)) fail(`--${name} expects a valid number, got "${raw}"`);
  return v;
}
