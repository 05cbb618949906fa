// Extension-host integration tests (the @vscode/test-electron "extensionTestsPath" contract: export run()),
// hosted by code-server and started by test/e2e/exthost.test.mjs. Runs inside the real Node extension host with
// the real `vscode` API. A tiny runner instead of mocha: each test is named, timed and reported; any failure rejects.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const EXT_ID = 'reward-lens.reward-lens';
/** Contributed commands (the manifest test checks the table against package.json; this checks they are registered). */
const COMMAND_COUNT = 15;
const RESULT_FILE = process.env.REWARD_LENS_HOST_RESULT;
const timings = {};
const { until, ws, trainConfig } = require('./common.cjs');
const lensTitles = async (uri) =>
  ((await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri, 1000)) || []).map((l) => l.command?.title);

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
let api;

test('opening a .jsonl activates the extension (onLanguage:jsonl), quickly, without tfjs', async () => {
  const ext = vscode.extensions.getExtension(EXT_ID);
  assert.ok(ext, 'extension not found');
  const doc = await vscode.workspace.openTextDocument(path.join(ws(), 'pairs.jsonl'));
  await vscode.window.showTextDocument(doc);
  await until('activation', () => ext.isActive);
  api = ext.exports;
  timings.activationMs = api.activationMs;
  assert.ok(api.activationMs < 1000, `activation took ${api.activationMs} ms`);
  const loaded = Object.keys(require.cache).filter((k) => /@tensorflow|[\\/]src[\\/]train[\\/]/.test(k));
  assert.deepEqual(loaded, [], 'tfjs must not load in the extension host');
});

test('every contributed command is registered', async () => {
  const pkg = vscode.extensions.getExtension(EXT_ID).packageJSON;
  const all = await vscode.commands.getCommands(true);
  for (const c of pkg.contributes.commands) assert.ok(all.includes(c.command), c.command);
  assert.equal(pkg.contributes.commands.length, COMMAND_COUNT);
});

test('without an active model the CodeLens offers training; package.json gets none (content sniffing)', async () => {
  const uri = vscode.Uri.file(path.join(ws(), 'pairs.jsonl'));
  const titles = await until('lenses', async () => {
    const t = await lensTitles(uri);
    return t.length ? t : undefined;
  });
  assert.ok(
    titles.some((t) => t.includes('Train Reward Model')),
    JSON.stringify(titles),
  );
  const other = path.join(ws(), 'package.json');
  fs.writeFileSync(other, JSON.stringify({ name: 'x', version: '1.0.0' }));
  const doc = await vscode.workspace.openTextDocument(other);
  assert.equal(doc.languageId, 'json');
  assert.deepEqual(await lensTitles(doc.uri), []);
});

test('training in the worker: progress events, run directory, summary; the worker is reused for a second request', async () => {
  const svc = api.services;
  const runDir = path.join(svc.runsRoot, 'host-test-run');
  let progress = 0;
  const sub = svc.training.onProgress(() => progress++);
  const t0 = Date.now();
  const summary = await svc.training.train({
    runId: 'host-test-run',
    runDir,
    resume: false,
    evalFiles: [],
    trainFiles: [path.join(ws(), 'pairs.jsonl')],
    config: trainConfig(api),
  });
  sub.dispose();
  timings.trainTinyMs = Date.now() - t0;
  assert.equal(summary.status, 'completed', summary.error);
  assert.ok(progress >= 1, 'no progress events');
  assert.ok(fs.existsSync(path.join(runDir, 'metrics.jsonl')));
  assert.ok(summary.modelDir && fs.existsSync(summary.modelDir));
  await svc.setActiveModel({ runId: 'host-test-run', modelDir: summary.modelDir, label: 'host test' });
  const d = await svc.training.doctor(true);
  assert.ok(d.probes.length >= 2 && d.chosen, JSON.stringify(d));
});

