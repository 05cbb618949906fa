// UI end-to-end in real VS Code (code-server + headless Chromium): the practitioner's path.
// Open a preference file → Train Reward Model… from the palette (6 quick-input steps) → wait for completion →
// inline scores (CodeLens + decorations) and Problems entries → Diagnostics panel with charts → XSS stays inert.
// Screenshots go to test-artifacts/. Latencies are printed as TIMINGS_MS (measured here, not asserted).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  SHOTS,
  canvasInk,
  e2eAvailable,
  now,
  quickInputStep,
  quickOpen,
  readExtensionLog,
  runCommand,
  skipReason,
  startWorkbench,
  webviewFrame,
} from './harness.mjs';

const skip = e2eAvailable() ? false : skipReason;
const t = {};
let wb;
let page;

before(async () => {
  if (skip) return;
  wb = await startWorkbench({
    name: 'ui',
    userSettings: { 'rewardLens.scoring.display': 'both', 'rewardLens.training.logEvery': 1, 'rewardLens.training.evalEvery': 2 },
  });
  page = wb.page;
});

after(async () => {
  if (wb) {
    const log = readExtensionLog(wb.RUN);
    const act = /activated in ([\d.]+) ms/.exec(log);
    if (act) t.activation = Number(act[1]);
    fs.writeFileSync(`${SHOTS}/reward-lens-ui.log`, log);
    await wb.close();
  }
  console.log('TIMINGS_MS ' + JSON.stringify(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v * 10) / 10]))));
});

test('workbench loads; opening a .jsonl activates Reward Lens (CodeLens offers training)', { skip }, async () => {
  let t0 = now();
  await page.goto(wb.url, { waitUntil: 'domcontentloaded', timeout: 120000 });
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 120000 });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'pairs.jsonl' }).waitFor({ timeout: 120000 });
  t.workbenchUsable = now() - t0;
  t0 = now();
  await quickOpen(page, 'pairs.jsonl');
  await page.locator('.monaco-editor .codelens-decoration', { hasText: 'Train Reward Model' }).waitFor({ timeout: 120000 });
  t.openToFirstLensNoModel = now() - t0;
  await page.locator('.statusbar-item', { hasText: 'no reward model' }).waitFor();
  await page.screenshot({ path: `${SHOTS}/01-activated.png` });
});

test('every Reward Lens command is in the palette', { skip }, async () => {
  const titles = [
    'Train Reward Model…',
    'Score Current File',
    'Open Diagnostics Panel',
    'Compare Runs…',
    'Select Active Model…',
    'Show Compute Doctor',
    'Export Run…',
  ];
  for (const title of titles) {
    await runCommandListed(`Reward Lens: ${title}`);
  }
  // Cancel Training is hidden from the palette while nothing trains (when: rewardLens:isTraining).
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget .quick-input-box input').fill('>Reward Lens: Cancel Training');
  await page.waitForTimeout(800);
  assert.equal(await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Cancel Training' }).count(), 0);
  await page.keyboard.press('Escape');
});

async function runCommandListed(label) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await page.keyboard.press('F1');
  await input.fill(`>${label}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor({ timeout: 30000 });
  await page.keyboard.press('Escape');
}

test('Train Reward Model… from the palette runs to completion in the worker', { skip }, async () => {
  const t0 = now();
  await runCommand(page, 'Reward Lens: Train Reward Model…');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  // Step 1: start from a new small model (the first entry; Hugging Face folders and Browse… follow it).
  await quickInputStep(page, '(1/7)');
  assert.match(await page.locator('.quick-input-list .monaco-list-row').first().innerText(), /A new small model/);
  await page.keyboard.press('Enter');
  await quickInputStep(page, '(2/7)');
  // The current editor's file is pre-picked.
  assert.equal(await page.locator('.quick-input-list .monaco-list-row[aria-checked="true"]', { hasText: 'pairs.jsonl' }).count(), 1);
  await page.keyboard.press('Enter');
  await quickInputStep(page, '(3/7)');
  // Held-out split is pre-picked; add xss.jsonl as a second eval set (its group names carry HTML payloads).
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'xss.jsonl' }).first().click();
  await input.focus();
  await page.keyboard.press('Enter');
  await quickInputStep(page, '(4/7): objective');
  await input.fill('BSR');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'BSR' }).first().waitFor();
  await page.keyboard.press('Enter');
  await quickInputStep(page, 'BSR weight');
  assert.equal(await input.inputValue(), '0.001');
  await page.keyboard.press('Enter');
  await quickInputStep(page, '(5/7)');
  await page.keyboard.press('Enter');
  await quickInputStep(page, '(6/7)');
  await input.fill('2, 16');
  await page.keyboard.press('Enter');
  await quickInputStep(page, '(7/7)');
  await page.keyboard.press('Enter');
  // Progress: the status bar shows "step s/N · loss" while the worker trains (toasts are not reliably
  // rendered in headless code-server, so the notification itself is checked in the notification center).
  if (
    await page
      .locator('.statusbar-item', { hasText: /step [1-9]\d*\/\d+/ })
      .first()
      .waitFor({ timeout: 60000 })
      .then(
        () => true,
        () => false,
      )
  ) {
    t.trainCommandToFirstProgress = now() - t0;
    await page.screenshot({ path: `${SHOTS}/02-training-progress.png` });
  }
  // Finished: the new model becomes the active one (status bar), and the completion notification offers next steps.
  await page.locator('.statusbar-item', { hasText: 'BSR λ=0.001 · tiny' }).waitFor({ timeout: 180000 });
  t.trainCommandToFinished = now() - t0;
  await runCommand(page, 'Notifications: Show Notifications');
  const done = page.locator('.notifications-center .notification-list-item', { hasText: 'training finished' }).first();
  await done.waitFor({ timeout: 30000 });
  assert.match(await done.innerText(), /Open Diagnostics[\s\S]*Score File/);
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SHOTS}/03-training-finished.png` });
  await runCommand(page, 'Notifications: Clear All Notifications');
  const runs = fs.readdirSync(`${wb.WS}/.reward-lens/runs`);
  assert.equal(runs.length, 1);
  for (const f of ['config.json', 'metrics.jsonl', 'evals.jsonl', 'summary.json', 'request.json', 'model'])
    assert.ok(fs.existsSync(`${wb.WS}/.reward-lens/runs/${runs[0]}/${f}`), f);
  const summary = JSON.parse(fs.readFileSync(`${wb.WS}/.reward-lens/runs/${runs[0]}/summary.json`, 'utf8'));
  assert.equal(summary.status, 'completed');
  const request = JSON.parse(fs.readFileSync(`${wb.WS}/.reward-lens/runs/${runs[0]}/request.json`, 'utf8'));
  assert.equal(request.config.objective, 'bsr');
  assert.equal(request.config.epochs, 2);
  assert.deepEqual(
    request.evalFiles.map((f) => f.split('/').pop()),
    ['xss.jsonl'],
  );
});

