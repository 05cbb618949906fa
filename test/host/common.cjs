// What the extension-host suites (index.cjs, latency.cjs) share: waiting, the workspace folder, and the training
// config they start runs with (every field a TrainConfig needs; each test overrides what it is about).
const vscode = require('vscode');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every `everyMs` until it returns something truthy, which it returns; throws after `timeoutMs`. */
async function until(what, fn, timeoutMs = 30000, everyMs = 20) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

const ws = () => vscode.workspace.workspaceFolders[0].uri.fsPath;

/** A tiny BT run's config, one epoch, logging every step; `over` sets what a test is about. */
const trainConfig = (over = {}) => ({
  objective: 'bt',
  lambda: 1e-3,
  margin: 1,
  centerCoef: 0.01,
  normEps: 1e-8,
  preset: 'tiny',
  batchSize: 16,
  epochs: 1,
  steps: 0,
  lr: 1e-3,
  warmupFrac: 0.05,
  beta1: 0.9,
  beta2: 0.999,
  adamEps: 1e-8,
  gradClip: 1,
  seed: 1,
  logEvery: 1,
  evalEvery: 0,
  checkpointEvery: 0,
  holdoutFrac: 0.1,
  backend: 'auto',
  ...over,
});

module.exports = { sleep, until, ws, trainConfig };
