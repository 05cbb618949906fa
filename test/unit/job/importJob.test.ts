// import-job (issue 13): a TRL job's output → a Reward Lens run directory that the same readers and ownership
// rules accept as a training run: metrics from log_history, every diagnostic per scored model, summary, compare;
// refusals name the file and field and write nothing. The output here is built by hand (fakeTrlOutput.ts).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { importTrlJob } from '../../../src/train/job/importJob';
import { runTraining } from '../../../src/train/runTraining';
import { readJsonLines, sealStatus } from '../../../src/node/atomic';
import { inspectRunDir } from '../../../src/node/runOwnership';
import { listRuns, readRunInfo, readRunSnapshot } from '../../../src/node/runs';
import { compareRuns, loadRunView } from '../../../src/cli/compare';
import type { EvalReport, StepMetrics } from '../../../src/core/report';
import type { RunSummary } from '../../../src/protocol/trainer';
import { tempDir, testConfig, treeDigest } from '../train/fixtures';
import { fakeTrlRun, PAIRS, QWEN2, trainLog, type FakeTrl } from './fakeTrlOutput';

const CLI = path.resolve('dist/cli.js');
let work: string;
let trl: FakeTrl;
let runDir: string;
let summary: RunSummary;
const logs: string[] = [];

before(async () => {
  work = tempDir('rl-import-');
  trl = await fakeTrlRun(work);
  runDir = path.join(work, 'runs', 'imported');
  summary = await importTrlJob({ dir: trl.outputDir, outDir: runDir, engine: 'onnx', log: (m) => logs.push(m) });
});

test('metrics.jsonl holds the training logs of trainer_state.json as step metrics', () => {
  const m = readJsonLines<StepMetrics>(path.join(runDir, 'metrics.jsonl'));
  assert.deepEqual(
    m.map((x) => x.step),
    [1, 2, 3],
  );
  const want = trainLog(2);
  assert.deepEqual(
    [
      m[1]!.loss,
      m[1]!.bt,
      m[1]!.reg,
      m[1]!.batchMean,
      m[1]!.accuracy,
      m[1]!.wpNorm,
      m[1]!.gradNorm,
      m[1]!.lr,
      m[1]!.elapsedMs,
      m[1]!.epoch,
    ],
    [want.loss, want.bt, want.reg, want.batch_mean, want.accuracy, want.wp_norm, want.grad_norm, want.learning_rate, 4000, want.epoch],
  );
  assert.equal(m[1]!.pairsPerSec, (2 * 4 * 1000) / 4000);
});

test('evals.jsonl: every diagnostic on every eval set, for the base model, the merged checkpoint and the final model', () => {
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
    for (const s of e.sets) {
      assert.ok(
        s.pairs > 0 &&
          Number.isFinite(s.accuracy.value) &&
          Number.isFinite(s.erank) &&
          s.hNorm.median > 0 &&
          Number.isFinite(s.hDiffNorm.mean) &&
          Number.isFinite(s.lengthBias.pearson),
        s.name,
      );
      assert.ok(Object.keys(s.byGroup).includes('subset'), "groups survive the export (the eval sets are Reward Lens' own)");
    }
    assert.ok(Number.isFinite(e.erankGap['held-out']!));
  }
  assert.ok(
    logs.some((l) => /checkpoint-1: a PEFT adapter without merged\/.*not scored/.test(l)),
    logs.join('\n'),
  );
});

test('summary.json, config.json and the readers: a completed run on "trl cpu×1" whose model is the final Hugging Face folder', () => {
  assert.deepEqual(
    [summary.status, summary.steps, summary.totalSteps, summary.backend, summary.elapsedMs, summary.finalEval?.step],
    ['completed', 3, 3, 'trl cpu×1', 12500, 3],
  );
  assert.equal(summary.modelDir, path.join(trl.outputDir, 'merged'));
  const cfgText = fs.readFileSync(path.join(runDir, 'config.json'), 'utf8');
  assert.equal(sealStatus(cfgText), 'ok');
  const cfg = JSON.parse(cfgText);
  assert.deepEqual(
    [
      cfg.format,
      cfg.config.objective,
      cfg.config.lambda,
      cfg.config.steps,
      cfg.backbone.tune,
      cfg.imported.from,
      cfg.imported.pairs.train.dropped_over_max_length,
    ],
    ['reward-lens-run', 'bsr', 0.001, 3, 'lora', 'trl', 1],
  );
  assert.deepEqual(
    cfg.imported.trlEvals.map((e: { step: number; set: string }) => `${e.step}:${e.set}`),
    ['0:train', '0:held-out', '2:train', '2:held-out', '3:held-out'],
  );
  const state = inspectRunDir(runDir, 'imported');
  assert.equal(state.kind, 'run');
  assert.ok(state.kind === 'run' && state.imported && !state.damaged, JSON.stringify(state));
  const info = readRunInfo(runDir)!;
  assert.match(info.label, /^BSR λ=0\.001 · TRL qwen2 LoRA · pairs\.jsonl · 2026-12-01 22:46$/);
  assert.deepEqual([info.status, info.modelDir, info.resumable], ['completed', summary.modelDir, false]);
  const snap = readRunSnapshot(runDir)!;
  assert.deepEqual([snap.metrics.length, snap.evals.length, snap.status], [3, 3, 'completed']);
  assert.deepEqual(
    listRuns(path.dirname(runDir)).map((r) => r.runId),
    ['imported'],
  );
  for (const f of ['source/trainer_state.json', 'source/reward_lens_run.json', 'log.txt'])
    assert.ok(fs.existsSync(path.join(runDir, f)), f);
  assert.ok(!fs.existsSync(path.join(runDir, 'run.lock')), 'the lock is released');
});

