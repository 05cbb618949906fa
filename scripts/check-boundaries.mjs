// Enforces the architecture invariants of ARCHITECTURE.md on the source and on the built extension bundle.
// Exit 1 with one line per violation. Run by `npm run lint` and by test/unit/architecture.test.ts.
import fs from 'node:fs';
import path from 'node:path';

const NODE_BUILTINS = /^(node:|fs$|path$|os$|child_process$|worker_threads$|url$|util$|crypto$|stream$|readline$|zlib$|events$)/;
const rules = [
  {
    dir: 'src/core',
    forbid: [/^vscode$/, /^@tensorflow\//, NODE_BUILTINS, /\/(host|train|node)\//, /^\.\.\/(host|train|node)\b/],
    why: 'src/core is pure: no vscode, tfjs, Node builtins, host/train/node imports',
  },
  { dir: 'src/protocol', forbid: [/^vscode$/, /^@tensorflow\//, NODE_BUILTINS, /^\.\.\/(host|train|node)\b/], why: 'src/protocol is pure' },
  { dir: 'src/node', forbid: [/^vscode$/, /^@tensorflow\//, /^\.\.\/(host|train)\b/], why: 'src/node is Node-only IO: no vscode, no tfjs' },
  { dir: 'src/train', forbid: [/^vscode$/, /^\.\.\/host\b/], why: 'src/train never imports vscode' },
  { dir: 'src/host', forbid: [/^@tensorflow\//, /^\.\.\/train\b/, /^webgpu$/], why: 'src/host never loads tfjs or src/train' },
  {
    dir: 'webview',
    forbid: [/^vscode$/, /^@tensorflow\//, NODE_BUILTINS, /\/src\/(host|train|node)\b/],
    why: 'webview imports only src/protocol and src/core',
  },
];

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? walk(p) : /\.(ts|mts|tsx)$/.test(d.name) ? [p] : [];
  });
}

const importRe =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
const violations = [];
for (const rule of rules) {
  for (const file of walk(rule.dir)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const typeOnly = /^\s*(?:import|export)\s+type\s/.test(m[0].trimStart()) && rule.dir === 'src/host';
      if (typeOnly) continue; // type-only imports vanish at build time
      if (rule.forbid.some((re) => re.test(spec))) {
        const line = text.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0);
        violations.push(`${file}:${line}: imports "${spec}" — ${rule.why}`);
      }
    }
  }
}
// No synchronous file-system call on the editor thread: src/host reads and stats through fs.promises (src/node/pathKind.ts).
const SYNC_FS =
  /\bfs\.(?:[a-zA-Z]+Sync)\(|\b(?:readFileSync|writeFileSync|existsSync|statSync|readdirSync|lstatSync|mkdirSync|rmSync|openSync)\(/;
for (const file of walk('src/host')) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((text, i) => {
    if (SYNC_FS.test(text) && !/^\s*(\/\/|\*)/.test(text))
      violations.push(`${file}:${i + 1}: synchronous file-system call — src/host must not block the editor thread (use fs.promises)`);
  });
}
// The built extension host bundle must not contain tfjs (activation stays light).
const meta = 'dist/extension.meta.json';
if (fs.existsSync(meta)) {
  const inputs = Object.keys(JSON.parse(fs.readFileSync(meta, 'utf8')).inputs);
  for (const i of inputs)
    if (/@tensorflow|src\/train\/|node_modules\/webgpu/.test(i))
      violations.push(`dist/extension.js bundles ${i} — the extension host must never load tfjs or src/train`);
}
if (violations.length) {
  console.error(violations.join('\n'));
  console.error(`${violations.length} architecture violation(s)`);
  process.exit(1);
}
console.log('architecture invariants hold');
