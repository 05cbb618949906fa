// Prints the fault and hostile-input suite's totals in one line (runs last: files run in name order).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { readTallies, tallyFile } from './totals';

test('fault and hostile-input suite totals', (t) => {
  const parts = readTallies();
  if (parts.length === 0) return t.skip('no fault-suite file ran in this test run');
  const sum = (k: 'cases' | 'faults' | 'payloads' | 'files') => parts.reduce((n, p) => n + p[k], 0);
  const by = parts.map((p) => `${p.part} ${p.cases}`).join(', ');
  const line = `FAULT SUITE TOTALS: ${sum('cases')} cases, ${sum('faults')} faults injected, ${sum('payloads')} payloads, ${sum('files')} files checked (cases by part: ${by})`;
  t.diagnostic(line);
  fs.rmSync(tallyFile(), { force: true });
  assert.ok(sum('cases') > 0);
});
