// The whole TRL path for real (issue 13): reward-lens export-job → python3 train.py (TRL's RewardTrainer, CPU, the
// tiny qwen2 fixture, 3 steps, TrainingArguments overridden on the command line) → reward-lens import-job, then the
// imported run's metrics, diagnostics and model are checked. Needs python3 with torch, transformers, trl, peft,
// datasets and accelerate; skipped, saying which import failed, without them.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readJsonLines } from '../../../src/node/atomic';
import { openScorer } from '../../../src/train/openScorer';
import { initBackend } from '../../../src/train/backends';
import { BACKBONE_DEFAULTS } from '../../../src/core/hf/tuning';
import type { EvalReport, StepMetrics } from '../../../src/core/report';
import type { RunSummary } from '../../../src/protocol/trainer';
import type { EvalSetData } from '../../../src/train/trainingData';
import { tempDir } from '../train/fixtures';
import { PAIRS, QWEN2 } from './fakeTrlOutput';

const CLI = path.resolve('dist/cli.js');
const MODULES = ['torch', 'transformers', 'trl', 'peft', 'datasets', 'accelerate'];
let skip: string | false = false;
let dir: string;
let jobDir: string;
let runDir: string;
let summary: RunSummary;
let record: Record<string, any>;
let trainSeconds = 0;

