// A practitioner's own reward model in real VS Code (code-server + headless Chromium), driven from the palette:
// Select Active Model… lists the workspace's Hugging Face folder → lenses on a preference file → the hover shows ‖h‖
// → Evaluate Model on Files… → the panel shows the evaluation → Train Reward Model… starting from that folder
// (LoRA + BSR) → the panel shows the run's ‖h‖ box plots per split (Figure 3) and ‖h_w − h_l‖ per checkpoint
// (Figure 2). Screenshots go to test-artifacts/hf-*.png; latencies are printed as TIMINGS_MS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  SHOTS,
  canvasInk,
  e2eAvailable,
  now,
  acceptStep,
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
    name: 'hf',
    userSettings: { 'rewardLens.scoring.display': 'both', 'rewardLens.training.logEvery': 1, 'rewardLens.training.evalEvery': 2 },
  });
  page = wb.page;
});

after(async () => {
  if (wb) {
    fs.writeFileSync(`${SHOTS}/reward-lens-hf.log`, readExtensionLog(wb.RUN));
    await wb.close();
  }
  console.log('TIMINGS_MS ' + JSON.stringify(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)]))));
});

const pickRow = (text) => page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();

async function panelInk(minCharts) {
  const frame = await webviewFrame(page, 'Reward Lens Diagnostics', 60000);
  let ink = [];
  for (let i = 0; i < 200; i++) {
    ink = await canvasInk(frame).catch(() => []);
    if (ink.filter((n) => n > 1500).length >= minCharts) break;
    await page.waitForTimeout(100);
  }
  return { frame, ink };
}

test('Select Active Model… offers the workspace Hugging Face folder; lenses and a ‖h‖ hover follow', { skip }, async () => {
  await page.goto(wb.url, { waitUntil: 'domcontentloaded', timeout: 120000 });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'pairs.jsonl' }).waitFor({ timeout: 120000 });
  await quickOpen(page, 'pairs.jsonl');
  await runCommand(page, 'Reward Lens: Select Active Model…');
  await pickRow('qwen2-rm').waitFor({ timeout: 60000 });
  const picker = await page.locator('.quick-input-widget').innerText();
  assert.match(picker, /Hugging Face models in this workspace/);
  assert.match(picker, /qwen2-rm\s*Qwen2ForSequenceClassification/);
  await page.screenshot({ path: `${SHOTS}/hf-01-select-model.png` });
  const t0 = now();
  await pickRow('qwen2-rm').click();
  await page.locator('.statusbar-item', { hasText: 'qwen2-rm' }).waitFor({ timeout: 30000 });
  const lens = page.locator('.monaco-editor .codelens-decoration', { hasText: 'r(chosen)' });
  await lens.first().waitFor({ timeout: 90000 });
  t.selectToFirstLens = now() - t0;
  assert.ok((await lens.count()) >= 10);
  await page.screenshot({ path: `${SHOTS}/hf-02-lenses.png` });
  // Hover the first row's text: the hover shows both rewards, ‖h‖ and the decomposition.
  await page
    .locator('.monaco-editor .view-line')
    .first()
    .hover({ position: { x: 60, y: 8 } });
  const hover = page.locator('.monaco-hover', { hasText: '‖h‖' }).first();
  await hover.waitFor({ timeout: 30000 });
  const text = await hover.innerText();
  assert.match(text, /reward r[\s\S]*‖h‖[\s\S]*cos ψ/);
  await page.screenshot({ path: `${SHOTS}/hf-03-hover.png` });
  await page.keyboard.press('Escape');
});

