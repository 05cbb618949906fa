// The one description of a file's head (src/core/data/head.ts): format, first-record family, preference verdict and
// its reason, for every format and schema family; plus the extension table and readHead on real files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describeHead } from '../../../src/core/data/head';
import {
  DATASET_EXTENSION_NAMES,
  datasetExtension,
  isBinaryDataName,
  datasetExtensionList,
  datasetGlob,
  formatOfName,
  stripDatasetExtension,
} from '../../../src/core/data/extensions';
import { isOneRowPerResponse, MULTI_RESPONSE_FORMATS } from '../../../src/core/data/families';
import { DETECTION_RULES } from '../../../src/core/data/detect';
import type { DatasetFormat } from '../../../src/core/types';
import { describeFile, readHead } from '../../../src/node/readHead';

const HH = (a: string) => `\n\nHuman: h\n\nAssistant: ${a}`;
const MSGS = [
  { role: 'user', content: 'q' },
  { role: 'assistant', content: 'a' },
];

/** One first record per schema family a file can have (custom is the field mapping, never detected). */
const FIRST_RECORDS: Readonly<Record<Exclude<DatasetFormat, 'custom'>, object>> = {
  llmbar: { input: 'q', output_1: 'a', output_2: 'b', label: 1 },
  'rewardbench-2': { prompt: 'p', chosen: ['a'], rejected: ['b', 'c'], num_correct: 1 },
  'rm-bench': { prompt: 'p', chosen: ['a', 'b', 'c'], rejected: ['d', 'e', 'f'] },
  'pku-saferlhf': { prompt: 'p', response_0: 'a', response_1: 'b', better_response_id: 0 },
  'chatbot-arena': { conversation_a: MSGS, conversation_b: MSGS, winner: 'tie' },
  helpsteer3: { context: MSGS, response1: 'a', response2: 'b', overall_preference: -1 },
  'helpsteer2-preference': { prompt: 'p', response_1: 'a', response_2: 'b', preference_strength: 2 },
  'ppe-correctness': { prompt: 'p', response_1: 'a', response_2: 'b', scores: [1, 0] },
  'ppe-human': { prompt: 'p', response_1: 'a', response_2: 'b', winner: 'model_a' },
  'ab-label': { question: 'q', response_A: 'a', response_B: 'b', preference: 'A' },
  'ultrafeedback-raw': { instruction: 'q', completions: [{ response: 'a' }] },
  nectar: { prompt: 'p', answers: [{ answer: 'a', model: 'm', rank: 1 }] },
  helpsteer2: { prompt: 'p', response: 'r', helpfulness: 3, correctness: 3, coherence: 4 },
  'multi-wide': { instruction: 'q', response_1_text: 'a', response_2_text: 'b', all_scores: [1, 2] },
  ultrafeedback: { prompt: 'p', chosen: 'a', rejected: 'b', score_chosen: 8 },
  skywork: { chosen: MSGS, rejected: MSGS, source: 's' },
  rewardbench: { prompt: 'p', chosen: 'a', rejected: 'b', subset: 's' },
  'hh-rlhf': { chosen: HH('a'), rejected: HH('b') },
  'trl-pairwise': { prompt: 'p', chosen: 'a', rejected: 'b' },
  'multi-long': { prompt: 'p', response: 'r', model: 'm', rating: 5 },
  responses: { prompt: 'p', completion: 'c' },
  prompts: { prompt: 'p' },
};

const folded = (f: DatasetFormat) => DETECTION_RULES[f].replace(/\n/g, '\\n');

test('every schema family is named by the first record, in JSONL, a JSON array and (flat families) CSV', () => {
  for (const [family, rec] of Object.entries(FIRST_RECORDS) as [DatasetFormat, object][]) {
    const line = JSON.stringify(rec);
    const fallback = family === 'prompts' || family === 'responses';
    const jsonl = describeHead('x.jsonl', `${line}\n${line}\n`);
    assert.equal(jsonl.format, 'jsonl', family);
    assert.equal(jsonl.family, family);
    assert.equal(jsonl.preference, !fallback, family);
    assert.ok(jsonl.reason.startsWith(`JSON Lines (.jsonl); first record: ${family} (${folded(family)})`), jsonl.reason);
    const json = describeHead('x.json', `[\n  ${JSON.stringify(rec, null, 2)},\n  ${line}\n]`);
    assert.deepEqual([json.format, json.family], ['json', family], family);
    if (Object.values(rec).every((v) => typeof v !== 'object')) {
      const keys = Object.keys(rec);
      const csv = describeHead(
        'x.csv',
        `${keys.join(',')}\n${keys.map((k) => `"${String((rec as Record<string, unknown>)[k]).replace(/"/g, '""')}"`).join(',')}\n`,
      );
      assert.deepEqual([csv.format, csv.family], ['csv', family], family);
    }
  }
});

