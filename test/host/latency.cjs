// Latency suite, inside code-server's real extension host (the extensionTestsPath contract: export run()), started by
// test/e2e/latency.test.mjs, which also watches the rendered workbench. Measures what the extension controls:
// activation, first lenses on a 10,000-line file (cold and from the score cache), re-score after an edit, the panel's
// ready handshake, and the host thread's longest block (perf probe, src/host/perfProbe.ts) while training and while
// scoring a 100,000-line file. Every number is printed; the bounds asserted are generous (a shared 2-core machine),
// and the lens text is checked against the model's own scores, computed apart from the lens path (no cache, no window).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const EXT_ID = 'reward-lens.reward-lens';
const PROBE = 'rewardLens.test.eventLoopDelay';
const RESULT_FILE = process.env.REWARD_LENS_LATENCY_RESULT;
const timings = {};
const marks = [];
const { sleep, until, ws, trainConfig } = require('./common.cjs');
/** How long the host leaves the workbench alone after a timed action, while the driver watches what it renders. */
const RENDER_WATCH_MS = 2500;
/** A moment the e2e driver turns into a rendered latency: it looks for `expect` in the workbench after `t`. */
function mark(name, extra = {}) {
  const m = { name, t: Date.now(), ...extra };
  marks.push(m);
  console.log(`LATENCY_MARK ${JSON.stringify(m)}`);
  return m;
}
const lenses = async (uri) => (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri, 1000)) || [];
const hoverText = async (uri, line) =>
  ((await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(line, 5))) || [])
    .flatMap((h) => h.contents.map((c) => c.value || String(c)))
    .join('\n');

// Deterministic, distinct preference rows (no two pairs alike, so nothing comes from the score cache by accident).
const WORDS =
  'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega'.split(' ');
const words = (i, k) => Array.from({ length: k }, (_, j) => WORDS[(i * 7 + j * 13 + j * j + Math.floor(i / 24)) % WORDS.length]).join(' ');
const row = (i, tag) =>
  JSON.stringify({
    prompt: `${tag} question ${i}: ${words(i, 6)}?`,
    chosen: `Helpful answer ${i}: ${words(i + 1, 12)}.`,
    rejected: `No. ${words(i + 3, 4)}.`,
  });
const writeRows = (file, n, tag, pool = n) =>
  fs.writeFileSync(file, Array.from({ length: n }, (_, i) => row(i % pool, tag)).join('\n') + '\n');

/** The model's scores of some lines, computed apart from the lens path: the whole text, no score cache, no window. */
async function modelScores(svc, file, text, lines) {
  const model = svc.activeModel;
  const res = await svc.training.scoreRows({
    modelDir: model.modelDir,
    file,
    text,
    fromLine: Math.min(...lines),
    toLine: Math.max(...lines),
    engine: 'auto',
    maxTokens: 4096,
  });
  return new Map(res.rows.filter((r) => lines.includes(r.line)).map((r) => [r.line, r]));
}
/** The CodeLens title of a scored pair (src/core/scoring/annotations.ts), for two digits. */
const expectedTitle = (r) => {
  const m = r.rChosen - r.rRejected;
  return `${m > 0 ? '✓' : '✗'} r(chosen) ${r.rChosen.toFixed(2)} · r(rejected) ${r.rRejected.toFixed(2)} · margin ${m >= 0 ? '+' : ''}${m.toFixed(2)}`;
};
/** The title of the row lens on a 1-based line (the file's head lens, which runs a command, is not a row lens). */
const titleAt = (ls, line) =>
  ls
    .filter((l) => l.range.start.line === line - 1 && l.command && !/^rewardLens\./.test(l.command.command || ''))
    .map((l) => l.command.title)[0];

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
let api;

test('activation: opening a .jsonl activates the extension', async () => {
  const ext = vscode.extensions.getExtension(EXT_ID);
  const t0 = Date.now();
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(path.join(ws(), 'pairs.jsonl')));
  await until('activation', () => ext.isActive, 60000, 5);
  timings.openToActiveMs = Date.now() - t0;
  api = ext.exports;
  timings.activationMs = Math.round(api.activationMs * 10) / 10;
  assert.ok((await vscode.commands.getCommands(true)).includes(PROBE), 'the perf probe needs REWARD_LENS_PERF_PROBE=1');
  assert.ok(api.activationMs < 1000, `activation took ${api.activationMs} ms`);
});

