// The Diagnostics panel in headless Chromium: real HTML shell (renderPanelHtml, real CSP with a nonce), the
// bundled dist/webview/diagnostics.js, and a fake VS Code host answering PanelReady with fixture runs.
// Screenshots go to test-artifacts/webview-*.png for a human look.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Wire } from '../../src/protocol/rpc';
import { buildPanelState, stateFor, XSS } from './fixtures';
import { buildBundle, chartInfo, launchBrowser, openPanel, ROOT, waitForRender, type PanelPage } from './harness';

const ARTIFACTS = path.join(ROOT, 'test-artifacts');
/** CI installs Debian's Chromium (.ci/run); elsewhere the browser tests are skipped, saying why. */
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

const isNotification = (method: string) => (m: Wire) => m.kind === 'notification' && m.method === method;

async function showTab(page: Page, tab: string): Promise<void> {
  await page.click(`vscode-tab-header[data-tab="${tab}"]`);
  // chart.js resizes hidden canvases through a ResizeObserver once their panel is shown.
  await page.waitForFunction((t) => {
    const panel = document.querySelector(`vscode-tab-panel[data-panel="${t}"]`);
    const canvases = Array.from(panel?.querySelectorAll('canvas') ?? []).filter((c) => !c.closest('[hidden]'));
    return canvases.length > 0 && canvases.every((c) => c.width > 0 && c.height > 0);
  }, tab);
}

async function assertClean(p: PanelPage): Promise<void> {
  assert.deepEqual(await p.cspViolations(), [], 'no CSP violations');
  assert.deepEqual(p.refused, [], 'no requests outside the webview origin');
  assert.deepEqual(p.pageErrors, [], 'no uncaught page errors');
  assert.deepEqual(p.consoleErrors, [], 'no console errors');
}

/** Centre of element `index` of dataset `datasetIndex` of a chart, in page coordinates. */
function elementCentre(page: Page, chartId: string, datasetIndex: number, index: number) {
  return page.evaluate(
    ([id, di, i]) => {
      type El = { getProps(k: string[], final: boolean): Record<string, number> };
      const chart = (window as any).__rewardLens.view.charts()[id] as {
        canvas: HTMLCanvasElement;
        getDatasetMeta(d: number): { data: El[] };
      };
      const p = chart.getDatasetMeta(di).data[i]!.getProps(['x', 'y', 'base'], true);
      const r = chart.canvas.getBoundingClientRect();
      // Horizontal bars span base..x: click the middle of the bar.
      return { x: r.left + ((p['base'] ?? p['x']!) + p['x']!) / 2, y: r.top + p['y']! };
    },
    [chartId, datasetIndex, index] as const,
  );
}

