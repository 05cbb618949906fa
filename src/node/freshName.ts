// Run and experiment ids are timestamps to the second: two started within one second (a quick rerun, a test suite)
// would get the same directory, and a second run would then be refused as "made with different settings" or move the
// first aside. The id gets a -2, -3, … suffix until no entry of that name exists in the parent directory.
import fs from 'node:fs';
import path from 'node:path';

/** `id`, or `id-2`, `id-3`, … : the first name that does not exist under `parent`. */
export function freshName(parent: string, id: string, exists: (p: string) => boolean = fs.existsSync): string {
  let name = id;
  for (let k = 2; exists(path.join(parent, name)); k++) name = `${id}-${k}`;
  return name;
}
