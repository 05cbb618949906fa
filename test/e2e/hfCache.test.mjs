// Data from the wild in real VS Code (code-server + headless Chromium): a fake Hugging Face hub cache under the run's
// XDG cache folder; Open from Hugging Face Cache… lists its datasets (splits with row counts) and model folders, makes
// the cached model the active one, and opens a cached Chatbot Arena split in place, scored inline (ties counted, not
// scored). A file no detector knows gets the "Configure Fields for This File…" quick fix, which makes it scored.
// Screenshots: test-artifacts/hfcache-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, SHOTS, e2eAvailable, quickOpen, readExtensionLog, runCommand, skipReason, startWorkbench } from './harness.mjs';

const skip = e2eAvailable() ? false : skipReason;
let wb;
let page;

/** datasets--acme--arena-conversations (a JSONL split, linked into blobs/ as the hub does) and models--acme--qwen2-rm. */
function fakeHubCache(hub) {
  const repo = path.join(hub, 'datasets--acme--arena-conversations');
  const snap = path.join(repo, 'snapshots', 'r1');
  fs.mkdirSync(path.join(snap, 'data'), { recursive: true });
  fs.mkdirSync(path.join(repo, 'blobs'), { recursive: true });
  fs.mkdirSync(path.join(repo, 'refs'), { recursive: true });
  fs.writeFileSync(path.join(repo, 'refs', 'main'), 'r1');
  fs.copyFileSync(path.join(REPO, 'test/fixtures/chatbot-arena.jsonl'), path.join(repo, 'blobs', 'b1'));
  fs.symlinkSync('../../../blobs/b1', path.join(snap, 'data', 'train-00000-of-00001.jsonl'));
  const model = path.join(hub, 'models--acme--qwen2-rm', 'snapshots', 'm1');
  fs.cpSync(path.join(REPO, 'test/fixtures/hf/qwen2'), model, { recursive: true });
}

before(async () => {
  if (skip) return;
  // The extension must read the fake cache under the run's XDG_CACHE_HOME, not a real one from this shell.
  for (const k of ['HF_HOME', 'HF_HUB_CACHE', 'HUGGINGFACE_HUB_CACHE', 'HF_DATASETS_CACHE']) delete process.env[k];
  wb = await startWorkbench({ name: 'hfcache', userSettings: { 'rewardLens.scoring.display': 'both' } });
  page = wb.page;
  fakeHubCache(path.join(wb.RUN, 'xdg', 'cache', 'huggingface', 'hub'));
  fs.writeFileSync(
    path.join(wb.WS, 'odd.jsonl'),
    [
      '{"q":{"text":"Pick a fruit"},"left":"Mango","right":"Gravel","verdict":"L"}',
      '{"q":{"text":"Pick a sport"},"left":"Sleeping","right":"Tennis","verdict":"R"}',
    ].join('\n') + '\n',
  );
});

after(async () => {
  if (wb) {
    fs.writeFileSync(`${SHOTS}/reward-lens-hfcache.log`, readExtensionLog(wb.RUN));
    await wb.close();
  }
});

const pickRow = (text) => page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();

test('Open from Hugging Face Cache… lists datasets with splits and row counts and model folders; a model is made active', {
  skip,
}, async () => {
  await page.goto(wb.url, { waitUntil: 'domcontentloaded', timeout: 120000 });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'pairs.jsonl' }).waitFor({ timeout: 120000 });
  await runCommand(page, 'Reward Lens: Open from Hugging Face Cache…');
  await pickRow('acme/arena-conversations:train').waitFor({ timeout: 60000 });
  const list = await page.locator('.quick-input-widget').innerText();
  // The split says what its first file is (describeHead): the schema family of its first record.
  assert.match(list, /acme\/arena-conversations:train\s*5 rows · chatbot-arena · 1 file · hub snapshot/);
  assert.match(list, /acme\/qwen2-rm\s*model folder → Select Active Model/);
  await page.screenshot({ path: `${SHOTS}/hfcache-01-list.png` });
  await pickRow('acme/qwen2-rm').click();
  await page.locator('.statusbar-item', { hasText: 'acme/qwen2-rm' }).waitFor({ timeout: 30000 });
});