test('renders every chart with data under the real CSP', { skip: SKIP }, async () => {
  const state = buildPanelState();
  const p = await openPanel(browser, { state });
  await waitForRender(p.page);
  const ready = await p.waitForPosted((m) => m.kind === 'request' && m.method === 'panel/ready');
  assert.deepEqual((ready as { params: unknown }).params, {}, 'nothing to restore on a fresh panel');

  const expected: Record<string, string[]> = {
    training: ['loss', 'accuracy', 'batchMean', 'wpNorm'],
    rewards: ['rewardHist', 'groupAcc'],
    hidden: ['hNormBox', 'hDiffBand', 'erankGap'],
    robustness: ['lengthReward', 'lengthBaseline'],
  };
  for (const [tab, ids] of Object.entries(expected)) {
    await showTab(p.page, tab);
    await p.page.waitForTimeout(100);
    const charts = await chartInfo(p.page);
    for (const id of ids) {
      const c = charts[id];
      assert.ok(c, `chart ${id} exists`);
      assert.ok(c.painted > 1000, `chart ${id} painted pixels (got ${c.painted})`);
      assert.ok(
        c.datasets.some((d) => d.nonNull > 0),
        `chart ${id} has data`,
      );
    }
    await p.page.screenshot({ path: path.join(ARTIFACTS, `webview-${tab}.png`), fullPage: true });
  }
  const charts = await chartInfo(p.page);
  const run = state.primary!;
  assert.deepEqual(
    charts['loss']!.datasets.map((d) => [d.label, d.length]),
    [['BT', run.metrics.length]],
  );
  assert.deepEqual(
    charts['hNormBox']!.datasets.map((d) => d.nonNull),
    [5],
    'one box per eval set',
  );
  assert.equal(charts['hDiffBand']!.datasets[2]!.length, run.evals.length, 'one band point per checkpoint');
  assert.deepEqual(
    charts['rewardHist']!.datasets.map((d) => d.label),
    ['chosen', 'rejected'],
  );
  assert.deepEqual(
    charts['wpNorm']!.datasets.map((d) => d.label),
    ['BT', 'reference ‖W_p‖ = 1'],
  );
  // Plain BT has no regulariser: the card says so rather than drawing a flat zero line.
  assert.match((await p.page.textContent('#rl-card-reg .rl-note')) ?? '', /plain Bradley-Terry/);
  assert.equal(charts['reg'], undefined);
  // Controls have accessible names (the combobox inside the select's shadow root).
  const names = await p.page.evaluate(() =>
    ['#rl-primary', '#rl-evalset'].map((sel) =>
      document.querySelector(sel)!.shadowRoot!.querySelector('[role="combobox"]')!.getAttribute('aria-label'),
    ),
  );
  assert.deepEqual(names, ['Run', 'Eval set']);
  // Kendall's τ needs gold scores: D_train has none, so its card says so instead of plotting.
  const kendallNote = await p.page.textContent('#rl-card-kendall .rl-note');
  assert.match(kendallNote ?? '', /no gold scores/);
  // Every chart has its data table; the loss table reports the last logged value.
  const lossTable = await p.page.$$eval('#rl-card-loss table tbody tr', (rows) => rows.map((r) => r.textContent));
  assert.equal(lossTable.length, 1);
  assert.ok(lossTable[0]!.includes(String(run.metrics.at(-1)!.step)));
  assert.equal(await p.page.getAttribute('#rl-card-loss canvas', 'role'), 'img');
  await assertClean(p);
  await p.page.close();
});

test('the Kendall τ histogram appears for a set with gold scores', { skip: SKIP }, async () => {
  const p = await openPanel(browser, {
    state: buildPanelState(),
    restoredState: { tab: 'robustness', compare: false, evalSet: 'D_~Mutual' },
  });
  await waitForRender(p.page);
  await showTab(p.page, 'robustness');
  await p.page.waitForTimeout(100);
  const k = (await chartInfo(p.page))['kendall']!;
  assert.ok(k.painted > 1000);
  assert.equal(k.datasets[0]!.length, 20, '20 fixed bins over [-1, 1]');
  const values = buildPanelState().primary!.evals[4]!.sets[4]!.kendall!.values;
  const finite = values.filter(Number.isFinite).length;
  const total = await p.page.evaluate(() =>
    ((window as any).__rewardLens.view.charts()['kendall'].data.datasets[0].data as number[]).reduce((a, b) => a + b, 0),
  );
  assert.equal(total, finite, 'every non-NaN prompt is counted once');
  await p.page.screenshot({ path: path.join(ARTIFACTS, 'webview-kendall.png'), fullPage: true });
  await assertClean(p);
  await p.page.close();
});

test('compare mode draws two clearly labelled series per chart', { skip: SKIP }, async () => {
  const p = await openPanel(browser, {
    state: buildPanelState({ compare: true }),
    restoredState: { tab: 'hidden', compare: true, evalSet: 'D_ID' },
    onSelect: (q) => stateFor(q.primary, q.secondary),
  });
  await waitForRender(p.page);
  await showTab(p.page, 'hidden');
  await p.page.waitForTimeout(100);
  const charts = await chartInfo(p.page);
  assert.deepEqual(
    charts['loss']!.datasets.map((d) => d.label),
    ['BT', 'BT-BSR'],
  );
  assert.notEqual(charts['loss']!.datasets[0]!.color, charts['loss']!.datasets[1]!.color, 'runs get different colours');
  assert.deepEqual(
    charts['hNormBox']!.datasets.map((d) => d.label),
    ['BT', 'BT-BSR'],
  );
  assert.deepEqual(
    charts['reg']!.datasets.map((d) => d.label),
    ['BT', 'BT-BSR'],
    'BSR has a regulariser, so the chart is drawn',
  );
  assert.deepEqual(
    charts['rewardHist']!.datasets.map((d) => d.label),
    ['BT · chosen', 'BT · rejected', 'BT-BSR · chosen', 'BT-BSR · rejected'],
  );
  assert.deepEqual(
    charts['hDiffBand']!.datasets.filter((d) => d.label).map((d) => d.label),
    ['BT mean ± std', 'BT-BSR mean ± std'],
  );
  assert.equal(charts['erankGap']!.datasets.length, 2);
  await p.page.screenshot({ path: path.join(ARTIFACTS, 'webview-compare-hidden.png'), fullPage: true });

  // Turning Compare off asks the host for the primary run alone and redraws with one series.
  await p.page.click('#rl-compare');
  const select = await p.waitForPosted(
    (m) => isNotification('panel/selectRuns')(m) && !(m as { params: { secondary?: string } }).params.secondary,
  );
  assert.deepEqual((select as { params: unknown }).params, { primary: 'bt-1' });
  await p.page.waitForFunction(() => (window as any).__rewardLens.view.charts()['loss'].data.datasets.length === 1);
  assert.equal(((await p.savedState()) as { compare: boolean }).compare, false);
  await assertClean(p);
  await p.page.close();
});

