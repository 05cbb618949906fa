// UI end-to-end for "Build Over-optimization Scenarios…" in real VS Code (code-server + headless Chromium):
// palette → quick input over the bundled multi-response fixture (hold out prompt group 'koala' and models m5–m7,
// BT + BSR, 1 seed, tiny, 1 epoch) → the experiment runs in the worker → report.md opens in the Markdown preview
// and the Diagnostics panel opens on the experiment's BSR and BT runs. Screenshots go to test-artifacts/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SHOTS, e2eAvailable, now, quickInputStep, quickOpen, runCommand, skipReason, startWorkbench } from './harness.mjs';

const skip = e2eAvailable() ? false : skipReason;
let wb;
let page;

before(async () => {
  if (skip) return;
  wb = await startWorkbench({ name: 'scenarios' });
  page = wb.page;
});

after(async () => {
  if (wb) await wb.close();
});

test('Build Over-optimization Scenarios… from the palette: quick input, worker run, report preview, runs in the panel', {
  skip,
  timeout: 400000,
}, async () => {
  await page.goto(wb.url, { waitUntil: 'domcontentloaded', timeout: 120000 });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'scenarios.jsonl' }).waitFor({ timeout: 120000 });
  await quickOpen(page, 'scenarios.jsonl');
  const t0 = now();
  await runCommand(page, 'Reward Lens: Build Over-optimization Scenarios…');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const row = (text) => page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  await quickInputStep(page, '(1/8)');
  // The multi-response file in the current editor comes first (AlpacaEval-style rows with win_prob_vs_baseline).
  await row('scenarios.jsonl').waitFor();
  assert.match(await page.locator('.quick-input-list .monaco-list-row').first().innerText(), /scenarios\.jsonl[\s\S]*current editor/);
  await input.fill('scenarios.jsonl');
  await page.keyboard.press('Enter');
  // One prompt-group key ('dataset') in the data: step 2 is skipped.
  await quickInputStep(page, '(3/8): held-out prompt groups (dataset)');
  assert.match(await row('koala').innerText(), /6 prompts/);
  await row('koala').click();
  await input.focus();
  await page.keyboard.press('Enter');
  await quickInputStep(page, '(4/8): held-out response models');
  for (const m of ['m5', 'm6', 'm7']) await row(m).click();
  await page.screenshot({ path: `${SHOTS}/scenarios-01-models.png` });
  await input.focus();
  await page.keyboard.press('Enter');
  await quickInputStep(page, '(5/8)');
  assert.equal(
    await page.locator('.quick-input-list .monaco-list-row[aria-checked="true"]').count(),
    2,
    'bt and bsr are picked by default',
  );
  await page.keyboard.press('Enter');
  await quickInputStep(page, '(6/8): seeds');
  await input.fill('1');
  await page.keyboard.press('Enter');
  await quickInputStep(page, '(7/8)');
  await page.keyboard.press('Enter');
  await quickInputStep(page, '(8/8)');
  await page.keyboard.press('Enter');
  // Finished: report.md in the Markdown preview, and the Diagnostics panel beside it.
  await page.locator('.tabs-container .tab', { hasText: 'Preview report.md' }).waitFor({ timeout: 240000 });
  await page.locator('.tabs-container .tab', { hasText: 'Reward Lens Diagnostics' }).waitFor({ timeout: 60000 });
  console.log(`TIMINGS_MS {"scenariosCommandToReport": ${Math.round(now() - t0)}}`);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${SHOTS}/scenarios-02-report-and-panel.png` });
  const root = path.join(wb.WS, '.reward-lens', 'experiments');
  const [id] = fs.readdirSync(root);
  const exp = JSON.parse(fs.readFileSync(path.join(root, id, 'experiment.json'), 'utf8'));
  assert.deepEqual(exp.fingerprint.split.heldOutPromptGroups, ['koala']);
  assert.deepEqual(exp.fingerprint.split.heldOutModels, ['m5', 'm6', 'm7']);
  assert.deepEqual(
    Object.values(exp.runs)
      .map((r) => `${r.runId}:${r.status}`)
      .sort(),
    ['bsr-s1:completed', 'bt-s1:completed'],
  );
  assert.ok(fs.existsSync(path.join(root, id, 'report.md')));
});
