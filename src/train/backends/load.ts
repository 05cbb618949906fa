// How backend packages are found and loaded: lazily, from node_modules, never bundled.
// Works the same under the esbuild CJS bundles (worker, CLI, bench) and under tsx in tests.
import { createRequire } from 'node:module';
import path from 'node:path';

/** require() rooted at this file (CJS bundle) or the working directory (fallback). */
function requireHere(): NodeJS.Require {
  if (typeof require === 'function') return require;
  return createRequire(path.join(process.cwd(), 'noop.js'));
}

/** The package's directory, or null when it is not installed. */
export function packageDir(name: string): string | null {
  try {
    return path.dirname(requireHere().resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

export function packageVersion(name: string): string | null {
  const dir = packageDir(name);
  if (!dir) return null;
  try {
    return (requireHere()(path.join(dir, 'package.json')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/** A real dynamic import (esbuild would turn `import()` of an external into require(), which fails for ESM-only packages). */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const nativeImport = new Function('s', 'return import(s)') as (s: string) => Promise<unknown>;

/** Loads a package lazily: CommonJS through require, ESM-only packages through a native import(). */
export async function loadPackage<T>(name: string): Promise<T> {
  try {
    return requireHere()(name) as T;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw e;
    return (await nativeImport(name)) as T;
  }
}

/** Loads a native addon file directly (dawn.node): no ESM wrapper, so it works in every loader. */
export function loadAddon<T>(file: string): T {
  return requireHere()(file) as T;
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0] ?? e.message;
  return String(e);
}
