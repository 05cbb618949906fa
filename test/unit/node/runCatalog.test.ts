// The extension host's run-directory reader: each directory is read once, and again only when one of its files
// changed; curves are read only for the runs the panel shows. Reads are counted through the RunFs seam.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULTS } from '../../../src/core/config';
import { RunCatalog, nodeRunFs, type RunFs } from '../../../src/node/runCatalog';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rl-catalog-'));
const line = (step: number) =>
  JSON.stringify({
    step,
    epoch: 0,
    lr: 1e-3,
    loss: 1,
    bt: 1,
    reg: 0,
    batchMean: 0,
    accuracy: 0.5,
    wpNorm: 1,
    gradNorm: 1,
    elapsedMs: step,
    pairsPerSec: 1,
  }) + '\n';

function writeRun(dir: string, steps: number, summary = true): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ config: DEFAULTS, trainFiles: ['/d/a.jsonl'], evalFiles: [] }));
  fs.writeFileSync(path.join(dir, 'metrics.jsonl'), Array.from({ length: steps }, (_, i) => line(i + 1)).join(''));
  if (summary)
    fs.writeFileSync(
      path.join(dir, 'summary.json'),
      JSON.stringify({
        runId: path.basename(dir),
        runDir: dir,
        status: 'completed',
        steps,
        totalSteps: steps,
        backend: 'cpu',
        elapsedMs: 1,
      }),
    );
}

/** nodeRunFs, recording every file whose text is read. */
function countingFs(): RunFs & { reads: string[] } {
  const reads: string[] = [];
  const readText = (file: string) => {
    reads.push(file);
    return nodeRunFs.readText(file);
  };
  return { ...nodeRunFs, reads, readText };
}

test('a second scan with nothing changed reads no file; a changed run directory is the only one read again', async () => {
  const root = tmp();
  for (const id of ['2026-01-a', '2026-02-b', '2026-03-c']) writeRun(path.join(root, id), 3);
  const fsSeam = countingFs();
  const catalog = new RunCatalog(fsSeam);
  const first = await catalog.list({ runsRoot: root }, new Set());
  assert.deepEqual(
    first.map((r) => r.info.runId),
    ['2026-03-c', '2026-02-b', '2026-01-a'],
  );
  assert.equal(new Set(fsSeam.reads.map((f) => path.dirname(f))).size, 3, 'every run directory read once');
  assert.ok(!fsSeam.reads.some((f) => f.endsWith('metrics.jsonl')), 'a run with a summary needs no metrics for the list');

  fsSeam.reads.length = 0;
  await catalog.list({ runsRoot: root }, new Set());
  assert.deepEqual(fsSeam.reads, [], 'nothing changed: nothing read');

  fs.appendFileSync(path.join(root, '2026-02-b', 'summary.json'), '\n');
  fsSeam.reads.length = 0;
  const again = await catalog.list({ runsRoot: root }, new Set());
  assert.deepEqual([...new Set(fsSeam.reads.map((f) => path.basename(path.dirname(f))))], ['2026-02-b']);
  assert.equal(again.length, 3);
});

test('curves are read for the wanted runs only, and again only when their metrics grow', async () => {
  const root = tmp();
  writeRun(path.join(root, 'r1'), 2);
  writeRun(path.join(root, 'r2'), 2);
  const fsSeam = countingFs();
  const catalog = new RunCatalog(fsSeam);
  await catalog.list({ runsRoot: root }, new Set());
  fsSeam.reads.length = 0;
  const shown = await catalog.list({ runsRoot: root }, new Set(['r1']));
  assert.deepEqual(
    shown.find((r) => r.info.runId === 'r1')!.details!.metrics.map((m) => m.step),
    [1, 2],
  );
  assert.equal(shown.find((r) => r.info.runId === 'r2')!.details, undefined);
  assert.ok(
    fsSeam.reads.every((f) => path.basename(path.dirname(f)) === 'r1'),
    `only r1 read: ${fsSeam.reads.join(', ')}`,
  );

  fsSeam.reads.length = 0;
  await catalog.list({ runsRoot: root }, new Set(['r1']));
  assert.deepEqual(fsSeam.reads, [], 'curves kept while unchanged');

  fs.appendFileSync(path.join(root, 'r1', 'metrics.jsonl'), line(3));
  const grown = await catalog.list({ runsRoot: root }, new Set(['r1']));
  assert.deepEqual(
    grown.find((r) => r.info.runId === 'r1')!.details!.metrics.map((m) => m.step),
    [1, 2, 3],
    'an append is seen (it changes no directory mtime)',
  );
});

test('experiment runs get "<experiment>/<name>" ids; a run without a summary is interrupted at its last step; a removed one is gone', async () => {
  const runs = tmp();
  const exps = tmp();
  writeRun(path.join(runs, '2026-11-28T04-00-00-bt-s1'), 2);
  const exp = path.join(exps, '2026-11-28T05-00-00-scenarios');
  fs.mkdirSync(exp, { recursive: true });
  fs.writeFileSync(path.join(exp, 'experiment.json'), '{}');
  writeRun(path.join(exp, 'runs', 'bt-s1'), 2);
  writeRun(path.join(exp, 'runs', 'bsr-s1'), 5, false);
  const catalog = new RunCatalog();
  const all = await catalog.list({ runsRoot: runs, experimentsRoot: exps }, new Set());
  assert.deepEqual(
    all.map((r) => r.info.runId),
    ['2026-11-28T05-00-00-scenarios/bsr-s1', '2026-11-28T05-00-00-scenarios/bt-s1', '2026-11-28T04-00-00-bt-s1'],
  );
  const interrupted = all[0]!.info;
  assert.deepEqual([interrupted.status, interrupted.step, interrupted.experimentId], ['cancelled', 5, '2026-11-28T05-00-00-scenarios']);
  assert.match(interrupted.error!, /interrupted/);
  fs.rmSync(path.join(exp, 'runs', 'bsr-s1'), { recursive: true });
  assert.equal((await catalog.list({ runsRoot: runs, experimentsRoot: exps }, new Set())).length, 2);
});
