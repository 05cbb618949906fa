// Issue 15 families, each on a small fixture written from the public schema (real field names, made-up text): detection
// and its reported rule, row counts and accounting, labels, ties (counted, never paired), groups and mapping overrides.
// loadBoth also checks the file loader and the editor-text loader (what inline scoring uses) agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBoth } from './fixtures';
import { loadDatasetText } from '../../../src/core/data/loadText';
import { pairsFromMulti } from '../../../src/core/data/multi';
import { UserError } from '../../../src/core/errors';
import type { LoadedDataset } from '../../../src/core/types';

const sides = (d: LoadedDataset) => d.pairs.map((p) => [p.prompt, p.chosen, p.rejected]);

test('PKU-SafeRLHF: better_response_id picks the chosen response, safer_response_id is offered as a second label', async () => {
  const d = await loadBoth('pku-saferlhf.jsonl');
  assert.equal(d.format, 'pku-saferlhf');
  assert.match(d.detection!, /^PKU-SafeRLHF: response_0, response_1 and better_response_id .*\(3 of 3 sampled records\)$/);
  assert.deepEqual(d.accounting, { pairRows: 3, skippedRows: 0, nonPairRows: {} });
  assert.deepEqual(
    d.pairs.map((p) => p.chosen[0]),
    ['U', 'H', 'M'],
  );
  assert.deepEqual(d.pairs[0]!.groups, {
    chosen_model: 'Alpaca-7B',
    rejected_model: 'Alpaca2-7B',
    source: 'BeaverTails',
    chosen_safe: 'true',
    rejected_safe: 'false',
  });
  assert.ok(
    d.notes.some((n) => n.includes('--label-key safer_response_id')),
    d.notes.join('; '),
  );
  const safer = await loadBoth('pku-saferlhf.jsonl', { mapping: { label: 'safer_response_id' } });
  assert.equal(safer.format, 'pku-saferlhf');
  assert.match(safer.detection!, /field mapping: label=safer_response_id$/);
  // Row 2: better is the cracking answer (0), safer is the refusal (1).
  assert.deepEqual(
    safer.pairs.map((p) => p.chosen.slice(0, 12)),
    ['Use a long p', "I can't help", 'Most adults '],
  );
  assert.deepEqual(safer.groups.chosen_safe, { true: 3 });
});

test('Chatbot Arena: conversations keep their turns, model_a/model_b become groups, both kinds of tie are counted', async () => {
  const d = await loadBoth('chatbot-arena.jsonl');
  assert.equal(d.format, 'chatbot-arena');
  assert.deepEqual(d.accounting, { pairRows: 3, skippedRows: 0, nonPairRows: { tie: 2 } });
  assert.equal(d.rows, 5);
  assert.ok(d.notes.includes('2 rows are ties (1 "tie", 1 "tie (bothbad)"): counted, not paired'), d.notes.join('; '));
  assert.deepEqual(
    d.pairs.map((p) => [p.id, p.groups.chosen_model, p.groups.rejected_model]),
    [
      ['q1', 'vicuna-13b', 'koala-13b'],
      ['q2', 'gpt-4', 'alpaca-13b'],
      ['q5', 'gpt-4', 'koala-13b'],
    ],
  );
  assert.deepEqual(d.groups.language, { English: 2, German: 1 });
  const multi = d.pairs[2]!;
  assert.equal(multi.prompt, 'Hallo?');
  assert.deepEqual(multi.messages!.prompt, [{ role: 'user', content: 'Hallo?' }]);
  assert.deepEqual(
    multi.messages!.chosen.map((m) => m.role),
    ['assistant', 'user', 'assistant'],
  );
  assert.equal(multi.chosen, "Assistant: Hallo! Wie geht's?\n\nUser: Gut.\n\nAssistant: Schön.");
});

test('HelpSteer2-Preference: negative preference_strength means response_1 wins, |strength| is the margin, 0 a tie', async () => {
  const d = await loadBoth('helpsteer2-preference.jsonl');
  assert.equal(d.format, 'helpsteer2-preference');
  assert.deepEqual(d.accounting, { pairRows: 3, skippedRows: 0, nonPairRows: { tie: 1 } });
  assert.deepEqual(
    d.pairs.map((p) => [p.chosen.slice(0, 9), p.margin]),
    [
      ['Mass attr', 2],
      ['Soft rain', 3],
      ['Thank you', 1],
    ],
  );
  assert.deepEqual(d.groups.split, { train: 2, val: 1 });
});