test('compare works between the imported run and a local one; a resume into it is refused', async () => {
  const local = path.join(work, 'runs', 'local');
  await runTraining({
    runId: 'local',
    runDir: local,
    config: testConfig({ steps: 2, holdoutFrac: 0.25 }),
    trainFiles: [PAIRS],
    evalFiles: [],
    resume: false,
  });
  const text = compareRuns(loadRunView(local), loadRunView(runDir));
  assert.match(text, /held-out accuracy/);
  assert.match(text, /bsr λ=0\.001 s1/);
  const r = spawnSync(process.execPath, [CLI, 'compare', local, runDir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  await assert.rejects(
    runTraining({ runId: 'imported', runDir, config: testConfig({ steps: 2 }), trainFiles: [PAIRS], evalFiles: [], resume: true }),
    /cannot resume .*: it was trained with TRL and imported \(reward-lens import-job\)/,
  );
});

test("a loader that reads the model differently from PyTorch is reported (train.py's probe rewards)", async () => {
  const dir = tempDir('rl-import-probe-');
  const probe = [{ set: 'train', index: 0, id: 'x', r_chosen: 0, r_rejected: 0 }];
  const t = await fakeTrlRun(dir);
  const sets = JSON.parse(fs.readFileSync(path.join(t.jobDir, 'reward-lens/eval-sets.json'), 'utf8')).sets;
  probe[0]!.id = sets[0].pairs[0].id;
  probe[0]!.r_chosen = 5; // no real reward of this fixture is near 5
  fs.writeFileSync(path.join(t.outputDir, 'reward_lens_run.json'), JSON.stringify({ ...t.record, probe }));
  const lines: string[] = [];
  await importTrlJob({ dir: t.outputDir, outDir: path.join(dir, 'run'), engine: 'onnx', log: (m) => lines.push(m) });
  assert.ok(
    lines.some((l) => /^WARNING: loader check: 1 pairs .* Reward Lens reads this model differently from transformers/.test(l)),
    lines.join('\n'),
  );
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'run', 'source', 'loader-check.json'), 'utf8')).ok, false);
});

test('refusals name the file and field and write nothing', async () => {
  const dir = tempDir('rl-import-bad-');
  const t = await fakeTrlRun(dir);
  const rec = path.join(t.outputDir, 'reward_lens_run.json');
  const state = path.join(t.outputDir, 'trainer_state.json');
  const sets = path.join(t.jobDir, 'reward-lens', 'eval-sets.json');
  const outside = path.join(dir, 'runs', 'x');
  const cases: [() => void, Parameters<typeof importTrlJob>[0], RegExp][] = [
    [() => {}, { dir: path.join(dir, 'nothing-here'), outDir: outside }, /no such directory/],
    [() => {}, { dir: t.jobDir + '/data', outDir: outside }, /no reward_lens_run\.json: not the output directory of a Reward Lens TRL job/],
    [() => {}, { dir: t.outputDir, outDir: path.join(t.outputDir, 'run') }, /is inside .*output, which the import reads/],
    [() => {}, { dir: t.outputDir, outDir: path.join(t.jobDir, 'run') }, /is inside .*job, which the import reads/],
    [() => {}, { dir: t.outputDir, outDir: path.join(QWEN2, 'run') }, /is inside .*fixtures\/hf\/qwen2, which the import reads/],
    [
      () => fs.mkdirSync(path.join(dir, 'busy', 'x'), { recursive: true }),
      { dir: t.outputDir, outDir: path.join(dir, 'busy') },
      /busy is not empty \(it holds x\); import into a new directory/,
    ],
    [
      () => fs.writeFileSync(rec, JSON.stringify({ ...t.record, per_device_train_batch_size: 'four' })),
      { dir: t.outputDir, outDir: outside },
      /reward_lens_run\.json: field "per_device_train_batch_size": expected a number, got "four"/,
    ],
    [
      () => fs.writeFileSync(rec, JSON.stringify({ ...t.record, job_args: { ...(t.record['job_args'] as object), objective: 'dpo' } })),
      { dir: t.outputDir, outDir: outside },
      /field "job_args\.objective": expected one of bt, bsr/,
    ],
    [
      () => {
        fs.writeFileSync(rec, JSON.stringify(t.record));
        const s = JSON.parse(fs.readFileSync(state, 'utf8'));
        delete s.log_history[3].bt;
        fs.writeFileSync(state, JSON.stringify(s));
      },
      { dir: t.outputDir, outDir: outside },
      /trainer_state\.json: field "log_history\[3\]\.bt": missing/,
    ],
    [
      () => fs.appendFileSync(sets, ' '),
      { dir: t.outputDir, outDir: outside },
      /eval-sets\.json: sha256 .* differs from .* recorded in job\.json: the eval sets were changed after the export/,
    ],
  ];
  for (const [prepare, opts, re] of cases) {
    prepare();
    const before = treeDigest(dir);
    await assert.rejects(importTrlJob({ ...opts, engine: 'onnx' }), re);
    assert.deepEqual(treeDigest(dir), before, `nothing written for ${re}`);
  }
});

test('CLI: import-job prints the run and its final diagnostics; an unusable directory is one line, exit code 2', async () => {
  const dir = tempDir('rl-import-cli-');
  const t = await fakeTrlRun(dir);
  const out = path.join(dir, 'run');
  const r = spawnSync(process.execPath, [CLI, 'import-job', t.jobDir, '--out', out, '--engine', 'onnx'], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^completed: 3\/3 TRL steps on trl cpu×1 → /);
  assert.match(r.stdout, /── held-out .*: \d+ pairs/);
  assert.match(r.stderr, /step 0: scored the base model/);
  const bad = spawnSync(process.execPath, [CLI, 'import-job', dir], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assert.match(bad.stderr, /no reward_lens_run\.json/);
});
