// Where the data lives (issue 15): .jsonl.gz/.json.gz/.csv.gz streamed, Arrow IPC files of the datasets library
// (save_to_disk folders and its cache, written here with apache-arrow, streamed one record batch at a time), and a
// fake Hugging Face hub cache tree (snapshots linked into blobs/, refs/main, a model folder). Fixtures are built here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { parquetWriteFile } from 'hyparquet-writer';
import { loadDataSource, loadDatasetFile } from '../../../src/node/loadDataset';
import { listHfCache, resolveHfSpec, splitNameOf, splitSources } from '../../../src/node/hfCache';
import { rowAccountingProblem } from '../../../src/core/data/builder';
import { FileError } from '../../../src/core/errors';
import { fixture } from '../data/fixtures';

type Arrow = typeof import('apache-arrow');
let arrow: Arrow | undefined;
try {
  // Resolved like the bundle does: node_modules, else a developer's private .deps/node_modules.
  arrow = createRequire(__filename)(
    createRequire(__filename).resolve('apache-arrow', { paths: [process.cwd(), path.resolve('.deps/node_modules')] }),
  ) as Arrow;
} catch {
  /* skipped below, with the reason */
}
const NO_ARROW = arrow ? false : 'apache-arrow is not installed (npm install apache-arrow@21.2.0): the Arrow reader cannot be tested';

const gz = (b: Uint8Array) => new Uint8Array(gzipSync(b));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rl-hfdata-'));
const strip = (d: Awaited<ReturnType<typeof loadDatasetFile>>) => ({
  format: d.format,
  rows: d.rows,
  accounting: d.accounting,
  sides: d.pairs.map((p) => [p.prompt, p.chosen, p.rejected, p.source.line]),
  skipped: d.skipped.map((s) => [s.line, s.field, s.reason]),
  multi: d.multi.length,
});

test('.jsonl.gz, .json.gz and .csv.gz read exactly as the plain files; a damaged .gz is one FileError', async () => {
  const dir = tmp();
  for (const name of ['chatbot-arena.jsonl', 'llmbar.json', 'ab-label.csv', 'broken-rewardbench2.jsonl', 'helpsteer2.jsonl']) {
    const gzFile = path.join(dir, `${name}.gz`);
    fs.writeFileSync(gzFile, gz(new Uint8Array(fs.readFileSync(fixture(name)))));
    const [a, b] = [await loadDatasetFile(fixture(name)), await loadDatasetFile(gzFile)];
    assert.deepEqual(strip(b), strip(a), name);
    assert.equal(rowAccountingProblem(b), undefined);
  }
  // A gzip stream cut in half: the rows before the cut would be a silent partial read, so the file is refused.
  const whole = gz(
    new TextEncoder().encode(
      Array.from({ length: 2000 }, (_, i) => JSON.stringify({ prompt: `p${i}`, chosen: 'a'.repeat(50) + i, rejected: 'b' }) + '\n').join(
        '',
      ),
    ),
  );
  fs.writeFileSync(path.join(dir, 'cut.jsonl.gz'), whole.subarray(0, whole.length >> 1));
  await assert.rejects(
    loadDatasetFile(path.join(dir, 'cut.jsonl.gz')),
    (e: Error) => e instanceof FileError && /cut\.jsonl\.gz: is not valid gzip data/.test(e.message),
  );
});

/** A small Arrow table of TRL conversational pairs, in `batches` record batches of two rows. */
function arrowTable(a: Arrow, batches: number, first = 0) {
  const msg = new a.Struct([new a.Field('role', new a.Utf8(), true), new a.Field('content', new a.Utf8(), true)]);
  const list = new a.List(new a.Field('item', msg, true));
  const part = (k: number) => {
    const n = [0, 1].map((i) => first + 2 * k + i);
    return new a.Table({
      id: a.vectorFromArray(
        n.map((i) => BigInt(100 + i)),
        new a.Int64(),
      ),
      chosen: a.vectorFromArray(
        n.map((i) => [
          { role: 'user', content: `q${i}` },
          { role: 'assistant', content: i === 3 ? '' : `good${i}` },
        ]),
        list,
      ),
      rejected: a.vectorFromArray(
        n.map((i) => [
          { role: 'user', content: `q${i}` },
          { role: 'assistant', content: `bad${i}` },
        ]),
        list,
      ),
      source: a.vectorFromArray(
        n.map((i) => (i % 2 ? 'odd' : 'even')),
        new a.Utf8(),
      ),
    });
  };
  let t = part(0);
  for (let k = 1; k < batches; k++) t = t.concat(part(k));
  return t;
}