test('HelpSteer3-Preference: context messages are the prompt turns, overall_preference signs the winner, domain/language group', async () => {
  const d = await loadBoth('helpsteer3.jsonl');
  assert.equal(d.format, 'helpsteer3');
  assert.deepEqual(d.accounting, { pairRows: 3, skippedRows: 0, nonPairRows: { tie: 1 } });
  assert.deepEqual(
    d.pairs.map((p) => [p.chosen, p.margin]),
    [
      ['Whiskers.', 3],
      ['Use xs[::-1] or xs.reverse().', 2],
      ['No, 1 is not prime.', 1],
    ],
  );
  assert.deepEqual(
    d.pairs[1]!.messages!.prompt.map((m) => m.role),
    ['user', 'assistant', 'user'],
  );
  assert.deepEqual(d.pairs[1]!.messages!.chosen, [{ role: 'assistant', content: 'Use xs[::-1] or xs.reverse().' }]);
  assert.deepEqual(d.groups.domain, { general: 1, code: 1, stem: 1 });
  assert.deepEqual(d.groups.language, { english: 2, python: 1 });
});

test('PPE human preference: winner model_a/model_b, ties counted, models and language as groups', async () => {
  const d = await loadBoth('ppe-human.jsonl');
  assert.equal(d.format, 'ppe-human');
  assert.deepEqual(d.accounting, { pairRows: 2, skippedRows: 0, nonPairRows: { tie: 2 } });
  assert.deepEqual(
    d.pairs.map((p) => [p.id, p.chosen, p.groups.chosen_model]),
    [
      ['h1', 'A cat sat.', 'gpt-4o'],
      ['h2', 'Lima.', 'gpt-4o'],
    ],
  );
});

test('generic A/B: every label spelling of the issue, several key spellings, a tie counted', async () => {
  const d = await loadBoth('ab-label.jsonl');
  assert.equal(d.format, 'ab-label');
  assert.deepEqual(d.accounting, { pairRows: 9, skippedRows: 0, nonPairRows: { tie: 1 } });
  assert.deepEqual(
    sides(d).map(([, c]) => c),
    ['Mango.', 'Apple.', 'c-a-t', '2', 'Mars.', 'Hello!', 'Hi again!', 'down', 'cold'],
  );
  assert.deepEqual(d.pairs[1]!.groups, { chosen_model: 'm-beta', rejected_model: 'm-alpha' });
  assert.deepEqual(d.pairs[7]!.groups, { chosen_model: 'g1', rejected_model: 'g2' });
  assert.deepEqual(d.pairs[8]!.groups, { generator: 'g3' });
  assert.ok(d.notes.includes('1 row is a tie (1 "A=B"): counted, not paired'));
  const csv = await loadBoth('ab-label.csv');
  assert.equal(csv.format, 'ab-label');
  assert.deepEqual(sides(csv), [
    ['Largest ocean?', 'Pacific', 'Atlantic'],
    ['Smallest prime?', '2', '1'],
  ]);
  assert.deepEqual(csv.accounting.nonPairRows, { tie: 1 });
});

test('RewardBench 2: chosen[i] × rejected[j] pairs tagged with their cell, subsets grouped', async () => {
  const d = await loadBoth('rewardbench2.jsonl');
  assert.equal(d.format, 'rewardbench-2');
  assert.equal(d.rows, 8);
  // 4 rows × 3 + ref rows 2 × 3 + tied:1 3 × 3 + tied:2 2 × 3.
  assert.equal(d.pairs.length, 12 + 6 + 9 + 6);
  assert.deepEqual(d.accounting, { pairRows: 8, skippedRows: 0, nonPairRows: {} });
  assert.deepEqual(d.groups.subset, { Factuality: 6, Math: 3, 'Precise IF': 3, Ties: 21 });
  const p = d.pairs.find((x) => x.id === 'tied:1#c2r1')!;
  assert.deepEqual(
    [p.chosen, p.rejected, p.item],
    ['Yellow.', 'Brown.', { bench: 'rewardbench-2', row: 'tied:1', chosen: 2, rejected: 1 }],
  );
  assert.deepEqual([d.pairs[0]!.groups.chosen_model, d.pairs[0]!.groups.rejected_model], ['m0', 'm1']);
});