test('dataset text with markup renders as text: no element injected, no script run', { skip: SKIP }, async () => {
  const state = buildPanelState({ xss: true, compare: true });
  const p = await openPanel(browser, { state, restoredState: { tab: 'rewards', compare: true, evalSet: `D_~Prompt ${XSS.svg}` } });
  await waitForRender(p.page);
  await showTab(p.page, 'rewards');
  await p.page.$$eval('details.rl-table', (ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
  await p.page.waitForTimeout(200);
  const result = await p.page.evaluate(() => ({
    xss: (window as any).__xss,
    imgs: document.querySelectorAll('img').length,
    svgs: document.querySelectorAll('svg').length,
    scripts: document.querySelectorAll('script').length,
    onAttrs: Array.from(document.querySelectorAll('*')).filter((e) => Array.from(e.attributes).some((a) => a.name.startsWith('on'))).length,
    text: document.body.innerText,
    allText: document.body.textContent ?? '',
  }));
  assert.equal(result.xss, undefined, 'no payload executed');
  assert.equal(result.imgs, 0, 'no <img> injected');
  assert.equal(result.svgs, 0, 'no <svg> injected in the light DOM');
  assert.equal(result.scripts, 1, 'only the panel bundle');
  assert.equal(result.onAttrs, 0, 'no event-handler attributes anywhere');
  // The payloads are visible as text: run label (status line, table), group name (table), file (Open button label).
  assert.ok(result.text.includes(`BT ${XSS.img}`), 'run label shown verbatim');
  assert.ok(result.text.includes(`subset = ${XSS.img}`), 'group name shown verbatim');
  const openLabels = await p.page.$$eval('vscode-button[aria-label^="Open "]', (bs) => bs.map((b) => b.getAttribute('aria-label')));
  assert.ok(openLabels.includes(`Open data/${XSS.script}.jsonl at line 17`), 'file name kept as text in the button label');
  assert.ok(result.allText.includes(`BT ${XSS.img} · D_~Prompt ${XSS.svg}`), 'eval-set name kept verbatim in the ‖h‖ table');
  const setName = await p.page.evaluate(() => (document.querySelector('#rl-evalset') as unknown as { value: string }).value);
  assert.equal(setName, `D_~Prompt ${XSS.svg}`, 'eval-set name selected as a plain value');
  await p.page.screenshot({ path: path.join(ARTIFACTS, 'webview-xss.png'), fullPage: true });
  await assertClean(p);
  await p.page.close();
});

test('clicking a bar, an outlier or a table button posts RevealRow', { skip: SKIP }, async () => {
  const state = buildPanelState();
  const p = await openPanel(browser, { state, restoredState: { tab: 'rewards', compare: false, evalSet: 'D_ID' } });
  await waitForRender(p.page);
  await showTab(p.page, 'rewards');
  const file = state.primary!.evals[4]!.sets[1]!.file;

  const bar = await elementCentre(p.page, 'groupAcc', 0, 2);
  await p.page.mouse.click(bar.x, bar.y);
  const byBar = await p.waitForPosted(isNotification('panel/revealRow'));
  assert.deepEqual((byBar as { params: unknown }).params, { file, line: 1 });

  // Figure 3 outliers carry their dataset line (BoxStats.outlierLines): the click opens that row.
  await showTab(p.page, 'hidden');
  await p.page.waitForTimeout(100);
  const box = state.primary!.evals[4]!.sets[1]!.hNorm;
  const at = await p.page.evaluate(
    ([value]) => {
      const chart = (window as any).__rewardLens.view.charts()['hNormBox'];
      const el = chart.getDatasetMeta(0).data[1].getProps(['y'], true);
      const r = chart.canvas.getBoundingClientRect();
      return { x: r.left + chart.scales.x.getPixelForValue(value), y: r.top + el.y };
    },
    [box.outliers[1]!] as const,
  );
  const before = p.posted.length;
  await p.page.mouse.click(at.x, at.y);
  const byOutlier = await p.waitForPosted((m) => isNotification('panel/revealRow')(m) && p.posted.indexOf(m) >= before);
  assert.deepEqual((byOutlier as { params: unknown }).params, { file, line: box.outlierLines![1] });

  // Keyboard path: the data table's Open button.
  await p.page.$eval('#rl-card-hNormBox details', (d) => ((d as HTMLDetailsElement).open = true));
  const n = p.posted.length;
  await p.page.focus('#rl-card-hNormBox tbody tr:nth-child(2) vscode-button');
  await p.page.keyboard.press('Enter');
  const byKey = await p.waitForPosted((m) => isNotification('panel/revealRow')(m) && p.posted.indexOf(m) >= n);
  assert.deepEqual((byKey as { params: unknown }).params, { file, line: box.outlierLines![0] });
  await assertClean(p);
  await p.page.close();
});

test('UI state is restored from getState and persisted with setState', { skip: SKIP }, async () => {
  const restored = { tab: 'hidden', compare: true, evalSet: 'D_~Response', primaryRunId: 'bsr-2', secondaryRunId: 'bt-1' };
  const p = await openPanel(browser, {
    state: stateFor('bsr-2', 'bt-1'),
    restoredState: restored,
    onSelect: (q) => stateFor(q.primary, q.secondary),
  });
  await waitForRender(p.page);
  const ready = await p.waitForPosted((m) => m.kind === 'request' && m.method === 'panel/ready');
  assert.deepEqual((ready as { params: unknown }).params, { restoredRunIds: ['bsr-2', 'bt-1'] }, 'asks the host for the remembered runs');
  const ui = await p.page.evaluate(() => ({
    tab: (document.querySelector('#rl-tabs') as unknown as { selectedIndex: number }).selectedIndex,
    evalSet: (document.querySelector('#rl-evalset') as unknown as { value: string }).value,
    compare: (document.querySelector('#rl-compare') as unknown as { checked: boolean }).checked,
    primary: (document.querySelector('#rl-primary') as unknown as { value: string }).value,
  }));
  assert.deepEqual(ui, { tab: 2, evalSet: 'D_~Response', compare: true, primary: 'bsr-2' });
  const band = await p.page.evaluate(() => (window as any).__rewardLens.view.charts()['hDiffBand'].data.datasets[2].data.at(-1).y);
  assert.equal(band, stateFor('bsr-2').primary!.evals[4]!.sets[3]!.hDiffNorm.mean, 'the band shows the restored eval set');

  await p.page.click('vscode-tab-header[data-tab="training"]');
  await p.page.waitForFunction(() => (window as any).__savedState?.tab === 'training');
  const saved = (await p.savedState()) as Record<string, unknown>;
  assert.deepEqual(saved, { ...restored, tab: 'training' }, 'UI state only: no run data in setState');
  await assertClean(p);
  await p.page.close();
});

test('Compare restored from state asks the host for the pair when it answered with one run', { skip: SKIP }, async () => {
  const p = await openPanel(browser, {
    state: buildPanelState(),
    restoredState: { tab: 'training', compare: true },
    onSelect: (q) => stateFor(q.primary, q.secondary),
  });
  await waitForRender(p.page);
  const select = await p.waitForPosted(isNotification('panel/selectRuns'));
  assert.deepEqual((select as { params: unknown }).params, { primary: 'bt-1', secondary: 'bsr-2' });
  await p.page.waitForFunction(() => (window as any).__rewardLens.view.charts()['loss'].data.datasets.length === 2);
  await assertClean(p);
  await p.page.close();
});

test('colours follow the VS Code theme when the body class changes', { skip: SKIP }, async () => {
  const p = await openPanel(browser, { state: buildPanelState() });
  await waitForRender(p.page);
  const colour = () => p.page.evaluate(() => (window as any).__rewardLens.view.charts()['loss'].data.datasets[0].borderColor as string);
  assert.equal(await colour(), '#3794ff', 'dark theme --vscode-charts-blue');
  await p.page.evaluate(() => document.body.classList.add('vscode-light'));
  await p.page.waitForFunction(() => (window as any).__rewardLens.view.charts()['loss'].data.datasets[0].borderColor === '#1a85ff');
  const tick = await p.page.evaluate(() => (window as any).__rewardLens.view.charts()['loss'].options.scales.x.ticks.color);
  assert.equal(tick, '#3b3b3b', 'axis text follows --vscode-descriptionForeground');
  await p.page.screenshot({ path: path.join(ARTIFACTS, 'webview-light.png'), fullPage: true });
  await assertClean(p);
  await p.page.close();
});

test('a running primary shows Cancel, which posts CancelRunFromPanel; no runs shows a hint', { skip: SKIP }, async () => {
  const p = await openPanel(browser, { state: buildPanelState({ primaryStatus: 'running' }) });
  await waitForRender(p.page);
  assert.match((await p.page.textContent('.rl-status')) ?? '', /BT · running · step 2000 \/ 2000/);
  // A progress push (complete snapshot) updates the charts in place: same Chart object, new data.
  await p.page.evaluate(() => ((window as any).__rewardLens.view.charts()['loss'].__marker = 1));
  const running = buildPanelState({ primaryStatus: 'running' });
  const shorter = { ...running, primary: { ...running.primary!, step: 1200, metrics: running.primary!.metrics.slice(0, 120) } };
  await p.send({ kind: 'notification', method: 'panel/stateDidChange', params: shorter });
  await p.page.waitForFunction(() => (window as any).__rewardLens.view.charts()['loss'].data.datasets[0].data.length === 120);
  assert.equal(await p.page.evaluate(() => (window as any).__rewardLens.view.charts()['loss'].__marker), 1, 'chart reused, not recreated');
  assert.match((await p.page.textContent('.rl-status')) ?? '', /step 1200 \/ 2000/);
  await p.page.click('#rl-cancel');
  const cancel = await p.waitForPosted(isNotification('panel/cancelRun'));
  assert.deepEqual((cancel as { params: unknown }).params, { runId: 'bt-1' });
  await assertClean(p);
  await p.page.close();

  const empty = await openPanel(browser, { state: { runs: [] } });
  await waitForRender(empty.page);
  assert.match((await empty.page.textContent('.rl-empty:not([hidden])')) ?? '', /No runs yet/);
  assert.equal(await empty.page.isVisible('#rl-tabs'), false);
  await assertClean(empty);
  await empty.page.close();
});

test('an external scorer shows on the Rewards tab: agreement and Kendall τ per scored file, as text', { skip: SKIP }, async () => {
  const none = await openPanel(browser, { state: buildPanelState() });
  await waitForRender(none.page);
  assert.match((await none.page.textContent('#rl-card-external .rl-note')) ?? '', /No external scorer loaded/);
  await none.page.close();
  const external = {
    name: 'org/rm-7b <b>x</b>',
    file: '/s/rm.json',
    pairs: 40,
    model: 'BT',
    documents: [
      { document: 'data/pairs.jsonl', matched: 32, agreement: 0.875, tau: 0.6123 },
      { document: 'b.jsonl', matched: 1, agreement: 1, tau: NaN },
    ],
  };
  const p = await openPanel(browser, { state: { ...buildPanelState(), external } });
  await waitForRender(p.page);
  await showTab(p.page, 'rewards');
  const note = (await p.page.textContent('#rl-card-external .rl-note')) ?? '';
  assert.equal(
    note,
    'org/rm-7b <b>x</b> (40 pairs) vs BT: data/pairs.jsonl: 32 pairs, agreement 87.5%, τ 0.612; b.jsonl: 1 pairs, agreement 100.0%, τ n/a',
  );
  const rows = await p.page.$$eval('#rl-card-external table tbody tr', (trs) =>
    trs.map((r) => Array.from(r.querySelectorAll('td,th')).map((c) => c.textContent)),
  );
  assert.deepEqual(rows, [
    ['data/pairs.jsonl', '32', '87.5%', '0.612'],
    ['b.jsonl', '1', '100.0%', 'n/a'],
  ]);
  assert.equal(await p.page.$('#rl-card-external b'), null, 'names from files are text, never markup');
  await p.page.screenshot({ path: path.join(ARTIFACTS, 'webview-external.png'), fullPage: true });
  await assertClean(p);
  await p.page.close();
});