test('scoring: lenses, hover and Problems for the fixture; first lenses of a 10k-line file are timed', async () => {
  const uri = vscode.Uri.file(path.join(ws(), 'pairs.jsonl'));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  const titles = await until('score lenses', async () => {
    const t = (await lensTitles(uri)).filter((x) => x.includes('r(chosen)'));
    return t.length >= 20 ? t : undefined;
  });
  assert.match(titles[0], /^[✓✗] r\(chosen\) -?\d+\.\d\d · r\(rejected\) -?\d+\.\d\d · margin [+-]\d+\.\d\d$/);
  const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(0, 5));
  const md = hovers.flatMap((h) => h.contents.map((c) => c.value || String(c))).join('\n');
  assert.match(md, /‖h‖ \(percentile in training\)/);
  assert.match(md, /Decomposition r = ‖W_p‖·‖h‖·cos ψ/);
  const problems = await until('problems', () => {
    const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'Reward Lens');
    return d.length ? d : undefined;
  });
  const invalid = problems.find((p) => p.code === 'missing-field');
  assert.ok(invalid, JSON.stringify(problems.map((p) => p.message)));
  assert.equal(invalid.range.start.line, 20); // line 21 of the file, 0-based
  // A 10,000-line file: lenses for the visible lines must not wait for the whole file.
  const big = path.join(ws(), 'big.jsonl');
  const lines = fs.readFileSync(uri.fsPath, 'utf8').trim().split('\n');
  fs.writeFileSync(big, Array.from({ length: 10000 }, (_, i) => lines[i % lines.length]).join('\n') + '\n');
  const t0 = Date.now();
  const bigDoc = await vscode.workspace.openTextDocument(big);
  await vscode.window.showTextDocument(bigDoc);
  await until(
    'first lenses on 10k lines',
    () => {
      const s = api.scores.storeFor(bigDoc);
      return s && s.all().length > 0;
    },
    60000,
  );
  timings.firstLens10kMs = Date.now() - t0;
  const s = api.scores.storeFor(bigDoc);
  // Past rewardLens.scoring.maxLines (5000) only the visible neighbourhood is scored, never the whole file.
  assert.equal(s.done[0].from, 1);
  assert.ok(s.done[0].to < 1000, JSON.stringify(s.done));
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
});

test('an edit re-scores (debounced) against the new document version', async () => {
  const uri = vscode.Uri.file(path.join(ws(), 'pairs.jsonl'));
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc);
  const v0 = doc.version;
  await editor.edit((e) => e.insert(new vscode.Position(0, 0), ' '));
  assert.equal(api.scores.storeFor(doc), undefined, 'stale scores must not be served for a new version');
  await until('re-score', () => {
    const s = api.scores.storeFor(doc);
    return s && s.version > v0 && s.all().length > 0;
  });
  await vscode.commands.executeCommand('workbench.action.files.revert');
});

test('Load External Scores…: hovers show the external scorer next to the active model; margins are kept for the panel', async () => {
  const uri = vscode.Uri.file(path.join(ws(), 'pairs.jsonl'));
  const lines = fs.readFileSync(uri.fsPath, 'utf8').split('\n');
  const idOf = (l, i) => {
    try {
      const r = JSON.parse(l);
      return r.id !== undefined ? String(r.id) : `pairs.jsonl:${i + 1}`;
    } catch {
      return undefined;
    }
  };
  const ext = path.join(ws(), 'external-scores.jsonl');
  fs.writeFileSync(
    ext,
    lines
      .map((l, i) => idOf(l, i))
      .filter(Boolean)
      .map((id, k) => JSON.stringify({ id, score: k % 2 ? -1 : 1 }))
      .join('\n') + '\n',
  );
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  await vscode.commands.executeCommand('rewardLens.loadExternalScores', ext);
  assert.equal(api.services.external.layout, 'one score per line with an id');
  const md = await until(
    'external hover',
    async () => {
      const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(0, 5));
      const text = hovers.flatMap((h) => h.contents.map((c) => c.value || String(c))).join('\n');
      return /External scorer external.*scores.*jsonl: margin \+1\.000 · [✓✗] (agrees|disagrees) with the active model/.test(text)
        ? text
        : undefined;
    },
    60000,
  );
  assert.match(md, /reward r/);
  const margins = await until('model margins', () => api.services.modelMargins.get(uri.toString()));
  assert.ok(margins.size >= 20, String(margins.size));
  await vscode.commands.executeCommand('rewardLens.loadExternalScores', 'clear');
  assert.equal(api.services.external, undefined);
});