test('Evaluate Model on Files… writes an evaluation the panel shows, with charts', { skip }, async () => {
  const t0 = now();
  await runCommand(page, 'Reward Lens: Evaluate Model on Files…');
  await pickRow('pairs.jsonl').waitFor({ timeout: 60000 });
  const names = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
  assert.ok(!names.some((n) => /tokenizer|config\.json/.test(n)), `model files offered as data: ${names.join(' | ')}`);
  await pickRow('pairs.jsonl').click();
  await page.keyboard.press('Enter');
  const { frame, ink } = await panelInk(1);
  t.evaluateToCharts = now() - t0;
  // An evaluation has no training curve: the panel opens it on its Rewards tab, whose histogram has data.
  assert.ok(ink.filter((n) => n > 1500).length >= 1, `charts look empty: ${JSON.stringify(ink)}`);
  assert.equal(await frame.evaluate(() => window.__rewardLens.ui().tab), 'rewards');
  assert.match(await frame.evaluate(() => document.body.innerText), /Evaluation · qwen2-rm/);
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${SHOTS}/hf-04-evaluation-panel.png` });
});

test('Train Reward Model… from the Hugging Face folder (LoRA + BSR): the panel shows Figure 2 and 3 for the run', { skip }, async () => {
  const t0 = now();
  await runCommand(page, 'Reward Lens: Train Reward Model…');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await quickInputStep(page, '(1/7): start from');
  await pickRow('qwen2-rm').click();
  await quickInputStep(page, '(2/7)');
  await acceptStep(page, '(2/7)'); // pairs.jsonl, the current editor's file
  await quickInputStep(page, '(3/7)');
  await acceptStep(page, '(3/7)'); // the held-out split
  await quickInputStep(page, '(4/7): objective');
  await input.fill('BSR');
  await pickRow('BSR').waitFor();
  await acceptStep(page, '(4/7): objective');
  await quickInputStep(page, 'BSR weight');
  await acceptStep(page, 'BSR weight');
  await quickInputStep(page, '(5/7): what to train');
  assert.match(await pickRow('lora').innerText(), /LoRA adapters/);
  await page.screenshot({ path: `${SHOTS}/hf-05-train-from-model.png` });
  await acceptStep(page, '(5/7): what to train');
  await quickInputStep(page, '(6/7)');
  await input.fill('1, 8');
  await acceptStep(page, '(6/7)');
  await quickInputStep(page, '(7/7)');
  await acceptStep(page, '(7/7)');
  await page.locator('.statusbar-item', { hasText: 'qwen2-rm LoRA' }).waitFor({ timeout: 240000 });
  t.trainFromModelToFinished = now() - t0;
  const runs = fs.readdirSync(`${wb.WS}/.reward-lens/runs`).filter((r) => r.includes('bsr'));
  assert.equal(runs.length, 1, JSON.stringify(runs));
  const model = `${wb.WS}/.reward-lens/runs/${runs[0]}/model`;
  for (const f of ['config.json', 'model.safetensors', 'adapter/adapter_model.safetensors']) assert.ok(fs.existsSync(`${model}/${f}`), f);
  await runCommand(page, 'Reward Lens: Open Diagnostics Panel');
  const frame = await webviewFrame(page, 'Reward Lens Diagnostics', 60000);
  await frame.locator('vscode-tab-header[data-tab="training"]').click();
  const { ink } = await panelInk(4);
  assert.ok(ink.filter((n) => n > 1500).length >= 4, `training charts look empty: ${JSON.stringify(ink)}`);
  const body = await frame.evaluate(() => document.body.innerText);
  assert.match(body, /qwen2-rm LoRA/);
  await page.screenshot({ path: `${SHOTS}/hf-06-lora-run-training.png` });
  // Figure 3 (‖h‖ per split) and Figure 2 (‖h_w − h_l‖ per checkpoint) are on the Hidden states tab.
  await frame.locator('vscode-tab-header[data-tab="hidden"]').click();
  const before = await canvasInk(frame);
  let after = before;
  for (let i = 0; i < 100 && after.filter((n) => n > 1500).length <= before.filter((n) => n > 1500).length; i++) {
    await page.waitForTimeout(100);
    after = await canvasInk(frame);
  }
  assert.ok(after.filter((n) => n > 1500).length >= 6, `hidden-state charts look empty: ${JSON.stringify(after)}`);
  const evals = fs
    .readFileSync(`${wb.WS}/.reward-lens/runs/${runs[0]}/evals.jsonl`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.ok(evals.length >= 3, `checkpoints with evaluations: ${evals.map((e) => e.step)}`);
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${SHOTS}/hf-07-lora-run-figures-2-3.png` });
});
