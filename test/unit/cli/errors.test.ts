// How the CLI tells a user's mistake from a bug: by the error's type and code, never by what its message says.
// User mistakes print one line and exit 2; bugs print their stack and exit 70 (both documented in the usage text).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeCliError, EXIT, UsageError } from '../../../src/cli/errors';
import { FileError, UserError } from '../../../src/core/errors';
import { fromWireError, toWireError } from '../../../src/protocol/errors';
import { ScenarioError } from '../../../src/core/scenarios/splitTypes';

test('UserErrors of every kind are one line with exit code 2', () => {
  const cases: [unknown, string][] = [
    [new UsageError('--steps expects a valid number, got "x"'), '--steps expects a valid number, got "x"'],
    [new FileError({ file: 'a.jsonl', line: 3, field: 'chosen' }, 'expected a string'), 'a.jsonl:3: field "chosen": expected a string'],
    [new ScenarioError('no training pairs\nleft'), 'no training pairs\\nleft'],
    // A UserError thrown in the worker and rebuilt on this side of the protocol is still the user's.
    [fromWireError(toWireError(new FileError({ file: 'b.csv', line: 9 }, 'bad row')), 'eval/files'), 'b.csv:9: bad row'],
  ];
  for (const [err, text] of cases) assert.deepEqual(describeCliError(err), { text, exitCode: EXIT.userError }, String(err));
});

test('OS errors and the argument parser are recognised by their code, not their message', () => {
  const enoent = Object.assign(new Error('whatever the message says'), { code: 'ENOENT', syscall: 'open', path: 'x.jsonl' });
  const r = describeCliError(enoent);
  assert.equal(r.exitCode, EXIT.userError);
  assert.match(r.text, /^cannot open x\.jsonl: no such file or directory \(ENOENT\)$/);
  const parse = Object.assign(new TypeError("Unknown option '--nope'\nmore detail"), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
  assert.deepEqual(describeCliError(parse), { text: "Unknown option '--nope'", exitCode: EXIT.userError });
});

const BUG = 'internal error (a bug in reward-lens; please report it with this stack):';

test('a bug is a bug whatever its message: stack printed, exit code 70', () => {
  // Reads exactly like a user error; only the type says otherwise, and the type wins.
  const looksLikeUser = new Error('cannot read data.jsonl: no such file');
  const r = describeCliError(looksLikeUser);
  assert.equal(r.exitCode, EXIT.bug);
  assert.equal(EXIT.bug, 70);
  assert.ok(r.text.startsWith(`${BUG}\nError: cannot read data.jsonl: no such file\n    at `), r.text);
  const remoteBug = fromWireError(toWireError(new RangeError('index out of range')), 'score/document');
  const rb = describeCliError(remoteBug);
  assert.equal(rb.exitCode, EXIT.bug);
  assert.match(rb.text, /RangeError: index out of range\n\s+at .*\n[\s\S]*--- answered request score\/document ---/);
  assert.deepEqual(describeCliError('a string'), { text: `${BUG}\na string`, exitCode: EXIT.bug });
});

test('a UserError carries a stable code; subclasses say which kind', () => {
  assert.equal(new UserError('x').code, 'user');
  assert.equal(new UsageError('x').code, 'usage');
  assert.equal(new FileError({ file: 'f' }, 'x').code, 'file');
  assert.equal(new ScenarioError('x').code, 'scenario');
  assert.equal(new UserError('x', { code: 'ENOSPC' }).code, 'ENOSPC');
});
