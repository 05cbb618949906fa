// scripts/check-function-length.mjs (STYLE.md: functions ≤ 50 lines, or a comment saying why not), on a scratch tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const script = path.resolve('scripts/check-function-length.mjs');
const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');

function check(files: Record<string, string>) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-fnlen-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d, name)), { recursive: true });
    fs.writeFileSync(path.join(d, name), text);
  }
  return spawnSync(process.execPath, [script], { cwd: d, encoding: 'utf8' });
}

test('a function, a method and an arrow over 50 lines are reported with file:line, name and length', () => {
  const r = check({
    'src/core/long.ts': `export function long() {\n${body(50)}\n}\n`,
    'webview/a.ts': `class A {\n  m() {\n${body(49)}\n  }\n}\nexport const f = () => {\n${body(51)}\n};\n`,
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /src\/core\/long\.ts:1 long 52/);
  assert.match(r.stderr, /webview\/a\.ts:2 m 51/);
  assert.match(r.stderr, /webview\/a\.ts:54 f 53/);
  assert.match(r.stderr, /3 function\(s\) over 50 lines/);
});

test('50 lines pass, and a "Long because" comment on the function or its statement excuses a longer one', () => {
  const r = check({
    'src/ok.ts': [
      `export function fits() {\n${body(48)}\n}`,
      `// Long because: one table, read top to bottom.\nexport function table() {\n${body(60)}\n}`,
      `/** Long because the phases share state. */\nexport const arrow = async () => {\n${body(60)}\n};`,
    ].join('\n'),
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /every function is ≤ 50 lines/);
});
