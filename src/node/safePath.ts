// Output paths are resolved (symbolic links included) and checked before anything is written: a run or experiment
// writes only inside its own directory, and never where one of its input files lives. A path from a file (runDir in
// experiment.json) or from a setting can name anything; so can a symbolic link planted in a cloned repository.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors';

/** The real path of `p`: symbolic links resolved on its deepest existing ancestor, the rest appended (p may not exist yet). */
export function realPathOf(p: string): string {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

/** True when `child` is `parent` or lies under it (both compared as real paths). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(realPathOf(parent), realPathOf(child));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * `target` (absolute, or relative to `root`) resolved; throws a UserError naming `what` when it is not strictly inside
 * `root` (a `..`, an absolute path elsewhere, or a symbolic link out).
 */
export function resolveInside(root: string, target: string, what: string): string {
  const abs = path.resolve(root, target);
  const rel = path.relative(realPathOf(root), realPathOf(abs));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new UserError(
      `${what} "${target}" resolves to ${realPathOf(abs)}, which is not inside ${realPathOf(root)}; refusing to write there`,
    );
  }
  return abs;
}

/**
 * Refuses an output directory that holds (or is) one of the inputs: writing a run there could replace or move the
 * user's data (`train DIR/metrics.jsonl --out DIR`).
 */
export function assertSparesInputs(outDir: string, inputs: readonly string[], what: string): void {
  for (const input of inputs) {
    if (isInside(outDir, input)) {
      throw new UserError(
        `input file ${input} is inside the ${what} ${outDir}, which Reward Lens writes to; put the data elsewhere or choose another output directory`,
      );
    }
  }
}
