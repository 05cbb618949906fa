// One list per concept: backend names, objectives, presets, scoring engines and dataset extensions are declared
// once (src/core/config.ts, src/core/data/extensions.ts) and imported everywhere else. This test fails when one
// of those lists is spelled out again in code: three or more of its names in a row, quoted or joined by | or ,.
// Comments may name them (they explain), and so may tests (they pin the values).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BACKEND_NAMES, OBJECTIVES, PRESET_NAMES, SCORING_ENGINES } from '../../src/core/config';
import { DATASET_EXTENSION_NAMES } from '../../src/core/data/extensions';

const LISTS: readonly { readonly name: string; readonly values: readonly string[]; readonly declaredIn: string }[] = [
  { name: 'backend names', values: BACKEND_NAMES, declaredIn: 'src/core/config.ts' },
  { name: 'objectives', values: OBJECTIVES, declaredIn: 'src/core/config.ts' },
  { name: 'presets', values: PRESET_NAMES, declaredIn: 'src/core/config.ts' },
  { name: 'scoring engines', values: SCORING_ENGINES, declaredIn: 'src/core/config.ts' },
  { name: 'dataset extensions', values: DATASET_EXTENSION_NAMES, declaredIn: 'src/core/data/extensions.ts' },
];

/** Three or more of `values` in a row, each optionally quoted or dotted, separated by `|` or `,`. */
function runOf(values: readonly string[]): RegExp {
  const one = `['"\`.]?(?:${[...values].sort((a, b) => b.length - a.length).join('|')})['"\`]?`;
  return new RegExp(`(?<![\\w-])${one}(?:\\s*[|,]\\s*${one}){2,}(?![\\w-])`);
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? sourceFiles(p) : /\.(ts|mts|mjs)$/.test(d.name) ? [p] : [];
  });
}

/** The code of a line: a whole-line comment counts as none, and a trailing // comment is cut off. */
const codeOf = (line: string) => (/^\s*(\/\/|\/?\*)/.test(line) ? '' : line.replace(/\s\/\/\s.*$/, ''));

function respelled(files: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    for (const list of LISTS) {
      if (path.normalize(file) === path.normalize(list.declaredIn)) continue;
      const re = runOf(list.values);
      lines.forEach((line, i) => {
        const m = re.exec(codeOf(line));
        if (m) found.push(`${file}:${i + 1}: ${list.name} spelled out again ("${m[0]}"); import them from ${list.declaredIn}`);
      });
    }
  }
  return found;
}

test('no declared list is spelled out again in src/, webview/ or scripts/', () => {
  const files = ['src', 'webview', 'scripts'].flatMap((d) => (fs.existsSync(d) ? sourceFiles(d) : []));
  assert.ok(files.length > 100, 'the scan found the sources');
  assert.deepEqual(respelled(files), []);
});

test('the scan catches a re-spelled list, quoted or in a regex, and lets comments and other words pass', () => {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'rl-lists-'));
  try {
    const file = path.join(dir, 'bad.ts');
    fs.writeFileSync(
      file,
      [
        "const b = ['auto', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'];",
        'const ext = /\\.(jsonl|json|csv|parquet)$/i;',
        '// --backend auto|tensorflow|wasm in a comment is fine',
        "const fine = ['auto', 'onnx'];",
        "const words = 'jsonlines, csvkit, parquetry';",
      ].join('\n'),
    );
    const found = respelled([file]);
    assert.equal(found.length, 2, found.join('\n'));
    assert.match(found[0]!, /bad\.ts:1: backend names spelled out again/);
    assert.match(found[1]!, /bad\.ts:2: dataset extensions spelled out again \("jsonl\|json\|csv\|parquet"\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