test('Configure Fields for This File…: offered as a quick fix on an unrecognised file; the saved mapping makes it scored', async () => {
  const file = path.join(ws(), 'odd-fields.jsonl');
  fs.writeFileSync(
    file,
    [
      '{"q":{"text":"Pick a fruit"},"left":"Mango","right":"Gravel","verdict":"L"}',
      '{"q":{"text":"Pick a sport"},"left":"Sleeping","right":"Tennis","verdict":"R"}',
    ].join('\n') + '\n',
  );
  const uri = vscode.Uri.file(file);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  const hint = await until('not-recognised hint', () =>
    vscode.languages.getDiagnostics(uri).find((d) => d.code === 'rewardLens.notRecognised'),
  );
  assert.match(hint.message, /no preference fields recognised \(keys: q, left, right, verdict\)/);
  const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, hint.range);
  assert.ok(
    actions.some((a) => a.title === 'Reward Lens: Configure Fields for This File…'),
    JSON.stringify(actions.map((a) => a.title)),
  );
  await vscode.commands.executeCommand('rewardLens.configureFields', {
    uri,
    mapping: { prompt: 'q.text', a: 'left', b: 'right', label: 'verdict', aWins: ['L'], bWins: ['R'] },
  });
  const titles = await until(
    'lenses after mapping',
    async () => {
      const t = (await lensTitles(uri)).filter((x) => x.includes('r(chosen)'));
      return t.length === 2 ? t : undefined;
    },
    60000,
  );
  assert.equal(titles.length, 2);
  assert.equal(vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'rewardLens.notRecognised').length, 0);
  await vscode.workspace.getConfiguration('rewardLens').update('data.fieldMappings', undefined, vscode.ConfigurationTarget.Workspace);
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
});

test('Open from Hugging Face Cache…: a cached hub split opens in place as a scored document', async () => {
  const hub = path.join(ws(), '..', 'hf-hub-host-test');
  const snap = path.join(hub, 'datasets--acme--host-prefs', 'snapshots', 'r1', 'data');
  fs.mkdirSync(snap, { recursive: true });
  fs.copyFileSync(path.join(ws(), 'pairs.jsonl'), path.join(snap, 'train-00000-of-00001.jsonl'));
  process.env.HF_HUB_CACHE = hub;
  try {
    await vscode.commands.executeCommand('rewardLens.openFromHfCache', 'acme/host-prefs:train');
    const ed = await until(
      'the cached split in the editor',
      () => vscode.window.activeTextEditor?.document.fileName.endsWith('train-00000-of-00001.jsonl') && vscode.window.activeTextEditor,
    );
    assert.equal(ed.document.fileName, path.join(snap, 'train-00000-of-00001.jsonl'));
    await until('lenses on the cached split', async () => (await lensTitles(ed.document.uri)).some((t) => t.includes('r(chosen)')), 60000);
  } finally {
    delete process.env.HF_HUB_CACHE;
  }
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
});

test('cancel stops a run early (SharedArrayBuffer flag); resume continues it from its checkpoint', async () => {
  const svc = api.services;
  const req = {
    runId: 'host-test-cancel',
    runDir: path.join(svc.runsRoot, 'host-test-cancel'),
    resume: false,
    evalFiles: [],
    trainFiles: [path.join(ws(), 'pairs.jsonl')],
    config: trainConfig(api, { objective: 'bsr', batchSize: 4, steps: 24, seed: 2, holdoutFrac: 0 }),
  };
  const p = svc.training.train(req);
  await until('first progress', () => svc.training.running.some((r) => r.step >= 1), 60000);
  assert.ok(svc.training.cancel('host-test-cancel'));
  const s = await p;
  assert.equal(s.status, 'cancelled');
  assert.ok(s.steps < 24, `ran ${s.steps} steps`);
  const resumed = await svc.training.train({ ...req, resume: true });
  assert.equal(resumed.status, 'completed', resumed.error);
  assert.equal(resumed.steps, 24);
  const steps = fs
    .readFileSync(path.join(req.runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).step);
  assert.equal(steps.filter((x) => x === 1).length, 1, 'resume must not restart from step 1');
  assert.equal(steps[steps.length - 1], 24);
});