test('Arrow IPC stream and file formats: record batches streamed, nested message lists, BigInt ids, bad rows named', {
  skip: NO_ARROW,
}, async () => {
  const a = arrow!;
  const dir = tmp();
  const t = arrowTable(a, 3);
  assert.equal(t.batches.length, 3);
  for (const fmt of ['stream', 'file'] as const) {
    const f = path.join(dir, `${fmt}.arrow`);
    fs.writeFileSync(f, a.tableToIPC(t, fmt));
    const d = await loadDatasetFile(f);
    assert.equal(d.format, 'skywork', fmt);
    assert.deepEqual([d.rows, d.pairs.length], [6, 5]);
    assert.deepEqual(d.pairs.map((p) => [p.id, p.prompt, p.chosen, p.source.line]).slice(0, 2), [
      ['100', 'q0', 'good0', 1],
      ['101', 'q1', 'good1', 2],
    ]);
    assert.deepEqual(
      d.skipped.map((s) => [s.line, s.field, s.reason]),
      [[4, 'chosen', 'empty-field']],
    );
    assert.deepEqual(d.groups.source, { even: 3, odd: 2 });
    assert.ok(d.pairs[0]!.messages, 'message lists keep their turns');
  }
  fs.writeFileSync(path.join(dir, 'cut.arrow'), a.tableToIPC(t, 'stream').subarray(0, 300));
  await assert.rejects(
    loadDatasetFile(path.join(dir, 'cut.arrow')),
    (e: Error) => e instanceof FileError && /cut\.arrow(:\d+)?: not a readable Arrow IPC file/.test(e.message),
  );
});

test('a save_to_disk folder: state.json shards read in order as one dataset; a DatasetDict names its splits', {
  skip: NO_ARROW,
}, async () => {
  const a = arrow!;
  const root = tmp();
  const split = path.join(root, 'train');
  fs.mkdirSync(split);
  fs.writeFileSync(path.join(split, 'data-00000-of-00002.arrow'), a.tableToIPC(arrowTable(a, 1, 0), 'stream'));
  fs.writeFileSync(path.join(split, 'data-00001-of-00002.arrow'), a.tableToIPC(arrowTable(a, 2, 2), 'stream'));
  fs.writeFileSync(
    path.join(split, 'state.json'),
    JSON.stringify({
      _data_files: [{ filename: 'data-00000-of-00002.arrow' }, { filename: 'data-00001-of-00002.arrow' }],
      _split: 'train',
      _fingerprint: 'x',
    }),
  );
  fs.writeFileSync(path.join(split, 'dataset_info.json'), JSON.stringify({ features: {} }));
  fs.writeFileSync(path.join(root, 'dataset_dict.json'), JSON.stringify({ splits: ['train', 'test'] }));
  const d = await loadDatasetFile(split);
  assert.deepEqual([d.rows, d.pairs.length, d.pairs.at(-1)!.source.line], [6, 5, 6], 'lines continue across shards');
  assert.ok(d.notes.includes('split "train" saved by the datasets library: 2 Arrow files'));
  await assert.rejects(
    loadDatasetFile(root),
    (e: Error) => e instanceof FileError && /is a DatasetDict with splits train, test; give one split's folder/.test(e.message),
  );
});

test('the datasets Arrow cache: splits from file names, row counts from dataset_info.json, hf:ORG/NAME:SPLIT', {
  skip: NO_ARROW,
}, async () => {
  const a = arrow!;
  const cache = path.join(tmp(), 'datasets');
  const dir = path.join(cache, 'someorg___prefs', 'default', '0.0.0', 'abc123');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'prefs-train-00000-of-00002.arrow'), a.tableToIPC(arrowTable(a, 1, 0), 'stream'));
  fs.writeFileSync(path.join(dir, 'prefs-train-00001-of-00002.arrow'), a.tableToIPC(arrowTable(a, 1, 2), 'stream'));
  fs.writeFileSync(path.join(dir, 'prefs-test.arrow'), a.tableToIPC(arrowTable(a, 1, 10), 'stream'));
  fs.writeFileSync(
    path.join(dir, 'dataset_info.json'),
    JSON.stringify({ splits: { train: { name: 'train', num_examples: 4 }, test: { name: 'test', num_examples: 2 } } }),
  );
  const roots = { hub: path.join(cache, '..', 'no-hub'), datasets: cache };
  const { datasets } = await listHfCache(roots);
  assert.deepEqual(
    datasets.map((d) => [d.repo, d.where, d.splits.map((s) => [s.name, s.rows, s.files.length])]),
    [
      [
        'someorg/prefs',
        'datasets',
        [
          ['test', 2, 1],
          ['train', 4, 2],
        ],
      ],
    ],
  );
  const r = await resolveHfSpec('hf:someorg/prefs:train', roots);
  const sources = splitSources(r.dataset, r.splits);
  assert.equal(sources.length, 1, 'two shards, one source');
  const d = await loadDataSource(sources[0]!);
  assert.deepEqual([d.rows, d.pairs.length], [4, 3]);
});

