// The Best-of-N card in headless Chromium, under the panel's real CSP: three charts (gold vs N with the oracle and
// the random pick, length vs N, proxy vs gold), two runs compared, the data table, the set and group pickers, the
// empty state, and dataset names with markup. Screenshot: test-artifacts/webview-bon.png.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { PanelState } from '../../src/protocol/panel';
import { bonReport } from './bonFixtures';
import { buildPanelState, XSS } from './fixtures';
import { buildBundle, chartInfo, launchBrowser, openPanel, ROOT, waitForRender, type PanelPage } from './harness';

const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const SKIP = fs.existsSync('/usr/bin/chromium') ? false : 'needs /usr/bin/chromium (apt-get update && apt-get install -y chromium)';
let browser: Browser;

before(async () => {
  if (SKIP) return;
  await buildBundle();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const BT = bonReport('bt-s1', 1.2);
const BSR = bonReport('bsr-s1', 0.2);

/** `secondary: null` leaves the compared run without best-of-N results. */
function withBon(state: PanelState, primary = BT, secondary: typeof BT | null = BSR): PanelState {
  return {
    ...state,
    primary: { ...state.primary!, bon: primary },
    ...(state.secondary ? { secondary: { ...state.secondary, ...(secondary ? { bon: secondary } : {}) } } : {}),
  };
}

async function showBon(page: Page): Promise<void> {
  await page.click('vscode-tab-header[data-tab="bon"]');
  await page.waitForFunction(() =>
    ['bonGold', 'bonLength', 'bonProxy'].every((id) => {
      const c = document.querySelector(`canvas[data-chart="${id}"]`) as HTMLCanvasElement | null;
      return c !== null && c.width > 0 && c.height > 0;
    }),
  );
  await page.waitForTimeout(150);
}

async function assertClean(p: PanelPage): Promise<void> {
  assert.deepEqual(await p.cspViolations(), [], 'no CSP violations');
  assert.deepEqual(p.refused, [], 'no requests outside the webview origin');
  assert.deepEqual(p.pageErrors, [], 'no uncaught page errors');
  assert.deepEqual(p.consoleErrors, [], 'no console errors');
}

test('the Best-of-N card draws gold, length and proxy-vs-gold for two runs, with the data table', { skip: SKIP }, async () => {
  const p = await openPanel(browser, {
    state: withBon(buildPanelState({ compare: true })),
    restoredState: { tab: 'bon', compare: true },
    viewport: { width: 1400, height: 1000 },
  });
  await waitForRender(p.page);
  await showBon(p.page);
  const charts = await chartInfo(p.page);
  for (const id of ['bonGold', 'bonLength', 'bonProxy'])
    assert.ok(charts[id] && charts[id]!.painted > 1000, `${id} painted (${charts[id]?.painted})`);
  const labels = (id: string) => charts[id]!.datasets.map((d) => d.label).filter(Boolean);
  // Both runs were scored on the same candidates: the oracle and the random pick are drawn once.
  assert.deepEqual(labels('bonGold'), ['BT · proxy pick (95% CI)', 'BT-BSR · proxy pick (95% CI)', 'oracle (best by gold)', 'random pick']);
  assert.deepEqual(labels('bonLength'), ['BT · proxy pick', 'BT-BSR · proxy pick', 'oracle (best by gold)', 'random pick']);
  assert.deepEqual(labels('bonProxy'), ['BT', 'BT-BSR']);
  // The plotted numbers are the report's: first set ('in-domain'), all prompts; N = 16 is left out (8 responses each).
  const curve = BT.sets[0]!.curves[0]!;
  const plotted = await p.page.evaluate(() => {
    const c = (window as any).__rewardLens.view.charts();
    return { gold: c.bonGold.data.datasets[2].data, length: c.bonLength.data.datasets[0].data, proxy: c.bonProxy.data.datasets[0].data };
  });
  assert.deepEqual(
    plotted.gold,
    curve.points.map((pt) => ({ x: Math.log2(pt.n), y: pt.pick.gold })),
  );
  assert.deepEqual(
    plotted.length.map((d: { y: number }) => d.y),
    curve.points.map((pt) => pt.pick.length),
  );
  assert.deepEqual(
    plotted.proxy,
    curve.points.map((pt) => ({ x: pt.pick.proxy, y: pt.pick.gold })),
  );
  assert.equal(curve.points.length, 4, 'N = 1, 2, 4, 8');
  // Synthetic truth: the length-loving proxy buys more length at N = 8 than the gold-tracking one, and less gold.
  const at8 = (r: typeof BT) => r.sets[0]!.curves[0]!.points[3]!;
  assert.ok(at8(BT).pick.length > at8(BSR).pick.length && at8(BT).pick.gold < at8(BSR).pick.gold, 'fixture shapes as intended');
  await p.page.$eval('#rl-card-bon details', (d) => ((d as HTMLDetailsElement).open = true));
  const rows = await p.page.$$eval('#rl-card-bon tbody tr', (trs) => trs.map((r) => r.textContent ?? ''));
  assert.equal(rows.length, 8, 'two runs × four Ns');
  assert.ok(rows[3]!.startsWith('BT · N=8'), rows[3]);
  assert.match((await p.page.textContent('#rl-card-bon .rl-bon-meta')) ?? '', /win_prob_vs_baseline \(higher is better\)/);
  await p.page.screenshot({ path: path.join(ARTIFACTS, 'webview-bon.png'), fullPage: true });

  // Runs scored on different candidates keep a reference pair each.
  const other = { ...BSR, sets: [{ ...BSR.sets[1]!, name: 'in-domain' }] };
  const next = withBon(buildPanelState({ compare: true }), BT, other);
  await p.send({ kind: 'notification', method: 'panel/stateDidChange', params: next });
  await p.page.waitForFunction(() => (window as any).__rewardLens.view.charts().bonGold.data.datasets.length === 10);
  const perRun = await p.page.evaluate(() =>
    (window as any).__rewardLens.view
      .charts()
      .bonGold.data.datasets.map((d: { label: string }) => d.label)
      .filter(Boolean),
  );
  assert.deepEqual(perRun, [
    'BT · proxy pick (95% CI)',
    'BT-BSR · proxy pick (95% CI)',
    'BT · oracle (best by gold)',
    'BT · random pick',
    'BT-BSR · oracle (best by gold)',
    'BT-BSR · random pick',
  ]);
  await assertClean(p);
  await p.page.close();
});

test('the set and prompt-group pickers switch the curves and persist in UI state', { skip: SKIP }, async () => {
  const p = await openPanel(browser, {
    state: withBon(buildPanelState()),
    restoredState: { tab: 'bon', compare: false, bonSet: 'prompt-ood' },
  });
  await waitForRender(p.page);
  await showBon(p.page);
  const first = () =>
    p.page.evaluate(() => (window as any).__rewardLens.view.charts().bonGold.data.datasets[2].data.map((d: { y: number }) => d.y));
  assert.deepEqual(
    await first(),
    BT.sets[1]!.curves[0]!.points.map((pt) => pt.pick.gold),
    'the restored set is shown (prompt-ood, N up to 16)',
  );
  const groups = await p.page.$$eval('#rl-bongroup vscode-option', (os) => os.map((o) => o.textContent));
  assert.deepEqual(groups, ['all', 'dataset = koala', 'dataset = oasst', 'dataset = selfinstruct']);
  await p.page.evaluate(() => {
    const s = document.querySelector('#rl-bongroup') as HTMLElement & { value: string };
    s.value = 'dataset = oasst';
    s.dispatchEvent(new Event('change'));
  });
  await p.page.waitForFunction(() => (window as any).__savedState?.bonGroup === 'dataset = oasst');
  const oasst = BT.sets[1]!.curves.find((c) => c.group === 'dataset = oasst')!;
  assert.deepEqual(
    await first(),
    oasst.points.map((pt) => pt.pick.gold),
  );
  // One run alone: the references take the theme's colours and plain labels.
  const labels = await p.page.evaluate(() =>
    (window as any).__rewardLens.view
      .charts()
      .bonGold.data.datasets.map((d: { label: string }) => d.label)
      .filter(Boolean),
  );
  assert.deepEqual(labels, ['proxy pick (95% CI)', 'oracle (best by gold)', 'random pick']);
  await assertClean(p);
  await p.page.close();
});

test('a run without best-of-N results shows how to make them; a compared run without them is named', { skip: SKIP }, async () => {
  const none = await openPanel(browser, { state: buildPanelState(), restoredState: { tab: 'bon', compare: false } });
  await waitForRender(none.page);
  await none.page.click('vscode-tab-header[data-tab="bon"]');
  assert.match((await none.page.textContent('#rl-card-bon .rl-note')) ?? '', /reward-lens bon --model MODEL FILE --out DIR/);
  assert.equal(await none.page.isVisible('#rl-card-bon canvas[data-chart="bonGold"]'), false);
  await assertClean(none);
  await none.page.close();

  const half = await openPanel(browser, {
    state: withBon(buildPanelState({ compare: true }), BT, null),
    restoredState: { tab: 'bon', compare: true },
  });
  await waitForRender(half.page);
  await showBon(half.page);
  assert.match((await half.page.textContent('#rl-card-bon .rl-bon-meta')) ?? '', /The other run has no best-of-N results/);
  const labels = (await chartInfo(half.page))['bonProxy']!.datasets.map((d) => d.label);
  assert.deepEqual(labels, ['BT']);
  await assertClean(half);
  await half.page.close();
});

test('set and group names with markup render as text', { skip: SKIP }, async () => {
  const evil = bonReport('bt-s1', 1.2, { set: `pool ${XSS.svg}`, source: XSS.img });
  const p = await openPanel(browser, {
    state: withBon(buildPanelState(), evil),
    restoredState: { tab: 'bon', compare: false, bonSet: `pool ${XSS.svg}`, bonGroup: `dataset = ${XSS.img}` },
  });
  await waitForRender(p.page);
  await showBon(p.page);
  await p.page.$eval('#rl-card-bon details', (d) => ((d as HTMLDetailsElement).open = true));
  const result = await p.page.evaluate(() => ({
    xss: (window as any).__xss,
    imgs: document.querySelectorAll('img').length,
    svgs: document.querySelectorAll('svg').length,
    caption: document.querySelector('#rl-card-bon caption')?.textContent ?? '',
  }));
  assert.equal(result.xss, undefined, 'no payload executed');
  assert.equal(result.imgs + result.svgs, 0, 'nothing injected');
  assert.ok(result.caption.includes(`pool ${XSS.svg}`) && result.caption.includes(`dataset = ${XSS.img}`), result.caption);
  await assertClean(p);
  await p.page.close();
});

test('measured bon.json of the AlpacaEval BT and BSR runs (docs/results) renders every pool', { skip: SKIP }, async () => {
  const read = (name: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/bon', name), 'utf8')) as typeof BT;
  const bt = read('alpacaeval-bt-s1.json');
  const bsr = read('alpacaeval-bsr-s1.json');
  const p = await openPanel(browser, {
    state: withBon(buildPanelState({ compare: true }), bt, bsr),
    restoredState: { tab: 'bon', compare: true, bonSet: 'prompt-ood' },
    viewport: { width: 1400, height: 1000 },
  });
  await waitForRender(p.page);
  await showBon(p.page);
  const sets = await p.page.$$eval('#rl-bonset vscode-option', (os) => os.map((o) => o.textContent));
  assert.deepEqual(sets, ['in-domain', 'prompt-ood', 'response-ood', 'mutual-ood']);
  const charts = await chartInfo(p.page);
  for (const id of ['bonGold', 'bonLength', 'bonProxy']) assert.ok(charts[id]!.painted > 1000, id);
  const plotted = await p.page.evaluate(() =>
    (window as any).__rewardLens.view.charts().bonGold.data.datasets[2].data.map((d: { y: number }) => d.y),
  );
  assert.deepEqual(
    plotted,
    bt.sets[1]!.curves[0]!.points.map((pt) => pt.pick.gold),
    'prompt-OOD, N = 1…16, as measured',
  );
  await p.page.screenshot({ path: path.join(ARTIFACTS, 'webview-bon-alpacaeval.png'), fullPage: true });
  await assertClean(p);
  await p.page.close();
});
