// The Hugging Face commands as a user runs them (the built dist/cli.js): model, score, eval --out, train --from,
// export --hf; and their refusals, one line each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir, writeSeparable } from '../train/fixtures';

const CLI = path.resolve('dist/cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 600_000 });
const FIXTURES = 'test/fixtures/hf';

test('model describes every fixture: architecture, pooling, head, backends; --json carries the same facts', () => {
  for (const [name, arch, head] of [
    ['qwen2', 'Qwen2ForSequenceClassification', 'sequence-classification'],
    ['gemma2', 'Gemma2ForSequenceClassification', 'sequence-classification'],
    ['openrlhf-llama', 'RewardModel', 'openrlhf-value-head'],
    ['llama-backbone', 'LlamaForCausalLM', 'untrained'],
  ] as const) {
    const r = run('model', path.join(FIXTURES, name), '--json');
    assert.equal(r.status, 0, r.stderr);
    const m = JSON.parse(r.stdout);
    assert.equal(m.architecture, arch);
    assert.equal(m.headKind, head);
    assert.ok(m.parameters > 1000 && m.fp32Bytes === m.parameters * 4);
    assert.ok(m.backends.some((b: { name: string; fits: boolean }) => b.name === 'wasm' && b.fits));
  }
  const mistral = run('model', path.join(FIXTURES, 'mistral'));
  assert.equal(mistral.status, 0);
  assert.match(mistral.stdout, /pad_token_id equals eos_token_id \(2\)/);
  assert.match(mistral.stdout, /chat template: tokenizer_config\.json/);
  const gpt2 = run('model', path.join(FIXTURES, 'gpt2'));
  assert.match(gpt2.stdout, /no chat template: pairs are scored as HH-style transcripts/);
});

test('model --self-test passes on a correct model (batch 1 vs batched, left vs right padding)', () => {
  const r = run(
    'model',
    path.join(FIXTURES, 'qwen3'),
    '--self-test',
    'test/e2e/fixtures/ws/pairs.jsonl',
    '--sample',
    '6',
    '--engine',
    'tfjs',
  );
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /self-test +ok: 12 sequences at batch 1 vs batch 8, right and left padding; max relative drift/);
});

test('score writes one JSON line per pair with rewards, margin, ‖h‖ and truncation; eval --out writes an evaluation run', () => {
  const dir = tempDir();
  const out = path.join(dir, 'scores.jsonl');
  const r = run('score', '--model', path.join(FIXTURES, 'llama3'), 'test/e2e/fixtures/ws/pairs.jsonl', '--out', out, '--engine', 'tfjs');
  assert.equal(r.status, 0, r.stderr);
  const lines = fs
    .readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.ok(lines.length >= 60);
  for (const l of lines) {
    assert.ok(Number.isFinite(l.r_chosen) && Number.isFinite(l.r_rejected) && Math.abs(l.margin - (l.r_chosen - l.r_rejected)) < 1e-9);
    assert.ok(l.h_norm_chosen > 0 && l.truncation.chosen.prompt_tokens_dropped >= 0);
  }
  assert.match(r.stderr, /tokens\/s/);
  const evalDir = path.join(dir, 'eval');
  const e = run(
    'eval',
    '--model',
    path.join(FIXTURES, 'llama3'),
    'test/e2e/fixtures/ws/pairs.jsonl',
    '--out',
    evalDir,
    '--engine',
    'tfjs',
    '--json',
  );
  assert.equal(e.status, 0, e.stderr);
  for (const f of ['config.json', 'evals.jsonl', 'summary.json']) assert.ok(fs.existsSync(path.join(evalDir, f)), f);
  assert.equal(JSON.parse(fs.readFileSync(path.join(evalDir, 'config.json'), 'utf8')).kind, 'evaluation');
});

test('train --from a fixture with LoRA + BSR, then export --hf: a Hugging Face folder with a PEFT adapter', () => {
  const dir = tempDir();
  const data = writeSeparable(dir, 24);
  const runDir = path.join(dir, 'run');
  const t = run(
    'train',
    data,
    '--from',
    path.join(FIXTURES, 'qwen2'),
    '--tune',
    'lora',
    '--objective',
    'bsr',
    '--steps',
    '3',
    '--batch-size',
    '4',
    '--max-length',
    '64',
    '--backend',
    'wasm',
    '--out',
    runDir,
    '--quiet',
  );
  assert.equal(t.status, 0, t.stderr + t.stdout);
  assert.match(t.stdout, /completed: 3\/3 steps/);
  assert.match(t.stdout, /the PEFT adapter is in/);
  const out = path.join(dir, 'exported');
  const x = run('export', runDir, '--hf', out);
  assert.equal(x.status, 0, x.stderr);
  for (const f of [
    'config.json',
    'model.safetensors',
    'tokenizer.json',
    'adapter/adapter_config.json',
    'adapter/adapter_model.safetensors',
  ])
    assert.ok(fs.existsSync(path.join(out, f)), f);
  const again = run('export', runDir, '--hf', out);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /is not empty; export into a new folder/);
});

test('refusals are one line with exit code 2: not a model folder, unsupported architecture, tuning flags without --from', () => {
  const dir = tempDir();
  fs.writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({ model_type: 'deberta-v2', architectures: ['DebertaV2ForSequenceClassification'] }),
  );
  const cases: [string[], RegExp][] = [
    [['model', 'test/fixtures'], /not a Hugging Face model folder/],
    [
      ['model', dir],
      /model_type "deberta-v2" \(DebertaV2ForSequenceClassification\) is not supported; supported: llama, mistral, qwen2, qwen3, gemma2, gpt2/,
    ],
    [
      ['train', 'test/e2e/fixtures/ws/pairs.jsonl', '--tune', 'full'],
      /--tune applies to training from a pretrained model: add --from FOLDER/,
    ],
    [['train', 'test/e2e/fixtures/ws/pairs.jsonl', '--from', 'test/fixtures'], /--from test\/fixtures: not a Hugging Face model folder/],
    [['score', '--model', path.join(FIXTURES, 'qwen2')], /score needs --model DIR and exactly one data file/],
  ];
  for (const [args, re] of cases) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')} → ${r.status}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for: ${args.join(' ')}\n${r.stderr}`);
  }
});
