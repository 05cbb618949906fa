// Loads the real panel page in headless Chromium: the HTML from renderPanelHtml with its real CSP and nonce,
// the bundled dist/webview/diagnostics.js, and a fake VS Code host (acquireVsCodeApi) whose messages are
// answered from Node. Every request goes through page.route on a fake origin; anything else is refused and
// recorded, so a remote resource would show up as a test failure.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderPanelHtml } from '../../src/core/panelHtml';
import type { PanelState } from '../../src/protocol/panel';
import type { Wire } from '../../src/protocol/rpc';

/** The repository root: tests run from it (scripts/run-tests.mjs); checked so a wrong cwd fails loudly. */
export const ROOT = process.cwd();
if (!fs.existsSync(path.join(ROOT, 'webview/diagnostics/main.ts')))
  throw new Error(`run the webview tests from the repository root, not ${ROOT}`);
export const ORIGIN = 'https://webview.test';
export const BUNDLE = path.join(ROOT, 'dist/webview/diagnostics.js');

/** Builds the webview entry exactly as esbuild.mjs does (browser iife, es2022), only that entry. */
export async function buildBundle(): Promise<void> {
  await esbuild.build({
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    bundle: true,
    sourcemap: true,
    logLevel: 'warning',
    entryPoints: [path.join(ROOT, 'webview/diagnostics/main.ts')],
    outfile: BUNDLE,
  });
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface PanelPage {
  readonly page: Page;
  /** Messages the webview posted to the host, in order. */
  readonly posted: Wire[];
  /** Requests to anything but the fake origin's known files (should stay empty). */
  readonly refused: string[];
  readonly pageErrors: string[];
  readonly consoleErrors: string[];
  /** Sends a host → webview message. */
  send(msg: Wire): Promise<void>;
  cspViolations(): Promise<{ directive: string; blocked: string; sample: string }[]>;
  savedState(): Promise<unknown>;
  /** Resolves when a posted message matches. */
  waitForPosted(pred: (m: Wire) => boolean, timeoutMs?: number): Promise<Wire>;
}

export interface OpenOptions {
  /** What the fake host answers to PanelReady (and to SelectRuns, when `onSelect` is given). */
  readonly state: PanelState;
  /** What getState() returns at load (the persisted UI state). */
  readonly restoredState?: unknown;
  /** Host-side answer to SelectRuns: the next snapshot to push. */
  readonly onSelect?: (params: { primary: string; secondary?: string }) => PanelState;
  readonly viewport?: { width: number; height: number };
}

const MIME: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

export async function openPanel(browser: Browser, opts: OpenOptions): Promise<PanelPage> {
  const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1280, height: 900 } });
  const posted: Wire[] = [];
  const refused: string[] = [];
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const waiters: { pred: (m: Wire) => boolean; resolve: (m: Wire) => void }[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));

  const nonce = randomBytes(16).toString('base64');
  const html = renderPanelHtml({
    cspSource: ORIGIN,
    nonce,
    scriptUri: `${ORIGIN}/dist/webview/diagnostics.js`,
    styleUri: `${ORIGIN}/media/diagnostics.css`,
    title: 'Reward Lens Diagnostics',
  }).replace('</head>', `  <link rel="stylesheet" href="${ORIGIN}/test/webview/theme.css">\n</head>`);

  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin === ORIGIN) {
      if (url.pathname === '/' || url.pathname === '/index.html')
        return route.fulfill({ status: 200, contentType: 'text/html', body: html });
      const file = path.join(ROOT, decodeURIComponent(url.pathname));
      const allowed = ['dist/webview/', 'media/', 'test/webview/'].some((p) => file.startsWith(path.join(ROOT, p)));
      if (allowed && fs.existsSync(file))
        return route.fulfill({
          status: 200,
          contentType: MIME[path.extname(file)] ?? 'application/octet-stream',
          body: fs.readFileSync(file),
        });
    }
    refused.push(url.href);
    return route.abort();
  });

  const send = (msg: Wire) => page.evaluate((m) => window.postMessage(m, '*'), msg as unknown);
  await page.exposeFunction('__hostReceive', (msg: Wire) => {
    posted.push(msg);
    for (const w of [...waiters]) {
      if (!w.pred(msg)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(msg);
    }
    if (msg.kind === 'request' && msg.method === 'panel/ready') void send({ kind: 'response', id: msg.id, result: opts.state });
    if (msg.kind === 'notification' && msg.method === 'panel/selectRuns' && opts.onSelect) {
      void send({
        kind: 'notification',
        method: 'panel/stateDidChange',
        params: opts.onSelect(msg.params as { primary: string; secondary?: string }),
      });
    }
  });
  // tsx compiles this file with esbuild's keepNames, which wraps the functions below (shipped to the page by
  // evaluate/addInitScript) in calls to a `__name` helper that only exists in Node: give the page a no-op one.
  await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  await page.addInitScript((restored) => {
    const w = window as unknown as Record<string, unknown>;
    w['__csp'] = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      (w['__csp'] as unknown[]).push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
    });
    let saved: unknown = restored;
    let acquired = false;
    w['acquireVsCodeApi'] = () => {
      if (acquired) throw new Error('acquireVsCodeApi called twice');
      acquired = true;
      return {
        postMessage: (m: unknown) => (w['__hostReceive'] as (m: unknown) => void)(JSON.parse(JSON.stringify(m))),
        getState: () => saved,
        setState: (s: unknown) => {
          saved = s;
          w['__savedState'] = s;
        },
      };
    };
  }, opts.restoredState);

  await page.goto(`${ORIGIN}/index.html`);
  return {
    page,
    posted,
    refused,
    pageErrors,
    consoleErrors,
    send,
    cspViolations: () =>
      page.evaluate(() => (window as unknown as { __csp: { directive: string; blocked: string; sample: string }[] }).__csp),
    savedState: () => page.evaluate(() => (window as unknown as { __savedState?: unknown }).__savedState),
    waitForPosted: (pred, timeoutMs = 5000) => {
      const found = posted.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('timed out waiting for a posted message')), timeoutMs);
        waiters.push({
          pred,
          resolve: (m) => {
            clearTimeout(t);
            resolve(m);
          },
        });
      });
    },
  };
}

