import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathExists, pathKind } from '../../../src/node/pathKind';

test('pathKind tells files, folders, missing paths and dangling links apart, without throwing', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-pathkind-'));
  try {
    fs.writeFileSync(path.join(dir, 'a.jsonl'), '{}\n');
    fs.symlinkSync(path.join(dir, 'gone'), path.join(dir, 'dangling'));
    assert.equal(await pathKind(path.join(dir, 'a.jsonl')), 'file');
    assert.equal(await pathKind(dir), 'directory');
    assert.equal(await pathKind(path.join(dir, 'missing')), 'none');
    assert.equal(await pathKind(path.join(dir, 'dangling')), 'none');
    assert.equal(await pathKind(path.join(dir, 'a.jsonl', 'below-a-file')), 'none');
    assert.equal(await pathExists(dir), true);
    assert.equal(await pathExists(path.join(dir, 'missing')), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