test('training with the Diagnostics panel open: the host thread stays free', async () => {
  const svc = api.services;
  const data = path.join(ws(), 'train-200.jsonl');
  writeRows(data, 200, 'train');
  await vscode.commands.executeCommand('rewardLens.openDiagnostics');
  await until('panel ready', () => api.panels.status.ready, 60000);
  await vscode.commands.executeCommand(PROBE, 'start');
  const t0 = Date.now();
  const summary = await svc.training.train({
    runId: 'latency-run',
    runDir: path.join(svc.runsRoot, 'latency-run'),
    resume: false,
    evalFiles: [],
    trainFiles: [data],
    config: trainConfig(api, { objective: 'bsr', steps: 60, evalEvery: 20 }),
  });
  timings.trainMs = Date.now() - t0;
  timings.trainEventLoop = await vscode.commands.executeCommand(PROBE, 'stop', 'train');
  timings.panelPushesWhileTraining = api.panels.status.pushes;
  // Every push reads the run list from disk on this thread (DiagnosticsPanel.state): its cost bounds the push's.
  const tl = performance.now();
  api.panels.runList();
  timings.panelRunListSyncMs = Math.round(performance.now() - tl);
  assert.equal(summary.status, 'completed', summary.error);
  await svc.setActiveModel({ runId: 'latency-run', modelDir: summary.modelDir, label: 'latency run' });
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  assert.ok(timings.trainEventLoop.samples > 100, JSON.stringify(timings.trainEventLoop));
  assert.ok(
    timings.trainEventLoop.extensionMaxMs < 250,
    `the extension's longest task while training: ${JSON.stringify(timings.trainEventLoop)}`,
  );
});

/**
 * Polls, inside the host and without round trips, for the moment `line` of `doc`'s current version has its
 * annotation (what the providers then show); returns a getter of that time in ms after `t0`.
 */
function watchStore(getDoc, line, t0) {
  let at;
  const timer = setInterval(() => {
    const doc = getDoc();
    if (doc && api.scores.storeFor(doc)?.get(line)) {
      at = Date.now() - t0;
      clearInterval(timer);
    }
  }, 2);
  const result = () => {
    clearInterval(timer);
    return at;
  };
  result.peek = () => at;
  return result;
}

/**
 * Opens `file`, then polls the CodeLens provider until line 1 shows the model's score. Times are taken from the
 * open command (includes VS Code reading the file and sending it to the host) and from the document's arrival
 * in the extension host (onDidOpenTextDocument: what the extension controls).
 */
async function firstLenses(key, file) {
  const uri = vscode.Uri.file(file);
  const text = fs.readFileSync(file, 'utf8');
  const expected = await modelScores(api.services, file, text, [1, 2, 3]);
  let opened;
  const sub = vscode.workspace.onDidOpenTextDocument((d) => {
    if (d.uri.fsPath === uri.fsPath) opened = { doc: d, t: Date.now() };
  });
  await vscode.commands.executeCommand(PROBE, 'start');
  const m = mark(key, { expect: expectedTitle(expected.get(1)) });
  // A file closed a moment ago may still be open in the host (the workbench drops its model later): no arrival then.
  const already = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri.fsPath);
  const stored = watchStore(() => opened?.doc ?? already, 1, m.t);
  const doc = await vscode.workspace.openTextDocument(uri);
  sub.dispose();
  timings[`${key}OpenMs`] = Date.now() - m.t;
  await vscode.window.showTextDocument(doc);
  timings[`${key}ShownMs`] = Date.now() - m.t;
  // Polling the CodeLens provider here would itself trigger workbench requests and change what is measured: the
  // host waits for the store, then leaves the workbench alone while the driver watches it render.
  await until(`${key}: line 1 scored`, () => stored.peek() !== undefined, 60000, 5);
  await sleep(RENDER_WATCH_MS);
  timings[`${key}EventLoop`] = await vscode.commands.executeCommand(PROBE, 'stop', key);
  timings[`${key}StoreMs`] = stored();
  const inHost = opened ? opened.t - m.t : 0;
  timings[`${key}WasOpen`] = !!already && !opened;
  timings[`${key}DocArrivedMs`] = inHost;
  timings[`${key}StoreFromArrivalMs`] = timings[`${key}StoreMs`] - inHost;
  const tp = Date.now();
  const ls = await lenses(uri);
  timings[`${key}ProviderAnswerMs`] = Date.now() - tp;
  for (const line of [1, 2, 3])
    assert.equal(titleAt(ls, line), expectedTitle(expected.get(line)), `line ${line}: the lens must show the model's score`);
  return uri;
}

