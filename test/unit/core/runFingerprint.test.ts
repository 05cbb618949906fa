// The run fingerprint (issue 10 item 2): what defines a trajectory, compared entry by entry, with a message per entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULTS } from '../../../src/core/config';
import { fingerprintDiff, trainingFingerprint, type FileDigest } from '../../../src/core/runFingerprint';

const file = (path: string, sha = 'a'.repeat(64), bytes = 100): FileDigest => ({ path, bytes, sha256: sha });
const base = { config: { ...DEFAULTS, objective: 'bsr' as const }, totalSteps: 100, trainFiles: [file('data/a.jsonl')], evalFiles: [] };

test('same data under another path and other schedules: no difference', () => {
  const a = trainingFingerprint(base);
  const b = trainingFingerprint({
    ...base,
    config: { ...base.config, logEvery: 1, evalEvery: 7, checkpointEvery: 3, checkpointMinutes: 1, backend: 'cpu' },
    trainFiles: [file('moved/a.jsonl')],
  });
  assert.deepEqual(fingerprintDiff(a, b), []);
});

test('each changed entry is named: content, count of files, hyper-parameters, total steps, mapping', () => {
  const a = trainingFingerprint(base);
  const b = trainingFingerprint({
    ...base,
    config: { ...base.config, lr: 3e-3, lambda: 0.1, gradClip: 0 },
    totalSteps: 50,
    trainFiles: [file('data/a.jsonl', 'b'.repeat(64), 120)],
    evalFiles: [file('e.jsonl')],
    mapping: { prompt: 'q' },
  });
  assert.deepEqual(fingerprintDiff(a, b), [
    'lambda: was 0.001, now 0.1',
    'lr: was 0.001, now 0.003',
    'gradClip: was 1, now 0',
    'totalSteps: was 100, now 50',
    `trainFiles[0] data/a.jsonl: content differs from data/a.jsonl (100 → 120 bytes, sha256 ${'a'.repeat(12)}… → ${'b'.repeat(12)}…)`,
    'evalFiles: was 0 (none), now 1 (e.jsonl)',
    'fieldMapping: was null, now {"prompt":"q"}',
  ]);
  // Coefficients of other objectives do not define a BT run.
  const bt = trainingFingerprint({ ...base, config: { ...base.config, objective: 'bt' } });
  assert.deepEqual(
    fingerprintDiff(bt, trainingFingerprint({ ...base, config: { ...base.config, objective: 'bt', lambda: 5, margin: 3 } })),
    [],
  );
});

test('a new input (a pretrained backbone) is one more entry: an older run without it reads as "(none)"', () => {
  const backbone = { path: 'models/qwen', configSha256: 'c'.repeat(64), shards: ['d'.repeat(64)] };
  const older = trainingFingerprint(base);
  const newer = trainingFingerprint({ ...base, extra: { backbone } });
  assert.deepEqual(fingerprintDiff(older, newer), [`backbone: was (none), now ${JSON.stringify(backbone)}`]);
  assert.deepEqual(fingerprintDiff(newer, trainingFingerprint({ ...base, extra: { backbone } })), []);
});
