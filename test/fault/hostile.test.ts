// The hostile corpus (test/fault/hostileCorpus.ts, ≥ 50 files) through inspect, train (a few steps), eval, a tiny
// scenario experiment, the hover and Problems view models, and the Diagnostics panel in headless Chromium. Asserted:
// exit codes; a one-line message naming the file for every refusal; row accounting for every file read; no stack
// trace and no raw control character on any terminal; no live HTML or Markdown in any generated report or figure;
// and nothing outside the output folders changed (the workspace and a folder a link points into, hashed before/after).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { marked } from 'marked';
import { loadDatasetFile } from '../../src/node/loadDataset';
import { readRunSnapshot } from '../../src/node/runs';
import { rowAccountingProblem } from '../../src/core/data/builder';
import { UserError } from '../../src/core/errors';
import { oneLine } from '../../src/core/text';
import { annotateScores } from '../../src/core/scoring/annotations';
import { runTraining } from '../../src/train/runTraining';
import { scoreDocument } from '../../src/train/score';
import { initBackend } from '../../src/train/backends';
import { revealTargets } from '../../src/host/revealGuard';
import type { PanelState } from '../../src/protocol/panel';
import { parseXml } from '../unit/scenarios/xmlCheck';
import { testConfig, treeDigest } from '../unit/train/fixtures';
import { buildCorpus, PAYLOADS, type Corpus } from './hostileCorpus';
import { record } from './totals';

const { installFaults, removeFaults, faultCount } = createRequire(import.meta.url)('./injectFs.cjs') as {
  installFaults(s: object[]): void;
  removeFaults(): void;
  faultCount(): number;
};
const CLI = path.resolve('dist/cli.js');
const UNREADABLE = [{ op: 'read', match: '(^|/)unreadable\\.', code: 'EACCES', times: 1_000_000 }];
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const RUN_NAME = `run ${PAYLOADS[0]} ${PAYLOADS[3]}`;
let ws = '',
  outside = '',
  corpus: Corpus;
let before0: Record<string, string> = {},
  outside0: Record<string, string> = {};
let cases = 0,
  files = 0,
  cliFaults = 0;

before(() => {
  ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-hostile-ws-'));
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-hostile-outside-'));
  corpus = buildCorpus(ws, outside);
  assert.ok(corpus.files.length >= 50, `${corpus.files.length} files`);
  before0 = treeDigest(ws);
  outside0 = treeDigest(outside);
});
after(() => {
  record({ part: 'hostile', cases, faults: faultCount() + cliFaults, payloads: corpus.placements + 2, files });
});

function cli(args: string[], faults = false) {
  const pre = faults ? ['--require', path.resolve('test/fault/injectFs.cjs')] : [];
  const r = spawnSync(process.execPath, [...pre, CLI, ...args], {
    cwd: ws,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, ...(faults ? { REWARD_LENS_TEST_FAULTS: JSON.stringify(UNREADABLE) } : {}) },
  });
  const terminal =
    (r.stdout ?? '') +
    (r.stderr ?? '')
      .split('\n')
      .filter((l) => !/^injected EACCES/.test(l))
      .join('\n');
  assert.doesNotMatch(terminal, /\n\s+at .*:\d+:\d+\)?$/m, `no stack trace: ${args.join(' ')}\n${terminal.slice(0, 2000)}`);
  assert.doesNotMatch(terminal, RAW_CONTROL, `no raw control character reaches the terminal: ${args.slice(0, 2).join(' ')}`);
  return r;
}

test('every file: read with rows that add up, or refused with one line naming it (in-process)', async () => {
  installFaults(UNREADABLE);
  try {
    for (const f of corpus.files) {
      const file = path.join(ws, f.name);
      if (f.refused) {
        await assert.rejects(
          loadDatasetFile(file),
          (e: Error) => e instanceof UserError && f.refused!.test(e.message) && e.message.includes(oneLine(file)) && !/\n/.test(e.message),
          f.name,
        );
      } else {
        const d = await loadDatasetFile(file);
        assert.equal(rowAccountingProblem(d), undefined, f.name);
        for (const s of d.skipped) assert.doesNotMatch(s.detail, RAW_CONTROL, `${f.name}:${s.line}`);
      }
      cases++;
    }
  } finally {
    removeFaults();
  }
});

test('inspect: the whole corpus in one call; each refusal one stderr line naming its file, the rest accounted', () => {
  const r = cli(['inspect', '--json', ...corpus.files.map((f) => f.name)], true);
  assert.equal(r.status, 2, 'some files are refused');
  const out = JSON.parse(r.stdout) as {
    file: string;
    error?: string;
    rows?: number;
    accounting?: { pairRows: number; skippedRows: number; nonPairRows: Record<string, number> };
  }[];
  assert.equal(out.length, corpus.files.length);
  cliFaults += r.stderr.split('\n').filter((l) => /^injected EACCES/.test(l)).length;
  const lines = r.stderr.split('\n').filter((l) => l && !/^injected EACCES/.test(l));
  corpus.files.forEach((f, i) => {
    const o = out[i]!;
    assert.equal(o.file, f.name);
    if (f.refused) {
      assert.match(o.error!, f.refused, f.name);
      assert.ok(
        lines.some((l) => l.startsWith('reward-lens: ') && l.includes(oneLine(f.name)) && f.refused!.test(l)),
        `a stderr line for ${f.name}`,
      );
    } else {
      const a = o.accounting!;
      assert.equal(a.pairRows + a.skippedRows + Object.values(a.nonPairRows).reduce((x, y) => x + y, 0), o.rows, f.name);
    }
    cases++;
  });
  assert.equal(lines.length, corpus.files.filter((f) => f.refused).length, 'exactly one line per refused file');
  const text = cli(['inspect', ...corpus.files.filter((f) => !f.refused).map((f) => f.name)]);
  assert.equal(text.status, 0, text.stderr);
});

