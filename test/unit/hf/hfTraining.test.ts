// Training from a pretrained backbone through the real loop (runTraining): it learns, it exports a folder our loader
// (and transformers: scripts/check_hf_export.py) scores identically, a cancelled run resumes on the same trajectory,
// --resume refuses another backbone, every tuning mode runs, and a run that cannot fit is refused before loading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runTraining } from '../../../src/train/runTraining';
import { readJsonLines } from '../../../src/node/atomic';
import { runPaths } from '../../../src/node/runDir';
import { openScorer } from '../../../src/train/openScorer';
import { evaluateFiles } from '../../../src/train/evaluateFiles';
import { UserError } from '../../../src/core/errors';
import type { BackboneParams } from '../../../src/protocol/trainer';
import type { StepMetrics } from '../../../src/core/report';
import { tempDir, testConfig, writeSeparable } from '../train/fixtures';
import { QWEN25_7B, writeSparseCheckpoint } from './sparseCheckpoint';

const FIXTURE = 'test/fixtures/hf/qwen2';
const backbone = (over: Partial<BackboneParams> = {}): BackboneParams => ({
  dir: FIXTURE,
  tune: 'lora',
  loraRank: 4,
  loraAlpha: 8,
  loraDropout: 0,
  topK: 1,
  resetHead: false,
  maxTokens: 96,
  ...over,
});
const cfg = (over = {}) => testConfig({ objective: 'bsr', lambda: 0.01, batchSize: 8, lr: 5e-3, steps: 16, holdoutFrac: 0.25, ...over });

test('LoRA + BSR from a backbone learns separable pairs; the exported folder scores exactly as the live model did', async () => {
  const dir = tempDir();
  const data = writeSeparable(dir, 64);
  const heldOut = writeSeparable(dir, 12, 'eval.jsonl');
  const runDir = path.join(dir, 'run');
  const s = await runTraining({
    runId: 'lora',
    runDir,
    config: cfg({ holdoutFrac: 0 }),
    trainFiles: [data],
    evalFiles: [heldOut],
    backbone: backbone(),
    resume: false,
  });
  assert.equal(s.status, 'completed', s.error);
  const m = readJsonLines<StepMetrics>(runPaths(runDir).metrics);
  const mean = (xs: StepMetrics[]) => xs.reduce((a, x) => a + x.loss, 0) / xs.length;
  assert.ok(mean(m.slice(-4)) < mean(m.slice(0, 4)), `loss did not fall: ${mean(m.slice(0, 4))} → ${mean(m.slice(-4))}`);
  assert.ok(
    m.every((x) => x.reg > 0),
    'the BSR term is logged',
  );
  const model = runPaths(runDir).model;
  for (const f of [
    'config.json',
    'model.safetensors',
    'tokenizer.json',
    'adapter/adapter_config.json',
    'adapter/adapter_model.safetensors',
    'hnorm-train.json',
  ])
    assert.ok(fs.existsSync(path.join(model, f)), f);
  const config = JSON.parse(fs.readFileSync(path.join(model, 'config.json'), 'utf8'));
  assert.deepEqual(config.architectures, ['Qwen2ForSequenceClassification']);
  assert.equal(config.num_labels, 1);
  assert.equal(config.pad_token_id, 600);
  assert.ok(Number.isFinite(config.mean) && Number.isFinite(config.std));
  // The final evaluation was computed by the live model (LoRA unmerged); the export has LoRA merged into W.
  const live = s.finalEval!.sets.find((x) => x.name === 'eval')!;
  const { scorer } = await openScorer(model, { engine: 'tfjs' });
  const again = (await evaluateFiles(scorer, [heldOut])).sets[0]!;
  scorer.dispose();
  assert.equal(again.pairs, live.pairs);
  for (const [what, a, b] of [
    ['mean r(chosen)', again.rewardChosen.mean, live.rewardChosen.mean],
    ['mean r(rejected)', again.rewardRejected.mean, live.rewardRejected.mean],
    ['margin std', again.margin.std, live.margin.std],
    ['median ‖h‖', again.hNorm.median, live.hNorm.median],
    ['‖h_w − h_l‖ mean', again.hDiffNorm.mean, live.hDiffNorm.mean],
    ['‖W_p‖', again.decomposition.wpNorm, live.decomposition.wpNorm],
  ] as const)
    assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b)), `${what}: export ${a} vs live ${b}`);
  assert.equal(again.accuracy.value, live.accuracy.value);
  const rec = JSON.parse(fs.readFileSync(runPaths(runDir).config, 'utf8'));
  assert.equal(rec.model.tune, 'lora');
  assert.equal(rec.backbone.dir, FIXTURE);
});

