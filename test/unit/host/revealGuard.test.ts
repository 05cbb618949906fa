// The webview's RevealRow requests are checked against the state the host sent, and the runs-directory setting cannot
// point the extension's writes out of the workspace (issue 10 item 8).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkReveal, revealTargets } from '../../../src/host/revealGuard';
import { readSettings, runsDirectoryProblem, DEFAULT_RUNS_DIRECTORY } from '../../../src/host/settings';
import { resolveInside } from '../../../src/node/safePath';
import type { PanelState } from '../../../src/protocol/panel';

const run = (trainFiles: string[], setFiles: string[]) =>
  ({
    runId: 'r',
    label: 'r',
    status: 'completed',
    config: {},
    backend: 'cpu',
    step: 1,
    totalSteps: 1,
    metrics: [],
    trainFiles,
    evals: [{ step: 1, sets: setFiles.map((file, i) => ({ name: `s${i}`, file })), crossSetMedianShift: 0, erankGap: {} }],
  }) as unknown as PanelState['primary'];

test('RevealRow: only files of the runs shown, at a positive integer line', () => {
  const state: PanelState = {
    runs: [],
    primary: run(['data/train.jsonl'], ['data/train.jsonl', 'data/held.jsonl']),
    secondary: run(['b.jsonl'], ['other/eval.csv']),
  };
  const allowed = revealTargets(state);
  assert.deepEqual([...allowed].sort(), ['b.jsonl', 'data/held.jsonl', 'data/train.jsonl', 'other/eval.csv']);
  assert.deepEqual(checkReveal({ file: 'data/held.jsonl', line: 17 }, allowed), { file: 'data/held.jsonl', line: 17 });
  for (const [msg, re] of [
    [{ file: '/etc/passwd', line: 1 }, /is not a file of the runs the panel shows/],
    [{ file: '../../.ssh/id_rsa', line: 1 }, /is not a file/],
    [{ file: 'data/held.jsonl', line: 0 }, /not a line number/],
    [{ file: 'data/held.jsonl', line: 1.5 }, /not a line number/],
    [{ file: 'data/held.jsonl', line: '3' }, /malformed/],
    [{ file: ['data/held.jsonl'], line: 3 }, /malformed/],
    [null, /malformed/],
  ] as [unknown, RegExp][]) {
    const r = checkReveal(msg, allowed);
    assert.ok('refused' in r, JSON.stringify(msg));
    assert.match((r as { refused: string }).refused, re);
  }
  assert.equal(revealTargets(undefined).size, 0, 'nothing is revealed before a state was sent');
});

test('runsDirectory: relative paths inside the workspace only; anything else falls back to the default', () => {
  for (const ok of ['.reward-lens/runs', 'runs', 'out/rl runs']) assert.equal(runsDirectoryProblem(ok), undefined, ok);
  for (const bad of ['/etc', '~/runs', 'C:\\Users\\x', '../victim', 'runs/../../x', '', 'a\u0007b', 42])
    assert.ok(runsDirectoryProblem(bad), String(bad));
  const get = (v: unknown) =>
    readSettings({ get: <T>(k: string, d: T) => (k === 'training.runsDirectory' ? (v as T) : d) }).training.runsDirectory;
  assert.equal(get('../victim'), DEFAULT_RUNS_DIRECTORY);
  assert.equal(get('/tmp/elsewhere'), DEFAULT_RUNS_DIRECTORY);
  assert.equal(get('my-runs'), 'my-runs');
  // A symbolic link planted in the workspace (a cloned repo's .reward-lens -> /somewhere) is caught where the folder resolves.
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-ws-'));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-outside-'));
  fs.symlinkSync(outside, path.join(ws, '.reward-lens'));
  assert.throws(
    () => resolveInside(ws, '.reward-lens/runs', 'rewardLens.training.runsDirectory'),
    /resolves to .*rl-outside-.*, which is not inside/,
  );
  assert.equal(resolveInside(ws, 'runs', 'x'), path.join(ws, 'runs'));
});
