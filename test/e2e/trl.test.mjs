// Scale out with TRL in real VS Code (code-server + headless Chromium), issue 13: a local run trained from the
// workspace's Hugging Face folder → Export Training Job (TRL)… from the palette → the job's train.py runs TRL's
// RewardTrainer (CPU, 3 steps; what a user runs on a GPU machine) → Import TRL Run… → the panel shows the TRL run's
// curves and diagnostics, and Compare Runs… puts it next to the local run. Screenshots: test-artifacts/trl-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  REPO,
  SHOTS,
  canvasInk,
  e2eAvailable,
  now,
  quickInputStep,
  readExtensionLog,
  runCommand,
  skipReason,
  startWorkbench,
  webviewFrame,
} from './harness.mjs';

const MODULES = ['torch', 'transformers', 'trl', 'peft', 'datasets', 'accelerate'];
const py = spawnSync('python3', ['-c', `import ${MODULES.join(', ')}`], { encoding: 'utf8' });
const skip = !e2eAvailable()
  ? skipReason
  : py.status !== 0
    ? `python3 cannot import ${MODULES.join(', ')} (${py.stderr?.trim().split('\n').pop() ?? py.error?.message}): the TRL run needs them`
    : false;
const CLI = path.join(REPO, 'dist/cli.js');
const LOCAL = '2026-12-01T09-00-00-bsr-s1';
const t = {};
let wb;
let page;
let jobDir;

before(async () => {
  if (skip) return;
  wb = await startWorkbench({ name: 'trl', userSettings: { 'rewardLens.scoring.engine': 'onnx' } });
  page = wb.page;
  // The local run, trained before the window opens (the Hugging Face e2e trains one through the UI already).
  const t0 = now();
  const r = spawnSync(
    process.execPath,
    [
      CLI,
      'train',
      `${wb.WS}/pairs.jsonl`,
      '--from',
      `${wb.WS}/models/qwen2-rm`,
      '--tune',
      'lora',
      '--lora-targets',
      'q_proj,v_proj',
      '--objective',
      'bsr',
      '--steps',
      '4',
      '--batch-size',
      '4',
      '--holdout',
      '0.25',
      '--eval-every',
      '2',
      '--log-every',
      '1',
      '--max-length',
      '128',
      '--backend',
      'wasm',
      '--out',
      `${wb.WS}/.reward-lens/runs/${LOCAL}`,
      '--quiet',
    ],
    { encoding: 'utf8', timeout: 600000 },
  );
  assert.equal(r.status, 0, r.stderr + r.stdout);
  t.localRun = now() - t0;
});

after(async () => {
  if (wb) {
    fs.writeFileSync(`${SHOTS}/reward-lens-trl.log`, readExtensionLog(wb.RUN));
    await wb.close();
  }
  console.log('TIMINGS_MS ' + JSON.stringify(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)]))));
});

const pickRow = (text) => page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();

async function inkedCharts(frame, min) {
  let ink = [];
  for (let i = 0; i < 200; i++) {
    ink = await canvasInk(frame).catch(() => []);
    if (ink.filter((n) => n > 1500).length >= min) break;
    await page.waitForTimeout(100);
  }
  return ink.filter((n) => n > 1500).length;
}

test('Export Training Job (TRL)… writes a job folder for the local run', { skip }, async () => {
  await page.goto(wb.url, { waitUntil: 'domcontentloaded', timeout: 120000 });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'pairs.jsonl' }).waitFor({ timeout: 120000 });
  const t0 = now();
  await runCommand(page, 'Reward Lens: Export Training Job (TRL)…');
  await quickInputStep(page, '(1/3): the run to train with TRL');
  const row = pickRow('qwen2-rm LoRA');
  assert.match(await row.innerText(), /from qwen2-rm/);
  await page.screenshot({ path: `${SHOTS}/trl-01-export-pick-run.png` });
  await row.click();
  // The run started from a Hugging Face folder: no model step; the job folder is offered under .reward-lens/jobs.
  await quickInputStep(page, '(3/3): the job folder');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  assert.equal(await input.inputValue(), `.reward-lens/jobs/${LOCAL}-trl`);
  await page.keyboard.press('Enter');
  jobDir = `${wb.WS}/.reward-lens/jobs/${LOCAL}-trl`;
  for (let i = 0; i < 300 && !fs.existsSync(`${jobDir}/job.json`); i++) await page.waitForTimeout(100);
  t.exportJob = now() - t0;
  for (const f of [
    'train.py',
    'reward_lens_loss.py',
    'job.json',
    'manifest.json',
    'README.md',
    'requirements.txt',
    'slurm.sbatch',
    'accelerate/zero3.yaml',
    'data/train.jsonl',
    'data/eval/held-out.jsonl',
  ])
    assert.ok(fs.existsSync(`${jobDir}/${f}`), f);
  const job = JSON.parse(fs.readFileSync(`${jobDir}/job.json`, 'utf8'));
  assert.deepEqual([job.job_args.objective, job.job_args.tune, job.source.runId], ['bsr', 'lora', LOCAL]);
  await runCommand(page, 'Notifications: Show Notifications');
  await page.locator('.notifications-center .notification-list-item', { hasText: 'wrote the TRL job' }).first().waitFor({ timeout: 30000 });
  await page.screenshot({ path: `${SHOTS}/trl-02-exported.png` });
  await runCommand(page, 'Notifications: Clear All Notifications');
});

