// The real worker (src/train/worker.ts) in a worker thread, spoken to over the real protocol: the backend scoring runs
// on is the one each score request names (rewardLens.scoring.backend), whatever backend a training run used before
// or is using at the same time. Before, a training run reset the worker's "backend ready" flag and scoring silently
// ran on the run's backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Endpoint, type Wire } from '../../../src/protocol/rpc';
import { ScoreDocument, TrainProgress, TrainRun, type TrainRunParams } from '../../../src/protocol/trainer';
import { ScoringBackendChanged, type ScoringBackendInfo } from '../../../src/protocol/backendState';
import { RpcError } from '../../../src/protocol/errors';
import { rowsOf } from '../../../src/protocol/scoredRows';
import { UserError } from '../../../src/core/errors';
import { tempDir, testConfig, writeSeparable } from './fixtures';

const SCRIPT = path.join(__dirname, '..', '..', '..', 'src', 'train', 'worker.ts');
// Workers do not inherit tsx's loader hooks: register tsx's CommonJS hook inside the thread, then load the worker.
const BOOT = `require('tsx/cjs'); require(${JSON.stringify(SCRIPT)});`;

function startWorker() {
  const w = new Worker(BOOT, { eval: true });
  const endpoint = new Endpoint((m) => w.postMessage(m));
  w.on('message', (m: Wire) => endpoint.handle(m));
  const announced: ScoringBackendInfo[] = [];
  endpoint.onNotification(ScoringBackendChanged, (p) => announced.push(p));
  return {
    endpoint,
    announced,
    stop: async () => {
      endpoint.dispose();
      await w.terminate();
    },
  };
}

const trainParams = (dir: string, runId: string, data: string, backend: 'cpu' | 'wasm', steps: number): TrainRunParams => ({
  runId,
  runDir: path.join(dir, runId),
  config: testConfig({ objective: 'bt', backend, steps }),
  trainFiles: [data],
  evalFiles: [],
  resume: false,
});

test('scoring runs on the configured backend before, after and during training on another backend', { timeout: 600_000 }, async () => {
  const dir = tempDir();
  const data = writeSeparable(dir, 48);
  const text = fs.readFileSync(data, 'utf8');
  const { endpoint, announced, stop } = startWorker();
  try {
    const first = await endpoint.sendRequest(TrainRun, trainParams(dir, 'on-cpu', data, 'cpu', 4));
    assert.equal(first.status, 'completed', first.error);
    assert.equal(first.backend, 'cpu');
    const score = () => endpoint.sendRequest(ScoreDocument, { modelDir: first.modelDir!, file: data, text, backend: 'wasm' });
    const after = await score();
    assert.equal(after.backend, 'wasm', "a score request asking for wasm ran on the training run's backend");
    assert.equal(after.rows.count, 48);
    assert.deepEqual(announced, [{ requested: 'wasm', backend: 'wasm', why: announced[0]?.why }]);

    // A second run on cpu, with a score request sent while it trains: the request waits for a step boundary, runs on
    // wasm, and the run carries on on cpu.
    let midRun: Promise<Awaited<ReturnType<typeof score>>> | undefined;
    endpoint.onNotification(TrainProgress, (p) => {
      if (p.metrics.step === 2) midRun ??= score();
    });
    const second = await endpoint.sendRequest(TrainRun, trainParams(dir, 'on-cpu-again', data, 'cpu', 8));
    assert.equal(second.status, 'completed', second.error);
    assert.equal(second.backend, 'cpu');
    assert.ok(midRun, 'no progress notification at step 2');
    const during = await midRun;
    assert.equal(during.backend, 'wasm');
    assert.deepEqual(
      rowsOf(during.rows).map((r) => r.rChosen),
      rowsOf(after.rows).map((r) => r.rChosen),
      'the same model scores the same on the same backend',
    );
    const again = await score();
    assert.equal(again.backend, 'wasm');
    assert.equal(announced.length, 1, `the scoring backend never changed, so it is announced once: ${JSON.stringify(announced)}`);
  } finally {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('errors from the worker arrive as typed errors: a missing file is a UserError naming it, with its errno code', {
  timeout: 300_000,
}, async () => {
  const dir = tempDir();
  const { endpoint, stop } = startWorker();
  try {
    const missing = path.join(dir, 'nope.jsonl');
    const err = await endpoint.sendRequest(TrainRun, trainParams(dir, 'missing', missing, 'cpu', 2)).then(
      (s) => assert.fail(`expected a rejection, got ${JSON.stringify(s)}`),
      (e: unknown) => e,
    );
    // Whatever layer reports the missing file, it is the user's to fix: shown as one line, no stack needed.
    assert.ok(err instanceof UserError, `expected a UserError, got ${(err as Error)?.stack}`);
    assert.match(err.message, /nope\.jsonl/);
    assert.equal(err.code, 'ENOENT');
    assert.ok(!(err instanceof RpcError));
  } finally {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
