import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const script = path.resolve('scripts/check-boundaries.mjs');

test('architecture invariants hold for the repository', () => {
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('the boundary check catches a core file importing vscode or fs', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-arch-'));
  fs.mkdirSync(path.join(d, 'src/core'), { recursive: true });
  fs.writeFileSync(path.join(d, 'src/core/bad.ts'), "import * as vscode from 'vscode';\nimport fs from 'node:fs';\n");
  const r = spawnSync(process.execPath, [script], { cwd: d, encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /src\/core\/bad\.ts:1: imports "vscode"/);
  assert.match(r.stderr, /src\/core\/bad\.ts:2: imports "node:fs"/);
});

test('the boundary check catches a synchronous file-system call in src/host', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-arch-'));
  fs.mkdirSync(path.join(d, 'src/host'), { recursive: true });
  fs.writeFileSync(path.join(d, 'src/host/ok.ts'), '// fs.existsSync( in a comment is fine\nawait fs.promises.stat(p);\n');
  fs.writeFileSync(path.join(d, 'src/host/bad.ts'), 'const a = 1;\nif (fs.existsSync(p)) x();\n');
  const r = spawnSync(process.execPath, [script], { cwd: d, encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /src\/host\/bad\.ts:2: synchronous file-system call/);
  assert.doesNotMatch(r.stderr, /ok\.ts/);
});
