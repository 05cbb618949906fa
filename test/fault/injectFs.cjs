// An injected fault layer over node:fs, for the fault suite. It makes chosen operations on chosen paths fail the way
// the kernel does (an Error with code, errno, syscall and path), after a number of successful calls:
//
//   { op: 'write' | 'open' | 'rename' | 'mkdir' | 'read', match: 'regex on the path', code: 'ENOSPC', after: 0, times: 1 }
//
// 'write' covers writeFileSync, appendFileSync and writeSync (to a descriptor opened on a matching path).
// In-process: installFaults(specs) / removeFaults(). In a child: node --require test/fault/injectFs.cjs with the specs
// as JSON in REWARD_LENS_TEST_FAULTS (test-only: nothing in src/ reads it). Every injected fault is counted
// (faultCount(), or a line "injected <code> <op> <path>" on stderr in a child), so a test can prove its fault happened.
'use strict';
const fs = require('node:fs');
const { syncBuiltinESMExports } = require('node:module');

const ERRNO = { ENOSPC: -28, EACCES: -13, EIO: -5, EROFS: -30, EDQUOT: -122, EISDIR: -21 };
const MESSAGE = {
  ENOSPC: 'no space left on device',
  EACCES: 'permission denied',
  EIO: 'i/o error',
  EROFS: 'read-only file system',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'illegal operation on a directory',
};
const original = {};
const fdPaths = new Map();
let specs = [];
let injected = 0;
/** Calls inside a wrapped call (writeFileSync uses fs.openSync and fs.writeSync itself) are not checked again. */
let depth = 0;
const fromChild = !!process.env.REWARD_LENS_TEST_FAULTS;

function fault(op, p, onDescriptor = false) {
  if (depth > 0) return undefined;
  const target = String(p ?? '');
  for (const spec of specs) {
    const s = spec;
    if (s.op !== op || !new RegExp(s.match).test(target)) continue;
    s.onDescriptor = onDescriptor;
    s.seen = (s.seen ?? 0) + 1;
    if (s.seen <= (s.after ?? 0)) continue;
    if ((s.done ?? 0) >= (s.times ?? 1)) continue;
    s.done = (s.done ?? 0) + 1;
    injected++;
    if (fromChild) original.writeSync(2, `injected ${s.code} ${op} ${target}\n`);
    const syscall = op === 'read' ? 'open' : op;
    // Like the kernel: an error from write() on a descriptor carries no path; the code must name the file itself.
    const withPath = !(op === 'write' && s.onDescriptor);
    return Object.assign(new Error(`${s.code}: ${MESSAGE[s.code] ?? 'injected fault'}, ${syscall}${withPath ? ` '${target}'` : ''}`), {
      code: s.code,
      errno: ERRNO[s.code] ?? -1,
      syscall,
      ...(withPath ? { path: target } : {}),
    });
  }
  return undefined;
}

function wrap(name, op, pathOf) {
  original[name] = fs[name];
  fs[name] = (...args) => {
    const e = fault(op, pathOf(args));
    if (e) throw e;
    depth++;
    try {
      return original[name].apply(fs, args);
    } finally {
      depth--;
    }
  };
}

function installFaults(list) {
  specs = list.map((s) => ({ ...s }));
  if (Object.keys(original).length) return;
  // Opening for writing is 'open'; opening to read is 'read' (so EACCES can hit an input file).
  const openOp = (args) =>
    typeof args[1] === 'number'
      ? args[1] & (fs.constants.O_WRONLY | fs.constants.O_RDWR)
        ? 'open'
        : 'read'
      : /[wa+]/.test(String(args[1] ?? 'r'))
        ? 'open'
        : 'read';
  wrap('writeFileSync', 'write', (a) => a[0]);
  wrap('appendFileSync', 'write', (a) => a[0]);
  wrap('renameSync', 'rename', (a) => a[1]);
  wrap('mkdirSync', 'mkdir', (a) => a[0]);
  wrap('readFileSync', 'read', (a) => a[0]);
  original.writeSync = fs.writeSync;
  fs.writeSync = (fd, ...rest) => {
    const e = fault('write', fdPaths.get(fd), true);
    if (e) throw e;
    return original.writeSync.call(fs, fd, ...rest);
  };
  original.openSync = fs.openSync;
  fs.openSync = (file, flags, ...rest) => {
    const e = fault(openOp([file, flags]), file);
    if (e) throw e;
    const fd = original.openSync.call(fs, file, flags, ...rest);
    fdPaths.set(fd, String(file));
    return fd;
  };
  original.closeSync = fs.closeSync;
  fs.closeSync = (fd) => {
    fdPaths.delete(fd);
    return original.closeSync.call(fs, fd);
  };
  original.createReadStream = fs.createReadStream;
  fs.createReadStream = (file, ...rest) => {
    const e = fault('read', file);
    if (e) throw e;
    return original.createReadStream.call(fs, file, ...rest);
  };
  const fsp = fs.promises;
  original.promisesOpen = fsp.open;
  fsp.open = async (file, flags, ...rest) => {
    const e = fault(/[wa+]/.test(String(flags ?? 'r')) ? 'open' : 'read', file);
    if (e) throw e;
    return original.promisesOpen.call(fsp, file, flags, ...rest);
  };
  syncBuiltinESMExports();
}

function removeFaults() {
  specs = [];
  for (const [name, fn] of Object.entries(original)) {
    if (name === 'promisesOpen') fs.promises.open = fn;
    else fs[name] = fn;
  }
  for (const k of Object.keys(original)) delete original[k];
  syncBuiltinESMExports();
}

const faultCount = () => injected;

if (fromChild) installFaults(JSON.parse(process.env.REWARD_LENS_TEST_FAULTS));

module.exports = { installFaults, removeFaults, faultCount };