test('first lenses on a 10,000-line file: cold, reopened, then the same rows from the score cache', async () => {
  const cold = path.join(ws(), 'big-10k.jsonl');
  writeRows(cold, 10000, 'big');
  await firstLenses('firstLens10kCold', cold);
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  // The same file again (a user reopening a dataset): the workbench shows its last lenses at once, the extension's
  // store is rebuilt from the score cache.
  await firstLenses('firstLens10kReopen', cold);
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  const warm = path.join(ws(), 'big-10k-again.jsonl');
  fs.copyFileSync(cold, warm);
  await firstLenses('firstLens10kCached', warm);
  // Target: < 300 ms from the document's arrival to the model's scores of the visible lines (printed). Bounds here
  // are generous (a shared 2-core machine); the totals include VS Code reading the file and the workbench's round trips.
  for (const k of ['Cold', 'Reopen', 'Cached']) {
    const from = timings[`firstLens10k${k}StoreFromArrivalMs`];
    assert.ok(from !== undefined && from < (k === 'Cold' ? 3000 : 1500), `${k}: scores ready ${from} ms after the document arrived`);
    assert.ok(
      timings[`firstLens10k${k}ProviderAnswerMs`] < 5000,
      `${k}: the provider answered in ${timings[`firstLens10k${k}ProviderAnswerMs`]} ms`,
    );
  }
});

test("re-score after an edit: the edited row's hover and lens show its new score", async () => {
  const editor = vscode.window.activeTextEditor;
  assert.ok(editor?.document.fileName.endsWith('big-10k-again.jsonl'));
  const doc = editor.document;
  const line = 2;
  const before = JSON.parse(doc.lineAt(line - 1).text);
  const edited = JSON.stringify({ ...before, rejected: 'Edited: a longer rejected answer with different words entirely.' });
  const lines = doc.getText().split('\n');
  lines[line - 1] = edited;
  const expected = (await modelScores(api.services, doc.fileName, lines.join('\n'), [line])).get(line);
  const hoverRow = `| reward r | ${expected.rChosen.toFixed(3)} | ${expected.rRejected.toFixed(3)} |`;
  // The driver follows the lens that shows the row's title now (titles of other rows may read the same).
  const oldTitle = titleAt(await lenses(doc.uri), line);
  await sleep(RENDER_WATCH_MS); // the workbench settles after that request before the timed edit
  const m = mark('edit', { expect: expectedTitle(expected), before: oldTitle });
  await editor.edit((e) => e.replace(doc.lineAt(line - 1).range, edited));
  const stored = watchStore(() => doc, line, m.t); // the version is the edited one now
  // The hover is polled (hovers do not touch CodeLens requests); the lens is checked once, after the driver watched
  // the workbench render it (see RENDER_WATCH_MS).
  let hoverMs;
  await until(
    'the edited row re-scored (hover)',
    async () => {
      if ((await hoverText(doc.uri, line - 1)).includes(hoverRow)) hoverMs = Date.now() - m.t;
      return hoverMs !== undefined;
    },
    30000,
    10,
  );
  timings.editToHoverMs = hoverMs;
  await sleep(RENDER_WATCH_MS);
  timings.editToStoreMs = stored();
  assert.ok(timings.editToStoreMs !== undefined && timings.editToStoreMs < 5000, `edited row re-scored after ${timings.editToStoreMs} ms`);
  assert.equal(titleAt(await lenses(doc.uri), line), expectedTitle(expected), "the edited row's lens shows its new score");
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
});

/** Opens, shows and scrolls a 100,000-line file in probed windows (open, then the rest); returns the editor. */
async function open100k(file, key) {
  await vscode.commands.executeCommand(PROBE, 'start');
  const t0 = Date.now();
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  timings[`${key}OpenMs`] = Date.now() - t0;
  timings[`${key}OpenEventLoop`] = await vscode.commands.executeCommand(PROBE, 'stop', `${key}Open`);
  await vscode.commands.executeCommand(PROBE, 'start');
  return { editor: await vscode.window.showTextDocument(doc), t0 };
}