test('with the new active model every pair shows scores (CodeLens + decoration) and Problems lists bad rows', { skip }, async () => {
  const scoreLens = page.locator('.monaco-editor .codelens-decoration', { hasText: 'r(chosen)' });
  await scoreLens.first().waitFor({ timeout: 60000 });
  assert.ok((await scoreLens.count()) >= 10, `only ${await scoreLens.count()} score lenses`);
  const lensText = await scoreLens.first().innerText();
  assert.match(lensText, /[✓✗] r\(chosen\) -?\d+\.\d\d · r\(rejected\) -?\d+\.\d\d · margin [+-]\d+\.\d\d/);
  const afters = await page.$$eval('.monaco-editor .view-line span', (spans) =>
    spans.map((s) => getComputedStyle(s, '::after').content).filter((c) => c?.includes('Δ')),
  );
  assert.ok(afters.length >= 10, `decorations: ${afters.length}`);
  assert.match(afters[0], /[✓✗] -?\d+\.\d\d \/ -?\d+\.\d\d {2}Δ [+-]\d+\.\d\d/);
  await page.locator('.statusbar-item', { hasText: 'BSR' }).waitFor();
  await page.screenshot({ path: `${SHOTS}/04-inline-scores.png` });
  // Problems panel: the invalid row (line 21, no "rejected") is listed by Reward Lens.
  await page.keyboard.press('Control+Shift+M');
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'Row skipped (missing-field' });
  await problem.first().waitFor({ timeout: 30000 });
  await page.screenshot({ path: `${SHOTS}/05-problems.png` });
  await page.keyboard.press('Control+Shift+M');
  // First-lens latency on a file opened after the model is active (worker warm).
  const t0 = now();
  await quickOpen(page, 'xss.jsonl');
  await page.locator('.monaco-editor .codelens-decoration', { hasText: 'r(chosen)' }).first().waitFor({ timeout: 30000 });
  t.openToFirstScoreLens = now() - t0;
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SHOTS}/06-xss-file-scored.png` });
});

test('the Diagnostics panel renders charts with data', { skip }, async () => {
  const t0 = now();
  await runCommand(page, 'Reward Lens: Open Diagnostics Panel');
  const frame = await webviewFrame(page, 'Reward Lens Diagnostics');
  let ink = [];
  for (let i = 0; i < 150; i++) {
    ink = await canvasInk(frame).catch(() => []);
    if (ink.filter((n) => n > 1500).length >= 3) break;
    await page.waitForTimeout(100);
  }
  t.panelCommandToCharts = now() - t0;
  console.log('canvas ink per chart', JSON.stringify(ink));
  assert.ok(ink.filter((n) => n > 1500).length >= 3, `charts look empty: ${JSON.stringify(ink)}`);
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${SHOTS}/07-diagnostics-panel.png` });
  const text = await frame.evaluate(() => document.body.innerText);
  assert.match(text, /BSR/);
});

test('HTML and script payloads from the dataset stay inert (panel, editor, hovers)', { skip }, async () => {
  // Show the panel's per-group view, where the xss.jsonl group names (HTML payloads) are rendered.
  const panel = await webviewFrame(page, 'Reward Lens Diagnostics');
  await panel
    .getByText('Robustness', { exact: true })
    .first()
    .click()
    .catch(() => {});
  await page.waitForTimeout(800);
  await page.screenshot({ path: `${SHOTS}/08-xss-panel-groups.png` });
  const frames = page.frames();
  const report = [];
  for (const f of frames) {
    const r = await f
      .evaluate(() => ({
        url: location.href.slice(0, 80),
        xss: window.__rlXss ?? null,
        injected: document.querySelectorAll('img[src="x"], svg[onload], iframe[src^="javascript"]').length,
        payloadAsText: document.body
          ? document.body.innerText.includes('<img src=x') || document.body.innerText.includes('</script>')
          : false,
      }))
      .catch(() => undefined);
    if (r) report.push(r);
  }
  console.log('xss check', JSON.stringify(report));
  assert.ok(report.length >= 3);
  for (const r of report) {
    assert.equal(r.xss, null, `payload ran in ${r.url}`);
    assert.equal(r.injected, 0, `payload element created in ${r.url}`);
  }
  assert.equal(await page.evaluate(() => window.top.__rlXss ?? null), null);
  // The payload is visible as text somewhere (the editor shows the file), which proves it reached the UI.
  assert.ok(
    report.some((r) => r.payloadAsText),
    'payload text never reached the UI',
  );
});
