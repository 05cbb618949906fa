// Runs every test file under test/ (unit, reference, webview, fault; e2e only with --e2e) with node's test runner.
// TypeScript tests load through tsx. The runner's closing summary ("# pass N / # fail N") is what CI reads.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const withE2e = process.argv.includes('--e2e') || process.env.REWARD_LENS_E2E === '1';
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const roots = ['test/unit', 'test/reference', 'test/webview', 'test/fault', ...(withE2e ? ['test/e2e'] : [])];

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? walk(p) : /\.test\.(ts|mts|mjs)$/.test(d.name) ? [p] : [];
  });
}
let files = roots.flatMap(walk).sort();
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));
if (!files.length) {
  console.error('no test files found');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