test('prompt-only and response-only heads are not preference data, and say which family they are', () => {
  assert.equal(
    describeHead('p.jsonl', '{"prompt":"p"}').reason,
    'JSON Lines (.jsonl); first record: prompts (prompts only); no preference keys in the first 8192 characters',
  );
  assert.equal(describeHead('r.jsonl', '{"prompt":"p","completion":"c"}').preference, false);
});

test('format: the extension decides, then magic bytes, then the text; .gz is read as the name without it', () => {
  const cases: [string, string, string, string][] = [
    ['a.jsonl', '{"a":1}', 'jsonl', 'JSON Lines (.jsonl)'],
    ['a.ndjson', '{"a":1}', 'jsonl', 'JSON Lines (.ndjson)'],
    ['a.JSONL.gz', '{"a":1}', 'jsonl', 'JSON Lines (.jsonl)'],
    ['a.csv', 'a,b\n1,2', 'csv', 'CSV (.csv)'],
    ['a.csv.gz', 'a,b\n1,2', 'csv', 'CSV (.csv)'],
    ['a.json', '[{"a":1}]', 'json', 'JSON (an array)'],
    ['a.json', '\ufeff  {"data":[{"a":1}]}', 'json', 'JSON (an object)'],
    ['a.json', '{"a":1}\n\n{"a":2}\n', 'jsonl', 'JSON Lines (an object on each of the first lines)'],
    ['a.json', 'not json', 'json', 'JSON (.json)'],
    ['notes.txt', 'a,b\n1,2', 'csv', 'CSV (neither a data extension nor JSON text)'],
    ['a.parquet', '', 'parquet', 'Parquet (.parquet)'],
    ['a.bin', 'PAR1\u0015\u0004', 'parquet', 'Parquet (PAR1 magic)'],
    ['a.jsonl', 'PAR1\u0015\u0004', 'parquet', 'Parquet (PAR1 magic)'],
    ['a.arrow', '', 'arrow', 'Arrow IPC (.arrow)'],
    ['a.bin', 'ARROW1\u0000\u0000', 'arrow', 'Arrow IPC file (ARROW1 magic)'],
    ['data-train.bin', '\uFFFD\uFFFD\uFFFD\uFFFD\u0010\u0001', 'arrow', 'Arrow IPC stream (0xFFFFFFFF marker)'],
  ];
  for (const [file, head, format, why] of cases) {
    const d = describeHead(file, head);
    assert.equal(d.format, format, `${file}: ${JSON.stringify(head)}`);
    assert.ok(d.reason.startsWith(`${why}; `), `${file}: ${d.reason}`);
  }
});

test('binary formats are always candidates (their reader decides) and have no family', () => {
  for (const file of ['x.parquet', 'x.arrow']) {
    const d = describeHead(file, 'PAR1');
    assert.deepEqual([d.preference, d.family], [true, undefined]);
    assert.match(d.reason, /; binary: its reader decides from the columns$/);
  }
});

test('reasons say what decided: the first record, a key, the CSV header, the field mapping, or nothing found', () => {
  assert.equal(
    describeHead('package.json', '{"name":"reward-lens","version":"0.1.0"}').reason,
    'JSON (an object); no preference keys in the first 8192 characters',
  );
  assert.equal(
    describeHead('a.json', '[\n  {\n    "chosen": [{"role":"user"}]').reason,
    'JSON (an array); key chosen in the first 8192 characters',
  );
  assert.equal(
    describeHead('x.jsonl', '{"instruction":"q","output":"a","win_prob_vs_baseline":0.5,"big":"' + 'x'.repeat(70000)).reason,
    'JSON Lines (.jsonl); keys output and win_prob_vs_baseline in the first 8192 characters',
  );
  assert.equal(describeHead('d.csv', 'chosen,rejected\n').reason, 'CSV (.csv); the header names chosen');
  assert.equal(describeHead('d.csv', 'name,comment\nx,"chosen, rejected"\n').reason, 'CSV (.csv); no preference keys in the header');
  const mapped = describeHead('c.jsonl', '{"question":"q","good":"a","bad":"b"}', ['good', 'bad']);
  assert.deepEqual([mapped.preference, mapped.reason], [true, "JSON Lines (.jsonl); the field mapping's keys good, bad appear"]);
});

