// The fault and hostile-input suite's tally. Each test file of test/fault runs in its own process (node --test), so
// every file appends its counts to one file named after the test runner's pid; zz-totals.test.ts adds them up and
// prints the one line the closing note quotes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Tally {
  readonly part: string;
  /** Scenarios checked (a kill+resume, a fault, a damaged file, a hostile file through a command). */
  readonly cases: number;
  /** Faults actually injected (SIGKILLs, ENOSPC/EACCES raised by the fs layer, bytes flipped or cut). */
  readonly faults: number;
  /** Hostile payload strings placed in fields, names and files. */
  readonly payloads: number;
  /** Files checked afterwards (artifacts verified, reports scanned, workspace files hashed). */
  readonly files: number;
}

export const tallyFile = () => path.join(os.tmpdir(), `reward-lens-fault-suite-${process.ppid}.jsonl`);

export function record(t: Tally): void {
  fs.appendFileSync(tallyFile(), JSON.stringify(t) + '\n');
}

export function readTallies(): Tally[] {
  if (!fs.existsSync(tallyFile())) return [];
  return fs
    .readFileSync(tallyFile(), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Tally);
}
