// One file of deliberately broken rows per issue-15 family: every bad row is a SkippedRow with its line, field and
// reason (nothing dropped silently), good rows still load, and rows = pair rows + skipped + counted non-pair rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBoth } from './fixtures';
import { rowAccountingProblem } from '../../../src/core/data/builder';
import type { LoadedDataset } from '../../../src/core/types';

const rows = (d: LoadedDataset) => d.skipped.map((s) => [s.line, s.field, s.reason]);
const detail = (d: LoadedDataset, line: number) => d.skipped.find((s) => s.line === line)!.detail;

async function broken(name: string, format: string, opts = {}): Promise<LoadedDataset> {
  const d = await loadBoth(name, opts);
  assert.equal(d.format, format, name);
  assert.equal(rowAccountingProblem(d), undefined, name);
  return d;
}

test('broken PKU-SafeRLHF rows', async () => {
  const d = await broken('broken-pku-saferlhf.jsonl', 'pku-saferlhf');
  assert.deepEqual(d.accounting, { pairRows: 1, skippedRows: 6, nonPairRows: {} });
  assert.deepEqual(rows(d), [
    [2, 'better_response_id', 'missing-field'],
    [3, 'better_response_id', 'bad-label'],
    [4, 'response_1', 'empty-field'],
    [5, undefined, 'identical'],
    [6, 'response_0', 'not-a-string'],
    [7, 'prompt', 'missing-field'],
  ]);
  assert.match(detail(d, 3), /^label 2 is not understood \(first wins: 0; second wins: 1\)$/);
});

test('broken Chatbot Arena rows; a tie among them is counted, not skipped', async () => {
  const d = await broken('broken-chatbot-arena.jsonl', 'chatbot-arena');
  assert.deepEqual(d.accounting, { pairRows: 1, skippedRows: 5, nonPairRows: { tie: 1 } });
  assert.deepEqual(rows(d), [
    [2, 'winner', 'bad-label'],
    [3, 'winner', 'missing-field'],
    [4, 'conversation_b', 'not-a-string'],
    [5, 'conversation_a', 'not-a-string'],
    [6, undefined, 'identical'],
  ]);
  assert.match(detail(d, 2), /^label "model_c" is not understood/);
  assert.match(detail(d, 4), /a string that is not a message list/);
});

test('broken HelpSteer2-Preference rows', async () => {
  const d = await broken('broken-helpsteer2-preference.jsonl', 'helpsteer2-preference');
  assert.deepEqual(rows(d), [
    [2, 'preference_strength', 'bad-label'],
    [3, 'preference_strength', 'bad-label'],
    [4, 'preference_strength', 'missing-field'],
    [5, 'response_2', 'missing-field'],
  ]);
  assert.match(detail(d, 2), /expected a number from −3 to 3 .*got 5$/);
  assert.match(detail(d, 3), /got "much better"$/);
});

test('broken HelpSteer3-Preference rows', async () => {
  const d = await broken('broken-helpsteer3.jsonl', 'helpsteer3');
  assert.deepEqual(rows(d), [
    [2, 'context', 'missing-field'],
    [3, 'overall_preference', 'bad-label'],
    [4, 'overall_preference', 'bad-label'],
    [5, 'response1', 'empty-field'],
  ]);
  assert.match(detail(d, 4), /got -4$/);
});

test('broken PPE human-preference rows', async () => {
  const d = await broken('broken-ppe-human.jsonl', 'ppe-human');
  assert.deepEqual(rows(d), [
    [2, 'winner', 'bad-label'],
    [3, 'prompt', 'missing-field'],
    [4, 'response_2', 'not-a-string'],
  ]);
});

test('broken generic A/B rows: the label value is shown', async () => {
  const d = await broken('broken-ab-label.jsonl', 'ab-label');
  assert.deepEqual(d.accounting, { pairRows: 1, skippedRows: 6, nonPairRows: {} });
  assert.deepEqual(rows(d), [
    [2, 'winner', 'bad-label'],
    [3, 'winner', 'missing-field'],
    [4, 'winner', 'bad-label'],
    [5, 'response_b', 'missing-field'],
    [6, undefined, 'identical'],
    [7, 'winner', 'bad-label'],
  ]);
  assert.match(detail(d, 2), /^label "C" is not understood/);
  assert.match(detail(d, 4), /^label "maybe" is not understood/);
  assert.equal(detail(d, 7), 'an array is not a winner label');
});