test('a first record cut off by the end of the head gives no family, and the key search still answers', () => {
  const d = describeHead('a.jsonl', '{"prompt":"p","chosen":"a","rejected":"b');
  assert.deepEqual([d.family, d.preference], [undefined, true]);
});

test('family lists: multi-response families, and those with one row per response (parsed whole, never windowed)', () => {
  assert.deepEqual([...MULTI_RESPONSE_FORMATS].sort(), [
    'helpsteer2',
    'multi-long',
    'multi-wide',
    'nectar',
    'ppe-correctness',
    'ultrafeedback-raw',
  ]);
  const perResponse = (Object.keys(FIRST_RECORDS) as DatasetFormat[]).filter((f) => isOneRowPerResponse(f));
  assert.deepEqual(perResponse.sort(), ['helpsteer2', 'multi-long', 'responses']);
  assert.equal(isOneRowPerResponse(undefined), false);
});

test('the extension table: names, formats, globs, eval-set names', () => {
  assert.deepEqual(DATASET_EXTENSION_NAMES, ['jsonl', 'ndjson', 'json', 'csv', 'parquet', 'arrow']);
  assert.deepEqual(['a.JSONL', 'b.ndjson.gz', 'c.parquet', 'd.txt', 'e.gz'].map(datasetExtension), [
    'jsonl',
    'ndjson',
    'parquet',
    undefined,
    undefined,
  ]);
  assert.deepEqual(['a.ndjson', 'b.arrow', 'c.tsv'].map(formatOfName), ['jsonl', 'arrow', undefined]);
  assert.equal(stripDatasetExtension('helpful-test.jsonl.gz'), 'helpful-test');
  assert.equal(stripDatasetExtension('v1.2.notes'), 'v1.2.notes');
  assert.equal(datasetGlob(), '**/*.{jsonl,ndjson,json,csv,parquet,arrow}');
  assert.equal(datasetGlob(['jsonl', 'csv']), '**/*.{jsonl,ndjson,csv}');
  assert.equal(datasetExtensionList(['parquet', 'arrow']), '.parquet, .arrow');
  assert.deepEqual(['a.parquet', 'b.ARROW', 'c.parquet.gz', 'd.jsonl'].map(isBinaryDataName), [true, true, false, false]);
});

test('readHead reads the start of a file, decompresses a .gz name holding gzip, and refuses a directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-head-'));
  try {
    const row = '{"prompt":"p","chosen":"a","rejected":"b"}\n';
    writeFileSync(join(dir, 'a.jsonl'), row.repeat(10000));
    writeFileSync(join(dir, 'a.jsonl.gz'), new Uint8Array(gzipSync(row.repeat(10000))));
    writeFileSync(join(dir, 'fake.jsonl'), new Uint8Array(gzipSync(row))); // gzip bytes under a plain name: the binary file it is
    mkdirSync(join(dir, 'folder.jsonl'));
    const plain = await readHead(join(dir, 'a.jsonl'), 100);
    assert.deepEqual([plain.bytes.length, plain.gzip, plain.text], [100, false, (row + row + row).slice(0, 100)]);
    const gz = await readHead(join(dir, 'a.jsonl.gz'));
    assert.deepEqual([gz.bytes.length, gz.gzip, gz.text.slice(0, row.length)], [65536, true, row]);
    assert.equal((await readHead(join(dir, 'fake.jsonl'))).gzip, false);
    const d = await describeFile(join(dir, 'a.jsonl.gz'));
    assert.deepEqual([d.format, d.family, d.preference], ['jsonl', 'trl-pairwise', true]);
    await assert.rejects(readHead(join(dir, 'folder.jsonl')), /folder\.jsonl: is a directory, not a file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
