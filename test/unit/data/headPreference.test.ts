import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeHead } from '../../../src/core/data/head';

/** The verdict activation, inline scoring and the file pickers act on. */
const looksLikePreferenceData = (file: string, head: string, keys: readonly string[] = []) => describeHead(file, head, keys).preference;

test('pairwise JSONL and JSON arrays are detected; ordinary JSON is not', () => {
  assert.ok(looksLikePreferenceData('a.jsonl', '{"prompt":"hi","chosen":"a","rejected":"b"}\n'));
  assert.ok(looksLikePreferenceData('a.json', '[\n  {\n    "chosen": [{"role":"user"}]'));
  assert.ok(looksLikePreferenceData('x.jsonl', '{"input":"q","output_1":"a","output_2":"b","label":1}'));
  assert.ok(looksLikePreferenceData('x.jsonl', '{"instruction":"q","response_1_text":"a","all_scores":[1,2]}'));
  assert.ok(looksLikePreferenceData('x.jsonl', '{"prompt":"q","output":"a","score":3,"generator":"m"}'));
  assert.ok(!looksLikePreferenceData('package.json', '{"name":"reward-lens","version":"0.1.0","scripts":{}}'));
  assert.ok(!looksLikePreferenceData('notes.jsonl', '{"text":"the output was chosen by hand"}'));
});

test('CSV is judged by its header row only', () => {
  assert.ok(looksLikePreferenceData('d.csv', 'prompt,chosen,rejected\n"a","b","c"\n'));
  assert.ok(!looksLikePreferenceData('d.csv', 'name,comment\nx,"chosen, rejected"\n'));
});

test('a user field mapping makes custom keys count (needs at least two keys)', () => {
  const text = '{"question":"q","good":"a","bad":"b"}';
  assert.ok(!looksLikePreferenceData('c.jsonl', text));
  assert.ok(looksLikePreferenceData('c.jsonl', text, ['good', 'bad']));
  assert.ok(!looksLikePreferenceData('c.jsonl', text, ['good']));
});

test('parquet is always a candidate (binary; the worker decides)', () => {
  assert.ok(looksLikePreferenceData('x.parquet', 'PAR1'));
});

test('AlpacaEval-style long rows (output + win_prob_vs_baseline) count as preference data', () => {
  // The first row of ../shared/data/alpacaeval-multi/responses_scored.jsonl, shortened.
  const row =
    '{"instruction_id": 0, "dataset": "helpful_base", "instruction": "What are the names of some famous actors?", "generator": "OpenHermes-2.5-Mistral-7B", "output": "Some famous actors…", "preference_vs_baseline": 1.0000002038, "win_prob_vs_baseline": 0.0, "is_adversarial": false}\n';
  assert.equal(looksLikePreferenceData('responses_scored.jsonl', row), true);
  assert.equal(looksLikePreferenceData('notes.jsonl', '{"output": "x", "level": 3}\n'), false);
});