test('the status bar shows the backend scoring runs on (rewardLens.scoring.backend); training on another backend leaves it', async () => {
  const svc = api.services;
  const item = api.statusBar.backend;
  const uri = vscode.Uri.file(path.join(ws(), 'pairs.jsonl'));
  const cfg = () => vscode.workspace.getConfiguration('rewardLens');
  await cfg().update('scoring.backend', 'cpu', vscode.ConfigurationTarget.Workspace);
  try {
    await until('setting read', () => svc.settings.scoring.backend === 'cpu');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    // The setting change re-scores the visible file on cpu; asking for lenses makes sure a request goes out.
    await until(
      'status bar: scoring on cpu',
      async () => {
        await lensTitles(uri);
        return item.text === '$(chip) cpu' && !item.accessibilityInformation.label.includes('not used yet');
      },
      60000,
    );
    assert.deepEqual([svc.training.scoringBackend.requested, svc.training.scoringBackend.backend], ['cpu', 'cpu']);
    const summary = await svc.training.train({
      runId: 'host-test-wasm',
      runDir: path.join(svc.runsRoot, 'host-test-wasm'),
      resume: false,
      evalFiles: [],
      trainFiles: [uri.fsPath],
      config: trainConfig(api, { batchSize: 8, steps: 3, holdoutFrac: 0, backend: 'wasm' }),
    });
    assert.equal(summary.status, 'completed', summary.error);
    assert.equal(summary.backend, 'wasm');
    const text = fs.readFileSync(uri.fsPath, 'utf8');
    const after = await svc.training.score({
      modelDir: svc.activeModel.modelDir,
      file: uri.fsPath,
      text,
      backend: svc.settings.scoring.backend,
    });
    assert.equal(after.backend, 'cpu', 'scoring after a wasm training run must stay on the configured cpu');
    assert.equal(item.text, '$(chip) cpu');
    assert.match(item.accessibilityInformation.label, /^Reward Lens scoring backend: cpu$/);
  } finally {
    await cfg().update('scoring.backend', undefined, vscode.ConfigurationTarget.Workspace);
  }
});

test('Show Compute Doctor opens a Markdown report naming the backend in use and every probe', async () => {
  await vscode.commands.executeCommand('rewardLens.showDoctor');
  const doc = await until(
    'doctor report',
    () =>
      vscode.workspace.textDocuments.find((d) => d.languageId === 'markdown' && d.getText().startsWith('# Reward Lens — Compute Doctor')),
    60000,
  );
  const text = doc.getText();
  assert.match(text, /Backend in use: \*\*(wasm|cpu|webgpu|tensorflow|tensorflow-gpu)\*\*/);
  for (const b of ['wasm', 'cpu']) assert.match(text, new RegExp(`\\| ${b} \\|`));
});

test('Diagnostics panel: opens, completes the ready handshake, receives state', async () => {
  const t0 = Date.now();
  await vscode.commands.executeCommand('rewardLens.openDiagnostics', 'host-test-run');
  await until('panel ready', () => api.panels.status.ready, 60000);
  timings.panelReadyMs = Date.now() - t0;
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
  assert.ok(tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Reward Lens Diagnostics'));
});

test('Build Over-optimization Scenarios: BT and BSR train in the worker, report.md opens, the runs are listed in the panel', async () => {
  const t0 = Date.now();
  const outcome = await vscode.commands.executeCommand('rewardLens.buildScenarios', {
    file: path.join(ws(), 'scenarios.jsonl'),
    promptGroupKey: 'dataset',
    heldOutPromptGroups: ['koala'],
    heldOutModels: ['m5', 'm6', 'm7'],
    objectives: ['bt', 'bsr'],
    seeds: [1],
    preset: 'tiny',
    epochs: 1,
    steps: 4,
    checkpoints: 1,
    backend: 'auto',
  });
  timings.scenariosTinyMs = Date.now() - t0;
  assert.ok(outcome?.result, JSON.stringify(outcome));
  const { experimentId, outDir, result } = outcome;
  assert.equal(result.status, 'completed', JSON.stringify(result.failed));
  assert.deepEqual([...result.completed].sort(), ['bsr-s1', 'bt-s1']);
  assert.equal(path.dirname(outDir), path.join(ws(), '.reward-lens', 'experiments'));
  assert.deepEqual(result.refused, []);
  const report = fs.readFileSync(path.join(outDir, 'report.md'), 'utf8');
  assert.equal(result.reportMarkdown, path.join(outDir, 'report.md'));
  for (const col of ['In-Domain (acc ↑)', 'Prompt-OOD (τ-b ↑)', 'Response-OOD (τ-b ↑)', 'Mutual-OOD (τ-b ↑)'])
    assert.ok(report.includes(col), `report lacks the ${col} column`);
  assert.ok(result.figures.length > 0 && result.figures.every((f) => fs.existsSync(f)), JSON.stringify(result.figures));
  for (const r of ['bt-s1', 'bsr-s1'])
    assert.equal(JSON.parse(fs.readFileSync(path.join(outDir, 'runs', r, 'summary.json'), 'utf8')).status, 'completed');
  // The report is shown in the Markdown preview.
  await until(
    'markdown preview of report.md',
    () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputWebview && /report\.md/.test(t.label)),
    30000,
  );
  // The runs are in the Diagnostics panel's run list, BSR shown next to BT.
  const ids = api.panels.runList().map((r) => r.runId);
  for (const r of ['bt-s1', 'bsr-s1']) assert.ok(ids.includes(`${experimentId}/${r}`), JSON.stringify(ids));
  assert.deepEqual(api.panels.shown, { primary: `${experimentId}/bsr-s1`, secondary: `${experimentId}/bt-s1` });
});

