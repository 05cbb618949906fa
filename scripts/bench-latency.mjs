// Latency benchmark: runs the code-server latency suite (test/e2e/latency.test.mjs) several times and prints the
// median, min and max of every number it measured (activation, first lenses, re-score after an edit, panel first
// paint, the extension host's longest task). Usage: npm run bench:latency [-- --reps 5]. Needs the e2e tools
// (scripts/e2e-setup.sh) and a built dist/. Each repetition is a fresh code-server, so caches start cold.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const RESULT = path.join(REPO, 'test-artifacts', 'latency.json');
const argReps = process.argv.indexOf('--reps');
const reps = argReps > 0 ? Number(process.argv[argReps + 1]) : 3;
if (!Number.isInteger(reps) || reps < 1) {
  console.error(`bench-latency: --reps must be a positive integer, got ${process.argv[argReps + 1]}`);
  process.exit(2);
}

/** { host: { a: 1, loop: { maxMs: 2 } } } → { 'host.a': 1, 'host.loop.maxMs': 2 } (numbers only). */
function flatten(o, prefix = '', out = {}) {
  for (const [k, v] of Object.entries(o ?? {})) {
    if (typeof v === 'number' && Number.isFinite(v)) out[prefix + k] = v;
    else if (v && typeof v === 'object') flatten(v, `${prefix}${k}.`, out);
  }
  return out;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const runs = [];
for (let i = 1; i <= reps; i++) {
  fs.rmSync(RESULT, { force: true });
  const r = spawnSync(process.execPath, ['--test', 'test/e2e/latency.test.mjs'], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  const ok = r.status === 0;
  if (!fs.existsSync(RESULT)) {
    console.error(`bench-latency: repetition ${i} wrote no ${RESULT} (exit ${r.status}):\n${r.stdout.slice(-3000)}`);
    process.exit(1);
  }
  runs.push(flatten(JSON.parse(fs.readFileSync(RESULT, 'utf8'))));
  console.log(`repetition ${i}/${reps}: ${ok ? 'passed' : `FAILED (exit ${r.status})`}`);
  if (!ok) console.log(r.stdout.slice(-3000));
}

const keys = [...new Set(runs.flatMap((x) => Object.keys(x)))];
const width = Math.max(...keys.map((k) => k.length));
console.log(`\n${'measure'.padEnd(width)}  median      min      max   (ms unless named otherwise; ${reps} repetitions)`);
const summary = {};
for (const k of keys) {
  const xs = runs.map((x) => x[k]).filter((v) => v !== undefined);
  summary[k] = { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
  const f = (v) => String(Math.round(v * 10) / 10).padStart(8);
  console.log(`${k.padEnd(width)} ${f(summary[k].median)} ${f(summary[k].min)} ${f(summary[k].max)}`);
}
fs.writeFileSync(path.join(REPO, 'test-artifacts', 'latency-bench.json'), JSON.stringify({ reps, summary, runs }, null, 2));