test('a fake hub cache: snapshots linked into blobs, refs/main, splits and row counts, models listed, errors say where it looked', async () => {
  const hub = path.join(tmp(), 'hub');
  const repo = path.join(hub, 'datasets--acme--prefs-v2');
  const snap = (rev: string) => path.join(repo, 'snapshots', rev);
  fs.mkdirSync(path.join(repo, 'blobs'), { recursive: true });
  fs.mkdirSync(path.join(snap('old111'), 'data'), { recursive: true });
  fs.mkdirSync(path.join(snap('new222'), 'data'), { recursive: true });
  fs.mkdirSync(path.join(repo, 'refs'));
  fs.writeFileSync(path.join(repo, 'refs', 'main'), 'new222');
  const blob = path.join(repo, 'blobs', 'deadbeef');
  parquetWriteFile({
    filename: blob,
    rowGroupSize: 2,
    columnData: [
      { name: 'prompt', data: ['p0', 'p1', 'p2'], type: 'STRING' },
      { name: 'response_a', data: ['a0', 'a1', 'a2'], type: 'STRING' },
      { name: 'response_b', data: ['b0', 'b1', 'b2'], type: 'STRING' },
      { name: 'winner', data: ['A', 'tie', 'B'], type: 'STRING' },
    ],
  });
  fs.symlinkSync(path.relative(path.join(snap('new222'), 'data'), blob), path.join(snap('new222'), 'data', 'train-00000-of-00001.parquet'));
  fs.copyFileSync(fixture('chatbot-arena.jsonl'), path.join(repo, 'blobs', 'cafe'));
  fs.symlinkSync(path.relative(snap('new222'), path.join(repo, 'blobs', 'cafe')), path.join(snap('new222'), 'test.jsonl'));
  fs.writeFileSync(path.join(snap('new222'), 'README.md'), '# card');
  fs.writeFileSync(path.join(snap('old111'), 'data', 'stale.jsonl'), '{}\n');
  const model = path.join(hub, 'models--acme--tiny-rm', 'snapshots', 'r1');
  fs.mkdirSync(model, { recursive: true });
  fs.writeFileSync(path.join(model, 'config.json'), '{"model_type":"qwen2"}');
  const roots = { hub, datasets: path.join(hub, '..', 'no-datasets') };
  const c = await listHfCache(roots);
  assert.deepEqual(
    c.datasets.map((d) => [d.repo, d.dir, d.splits.map((s) => [s.name, s.rows])]),
    [
      [
        'acme/prefs-v2',
        snap('new222'),
        [
          ['train', 3],
          ['test', 5],
        ],
      ],
    ],
  );
  assert.deepEqual(c.models, [{ repo: 'acme/tiny-rm', dir: model }]);
  // Each split says what its first file is: the Parquet shard is binary (its reader decides), the JSONL names its family.
  assert.deepEqual(
    c.datasets[0]!.splits.map((s) => [s.head?.format, s.head?.family]),
    [
      ['parquet', undefined],
      ['jsonl', 'chatbot-arena'],
    ],
  );
  const r = await resolveHfSpec('hf:acme/prefs-v2:train', roots);
  const d = await loadDataSource(splitSources(r.dataset, r.splits)[0]!);
  assert.deepEqual([d.format, d.rows, d.pairs.map((p) => p.chosen), d.accounting.nonPairRows], ['ab-label', 3, ['a0', 'b2'], { tie: 1 }]);
  assert.equal((await resolveHfSpec('hf:acme/prefs-v2', roots)).splits.length, 2);
  await assert.rejects(
    resolveHfSpec('hf:acme/missing', roots),
    (e: Error) => e instanceof FileError && /hf:acme\/missing: not in the Hugging Face cache \(looked in .*hub/.test(e.message),
  );
  await assert.rejects(resolveHfSpec('hf:acme/prefs-v2:dev', roots), /has no split "dev"; cached splits: train, test/);
});

test('split names from hub file paths', () => {
  assert.equal(splitNameOf('data/train-00000-of-00002.parquet'), 'train');
  assert.equal(splitNameOf('data/test_prefs-00000-of-00001-f1e2.parquet'), 'test_prefs');
  assert.equal(splitNameOf('test.jsonl.gz'), 'test');
  assert.equal(splitNameOf('default/train/0000.parquet'), 'default/train');
  assert.equal(splitNameOf('en/validation-00000-of-00001.parquet'), 'en/validation');
});
