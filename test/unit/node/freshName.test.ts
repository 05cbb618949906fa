// Two runs or experiments started within the same second must not share a directory (a host test once ran two
// scenario experiments in one second, and the second was refused as "made with different settings").
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { freshName } from '../../../src/node/freshName';

test('freshName keeps a free id and suffixes a taken one with -2, -3, … (real directories)', () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'fresh-name-'));
  const id = '2026-12-02T02-32-00-scenarios';
  assert.equal(freshName(parent, id), id);
  fs.mkdirSync(path.join(parent, id));
  assert.equal(freshName(parent, id), `${id}-2`);
  fs.mkdirSync(path.join(parent, `${id}-2`));
  fs.writeFileSync(path.join(parent, `${id}-3`), 'a file takes the name too');
  assert.equal(freshName(parent, id), `${id}-4`);
  fs.rmSync(parent, { recursive: true });
});

test('freshName asks only about names under the parent', () => {
  const asked: string[] = [];
  const name = freshName('/runs', 'r', (p) => asked.push(p) < 3);
  assert.equal(name, 'r-3');
  assert.deepEqual(asked, ['/runs/r', '/runs/r-2', '/runs/r-3']);
});