/** Waits until the app has rendered a snapshot (the debug hook reports a state). */
export async function waitForRender(page: Page): Promise<void> {
  await page.waitForFunction(
    () => (window as unknown as { __rewardLens?: { state(): unknown } }).__rewardLens?.state() !== undefined,
    undefined,
    { timeout: 10_000 },
  );
}

/** Chart summaries from the page: dataset labels and lengths per card, and whether its canvas has painted pixels. */
export interface ChartInfo {
  readonly type: string;
  readonly datasets: { label: string; length: number; nonNull: number; color: string }[];
  readonly painted: number;
  readonly width: number;
  readonly height: number;
}

export function chartInfo(page: Page): Promise<Record<string, ChartInfo>> {
  return page.evaluate(() => {
    type C = {
      config: { type: string };
      data: { datasets: { label?: string; data: unknown[]; borderColor?: unknown }[] };
      canvas: HTMLCanvasElement;
    };
    const charts = (window as unknown as { __rewardLens: { view: { charts(): Record<string, C> } } }).__rewardLens.view.charts();
    const out: Record<string, unknown> = {};
    for (const [id, c] of Object.entries(charts)) {
      const { width, height } = c.canvas;
      let painted = 0;
      if (width > 0 && height > 0) {
        const px = c.canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) painted++;
      }
      out[id] = {
        type: c.config.type,
        datasets: c.data.datasets.map((d) => ({
          label: d.label ?? '',
          length: d.data.length,
          nonNull: d.data.filter((v) => v !== null && v !== undefined).length,
          color: String(d.borderColor),
        })),
        painted,
        width,
        height,
      };
    }
    return out as Record<string, ChartInfo>;
  });
}