test('UltraFeedback raw: one prompt per row, gold fine-grained_score by default, --gold picks an aspect or a weighted sum', async () => {
  const d = await loadBoth('ultrafeedback-raw.jsonl');
  assert.equal(d.format, 'ultrafeedback-raw');
  assert.deepEqual(d.accounting, { pairRows: 0, skippedRows: 0, nonPairRows: { 'multi-response': 2 } });
  assert.deepEqual(
    d.multi.map((g) => g.responses.map((r) => [r.model, r.gold])),
    [
      [
        ['gpt-4', 5],
        ['alpaca-7b', 3.25],
        ['falcon-40b-instruct', 1.25],
      ],
      [
        ['gpt-3.5-turbo', 4.5],
        ['llama-2-7b-chat', 1.75],
      ],
    ],
  );
  assert.deepEqual(d.groups.source, { evol_instruct: 1, sharegpt: 1 });
  const truth = await loadBoth('ultrafeedback-raw.jsonl', { gold: 'truthfulness' });
  // "N/A" is an unknown gold score (NaN): kept for ranking, never paired, and said so.
  assert.deepEqual(
    truth.multi[1]!.responses.map((r) => r.gold),
    [NaN, 1],
  );
  assert.ok(truth.notes.some((n) => n.startsWith('1 responses have no gold score')));
  const mix = await loadBoth('ultrafeedback-raw.jsonl', { gold: 'overall_score=0.5,helpfulness=1' });
  assert.deepEqual(
    mix.multi[0]!.responses.map((r) => r.gold),
    [9.5, 6, 2.25],
  );
  assert.equal(pairsFromMulti(d.multi).length, 3 + 1);
});

test('Nectar: answers ranked 1 (best) … n: gold = −rank and the report says lower is better; source list joined', async () => {
  const d = await loadBoth('nectar.jsonl');
  assert.equal(d.format, 'nectar');
  assert.deepEqual(d.accounting.nonPairRows, { 'multi-response': 2 });
  assert.deepEqual(
    d.multi[1]!.responses.map((r) => [r.model, r.gold]),
    [
      ['claude-1', -2],
      ['gpt-4', -1],
    ],
  );
  assert.ok(d.notes.includes('gold scores come from a rank, where lower is better: gold = −rank, so rank 1 is the best response'));
  assert.deepEqual(d.groups.source, { 'anthropic-hh': 1, 'sharegpt+lmsys-chat-1m': 1 });
  const pairs = pairsFromMulti(d.multi);
  assert.deepEqual(
    pairs.filter((p) => p.prompt.includes('fun fact')).map((p) => [p.chosen, p.margin]),
    [['Honey never spoils.', 1]],
  );
});

test('HelpSteer2: one row per response grouped by prompt, helpfulness by default, another attribute or weights with --gold', async () => {
  const d = await loadBoth('helpsteer2.jsonl');
  assert.equal(d.format, 'helpsteer2');
  assert.deepEqual(d.accounting, { pairRows: 0, skippedRows: 0, nonPairRows: { 'scored-response': 6 } });
  assert.deepEqual(
    d.multi.map((g) => [g.prompt.slice(0, 9), g.responses.map((r) => r.gold)]),
    [
      ['c#  how t', [3, 0]],
      ['Write a l', [2, 1]],
      ['Summarise', [4, 1]],
    ],
  );
  assert.ok(d.notes.some((n) => n.startsWith('gold score: helpfulness')));
  const c = await loadBoth('helpsteer2.jsonl', { gold: 'correctness' });
  assert.deepEqual(
    c.multi[1]!.responses.map((r) => r.gold),
    [3, 4],
  );
  const w = await loadBoth('helpsteer2.jsonl', { gold: 'helpfulness=0.5,verbosity=-1' });
  assert.deepEqual(
    w.multi[2]!.responses.map((r) => r.gold),
    [2, -3.5],
  );
  assert.throws(
    () =>
      loadDatasetText('h.jsonl', '{"prompt":"p","response":"r","helpfulness":1,"correctness":1,"coherence":1}', {
        gold: 'helpfulness=lots',
      }),
    UserError,
  );
});

test('PPE correctness: response_1…K with scores[] booleans as 1/0 gold, model_name as the generator', async () => {
  const d = await loadBoth('ppe-correctness.jsonl');
  assert.equal(d.format, 'ppe-correctness');
  assert.deepEqual(d.accounting.nonPairRows, { 'multi-response': 2 });
  assert.deepEqual(
    d.multi.map((g) => [g.id, g.responses.map((r) => r.gold)]),
    [
      ['1', [1, 0, 0, 1]],
      ['2', [0, 1, 0]],
    ],
  );
  assert.deepEqual(d.groups.generator, { 'gpt-4o-mini': 4, 'llama-3-8b': 3 });
  assert.deepEqual(d.groups.category, { math: 1, law: 1 });
});

