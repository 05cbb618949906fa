// Loads EVERY file under ../shared/data (beside the repo) and checks the row counts stated in its READMEs,
// plus the cross-dataset prompt overlaps the top README states (a real-data check of normalizePrompt).
// Skipped, with a message, where shared/data is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as csvParseSync } from 'csv-parse/sync';
import type { LoadedDataset } from '../../../src/core/types';
import { CsvReader, csvObjects } from '../../../src/core/data/csv';
import { normalizePrompt } from '../../../src/core/data/normalize';
import { loadDatasetFile } from '../../../src/node/loadDataset';

const ROOT = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const absent = existsSync(ROOT) ? false : `shared data not found at ${ROOT}`;

const loaded = new Map<string, LoadedDataset>();
async function load(rel: string): Promise<LoadedDataset> {
  let d = loaded.get(rel);
  if (!d) {
    d = await loadDatasetFile(join(ROOT, rel));
    loaded.set(rel, d);
  }
  return d;
}

/** Every record is accounted for: it produced a pair/response or a skip entry (RM-Bench: 9 per row). */
function accounted(d: LoadedDataset, perRow = 1): void {
  const produced = d.multi.length ? d.multi.reduce((n, g) => n + g.responses.length, 0) : d.pairs.length;
  assert.equal(
    produced + d.skipped.length,
    d.rows * perRow,
    `${d.file}: ${produced} produced + ${d.skipped.length} skipped ≠ ${d.rows}×${perRow}`,
  );
}

const EXPECTED: Record<string, { format: string; rows: number }> = {
  'hh-rlhf/harmless-base-test.jsonl': { format: 'hh-rlhf', rows: 2312 },
  'hh-rlhf/helpful-base-test.jsonl': { format: 'hh-rlhf', rows: 2354 },
  'hh-rlhf/helpful-online-test.jsonl': { format: 'hh-rlhf', rows: 1137 },
  'hh-rlhf/helpful-rejection-sampled-test.jsonl': { format: 'hh-rlhf', rows: 2749 },
  'alpacaeval-multi/responses_scored.jsonl': { format: 'multi-long', rows: 16901 },
  'alpacaeval-multi/baseline_gpt4_1106_preview.jsonl': { format: 'multi-long', rows: 805 },
  'rm-bench/chat_filtered.json': { format: 'rm-bench', rows: 129 },
  'rm-bench/code_filtered.json': { format: 'rm-bench', rows: 228 },
  'rm-bench/safety-refuse_filtered.json': { format: 'rm-bench', rows: 284 },
  'rm-bench/safety-response_filtered.json': { format: 'rm-bench', rows: 157 },
  'xstest/xstest_prompts.csv': { format: 'prompts', rows: 450 },
  'xstest/xstest_v2_completions_gpt4.csv': { format: 'responses', rows: 450 },
  'xstest/xstest_v2_completions_llama2new.csv': { format: 'responses', rows: 450 },
  'xstest/xstest_v2_completions_llama2orig.csv': { format: 'responses', rows: 450 },
  'xstest/xstest_v2_completions_mistralinstruct.csv': { format: 'responses', rows: 450 },
  'xstest/xstest_v2_completions_mistralguard.csv': { format: 'responses', rows: 450 },
  'xstest/derived_pairs.jsonl': { format: 'rewardbench', rows: 976 },
  'llmbar-extra/Processed-MT-Bench.json': { format: 'llmbar', rows: 200 },
  'llmbar-extra/Processed-FairEval.json': { format: 'llmbar', rows: 66 },
  'llmbar-extra/Processed-LLMEval2.json': { format: 'llmbar', rows: 200 },
  'llmbar-extra/CaseStudy-Constraint.json': { format: 'llmbar', rows: 89 },
  'llmbar-extra/CaseStudy-Negation.json': { format: 'llmbar', rows: 59 },
  'llmbar-extra/CaseStudy-Normal.json': { format: 'llmbar', rows: 59 },
  'llmbar-extra/CaseStudy-Base_9.json': { format: 'llmbar', rows: 54 },
  'llmbar-extra/CaseStudy-Base_10.json': { format: 'llmbar', rows: 54 },
};

test('every shared data file loads with the README row count and the expected format', { skip: absent }, async () => {
  const all = readdirSync(ROOT)
    .filter((d) => statSync(join(ROOT, d)).isDirectory())
    .flatMap((d) =>
      readdirSync(join(ROOT, d))
        .filter((f) => !f.endsWith('.md'))
        .map((f) => `${d}/${f}`),
    )
    .sort();
  // A file added to shared/data without an expectation here fails, so the count check stays complete.
  assert.deepEqual(all, Object.keys(EXPECTED).sort());
  for (const rel of all) {
    const d = await load(rel);
    assert.deepEqual([d.format, d.rows], [EXPECTED[rel]!.format, EXPECTED[rel]!.rows], rel);
    if (d.format !== 'responses' && d.format !== 'prompts') accounted(d, d.format === 'rm-bench' ? 9 : 1);
  }
});