test('a cached split opens in place (not copied) and is scored inline; ties are not scored', { skip }, async () => {
  await runCommand(page, 'Reward Lens: Open from Hugging Face Cache…');
  await pickRow('acme/arena-conversations:train').waitFor({ timeout: 60000 });
  await pickRow('acme/arena-conversations:train').click();
  await page.locator('.tabs-container .tab.active', { hasText: 'train-00000-of-00001.jsonl' }).waitFor({ timeout: 30000 });
  const lens = page.locator('.monaco-editor .codelens-decoration', { hasText: 'r(chosen)' });
  await lens.first().waitFor({ timeout: 120000 });
  // 5 rows: 3 pairs scored, 2 ties (tie, tie (bothbad)) counted and not scored.
  for (let i = 0; i < 100 && (await lens.count()) < 3; i++) await page.waitForTimeout(100);
  assert.equal(await lens.count(), 3);
  const ties = page.locator('.monaco-editor .codelens-decoration', { hasText: 'counted, not scored' });
  assert.deepEqual(await ties.allInnerTexts(), ['= tie (tie): counted, not scored', '= tie (tie (bothbad)): counted, not scored']);
  assert.ok(!fs.readdirSync(wb.WS).some((f) => f.startsWith('train-')), 'nothing copied into the workspace');
  await page.screenshot({ path: `${SHOTS}/hfcache-02-opened-scored.png` });
});

test('a file no detector knows offers the Configure Fields quick fix; once mapped it is scored', { skip }, async () => {
  await quickOpen(page, 'odd.jsonl');
  await page.locator('.monaco-editor .squiggly-info').first().waitFor({ timeout: 30000 });
  await page
    .locator('.monaco-editor .view-line')
    .first()
    .click({ position: { x: 30, y: 8 } });
  await page.keyboard.press('Control+.');
  const fix = page.locator('.action-widget', { hasText: 'Configure Fields for This File' }).first();
  try {
    await fix.waitFor({ timeout: 30000 });
  } finally {
    await page.screenshot({ path: `${SHOTS}/hfcache-03-quick-fix.png` });
  }
  // The quick fix runs the command: its pickers name the fields and the label values.
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'how is a preference stored' }).waitFor({ timeout: 30000 });
  await pickRow('Two responses and a winner label').click();
  const choose = async (title, row) => {
    await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ timeout: 30000 });
    await page.waitForTimeout(150);
    await pickRow(row).click();
  };
  const many = async (title, row) => {
    await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ timeout: 30000 });
    await page.waitForTimeout(150);
    // Filter to the value, then tick its box.
    await page.locator('.quick-input-widget .quick-input-box input').fill(row);
    await page.waitForTimeout(200);
    const box = page.locator(`.quick-input-list .monaco-checkbox[aria-label="${row}"]`).first();
    await box.dispatchEvent('click');
    const ticked = () =>
      page
        .locator('.quick-input-widget', { hasText: '1 Selected' })
        .waitFor({ timeout: 3000 })
        .then(
          () => true,
          () => false,
        );
    if (!(await ticked())) {
      await box.focus();
      await page.keyboard.press('Space');
      assert.ok(await ticked(), `could not tick ${row}`);
    }
    await page.keyboard.press('Enter');
  };
  try {
    await flow(choose, many);
  } catch (e) {
    await page.screenshot({ path: `${SHOTS}/fail-hfcache-configure.png` });
    throw e;
  }
});

async function flow(choose, many) {
  await choose('the prompt field', 'q.text');
  await choose('first response (A)', 'left');
  await choose('second response (B)', 'right');
  await choose('winner label', 'verdict');
  await many('meaning A wins', 'L');
  await many('meaning B wins', 'R');
  const lens = page.locator('.monaco-editor .codelens-decoration', { hasText: 'r(chosen)' });
  await lens.first().waitFor({ timeout: 120000 });
  await page.screenshot({ path: `${SHOTS}/hfcache-04-mapped-scored.png` });
  const settings = JSON.parse(fs.readFileSync(path.join(wb.WS, '.vscode', 'settings.json'), 'utf8'));
  assert.deepEqual(settings['rewardLens.data.fieldMappings'], {
    'odd.jsonl': { prompt: 'q.text', a: 'left', b: 'right', label: 'verdict', aWins: ['L'], bWins: ['R'] },
  });
}