test('long rows with a rank instead of a score: gold = −rank, lower is better, said in the notes', async () => {
  const d = await loadBoth('rank-long.jsonl');
  assert.equal(d.format, 'multi-long');
  assert.match(d.detection!, /score or rank/);
  assert.deepEqual(
    d.multi.map((g) => g.responses.map((r) => r.gold)),
    [
      [-1, -2, -3],
      [-1, -2],
    ],
  );
  assert.ok(d.notes.some((n) => n.includes('lower is better')));
  assert.deepEqual(pairsFromMulti(d.multi)[0]!.chosen, 'Write small programs every day.');
});

test('mapping overrides: --a-key/--b-key/--label-key with --a-wins/--b-wins/--ties values and dotted paths', () => {
  const text = [
    { q: { text: 'Pick one' }, resp: { x: 'left answer', y: 'right answer' }, pick: 'LEFT' },
    { q: { text: 'Pick two' }, resp: { x: 'l2', y: 'r2' }, pick: 'right' },
    { q: { text: 'Pick three' }, resp: { x: 'l3', y: 'r3' }, pick: 'same' },
    { q: { text: 'Pick four' }, resp: { x: 'l4', y: 'r4' }, pick: 'A' },
    { resp: { x: 'l5', y: 'r5' }, pick: 'left' },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n');
  const d = loadDatasetText('m.jsonl', text, {
    mapping: { prompt: 'q.text', a: 'resp.x', b: 'resp.y', label: 'pick', aWins: ['left'], bWins: ['right'], ties: ['same'] },
  });
  assert.equal(d.format, 'custom');
  assert.equal(d.detection, 'field mapping: prompt=q.text, a=resp.x, b=resp.y, label=pick, a wins on left, b wins on right, ties on same');
  assert.deepEqual(sides(d), [
    ['Pick one', 'left answer', 'right answer'],
    ['Pick two', 'r2', 'l2'],
  ]);
  assert.deepEqual(d.accounting, { pairRows: 2, skippedRows: 2, nonPairRows: { tie: 1 } });
  assert.deepEqual(
    d.skipped.map((s) => [s.line, s.field, s.reason]),
    [
      [4, 'pick', 'bad-label'],
      [5, 'q.text', 'missing-field'],
    ],
  );
  assert.match(d.skipped[0]!.detail, /label "A" is not understood \(first wins: left; second wins: right; tie: same\)/);
  // --chosen-key output.text: dotted paths for the chosen/rejected mapping too.
  const nested = loadDatasetText('n.jsonl', '{"input":"p","output":{"text":"good"},"worse":{"text":"bad"}}', {
    mapping: { prompt: 'input', chosen: 'output.text', rejected: 'worse.text' },
  });
  assert.deepEqual(sides(nested), [['p', 'good', 'bad']]);
  // --a-wins on a detected labelled family: the generic file read with its own values.
  const ab = loadDatasetText(
    'g.jsonl',
    '{"prompt":"p","response_a":"x","response_b":"y","winner":"first"}\n{"prompt":"p","response_a":"x","response_b":"y","winner":"yes"}',
    { mapping: { aWins: ['yes'] } },
  );
  assert.equal(ab.format, 'ab-label');
  assert.deepEqual([ab.pairs.length, ab.skipped.length, ab.pairs[0]!.chosen], [1, 1, 'x']);
  // A label mapping on a file that has no labels is not used, and the notes say so.
  const trl = loadDatasetText('t.jsonl', '{"prompt":"p","chosen":"a","rejected":"b"}', { mapping: { label: 'winner' } });
  assert.equal(trl.format, 'trl-pairwise');
  assert.ok(
    trl.notes.some((n) => n.startsWith('the label mapping (field mapping: label=winner) applies to files of two responses')),
    trl.notes.join('; '),
  );
});

test('streaming: onPair receives every pair, none is kept, and the accounting still adds up', () => {
  const seen: string[] = [];
  const text = [
    '{"prompt":"p","chosen":"a","rejected":"b"}',
    '{"prompt":"p","chosen":"","rejected":"b"}',
    '{"prompt":"q","chosen":"c","rejected":"d"}',
  ].join('\n');
  const d = loadDatasetText('s.jsonl', text, { onPair: (p) => seen.push(p.chosen) });
  assert.deepEqual(seen, ['a', 'c']);
  assert.deepEqual([d.pairs.length, d.streamedPairs, d.accounting.pairRows, d.accounting.skippedRows], [0, 2, 2, 1]);
});
