// What the extension logs for a failure and what it shows: a user's mistake is one warning line; a bug is logged with
// its stack (for a worker's bug, the worker's frames), and the user is shown only its message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logError } from '../../../src/host/errorLog';
import { FileError } from '../../../src/core/errors';
import { fromWireError, toWireError } from '../../../src/protocol/errors';

function recorder() {
  const lines: [string, string][] = [];
  return { lines, log: { warn: (m: string) => void lines.push(['warn', m]), error: (m: string) => void lines.push(['error', m]) } };
}

function workerSideBug(): Error {
  return new TypeError('x is undefined');
}

test('a user error from the worker: one warning line, no stack; the user sees the message', () => {
  const { lines, log } = recorder();
  const e = fromWireError(toWireError(new FileError({ file: 'd.jsonl', line: 4 }, 'not valid JSON')), 'score/document');
  assert.equal(logError(log, 'scoring d.jsonl failed', e), 'd.jsonl:4: not valid JSON');
  assert.deepEqual(lines, [['warn', 'scoring d.jsonl failed: d.jsonl:4: not valid JSON']]);
});

test("a bug from the worker: logged as an error with the worker's stack; the user sees one line", () => {
  const { lines, log } = recorder();
  const e = fromWireError(toWireError(workerSideBug()), 'train/run');
  assert.equal(logError(log, 'run r1 failed', e), 'x is undefined');
  assert.equal(lines.length, 1);
  const [level, text] = lines[0]!;
  assert.equal(level, 'error');
  assert.match(text, /^run r1 failed: TypeError: x is undefined\n\s+at workerSideBug/);
  assert.match(text, /--- answered request train\/run ---/);
});

test('anything thrown that is not an Error is logged as an error and shown as text', () => {
  const { lines, log } = recorder();
  assert.equal(logError(log, 'doctor', 'gone'), 'gone');
  assert.deepEqual(lines, [['error', 'doctor: gone']]);
});
