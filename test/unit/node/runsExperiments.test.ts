// Runs made by scenario experiments (<experiments>/<id>/runs/<objective>-s<seed>) are listed next to plain runs,
// with ids unique across experiments, so the panel can put an experiment's BT and BSR runs side by side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULTS } from '../../../src/core/config';
import { experimentOfRun, readRunInfo, readRunSnapshot } from '../../../src/node/runs';
import { RunCatalog } from '../../../src/node/runCatalog';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rl-exp-runs-'));

function fakeRun(dir: string, objective: string, seed: number, status = 'completed') {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({ config: { ...DEFAULTS, objective, seed }, trainFiles: ['/x/splits/train.jsonl'], evalFiles: [] }),
  );
  if (status !== 'running')
    fs.writeFileSync(
      path.join(dir, 'summary.json'),
      JSON.stringify({ runId: path.basename(dir), runDir: dir, status, steps: 4, totalSteps: 4, backend: 'cpu', elapsedMs: 1 }),
    );
}

function fakeExperiment(root: string, id: string, runs: [string, number][]) {
  const dir = path.join(root, id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'experiment.json'), '{}');
  for (const [o, s] of runs) fakeRun(path.join(dir, 'runs', `${o}-s${s}`), o, s);
}

test('experiment runs get "<experiment>/<run>" ids and labels naming objective, seed and experiment', () => {
  const exps = tmp();
  fakeExperiment(exps, '2026-11-28T05-00-00-scenarios', [
    ['bt', 1],
    ['bsr', 1],
  ]);
  const dir = path.join(exps, '2026-11-28T05-00-00-scenarios', 'runs', 'bsr-s1');
  assert.deepEqual(experimentOfRun(dir), { experimentId: '2026-11-28T05-00-00-scenarios', name: 'bsr-s1' });
  const info = readRunInfo(dir)!;
  assert.equal(info.runId, '2026-11-28T05-00-00-scenarios/bsr-s1');
  assert.equal(info.label, 'BSR λ=0.001 · seed 1 · tiny · experiment 2026-11-28T05-00-00-scenarios');
  // The panel matches the snapshot to the list entry by id: both must agree.
  assert.equal(readRunSnapshot(dir)!.runId, info.runId);
});

test('a "runs" folder without experiment.json above it is a plain runs root', () => {
  const root = tmp();
  const dir = path.join(root, 'runs', 'r1');
  fakeRun(dir, 'bt', 1);
  assert.equal(experimentOfRun(dir), undefined);
  assert.equal(readRunInfo(dir)!.runId, 'r1');
});

test('the run list: plain runs and every experiment’s runs, newest first, an experiment’s runs kept together', async () => {
  const list = async (runsRoot?: string, experimentsRoot?: string) =>
    (await new RunCatalog().list({ runsRoot, experimentsRoot }, new Set())).map((r) => r.info.runId);
  const runs = tmp();
  const exps = tmp();
  fakeRun(path.join(runs, '2026-11-28T04-00-00-bt-s1'), 'bt', 1);
  fakeRun(path.join(runs, '2026-11-28T06-00-00-bsr-s1'), 'bsr', 1);
  fakeExperiment(exps, '2026-11-28T05-00-00-scenarios', [
    ['bt', 1],
    ['bsr', 1],
    ['bt', 2],
    ['bsr', 2],
  ]);
  fakeExperiment(exps, '2026-11-28T03-00-00-scenarios', [
    ['bt', 1],
    ['bsr', 1],
  ]);
  fs.mkdirSync(path.join(exps, 'empty-experiment'));
  assert.equal((await list(undefined, exps)).length, 6);
  assert.deepEqual(await list(runs, exps), [
    '2026-11-28T06-00-00-bsr-s1',
    '2026-11-28T05-00-00-scenarios/bsr-s1',
    '2026-11-28T05-00-00-scenarios/bsr-s2',
    '2026-11-28T05-00-00-scenarios/bt-s1',
    '2026-11-28T05-00-00-scenarios/bt-s2',
    '2026-11-28T04-00-00-bt-s1',
    '2026-11-28T03-00-00-scenarios/bsr-s1',
    '2026-11-28T03-00-00-scenarios/bt-s1',
  ]);
  assert.deepEqual(await list(), []);
  assert.equal((await list(runs, path.join(exps, 'missing'))).length, 2);
});
