// External scorers: reward-lens score output, RewardBench scores_chosen/scores_rejected (columns, as run_rm.py saves
// them), RewardBench 2 scores per completion, {id, score} lines; the agreement rate and Kendall τ against the active
// model; the hover line. Also the per-file mapping globs and the Configure Fields helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareScorers, parseExternalScores } from '../../../src/core/scoring/external';
import { annotateScores } from '../../../src/core/scoring/annotations';
import { fieldPaths, globToRegExp, labelValues, mappingForFile, mappingSniffKeys } from '../../../src/core/data/fieldMapping';
import { sampleRecords } from '../../../src/core/data/sampleRecords';
import { describeHead } from '../../../src/core/data/head';
import { readSettings } from '../../../src/host/settings';
import { kendallTauB } from '../../../src/core/stats/kendall';
import type { ScoreResult } from '../../../src/protocol/trainer';

test('reward-lens score output: pairs by id, prompt lines ignored', () => {
  const text = [
    '{"id":"a","line":1,"r_chosen":1.5,"r_rejected":0.5,"margin":1}',
    '{"id":"g","line":2,"kind":"prompt","rewards":[1,2]}',
    '{"id":"b","line":3,"r_chosen":0,"r_rejected":2,"margin":-2}',
  ].join('\n');
  const e = parseExternalScores('/x/scores.jsonl', text);
  assert.deepEqual(
    [e.name, e.layout, [...e.byId]],
    [
      'scores.jsonl',
      'reward-lens score output',
      [
        ['a', { rChosen: 1.5, rRejected: 0.5, margin: 1 }],
        ['b', { rChosen: 0, rRejected: 2, margin: -2 }],
      ],
    ],
  );
});

test('RewardBench run_rm.py columns (one-element score lists too) and the model name', () => {
  const cols = {
    id: [30, 31],
    subset: ['alpacaeval-easy', 'xstest-should-refuse'],
    scores_chosen: [[0.9], 0.1],
    scores_rejected: [[0.2], 0.4],
    results: [1, 0],
    model: 'org/rm-7b',
    model_type: 'Seq. Classifier',
  };
  const e = parseExternalScores('rm.json', JSON.stringify(cols));
  assert.equal(e.name, 'org/rm-7b');
  assert.ok(Math.abs(e.byId.get('30')!.margin - 0.7) < 1e-12);
  assert.ok(Math.abs(e.byId.get('31')!.margin + 0.3) < 1e-12);
});

test('RewardBench 2 scores per completion map onto the pair cells ID#c{i}r{j}; {id, score} lines are margins', () => {
  const v2 = {
    id: ['1', 'tied:1'],
    scores: [
      [3, 1, 2, 0],
      [2, 1.5, 1, 0],
    ],
    num_correct: [1, 2],
    subset: ['Math', 'Ties'],
  };
  const e = parseExternalScores('v2.json', JSON.stringify(v2));
  assert.deepEqual([...e.byId.keys()], ['1#c0r0', '1#c0r1', '1#c0r2', 'tied:1#c0r0', 'tied:1#c0r1', 'tied:1#c1r0', 'tied:1#c1r1']);
  assert.deepEqual(e.byId.get('tied:1#c1r0'), { rChosen: 1.5, rRejected: 1, margin: 0.5 });
  const one = parseExternalScores('j.jsonl', '{"id":"p1","score":0.3}\n{"id":"p2","score":-1}');
  assert.deepEqual([one.layout, one.byId.get('p2')], ['one score per line with an id', { margin: -1 }]);
  assert.throws(() => parseExternalScores('bad.jsonl', '{"foo":1}'), /no pair scores found in 1 records/);
});

test('agreement and Kendall τ between the active model and the external scorer over matched pairs', () => {
  const ext = parseExternalScores(
    'e.jsonl',
    ['a', 'b', 'c', 'd'].map((id, i) => JSON.stringify({ id, score: [1, -1, 2, 0.5][i] })).join('\n'),
  );
  const model = new Map([
    ['a', 0.5],
    ['b', 0.2],
    ['c', 3],
    ['d', -1],
    ['zz', 9],
  ]);
  const c = compareScorers(model, ext);
  assert.deepEqual([c.matched, c.agreement], [4, 0.5]);
  assert.equal(c.tau, kendallTauB([0.5, 0.2, 3, -1], [1, -1, 2, 0.5]));
});

test('the hover shows the external scorer next to the active model, and whether they agree', () => {
  const row = {
    line: 1,
    id: 'a',
    rChosen: 1,
    rRejected: 0,
    hNormChosen: 1,
    hNormRejected: 1,
    cosChosen: 1,
    cosRejected: 0,
    hPctChosen: NaN,
    hPctRejected: NaN,
  };
  const result: ScoreResult = {
    modelDir: 'm',
    model: { kind: 'reward-lens', headTrained: true },
    cached: 0,
    wpNorm: 1,
    rows: [row, { ...row, line: 2, id: 'b' }],
    groups: [],
    skipped: [],
    backend: 'cpu',
    elapsedMs: 1,
  };
  const ext = parseExternalScores('e.jsonl', '{"id":"a","r_chosen":0.2,"r_rejected":0.9}');
  const [a, b] = annotateScores(result, { reportMisranked: true, external: { name: ext.name, get: (id) => ext.byId.get(id) } });
  assert.match(
    a!.hoverMarkdown,
    /External scorer e\\\.jsonl: r\(chosen\) 0\.200 · r\(rejected\) 0\.900 · margin -0\.700 · ✗ disagrees with the active model$/,
  );
  assert.match(b!.hoverMarkdown, /External scorer e\\\.jsonl: no score for this row$/);
});