test('a cancelled backbone run resumes on the same trajectory; --resume refuses another backbone, naming it', async () => {
  const dir = tempDir();
  const data = writeSeparable(dir, 48);
  const c = cfg({ steps: 8, holdoutFrac: 0 });
  const straight = path.join(dir, 'straight');
  await runTraining({ runId: 'a', runDir: straight, config: c, trainFiles: [data], evalFiles: [], backbone: backbone(), resume: false });
  const broken = path.join(dir, 'broken');
  let seen = 0;
  const first = await runTraining(
    { runId: 'b', runDir: broken, config: c, trainFiles: [data], evalFiles: [], backbone: backbone(), resume: false },
    {
      onProgress: (m) => {
        seen = m.step;
      },
      shouldCancel: () => seen >= 3,
    },
  );
  assert.equal(first.status, 'cancelled');
  await assert.rejects(
    runTraining({
      runId: 'b',
      runDir: broken,
      config: c,
      trainFiles: [data],
      evalFiles: [],
      backbone: backbone({ dir: 'test/fixtures/hf/qwen2-bf16' }),
      resume: true,
    }),
    (e: Error) => e instanceof UserError && /cannot resume .*backbone: was/.test(e.message),
  );
  await assert.rejects(
    runTraining({
      runId: 'b',
      runDir: broken,
      config: c,
      trainFiles: [data],
      evalFiles: [],
      backbone: backbone({ loraRank: 8 }),
      resume: true,
    }),
    (e: Error) => e instanceof UserError && /backbone: was .*"loraRank":4/.test(e.message),
  );
  const second = await runTraining({
    runId: 'b',
    runDir: broken,
    config: c,
    trainFiles: [data],
    evalFiles: [],
    backbone: backbone(),
    resume: true,
  });
  assert.equal(second.status, 'completed', second.error);
  const a = readJsonLines<StepMetrics>(runPaths(straight).metrics);
  const b = readJsonLines<StepMetrics>(runPaths(broken).metrics);
  assert.deepEqual(
    b.map((x) => x.step),
    a.map((x) => x.step),
  );
  a.forEach((x, i) => assert.ok(Math.abs(x.loss - b[i]!.loss) < 1e-5, `step ${x.step}: ${x.loss} vs resumed ${b[i]!.loss}`));
});

test('full, head and top-k tuning train; head mode trains only W_p; gradient accumulation runs per micro-batch', async () => {
  const dir = tempDir();
  const data = writeSeparable(dir, 32);
  for (const tune of ['full', 'head', 'top-k'] as const) {
    const runDir = path.join(dir, tune);
    const s = await runTraining({
      runId: tune,
      runDir,
      config: cfg({ steps: 4, holdoutFrac: 0, gradAccum: tune === 'head' ? 2 : 1 }),
      trainFiles: [data],
      evalFiles: [],
      backbone: backbone({ tune }),
      resume: false,
    });
    assert.equal(s.status, 'completed', `${tune}: ${s.error}`);
    const rec = JSON.parse(fs.readFileSync(runPaths(runDir).config, 'utf8'));
    if (tune === 'head') assert.equal(rec.model.trainedParameters, 32, 'head mode trains the 32 head weights only');
    if (tune === 'top-k') assert.ok(rec.model.trainedParameters > 32 && rec.model.trainedParameters < 39_232);
    assert.ok(fs.existsSync(path.join(runPaths(runDir).model, 'model.safetensors')));
    assert.ok(!fs.existsSync(path.join(runPaths(runDir).model, 'adapter')), 'only LoRA runs write a PEFT adapter');
  }
});

test('a 7B run that cannot fit wasm is refused before loading, with the numbers and a fix; nothing is written', async () => {
  const dir = tempDir();
  const data = writeSeparable(dir, 16);
  const big = path.join(dir, 'qwen2.5-7b-shaped');
  writeSparseCheckpoint(big, QWEN25_7B);
  const t0 = performance.now();
  await assert.rejects(
    runTraining({
      runId: 'big',
      runDir: path.join(dir, 'run'),
      config: cfg({ steps: 1, batchSize: 8, backend: 'wasm', holdoutFrac: 0 }),
      trainFiles: [data],
      evalFiles: [],
      backbone: backbone({ dir: big, tune: 'full', maxTokens: 512 }),
      resume: false,
    }),
    (e: Error) =>
      e instanceof UserError &&
      /this run needs about [\d.]+ GiB \(weights \d+\.\d+ GiB, gradients .*activations .*\), more than the wasm backend .*try --tune lora/.test(
        e.message,
      ),
  );
  assert.ok(performance.now() - t0 < 10_000, 'refused from the headers alone, without reading 15 GB of weights');
  assert.ok(!fs.existsSync(path.join(dir, 'run')), 'nothing was written');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('LoRA dropout: seeded (same run twice = same losses), real (differs from no dropout), and the same masks in the checkpointed recompute', async () => {
  const dir = tempDir();
  const data = writeSeparable(dir, 32);
  const losses = async (name: string, over: Partial<BackboneParams>) => {
    const runDir = path.join(dir, name);
    const s = await runTraining({
      runId: name,
      runDir,
      config: cfg({ steps: 4, holdoutFrac: 0 }),
      trainFiles: [data],
      evalFiles: [],
      backbone: backbone(over),
      resume: false,
    });
    assert.equal(s.status, 'completed', s.error);
    return readJsonLines<StepMetrics>(runPaths(runDir).metrics).map((m) => m.loss);
  };
  const a = await losses('a', { loraDropout: 0.3 });
  const b = await losses('b', { loraDropout: 0.3 });
  const plain = await losses('plain', { loraDropout: 0.3, gradCheckpointing: false });
  const none = await losses('none', { loraDropout: 0 });
  assert.deepEqual(a, b, 'the same seed draws the same masks');
  a.forEach((x, i) => assert.ok(Math.abs(x - plain[i]!) < 1e-5, `step ${i + 1}: checkpointed ${x} vs plain ${plain[i]}`));
  // B starts at zero (PEFT's init), so step 1 is the base model either way; from step 2 the masked adapters differ.
  assert.ok(Math.abs(a[0]! - none[0]!) < 1e-6);
  assert.ok(
    a.slice(1).some((x, i) => Math.abs(x - none[i + 1]!) > 1e-4),
    `dropout changed nothing: ${a} vs ${none}`,
  );
});