test('RM-Bench: 9 pairs per row, hard/normal/easy equal thirds, domain from the file name', { skip: absent }, async () => {
  for (const [domain, rows] of [
    ['chat', 129],
    ['code', 228],
    ['safety-refuse', 284],
    ['safety-response', 157],
  ] as const) {
    const d = await load(`rm-bench/${domain}_filtered.json`);
    assert.equal(d.pairs.length, rows * 9, domain);
    assert.deepEqual(d.groups.style, { hard: rows * 3, normal: rows * 3, easy: rows * 3 }, domain);
    assert.deepEqual(d.groups.domain, { [domain]: rows * 9 });
  }
  const refuse = await load('rm-bench/safety-refuse_filtered.json');
  // README: xstest-should-refuse 138, refusals-dangerous 84, refusals-offensive 62 (rows; ×9 pairs).
  assert.deepEqual(refuse.groups.subset, { 'xstest-should-refuse': 138 * 9, 'refusals-dangerous': 84 * 9, 'refusals-offensive': 62 * 9 });
});

test('AlpacaEval: 16,901 responses over 805 prompts, 21 generators, NullModel is the only adversarial one', { skip: absent }, async () => {
  const d = await load('alpacaeval-multi/responses_scored.jsonl');
  assert.equal(d.multi.length, 805);
  assert.equal(Object.keys(d.groups.generator ?? {}).length, 21);
  // README: helpful_base 129, koala 156, oasst 188, selfinstruct 252, vicuna 80 prompts.
  assert.deepEqual(d.groups.dataset, { helpful_base: 129, koala: 156, oasst: 188, selfinstruct: 252, vicuna: 80 });
  const adversarial = new Set(d.multi.flatMap((g) => g.responses.filter((r) => r.groups?.is_adversarial === 'true').map((r) => r.model)));
  assert.deepEqual([...adversarial], ['NullModel']);
  const base = await load('alpacaeval-multi/baseline_gpt4_1106_preview.jsonl');
  assert.equal(base.multi.length, 805);
});

test('XSTest: derived pairs split 456 should-respond / 520 should-refuse; prompts have 18 types of 25', { skip: absent }, async () => {
  const pairs = await load('xstest/derived_pairs.jsonl');
  assert.deepEqual(pairs.groups.subset, { 'xstest-should-respond': 456, 'xstest-should-refuse': 520 });
  const prompts = await load('xstest/xstest_prompts.csv');
  assert.equal(Object.keys(prompts.groups.type ?? {}).length, 18);
  assert.ok(Object.values(prompts.groups.type ?? {}).every((n) => n === 25));
  // README label counts per model (final_label): gpt4 230 comply / 211 refuse / 9 partial.
  const gpt4 = await load('xstest/xstest_v2_completions_gpt4.csv');
  assert.deepEqual(gpt4.groups.final_label, { '1_full_compliance': 230, '2_full_refusal': 211, '3_partial_refusal': 9 });
});

test('XSTest CSVs: our reader gives the same fields as csv-parse on every completion file', { skip: absent }, () => {
  for (const f of readdirSync(join(ROOT, 'xstest')).filter((x) => x.endsWith('.csv'))) {
    const text = readFileSync(join(ROOT, 'xstest', f), 'utf8');
    const ours: string[][] = [];
    const r = new CsvReader({ record: (fields) => ours.push(fields), malformed: (l, d) => assert.fail(`${f}:${l}: ${d}`) });
    r.push(text);
    r.end();
    assert.deepEqual(ours, csvParseSync(text, { skip_empty_lines: true }), f);
  }
});

test('README overlaps via normalizePrompt: RM-Bench chat, FairEval and 129 HH helpful-base prompts are AlpacaEval prompts; 295 RM-Bench safety prompts are XSTest prompts', {
  skip: absent,
}, async () => {
  const alpaca = new Set((await load('alpacaeval-multi/responses_scored.jsonl')).multi.map((g) => normalizePrompt(g.prompt)));
  const keys = async (rel: string) => new Set((await load(rel)).pairs.map((p) => normalizePrompt(p.prompt)));
  const overlap = (a: Set<string>, b: Set<string>) => [...a].filter((k) => b.has(k)).length;
  assert.equal(overlap(await keys('rm-bench/chat_filtered.json'), alpaca), 129);
  assert.equal(overlap(await keys('llmbar-extra/Processed-FairEval.json'), alpaca), 66);
  assert.equal(overlap(await keys('hh-rlhf/helpful-base-test.jsonl'), alpaca), 129);
  const xstest = new Set<string>();
  const r = new CsvReader(
    csvObjects(
      (row) => xstest.add(normalizePrompt(row.prompt ?? '')),
      (l, d) => assert.fail(`${l}: ${d}`),
    ),
  );
  r.push(readFileSync(join(ROOT, 'xstest/xstest_prompts.csv'), 'utf8'));
  r.end();
  const safety =
    overlap(await keys('rm-bench/safety-refuse_filtered.json'), xstest) +
    overlap(await keys('rm-bench/safety-response_filtered.json'), xstest);
  assert.equal(safety, 295);
});