test('Cancel Training stops a running experiment at a step boundary; the run keeps a checkpoint to resume from', async () => {
  const training = api.services.training;
  const pending = vscode.commands.executeCommand('rewardLens.buildScenarios', {
    file: path.join(ws(), 'scenarios.jsonl'),
    heldOutPromptGroups: ['koala'],
    heldOutModels: ['m5', 'm6', 'm7'],
    objectives: ['bt', 'bsr'],
    seeds: [1],
    preset: 'tiny',
    epochs: 1,
    steps: 400,
    checkpoints: 1,
    backend: 'auto',
  });
  await until('experiment progress', () => training.runningExperiments.some((x) => x.step >= 1), 60000);
  await vscode.commands.executeCommand('rewardLens.cancelTraining');
  const outcome = await pending;
  assert.ok(outcome?.result, JSON.stringify(outcome));
  assert.equal(outcome.result.status, 'cancelled');
  assert.deepEqual(outcome.result.completed, []);
  const state = JSON.parse(fs.readFileSync(path.join(outcome.outDir, 'experiment.json'), 'utf8'));
  assert.equal(state.runs['bt-s1'].status, 'cancelled');
  assert.ok(state.runs['bt-s1'].steps < 400, `ran ${state.runs['bt-s1'].steps} steps`);
  assert.equal(state.runs['bsr-s1'].status, 'pending', 'later runs are not started after a cancel');
  assert.ok(fs.existsSync(path.join(outcome.outDir, 'runs', 'bt-s1', 'checkpoints', 'latest')));
  assert.equal(training.runningExperiments.length, 0);
});

test('Build Over-optimization Scenarios on a file without identities reports the runner refusal', async () => {
  const outcome = await vscode.commands.executeCommand('rewardLens.buildScenarios', {
    file: path.join(ws(), 'pairs.jsonl'),
    objectives: ['bt'],
    seeds: [1],
    preset: 'tiny',
    epochs: 1,
    steps: 2,
    checkpoints: 1,
    backend: 'auto',
  });
  assert.ok(outcome?.error, JSON.stringify(outcome));
  assert.match(outcome.error, /no multi-response prompts in .*pairs\.jsonl/);
});

test('a Hugging Face folder as the active model: lenses, hover with ‖h‖ (no untrained warning), the second request served from the disk score cache', async () => {
  const svc = api.services;
  const dir = path.join(ws(), 'models', 'qwen2-rm');
  await svc.setActiveModel({ runId: dir, modelDir: dir, label: 'qwen2-rm', kind: 'hf' });
  const uri = vscode.Uri.file(path.join(ws(), 'pairs.jsonl'));
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  const t0 = Date.now();
  const titles = await until(
    'HF score lenses',
    async () => {
      const t = (await lensTitles(uri)).filter((x) => x.includes('r(chosen)'));
      return t.length >= 20 ? t : undefined;
    },
    60000,
  );
  timings.hfFirstLensMs = Date.now() - t0;
  assert.match(titles[0], /^[✓✗] r\(chosen\) -?\d+\.\d\d · r\(rejected\) -?\d+\.\d\d · margin [+-]\d+\.\d\d$/);
  const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(0, 5));
  const md = hovers.flatMap((h) => h.contents.map((c) => c.value || String(c))).join('\n');
  assert.match(md, /\| ‖h‖ \| \d+\.\d{3} \| \d+\.\d{3} \|/);
  assert.doesNotMatch(md, /Untrained reward head/);
  const text = fs.readFileSync(uri.fsPath, 'utf8');
  const params = { modelDir: dir, file: uri.fsPath, text, cacheDir: svc.scoreCacheDir, engine: 'auto', maxTokens: 4096 };
  const first = await svc.training.scoreRows(params);
  const again = await svc.training.scoreRows(params);
  assert.equal(first.model.kind, 'hf');
  assert.equal(again.cached, again.rows.length + again.groups.length, 'every pair from the cache');
  assert.deepEqual(
    again.rows.map((r) => r.rChosen),
    first.rows.map((r) => r.rChosen),
  );
  assert.ok(
    fs.readdirSync(svc.scoreCacheDir).some((f) => f.endsWith('.jsonl')),
    'the cache is on disk',
  );
});

