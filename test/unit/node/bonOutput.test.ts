// Where bon.json may be written (bonTarget) and how it is read back: strictly for the report, leniently for the panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bonTarget, readBonReport, writeBonRun } from '../../../src/node/bonOutput';
import { readRunSnapshot } from '../../../src/node/runs';
import type { BonReport } from '../../../src/core/bon/types';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bonout-'));
const REPORT: BonReport = {
  format: 'reward-lens-bon',
  version: 1,
  createdAt: '2026-12-01T00:00:00.000Z',
  model: { label: 'm', dir: 'm', kind: 'hf', engine: 'onnxruntime', headTrained: true },
  gold: { fields: ['score'], higherIsBetter: true },
  lengthUnit: 'characters',
  method: { kind: 'exact' },
  seed: 1,
  bootstrap: 10,
  ns: [1],
  sets: [],
};

test('bonTarget: a new or empty directory becomes an evaluation; a training run takes bon.json only for its own model (the resolved model/ folder)', () => {
  const dir = tmp();
  const model = path.join(dir, 'hf-model');
  fs.mkdirSync(model);
  assert.deepEqual(bonTarget(path.join(dir, 'new'), model, []), { kind: 'new' });
  fs.mkdirSync(path.join(dir, 'empty'));
  assert.deepEqual(bonTarget(path.join(dir, 'empty'), model, []), { kind: 'new' });
  // A training run directory (config.json + model/): its own model may add bon.json, another may not.
  const runDir = path.join(dir, 'run');
  fs.mkdirSync(path.join(runDir, 'model'), { recursive: true });
  fs.writeFileSync(path.join(runDir, 'config.json'), JSON.stringify({ objective: 'bt' }));
  assert.deepEqual(bonTarget(runDir, path.join(runDir, 'model'), []), { kind: 'run' });
  assert.throws(() => bonTarget(runDir, model, []), /belongs to the model .*run\/model, not .*hf-model/);
  fs.writeFileSync(path.join(dir, 'file.txt'), 'x');
  assert.throws(() => bonTarget(path.join(dir, 'file.txt'), model, []), /is a file; --out takes a directory/);
  const broken = path.join(dir, 'broken');
  fs.mkdirSync(broken);
  fs.writeFileSync(path.join(broken, 'config.json'), '{"kind": "evalu');
  assert.throws(() => bonTarget(broken, model, []), /broken\/config\.json: not valid JSON/);
});

test('writeBonRun + readBonReport round trip; a damaged bon.json is a FileError for the report and absent in the panel', () => {
  const dir = path.join(tmp(), 'eval');
  writeBonRun(dir, { kind: 'new' }, { modelDir: 'models/m', files: ['data.jsonl'], report: REPORT, elapsedMs: 3 });
  assert.deepEqual(readBonReport(dir), REPORT);
  const snap = readRunSnapshot(dir)!;
  assert.deepEqual(snap.bon, REPORT);
  assert.equal(snap.status, 'completed');
  fs.writeFileSync(path.join(dir, 'bon.json'), '{"format": "reward-lens-bon", "sets": [');
  assert.throws(() => readBonReport(dir), /eval\/bon\.json: not valid JSON/);
  fs.writeFileSync(path.join(dir, 'bon.json'), JSON.stringify({ format: 'something-else' }));
  assert.throws(() => readBonReport(dir), /bon\.json: field "format": not a Reward Lens best-of-N report/);
  const damaged = readRunSnapshot(dir)!;
  assert.equal(damaged.bon, undefined, 'the panel still opens the run');
});
