// One test per schema, on the tiny fixtures in test/fixtures; each also checks file and text loaders agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBoth, fixture } from './fixtures';
import { loadDatasetFile } from '../../../src/node/loadDataset';

test('TRL pairwise strings: prompt optional, margin kept', async () => {
  const d = await loadBoth('trl-strings.jsonl');
  assert.equal(d.format, 'trl-pairwise');
  assert.equal(d.rows, 3);
  assert.deepEqual(
    d.pairs.map((p) => [p.prompt, p.chosen, p.rejected, p.margin]),
    [
      ['What is 2+2?', '4', '5', 1.5],
      ['Capital of France?', 'Paris', 'Lyon', undefined],
      ['', 'No prompt, chosen', 'No prompt, rejected', undefined],
    ],
  );
  assert.deepEqual(
    d.pairs.map((p) => p.id),
    ['trl-strings.jsonl:1', 'trl-strings.jsonl:2', 'trl-strings.jsonl:3'],
  );
  assert.deepEqual(
    d.pairs.map((p) => p.source.line),
    [1, 2, 3],
  );
  assert.deepEqual(d.skipped, []);
});

test('TRL message lists: shared prefix is the prompt, final assistant turn the response', async () => {
  const d = await loadBoth('trl-messages.jsonl');
  assert.equal(d.format, 'trl-pairwise');
  assert.deepEqual(
    d.pairs.map((p) => [p.prompt, p.chosen, p.rejected]),
    [
      ['Hi', 'Hello!', 'Go away.'],
      ['System: Be brief.\n\nUser: Sky colour?', 'Blue.', 'Green.'],
      ['User: A\n\nAssistant: B\n\nUser: C', 'good', 'bad'],
    ],
  );
});

test('HH-RLHF: prompt is the transcript up to the last shared Assistant turn', async () => {
  const d = await loadBoth('hh.jsonl');
  assert.equal(d.format, 'hh-rlhf');
  assert.deepEqual(d.pairs[0], {
    id: 'hh.jsonl:1',
    prompt: '\n\nHuman: Do turkeys fly?\n\nAssistant:',
    chosen: 'Wild ones can.',
    rejected: 'No.',
    groups: {},
    source: { file: fixture('hh.jsonl'), line: 1, row: 0 },
  });
  assert.equal(d.pairs[1]!.prompt, '\n\nHuman: Hi\n\nAssistant: Hello\n\nHuman: Tell me a joke\n\nAssistant:');
  assert.equal(d.pairs[1]!.chosen, 'Why did the chicken cross the road?');
});

test('UltraFeedback binarized: margin = score_chosen − score_rejected, prompt not repeated in responses', async () => {
  const d = await loadBoth('ultrafeedback.jsonl');
  assert.equal(d.format, 'ultrafeedback');
  assert.deepEqual(
    d.pairs.map((p) => [p.prompt, p.chosen, p.rejected, p.margin]),
    [['Name a prime.', '7', '9', 6.5]],
  );
});

test('Argilla hyphenated fields: score-chosen / chosen-rating margins and chosen-model groups', async () => {
  const d = await loadBoth('argilla.jsonl');
  assert.equal(d.format, 'ultrafeedback');
  assert.deepEqual(
    d.pairs.map((p) => [p.prompt, p.chosen, p.rejected, p.margin]),
    [
      ['Say hi.', 'Hi!', '...', 3],
      ['Say bye.', 'Bye!', 'No.', 3.5],
    ],
  );
  assert.deepEqual(d.pairs[0]!.groups, { chosen_model: 'gpt-4', rejected_model: 'llama-2' });
  assert.deepEqual(d.groups.rejected_model, { 'llama-2': 1, falcon: 1 });
});

test('Skywork: message lists with source as the group', async () => {
  const d = await loadBoth('skywork.jsonl');
  assert.equal(d.format, 'skywork');
  assert.deepEqual(
    d.pairs.map((p) => [p.prompt, p.chosen, p.rejected, p.groups.source]),
    [
      ['Sum 1+1', '2', '3', 'magpie_math'],
      ['Color of grass?', 'Green', 'Red', 'helpsteer2'],
    ],
  );
  assert.deepEqual(d.groups.source, { magpie_math: 1, helpsteer2: 1 });
});

test('RewardBench rows: ids from the data, subset and model groups tallied', async () => {
  const d = await loadBoth('rewardbench.jsonl');
  assert.equal(d.format, 'rewardbench');
  assert.deepEqual(
    d.pairs.map((p) => p.id),
    ['30', '31'],
  );
  assert.deepEqual(d.pairs[0]!.groups, { subset: 'alpacaeval-easy', chosen_model: 'gpt4', rejected_model: 'llama' });
  assert.deepEqual(d.groups.rejected_model, { llama: 2 });
});

test('RM-Bench: one row → 9 style pairs, hard/normal/easy 3/3/3, domain from the file name', async () => {
  const d = await loadBoth('chat_tiny.json');
  assert.equal(d.format, 'rm-bench');
  assert.equal(d.rows, 1);
  assert.equal(d.pairs.length, 9);
  assert.deepEqual(d.groups.style, { hard: 3, normal: 3, easy: 3 });
  assert.deepEqual(d.groups.domain, { chat: 9 });
  const p01 = d.pairs.find((p) => p.id === '8#01')!;
  // Hard: the chosen answer is the plainer (concise) one, the rejected the detailed plain one.
  assert.deepEqual(
    [p01.chosen, p01.rejected, p01.groups.style, p01.groups.subset],
    ['c concise', 'r detailed plain', 'hard', 'alpacaeval'],
  );
  assert.equal(d.pairs.find((p) => p.id === '8#20')!.groups.style, 'easy');
  assert.equal(d.pairs.find((p) => p.id === '8#11')!.groups.style, 'normal');
  assert.equal(p01.source.line, 2, 'array elements carry the line where they start');
});