test('baseline: the same 100,000-line file work with the extension idle (no active model)', async () => {
  // What VS Code itself costs on this thread (the document's lines, the merge-conflict scan, garbage collection):
  // the next test does the same with the extension scoring, and the difference is the extension's.
  const model = api.services.activeModel;
  await api.services.setActiveModel(undefined);
  try {
    const file = path.join(ws(), 'big-100k-idle.jsonl');
    writeRows(file, 100000, 'idle', 2000);
    const { editor } = await open100k(file, 'idle100k');
    for (const at of [50000, 99990, 1]) {
      editor.revealRange(new vscode.Range(at - 1, 0, at - 1, 0), vscode.TextEditorRevealType.AtTop);
      await sleep(700);
    }
    await sleep(1500);
    timings.idle100kEventLoop = await vscode.commands.executeCommand(PROBE, 'stop', 'idle100k');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  } finally {
    await api.services.setActiveModel(model);
  }
});

test('scoring a 100,000-line file (open, scroll, Score Current File): the host thread stays free', async () => {
  const file = path.join(ws(), 'big-100k.jsonl');
  writeRows(file, 100000, 'huge', 2000);
  const uri = vscode.Uri.file(file);
  // Two windows: VS Code itself reading the 100,000-line document into the host (not the extension's work, printed
  // apart), then the extension's part: first lenses, scrolling, Score Current File.
  const { editor, t0 } = await open100k(file, 'score100k');
  await until('first lenses on 100k lines', async () => (titleAt(await lenses(uri), 1) || '').includes('r(chosen)'), 60000, 50);
  timings.firstLens100kMs = Date.now() - t0;
  for (const at of [50000, 99990, 1]) {
    editor.revealRange(new vscode.Range(at - 1, 0, at - 1, 0), vscode.TextEditorRevealType.AtTop);
    await until(`lenses at line ${at}`, async () => (titleAt(await lenses(uri), at) || '').includes('r('), 60000, 50);
  }
  const t1 = Date.now();
  await vscode.commands.executeCommand('rewardLens.scoreFile', uri);
  timings.scoreAll100kMs = Date.now() - t1;
  timings.score100kEventLoop = await vscode.commands.executeCommand(PROBE, 'stop', 'score100k');
  // Target ≤ 50 ms (printed); the bound is generous, as the probe also sees VS Code's and the test's own work.
  assert.ok(timings.score100kEventLoop.maxMs < 1000, `longest host task while scoring 100k lines: ${timings.score100kEventLoop.maxMs} ms`);
  // The extension's own longest task (taskMeter.ts): target ≤ 50 ms, bound generous for a shared 2-core machine.
  const own = timings.score100kEventLoop;
  assert.ok(
    own.extensionMaxMs < 250,
    `the extension's longest task while scoring 100k lines: ${own.extensionMaxMs} ms (${own.extensionMaxTask})`,
  );
  const store = api.scores.storeFor(editor.document);
  assert.ok(
    store?.done.length === 1 && store.done[0].from === 1 && store.done[0].to === editor.document.lineCount,
    JSON.stringify(store?.done),
  );
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
});

test('Diagnostics panel: command → ready handshake (the driver times the charts)', async () => {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await sleep(500);
  const m = mark('panel');
  await vscode.commands.executeCommand('rewardLens.openDiagnostics', 'latency-run');
  await until('panel ready', () => api.panels.status.ready, 60000, 5);
  timings.panelReadyMs = Date.now() - m.t;
  await sleep(4000); // the driver waits for the charts meanwhile
});

exports.run = async function run() {
  const results = [];
  let failures = 0;
  const only = process.env.REWARD_LENS_HOST_ONLY ? new RegExp(process.env.REWARD_LENS_HOST_ONLY) : undefined;
  for (const t of tests.filter((x, i) => i <= 1 || !only || only.test(x.name))) {
    const t0 = Date.now();
    try {
      await t.fn();
      results.push({ name: t.name, ok: true, ms: Date.now() - t0 });
    } catch (e) {
      failures++;
      results.push({ name: t.name, ok: false, ms: Date.now() - t0, error: String(e?.stack || e) });
    }
  }
  console.log('LATENCY_HOST_MS ' + JSON.stringify(timings));
  if (RESULT_FILE) fs.writeFileSync(RESULT_FILE, JSON.stringify({ results, timings, marks }, null, 2));
  if (failures) throw new Error(`${failures} of ${tests.length} latency tests failed`);
};