test('per-file mappings: the first matching glob wins over the default mapping; globs without "/" match base names', () => {
  const by = [
    { glob: 'data/arena/**/*.jsonl', mapping: { label: 'winner' } },
    { glob: '*.csv', mapping: { a: 'x', b: 'y' } },
    { glob: 'exact/f.{json,jsonl}', mapping: { chosen: 'c', rejected: 'r' } },
  ];
  assert.deepEqual(mappingForFile('data/arena/2024/a.jsonl', by), { label: 'winner' });
  assert.deepEqual(mappingForFile('data/arena/a.jsonl', by), { label: 'winner' });
  assert.deepEqual(mappingForFile('deep/t.csv', by), { a: 'x', b: 'y' });
  assert.deepEqual(mappingForFile('exact/f.json', by), { chosen: 'c', rejected: 'r' });
  assert.deepEqual(mappingForFile('other.jsonl', by, { prompt: 'q' }), { prompt: 'q' });
  assert.equal(globToRegExp('a?.txt').test('ab.txt'), true);
  assert.deepEqual(mappingSniffKeys({ prompt: 'q.text', a: 'resp.x', b: 'resp.y', label: 'pick' }), ['q', 'resp', 'resp', 'pick']);
  const s = readSettings({
    get: <T>(k: string, d: T) =>
      k === 'data.fieldMappings'
        ? ({ 'x/*.jsonl': { a: 'l', b: 'r', label: 'v', aWins: ['L'], bWins: 'R', junk: 1 }, 'empty.jsonl': { nope: 2 } } as T)
        : d,
  });
  assert.deepEqual(s.data.fieldMappings, [{ glob: 'x/*.jsonl', mapping: { a: 'l', b: 'r', label: 'v', aWins: ['L'], bWins: ['R'] } }]);
});

test('Configure Fields helpers: dotted field paths, label values, sample records from JSONL/CSV; the sniff knows the new families', () => {
  const recs = sampleRecords(
    'f.jsonl',
    '{"q":{"text":"hi"},"resp":{"x":"a","y":"b"},"pick":"left"}\nnot json\n{"q":{"text":"yo"},"resp":{"x":"c","y":"d"},"pick":"right"}',
  );
  assert.equal(recs.length, 2);
  assert.deepEqual(
    fieldPaths(recs[0]!).map((p) => p.path),
    ['q.text', 'resp.x', 'resp.y', 'pick'],
  );
  assert.deepEqual(labelValues(recs, 'pick'), ['left', 'right']);
  assert.deepEqual(sampleRecords('f.csv', 'a,b\n1,2\n'), [{ a: '1', b: '2' }]);
  for (const head of [
    '{"prompt":"p","response_0":"a","response_1":"b","better_response_id":0}',
    '{"conversation_a":[],"conversation_b":[],"winner":"tie"}',
    '{"prompt":"p","response":"r","helpfulness":3}',
    '{"prompt":"p","output":"o","rank":1}',
  ]) {
    assert.ok(describeHead('x.jsonl', head).preference, head);
  }
  assert.ok(describeHead('x.jsonl', '{"q":{"text":"hi"},"pick":1}', mappingSniffKeys({ prompt: 'q.text', label: 'pick' })).preference);
});

test('tie rows are marked in the editor as counted and not scored (Chatbot Arena ties)', async () => {
  const { loadDatasetText } = await import('../../../src/core/data/loadText');
  const { readFileSync } = await import('node:fs');
  const { fixture } = await import('../data/fixtures');
  const ds = loadDatasetText('chatbot-arena.jsonl', readFileSync(fixture('chatbot-arena.jsonl'), 'utf8'));
  assert.deepEqual(ds.tieRows, [
    { line: 3, label: 'tie' },
    { line: 4, label: 'tie (bothbad)' },
  ]);
  const result: ScoreResult = {
    modelDir: 'm',
    model: { kind: 'reward-lens', headTrained: true },
    cached: 0,
    wpNorm: 1,
    rows: [],
    groups: [],
    skipped: [],
    ties: ds.tieRows,
    backend: 'cpu',
    elapsedMs: 1,
  };
  const a = annotateScores(result, { reportMisranked: true });
  assert.deepEqual(
    a.map((x) => [x.line, x.status, x.title, x.problems.length]),
    [
      [3, 'group', '= tie (tie): counted, not scored', 0],
      [4, 'group', '= tie (tie (bothbad)): counted, not scored', 0],
    ],
  );
});