test('LLMBar: label picks the chosen output; a bad label is skipped as bad-label', async () => {
  const d = await loadBoth('llmbar.json');
  assert.equal(d.format, 'llmbar');
  assert.deepEqual(
    d.pairs.map((p) => [p.prompt, p.chosen, p.rejected]),
    [
      ['Q1', 'A good', 'A bad'],
      ['Q2', 'B good', 'B bad'],
    ],
  );
  assert.equal(d.skipped.length, 1);
  assert.deepEqual(
    { ...d.skipped[0]!, file: '' },
    { file: '', line: 14, field: 'label', reason: 'bad-label', detail: 'expected 1 or 2, got 3' },
  );
});

test('JSON object holding the records under a key is found and noted', async () => {
  const d = await loadBoth('wrapped.json');
  assert.equal(d.format, 'trl-pairwise');
  assert.deepEqual(
    d.pairs.map((p) => [p.prompt, p.source.line]),
    [
      ['w1', 8],
      ['w2', 13],
    ],
  );
  assert.ok(d.notes.includes('records read from the array under key "data"'), d.notes.join('; '));
});

test('multi-long (AlpacaEval rows): grouped by instruction_id, gold from win_prob, is_adversarial kept per response', async () => {
  const d = await loadBoth('multi-long.jsonl');
  assert.equal(d.format, 'multi-long');
  assert.equal(d.rows, 5);
  assert.equal(d.pairs.length, 0);
  assert.deepEqual(
    d.multi.map((g) => [g.id, g.prompt, g.responses.length, g.groups.dataset]),
    [
      ['0', 'Tell a joke.', 3, 'vicuna'],
      ['1', 'Define RLHF.', 1, 'koala'],
    ],
  );
  const r = d.multi[0]!.responses;
  assert.deepEqual(
    r.map((x) => [x.model, x.gold, x.groups?.is_adversarial]),
    [
      ['m1', 0.9, 'false'],
      ['m2', 0.2, 'false'],
      ['NullModel', 0.9, 'true'],
    ],
  );
  // A non-numeric score is a bad-label skip naming the field.
  assert.deepEqual(
    d.skipped.map((s) => [s.line, s.field, s.reason]),
    [[5, 'win_prob_vs_baseline', 'bad-label']],
  );
  assert.deepEqual(d.groups.generator, { m1: 2, m2: 1, NullModel: 1 });
});

test('multi-wide: response_k_text with all_scores', async () => {
  const d = await loadBoth('multi-wide.jsonl');
  assert.equal(d.format, 'multi-wide');
  assert.deepEqual(
    d.multi[0]!.responses.map((r) => [r.text, r.gold]),
    [
      ['one', 1],
      ['two', 3],
      ['three', 2],
    ],
  );
  assert.equal(d.multi[0]!.groups.source, 'synthetic');
});

test('XSTest completions CSV: responses format, real line numbers across CRLF and quoted newlines', async () => {
  const d = await loadBoth('xstest_completions_tiny.csv');
  assert.equal(d.format, 'responses');
  assert.equal(d.rows, 3);
  assert.equal(d.pairs.length, 0);
  assert.deepEqual(d.groups.final_label, { '1_full_compliance': 2, '2_full_refusal': 1 });
  assert.ok(
    d.notes.some((n) => n.includes('derived_pairs.jsonl')),
    d.notes.join('; '),
  );
});

test('XSTest prompts CSV: prompts format with a note', async () => {
  const d = await loadBoth('xstest_prompts_tiny.csv');
  assert.equal(d.format, 'prompts');
  assert.equal(d.rows, 2);
  assert.deepEqual(d.groups.label, { safe: 2 });
  assert.ok(d.notes.some((n) => n.startsWith('no pairs')));
});

test('field mapping: custom format with the given keys; a missing mapped key is skipped by name', async () => {
  const d = await loadBoth('llmbar.json', { mapping: { prompt: 'input', chosen: 'output_1', rejected: 'output_2' } });
  assert.equal(d.format, 'custom');
  assert.deepEqual(
    d.pairs.map((p) => [p.prompt, p.chosen, p.rejected]),
    [
      ['Q1', 'A good', 'A bad'],
      ['Q2', 'B bad', 'B good'],
      ['Q3', 'x', 'y'],
    ],
  );
  const m = await loadBoth('trl-strings.jsonl', { mapping: { prompt: 'question', chosen: 'chosen', rejected: 'rejected' } });
  assert.equal(m.pairs.length, 0);
  assert.deepEqual(
    m.skipped.map((s) => [s.line, s.field, s.reason]),
    [
      [1, 'question', 'missing-field'],
      [2, 'question', 'missing-field'],
      [3, 'question', 'missing-field'],
    ],
  );
});

test('limit stops after that many records and says so', async () => {
  const d = await loadDatasetFile(fixture('trl-strings.jsonl'), { limit: 2 });
  assert.equal(d.rows, 2);
  assert.equal(d.pairs.length, 2);
  assert.ok(d.notes.includes('stopped after 2 records (limit)'));
});