test('broken RewardBench 2 rows; a row with one identical cell keeps its other pairs', async () => {
  const d = await broken('broken-rewardbench2.jsonl', 'rewardbench-2');
  assert.deepEqual(d.accounting, { pairRows: 2, skippedRows: 5, nonPairRows: {} });
  assert.deepEqual(rows(d), [
    [2, 'chosen', 'empty-field'],
    [3, 'rejected', 'not-a-string'],
    [4, 'num_correct', 'bad-label'],
    [5, 'chosen[1]', 'not-a-string'],
    [6, 'prompt', 'missing-field'],
    [7, undefined, 'identical'],
  ]);
  assert.equal(detail(d, 4), 'says 2 but the row has 1 chosen completions');
  assert.deepEqual(
    d.pairs.filter((p) => p.item?.row === '15').map((p) => p.item!.rejected),
    [0, 1],
  );
});

test('broken UltraFeedback raw rows: a bad completion is skipped, the row keeps the others', async () => {
  const d = await broken('broken-ultrafeedback-raw.jsonl', 'ultrafeedback-raw');
  assert.deepEqual(d.accounting, { pairRows: 0, skippedRows: 4, nonPairRows: { 'multi-response': 2 } });
  assert.deepEqual(rows(d), [
    [2, 'completions', 'missing-field'],
    [3, 'completions', 'empty-field'],
    [4, 'completions[0].response', 'empty-field'],
    [5, 'instruction', 'missing-field'],
    [6, 'completions[0]', 'not-a-string'],
  ]);
  assert.deepEqual(
    d.multi.map((g) => g.responses.length),
    [2, 1],
  );
});

test('broken Nectar rows', async () => {
  const d = await broken('broken-nectar.jsonl', 'nectar');
  assert.deepEqual(rows(d), [
    [2, 'answers', 'missing-field'],
    [3, 'answers[0].rank', 'bad-label'],
    [4, 'answers[0].answer', 'empty-field'],
    [5, 'prompt', 'not-a-string'],
  ]);
  assert.deepEqual(d.accounting, { pairRows: 0, skippedRows: 3, nonPairRows: { 'multi-response': 2 } });
});

test('broken HelpSteer2 rows; an attribute that is not the gold score is read only when asked for', async () => {
  const d = await broken('broken-helpsteer2.jsonl', 'helpsteer2');
  assert.deepEqual(rows(d), [
    [2, 'helpfulness', 'missing-field'],
    [4, 'response', 'empty-field'],
    [5, 'prompt', 'missing-field'],
  ]);
  assert.match(detail(d, 2), /the gold score is helpfulness/);
  const c = await broken('broken-helpsteer2.jsonl', 'helpsteer2', { gold: 'correctness' });
  assert.deepEqual(rows(c), [
    [3, 'correctness', 'bad-label'],
    [4, 'response', 'empty-field'],
    [5, 'prompt', 'missing-field'],
  ]);
});

test('broken PPE correctness rows', async () => {
  const d = await broken('broken-ppe-correctness.jsonl', 'ppe-correctness');
  assert.deepEqual(rows(d), [
    [2, 'scores', 'missing-field'],
    [3, 'scores[1]', 'bad-label'],
    [4, 'response_1', 'empty-field'],
    [4, 'response_2', 'empty-field'],
    [5, 'scores', 'bad-label'],
  ]);
  assert.deepEqual(d.accounting, { pairRows: 0, skippedRows: 3, nonPairRows: { 'multi-response': 2 } });
});

test('broken rank rows: a rank that is not a number, an empty response, 1e999', async () => {
  const d = await broken('broken-rank-long.jsonl', 'multi-long');
  assert.deepEqual(rows(d), [
    [2, 'rank', 'bad-label'],
    [3, 'output', 'empty-field'],
    [4, 'rank', 'bad-label'],
  ]);
  assert.match(detail(d, 4), /number out of range/);
});