test('Evaluate Model on Files… writes an evaluation run the panel lists beside training runs', async () => {
  const outDir = await vscode.commands.executeCommand('rewardLens.evaluateModel', [path.join(ws(), 'pairs.jsonl')]);
  assert.ok(outDir && fs.existsSync(path.join(outDir, 'evals.jsonl')), String(outDir));
  assert.equal(JSON.parse(fs.readFileSync(path.join(outDir, 'config.json'), 'utf8')).kind, 'evaluation');
  await until('panel ready', () => api.panels.status.ready, 60000);
  const listed = api.panels.runList().find((r) => r.runId === path.basename(outDir));
  assert.ok(listed, JSON.stringify(api.panels.runList()));
  assert.match(listed.label, /^Evaluation · qwen2-rm · pairs\.jsonl/);
});

test('training from the workspace Hugging Face folder (LoRA + BSR) in the worker: its model is a Hugging Face folder with an adapter', async () => {
  const svc = api.services;
  const runDir = path.join(svc.runsRoot, 'host-test-lora');
  const t0 = Date.now();
  const summary = await svc.training.train({
    runId: 'host-test-lora',
    runDir,
    resume: false,
    evalFiles: [],
    trainFiles: [path.join(ws(), 'pairs.jsonl')],
    backbone: {
      dir: path.join(ws(), 'models', 'qwen2-rm'),
      tune: 'lora',
      loraRank: 4,
      loraAlpha: 8,
      loraDropout: 0,
      topK: 2,
      resetHead: false,
      maxTokens: 256,
    },
    config: trainConfig(api, {
      objective: 'bsr',
      batchSize: 8,
      gradAccum: 1,
      steps: 6,
      evalEvery: 3,
      checkpointMinutes: 5,
      holdoutFrac: 0.2,
    }),
  });
  timings.trainLoraFixtureMs = Date.now() - t0;
  assert.equal(summary.status, 'completed', summary.error);
  for (const f of ['config.json', 'model.safetensors', 'adapter/adapter_config.json'])
    assert.ok(fs.existsSync(path.join(summary.modelDir, f)), f);
  const evals = fs
    .readFileSync(path.join(runDir, 'evals.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    evals.map((e) => e.step),
    [0, 3, 6],
  );
  assert.ok(
    evals.every((e) => e.sets.some((x) => x.name === 'held-out' && x.hNorm.median > 0)),
    'Figure 3 data: ‖h‖ per eval set at every checkpoint',
  );
});

exports.run = async function run() {
  const results = [];
  let failures = 0;
  // REWARD_LENS_HOST_ONLY=<regex> runs only the matching tests (plus the first, which activates the extension).
  const only = process.env.REWARD_LENS_HOST_ONLY ? new RegExp(process.env.REWARD_LENS_HOST_ONLY) : undefined;
  for (const t of tests.filter((x, i) => i === 0 || !only || only.test(x.name))) {
    const t0 = Date.now();
    try {
      await t.fn();
      results.push({ name: t.name, ok: true, ms: Date.now() - t0 });
      console.log(`✔ ${t.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failures++;
      results.push({ name: t.name, ok: false, ms: Date.now() - t0, error: String(e?.stack || e) });
      console.log(`✘ ${t.name}: ${e?.stack || e}`);
    }
  }
  console.log('HOST_TIMINGS_MS ' + JSON.stringify(timings));
  if (RESULT_FILE) fs.writeFileSync(RESULT_FILE, JSON.stringify({ results, timings }, null, 2));
  if (failures) throw new Error(`${failures} of ${tests.length} extension-host tests failed`);
};
