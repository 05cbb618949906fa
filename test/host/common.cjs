// What the extension-host suites (index.cjs, latency.cjs) share: waiting, the workspace folder, and the training
// config they start runs with (the extension's defaults; each test overrides what it is about).
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

/** The extension's default run config (api.trainDefaults), logging every step with a 10% holdout; `over` sets what a test is about. */
const trainConfig = (api, over = {}) => ({ ...api.trainDefaults, logEvery: 1, holdoutFrac: 0.1, ...over });

module.exports = { sleep, until, ws, trainConfig };
