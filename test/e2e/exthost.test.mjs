// Runs test/host/index.cjs inside code-server's real Node extension host (extensionTestsPath), with this
// repository as the extension under development. The exit code comes back through window.codeAutomationExit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, SHOTS, e2eAvailable, skipReason, startWorkbench } from './harness.mjs';

test('extension-host integration suite passes in code-server', { skip: e2eAvailable() ? false : skipReason, timeout: 300000 }, async () => {
  const resultFile = path.join(REPO, '.e2e', `host-result-${process.pid}.json`);
  process.env.REWARD_LENS_HOST_RESULT = resultFile; // inherited by code-server and its extension host
  const wb = await startWorkbench({ name: 'host', payload: [['extensionTestsPath', path.join(REPO, 'test/host/index.cjs')]] });
  try {
    let exitWith;
    const done = new Promise((r) => {
      exitWith = r;
    });
    await wb.page.exposeFunction('codeAutomationExit', (code) => exitWith(code));
    await wb.page.exposeFunction('codeAutomationLog', () => undefined);
    await wb.page.goto(wb.url, { waitUntil: 'domcontentloaded', timeout: 120000 });
    const code = await Promise.race([done, new Promise((r) => setTimeout(() => r('timeout'), 240000))]);
    await wb.page.screenshot({ path: `${SHOTS}/host-suite-end.png` }).catch(() => {});
    const result = fs.existsSync(resultFile) ? JSON.parse(fs.readFileSync(resultFile, 'utf8')) : undefined;
    for (const r of result?.results ?? []) console.log(`${r.ok ? 'ok' : 'FAILED'} ${r.name} (${r.ms} ms)${r.error ? `\n${r.error}` : ''}`);
    console.log('HOST_TIMINGS_MS ' + JSON.stringify(result?.timings ?? {}));
    assert.equal(code, 0, `extension-host tests exit code ${code}`);
    assert.ok(result && (process.env.REWARD_LENS_HOST_ONLY || result.results.length >= 8) && result.results.every((r) => r.ok));
  } finally {
    await wb.close();
    fs.rmSync(resultFile, { force: true });
  }
});