test('the job trains with TRL (train.py, CPU, 3 steps), Import TRL Run… brings it back and the panel shows it', { skip }, async () => {
  let t0 = now();
  const env = { ...process.env, HF_HOME: `${wb.RUN}/hf-home`, HF_HUB_OFFLINE: '1', TOKENIZERS_PARALLELISM: 'false' };
  const r = spawnSync('python3', ['train.py', '--max_steps', '3', '--eval_steps', '2', '--save_steps', '2'], {
    cwd: jobDir,
    env,
    encoding: 'utf8',
    timeout: 480000,
  });
  assert.equal(r.status, 0, r.stderr.slice(-4000));
  t.trlTrain = now() - t0;
  t0 = now();
  await runCommand(page, 'Reward Lens: Import TRL Run…');
  await quickInputStep(page, 'Import TRL Run');
  const row = pickRow('output');
  assert.match(await row.innerText(), /bsr · completed · step 3/);
  await row.click();
  const frame = await webviewFrame(page, 'Reward Lens Diagnostics', 120000);
  await frame.locator('vscode-tab-header[data-tab="training"]').click();
  assert.ok((await inkedCharts(frame, 4)) >= 4, 'training charts look empty');
  t.importToCharts = now() - t0;
  const body = await frame.evaluate(() => document.body.innerText);
  assert.match(body, /BSR λ=0\.001 · TRL qwen2-rm LoRA · pairs\.jsonl · \d{4}-\d\d-\d\d \d\d:\d\d/);
  const runs = fs.readdirSync(`${wb.WS}/.reward-lens/runs`).filter((d) => d.includes('-trl-'));
  assert.equal(runs.length, 1, JSON.stringify(runs));
  const evals = fs
    .readFileSync(`${wb.WS}/.reward-lens/runs/${runs[0]}/evals.jsonl`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    evals.map((e) => e.step),
    [0, 2, 3],
  );
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${SHOTS}/trl-03-imported-training.png` });
  await frame.locator('vscode-tab-header[data-tab="hidden"]').click();
  assert.ok((await inkedCharts(frame, 6)) >= 6, 'hidden-state charts look empty');
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${SHOTS}/trl-04-imported-hidden-states.png` });
});

test('Compare Runs… puts the TRL run next to the local run', { skip }, async () => {
  await runCommand(page, 'Reward Lens: Compare Runs…');
  await pickRow('· TRL qwen2-rm').waitFor({ timeout: 60000 });
  await pickRow('· TRL qwen2-rm').click();
  await pickRow('· qwen2-rm LoRA · pairs.jsonl · 2026-12-01 09:00').click();
  await page.locator('.quick-input-widget .quick-input-box input').focus();
  await page.keyboard.press('Enter');
  const frame = await webviewFrame(page, 'Reward Lens Diagnostics', 60000);
  await frame.locator('vscode-tab-header[data-tab="training"]').click();
  assert.ok((await inkedCharts(frame, 4)) >= 4);
  let shown = {};
  for (let i = 0; i < 100 && !shown.secondary; i++) {
    shown = await frame.evaluate(() => {
      const s = window.__rewardLens.state();
      return { primary: s?.primary?.label, secondary: s?.secondary?.label, compare: window.__rewardLens.ui().compare };
    });
    await page.waitForTimeout(100);
  }
  assert.deepEqual(
    [/ · TRL qwen2-rm LoRA · /.test(shown.primary), /2026-12-01 09:00$/.test(shown.secondary), shown.compare],
    [true, true, true],
    JSON.stringify(shown),
  );
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${SHOTS}/trl-05-compare-local-vs-trl.png` });
  await frame.locator('vscode-tab-header[data-tab="hidden"]').click();
  await inkedCharts(frame, 6);
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${SHOTS}/trl-06-compare-hidden-states.png` });
});