test('train a few steps on every hostile pair file, into a run named with payloads; every unusable file is refused and writes nothing', async () => {
  const evalFiles = corpus.pairFiles.slice(0, 4);
  const r = cli([
    'train',
    ...corpus.pairFiles,
    ...evalFiles.flatMap((f) => ['--eval', f]),
    '--backend',
    'wasm',
    '--steps',
    '3',
    '--batch-size',
    '8',
    '--holdout',
    '0.2',
    '--out',
    path.join('runs', RUN_NAME),
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^completed: 3\/3 steps/m);
  cases++;
  for (const f of corpus.files.filter((x) => x.refused && !x.unreadable)) {
    const runDir = path.join(ws, 'runs', `refused-${cases}`);
    await assert.rejects(
      runTraining({
        runId: 'x',
        runDir,
        config: testConfig({ steps: 1 }),
        trainFiles: [path.join(ws, f.name)],
        evalFiles: [],
        resume: false,
      }),
      (e: Error) => e instanceof UserError && f.refused!.test(e.message),
      f.name,
    );
    assert.equal(fs.existsSync(runDir), false, `${f.name}: nothing written`);
    cases++;
  }
});

test('eval on the hostile files: JSON and terminal text, set names are the hostile file names', () => {
  const model = path.join('runs', RUN_NAME);
  const j = cli(['eval', '--backend', 'wasm', '--model', model, ...corpus.pairFiles, '--json']);
  assert.equal(j.status, 0, j.stderr);
  const rep = JSON.parse(j.stdout) as { sets: { name: string; pairs: number }[] };
  assert.equal(rep.sets.length, corpus.pairFiles.length);
  assert.ok(
    rep.sets.some((s) => s.name.includes(PAYLOADS[0])),
    'the payload survives as data',
  );
  const t = cli(['eval', '--backend', 'wasm', '--model', model, ...corpus.pairFiles.slice(0, 8)]);
  assert.equal(t.status, 0, t.stderr);
  cases += 2;
});

test('a tiny scenario experiment on hostile prompt groups, model names and an extra set with a hostile file name', () => {
  const r = cli([
    'experiment',
    'scenarios',
    '--data',
    corpus.multiFile,
    '--prompt-group-key',
    'dataset',
    '--held-out-prompt-fraction',
    '0.5',
    '--held-out-model-count',
    '3',
    '--objectives',
    'bt',
    '--seeds',
    '1',
    '--steps',
    '2',
    '--batch-size',
    '4',
    '--checkpoints',
    '1',
    '--backend',
    'wasm',
    '--extra-eval',
    corpus.pairFiles[0]!,
    '--out',
    path.join('exp', RUN_NAME),
    '--quiet',
  ]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const md = fs.readFileSync(path.join(ws, 'exp', RUN_NAME, 'report.md'), 'utf8');
  for (const payload of [PAYLOADS[0], PAYLOADS[3]])
    assert.ok(
      md.includes(payload.replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`)) || md.includes(payload),
      'the names are in the report, escaped',
    );
  cases++;
});

test('hover and Problems view models from scoring hostile files stay inert', async () => {
  const modelDir = path.join(ws, 'runs', RUN_NAME, 'model');
  await initBackend('wasm'); // as the extension's worker does before scoring (tfjs would default to its slow cpu backend)
  // The editor scores the text of open documents (parquet opens in its own viewer, not as text).
  for (const name of [
    ...corpus.pairFiles.filter((f) => !f.endsWith('.parquet')),
    'raw-esc-broken.jsonl',
    'nan-literals.jsonl',
    'escaped-esc.jsonl',
  ]) {
    const text = fs.readFileSync(path.join(ws, name), 'utf8');
    const result = await scoreDocument({ modelDir, file: path.join(ws, name), text });
    for (const a of annotateScores(result, { reportMisranked: true })) {
      const html = marked.parse(a.hoverMarkdown, { async: false }) as string;
      assert.deepEqual(
        liveTags(html, ['p', 'strong', 'em', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code']),
        [],
        `${name}:${a.line} hover`,
      );
      for (const p of a.problems) assert.doesNotMatch(p.message, RAW_CONTROL, `${name}:${p.line} Problems message`);
      assert.doesNotMatch(a.title + a.inlineText, RAW_CONTROL);
    }
    cases++;
  }
});

test('the Diagnostics panel (headless Chromium) shows the hostile runs as text: no script runs, no element injected', {
  skip: fs.existsSync('/usr/bin/chromium') ? false : 'needs /usr/bin/chromium',
}, async () => {
  const { launchBrowser, openPanel, waitForRender } = await import('../webview/harness');
  const primary = readRunSnapshot(path.join(ws, 'runs', RUN_NAME))!;
  const secondary = readRunSnapshot(path.join(ws, 'exp', RUN_NAME, 'runs', 'bt-s1'))!;
  const state: PanelState = {
    runs: [primary, secondary].map((r) => ({ runId: r.runId, label: r.label, status: r.status })),
    primary,
    secondary,
  };
  assert.ok(revealTargets(state).has(corpus.pairFiles[0]!), 'the hostile file may be revealed: the host sent it');
  const browser = await launchBrowser();
  try {
    const p = await openPanel(browser, { state, restoredState: { tab: 'rewards', compare: true } });
    await waitForRender(p.page);
    for (const tab of ['training', 'robustness', 'rewards']) await p.page.click(`vscode-tab-header[data-tab="${tab}"]`, { timeout: 5000 });
    await p.page.$$eval('details.rl-table', (ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
    await p.page.waitForTimeout(300);
    const r = await p.page.evaluate(() => ({
      pwn: (globalThis as { __pwn?: unknown }).__pwn,
      injected: document.querySelectorAll('img, iframe, object, embed, a[href], body svg').length,
      scripts: document.querySelectorAll('script').length,
      onAttrs: Array.from(document.querySelectorAll('*')).filter((e) => Array.from(e.attributes).some((a) => a.name.startsWith('on')))
        .length,
      text: document.body.textContent ?? '',
    }));
    assert.equal(r.pwn, undefined, 'no payload ran');
    assert.equal(r.injected, 0);
    assert.equal(r.scripts, 1);
    assert.equal(r.onAttrs, 0);
    assert.ok(r.text.includes(PAYLOADS[0]), 'the payload is shown as text');
    assert.deepEqual(p.pageErrors, []);
    assert.deepEqual(p.refused, [], 'no remote request (the beacon image was not loaded)');
    await p.page.close();
    cases++;
  } finally {
    await browser.close();
  }
});

/** Tags in rendered HTML other than `allowed`, plus any link or image that is not one of the report's own figures. */
function liveTags(html: string, allowed: readonly string[]): string[] {
  const bad = [...html.matchAll(/<([a-zA-Z][\w-]*)([^>]*)>/g)].filter(([, tag, attrs]) => {
    const t = tag!.toLowerCase();
    if (t === 'img') return !/^\s+src="figures\/[\w-]+\.(svg|png)"\s+alt="[^"<>]*"\s*\/?$/.test(attrs!);
    if (t === 'a') return !/^\s+href="figures\/[\w-]+\.svg"\s*$/.test(attrs!);
    return !allowed.includes(t);
  });
  return bad.map((m) => m[0]);
}

function walkFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walkFiles(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []));
}

test('every generated file: no live HTML or Markdown, no raw control character; the workspace and the linked folder unchanged', () => {
  const REPORT_TAGS = [
    'h1',
    'h2',
    'h3',
    'p',
    'pre',
    'code',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'em',
    'strong',
    'ul',
    'li',
    'br',
    'img',
    'a',
  ];
  const SVG_ELEMENTS = new Set(['svg', 'title', 'rect', 'text', 'line', 'g', 'path', 'circle', 'polyline', 'polygon', 'tspan']);
  for (const out of ['runs', 'exp']) {
    for (const file of walkFiles(path.join(ws, out))) {
      const ext = path.extname(file);
      const text = fs.readFileSync(file, 'utf8');
      if (ext === '.md') {
        const html = marked.parse(text, { async: false }) as string;
        assert.deepEqual(liveTags(html, REPORT_TAGS), [], `${file}: live markup`);
        assert.equal((html.match(/<h1/g) ?? []).length, 1, `${file}: one title`);
      } else if (ext === '.svg') {
        for (const el of parseXml(text)) {
          assert.ok(SVG_ELEMENTS.has(el.name), `${file}: <${el.name}>`);
          assert.deepEqual(
            Object.keys(el.attrs).filter((a) => /^on|href$/i.test(a)),
            [],
            `${file}: <${el.name}> attributes`,
          );
        }
      } else if (ext === '.txt') assert.doesNotMatch(text, RAW_CONTROL, file);
      else if (ext === '.json') JSON.parse(text);
      else if (ext === '.jsonl')
        text
          .split('\n')
          .filter(Boolean)
          .forEach((l) => JSON.parse(l));
      files++;
    }
  }
  const now = treeDigest(ws);
  for (const k of Object.keys(now)) if (/^(runs|exp)\//.test(k)) delete now[k];
  assert.deepEqual(now, before0, 'nothing in the workspace outside runs/ and exp/ changed');
  assert.deepEqual(treeDigest(outside), outside0, 'the folder outside the workspace is unchanged');
  files += Object.keys(before0).length + Object.keys(outside0).length;
  cases++;
});