before(async () => {
  const probe = spawnSync('python3', ['-c', `import ${MODULES.join(', ')}`], { encoding: 'utf8' });
  if (probe.status !== 0) {
    skip = `python3 cannot import ${MODULES.join(', ')} here (${(probe.error?.message ?? probe.stderr.trim().split('\n').pop()) || `exit ${probe.status}`}): the TRL run is skipped`;
    return;
  }
  dir = tempDir('rl-trl-');
  const cfg = path.join(dir, 'config.json');
  fs.writeFileSync(
    cfg,
    JSON.stringify({
      trainFiles: [PAIRS],
      config: { objective: 'bsr', lambda: 0.5, holdoutFrac: 0.25, steps: 6, batchSize: 4, lr: 1e-3, logEvery: 1, evalEvery: 2 },
      backbone: { ...BACKBONE_DEFAULTS, dir: QWEN2, maxTokens: 128, loraTargets: ['q_proj', 'v_proj'] },
    }),
  );
  jobDir = path.join(dir, 'job');
  const x = spawnSync(process.execPath, [CLI, 'export-job', cfg, '--trl', jobDir], { encoding: 'utf8' });
  assert.equal(x.status, 0, x.stderr);
  const t0 = performance.now();
  // The user's overrides win over job.json: 3 steps instead of 6, micro-batches of 2 pairs instead of 4.
  const env = {
    ...process.env,
    HF_HOME: path.join(dir, 'hf-home'),
    HF_HUB_OFFLINE: '1',
    TOKENIZERS_PARALLELISM: 'false',
    OMP_NUM_THREADS: '2',
  };
  const t = spawnSync(
    'python3',
    ['train.py', '--max_steps', '3', '--per_device_train_batch_size', '2', '--output_dir', path.join(jobDir, 'output')],
    { cwd: jobDir, env, encoding: 'utf8', timeout: 480_000 },
  );
  trainSeconds = (performance.now() - t0) / 1000;
  assert.equal(t.status, 0, `train.py failed:\n${t.stdout.slice(-3000)}\n${t.stderr.slice(-5000)}`);
  record = JSON.parse(fs.readFileSync(path.join(jobDir, 'output', 'reward_lens_run.json'), 'utf8'));
  runDir = path.join(dir, 'runs', 'trl');
  const i = spawnSync(process.execPath, [CLI, 'import-job', path.join(jobDir, 'output'), '--out', runDir, '--json'], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.equal(i.status, 0, i.stderr);
  summary = JSON.parse(i.stdout);
});

test('train.py ran TRL with the overrides: 3 steps, b = 2 pairs per device, BSR as the paper code (reg = λ·b·m² per logged step)', (t) => {
  if (skip) return t.skip(skip);
  assert.deepEqual(
    [
      record['status'],
      record['global_step'],
      record['per_device_train_batch_size'],
      record['job_args'].objective,
      record['job_args'].bsr_lambda,
      record['versions'].trl,
    ],
    ['completed', 3, 2, 'bsr', 0.5, record['versions'].trl],
  );
  const m = readJsonLines<StepMetrics>(path.join(runDir, 'metrics.jsonl'));
  assert.deepEqual(
    m.map((x) => x.step),
    [1, 2, 3],
  );
  for (const s of m) {
    // One micro-batch per logged step: the logged loss is bt + reg, and reg is λ·b·(batch mean)² with b = 2.
    assert.ok(Math.abs(s.loss - (s.bt + s.reg)) <= 1e-5 * (1 + s.loss), `step ${s.step}: loss ${s.loss} vs bt ${s.bt} + reg ${s.reg}`);
    assert.ok(
      Math.abs(s.reg - 0.5 * 2 * s.batchMean ** 2) <= 1e-6 + 1e-4 * s.reg,
      `step ${s.step}: reg ${s.reg} vs λ·b·m² ${0.5 * 2 * s.batchMean ** 2}`,
    );
    assert.ok(s.wpNorm > 0 && Number.isFinite(s.gradNorm) && s.elapsedMs > 0, JSON.stringify(s));
  }
  t.diagnostic(
    `TRL run: ${Object.entries(record['versions'])
      .map(([k, v]) => `${k} ${v}`)
      .join(
        ', ',
      )}; ${record['global_step']} steps on ${record['device']} in ${trainSeconds.toFixed(1)} s wall (train.py, imports included; trainer ${Number(record['train_runtime_s']).toFixed(1)} s)`,
  );
});

test('the import scored the base model, the merged checkpoint and the final model with every diagnostic', (t) => {
  if (skip) return t.skip(skip);
  const evals = readJsonLines<EvalReport>(path.join(runDir, 'evals.jsonl'));
  assert.deepEqual(
    evals.map((e) => e.step),
    [0, 2, 3],
  );
  for (const e of evals) {
    assert.deepEqual(
      e.sets.map((s) => s.name),
      ['train', 'held-out'],
    );
    for (const s of e.sets)
      assert.ok(
        Number.isFinite(s.accuracy.value) && Number.isFinite(s.erank) && s.hNorm.median > 0 && Number.isFinite(s.decomposition.wpNorm),
        s.name,
      );
  }
  assert.deepEqual([summary.status, summary.steps, summary.totalSteps, summary.backend], ['completed', 3, 3, 'trl cpu×1']);
  assert.equal(summary.modelDir, path.join(jobDir, 'output', 'merged'));
  const cfg = JSON.parse(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8'));
  assert.deepEqual([cfg.config.batchSize, cfg.config.steps, cfg.config.lambda], [2, 3, 0.5]);
  t.diagnostic(
    `final held-out accuracy ${evals[2]!.sets[1]!.accuracy.value.toFixed(3)}, ‖W_p‖ ${evals[2]!.sets[1]!.decomposition.wpNorm.toFixed(4)}`,
  );
});

test('the imported model loads in Reward Lens (onnxruntime and tfjs) with the rewards PyTorch gave it', async (t) => {
  if (skip) return t.skip(skip);
  const check = JSON.parse(fs.readFileSync(path.join(runDir, 'source', 'loader-check.json'), 'utf8'));
  assert.equal(check.ok, true, JSON.stringify(check));
  await initBackend('cpu');
  const sets = JSON.parse(fs.readFileSync(path.join(jobDir, 'reward-lens', 'eval-sets.json'), 'utf8')).sets as EvalSetData[];
  const { scorer } = await openScorer(summary.modelDir!, { engine: 'tfjs', maxTokens: 128 });
  try {
    const probe = record['probe'] as { set: string; index: number; r_chosen: number; r_rejected: number }[];
    const seqs = probe.flatMap((p) => {
      const e = scorer.encodePair(sets.find((s) => s.name === p.set)!.pairs[p.index]!);
      return [e.chosen, e.rejected];
    });
    const s = await scorer.score(seqs, 8);
    const worst = Math.max(
      ...probe.flatMap((p, i) => [Math.abs(s.rewards[2 * i]! - p.r_chosen), Math.abs(s.rewards[2 * i + 1]! - p.r_rejected)]),
    );
    assert.ok(worst <= 1e-3, `tfjs vs PyTorch: max |Δr| ${worst}`);
    t.diagnostic(
      `${probe.length} pairs: max |r(Reward Lens) − r(PyTorch)| onnxruntime ${check.maxAbsDiff.toExponential(2)}, tfjs ${worst.toExponential(2)}`,
    );
  } finally {
    scorer.dispose();
  }
});
