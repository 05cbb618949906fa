// export-job (issue 13): a run (or a config file) → a TRL job folder whose pairs are exactly what
// loadTrainingData makes for that run (same skips, held-out split and train sample), in TRL's conversational
// format, with counts, the Python files, launch files, and refusals that write nothing.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runTraining } from '../../../src/train/runTraining';
import { loadTrainingData } from '../../../src/train/trainingData';
import { exportTrlJob, EVAL_SETS_FILE } from '../../../src/train/job/exportJob';
import { trlRow, type TrlJob, type TrlManifest } from '../../../src/core/job/trlJob';
import { LOSS_PY, TRAIN_PY } from '../../../src/core/job/trlPython';
import { BACKBONE_DEFAULTS } from '../../../src/core/hf/tuning';
import { writeEvaluationRun } from '../../../src/node/evaluationRun';
import type { BackboneParams } from '../../../src/protocol/trainer';
import { tempDir, testConfig, treeDigest } from '../train/fixtures';

const PAIRS = path.resolve('test/e2e/fixtures/ws/pairs.jsonl'); // 65 rows, one skipped (no rejected)
const MESSAGES = path.resolve('test/fixtures/trl-messages.jsonl'); // message lists, one with a system turn
const MULTI = path.resolve('test/fixtures/multi-long.jsonl'); // multi-response prompts only
const QWEN2 = path.resolve('test/fixtures/hf/qwen2');
const backbone: BackboneParams = { ...BACKBONE_DEFAULTS, dir: QWEN2, maxTokens: 128 };
const CLI = path.resolve('dist/cli.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });

let work: string;
let runDir: string;
const config = testConfig({ steps: 2, holdoutFrac: 0.25, objective: 'bsr', lambda: 0.01, evalEvery: 1, batchSize: 6, gradAccum: 2 });
const readJob = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'job.json'), 'utf8')) as TrlJob;
const readLines = (f: string) =>
  fs
    .readFileSync(f, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

before(async () => {
  work = tempDir('rl-export-');
  runDir = path.join(work, 'run');
  const s = await runTraining({ runId: 'run', runDir, config, trainFiles: [PAIRS], evalFiles: [MESSAGES, MULTI], resume: false });
  assert.equal(s.status, 'completed', s.error);
});

test('the job holds exactly the pairs a local run makes: train, held-out split, train sample, eval files; counts match the run', async () => {
  const out = path.join(work, 'job-a');
  const r = await exportTrlJob({ source: runDir, outDir: out, backbone });
  const data = await loadTrainingData([PAIRS], [MESSAGES, MULTI], { holdoutFrac: config.holdoutFrac, seed: config.seed });
  assert.deepEqual(readLines(path.join(out, 'data/train.jsonl')), JSON.parse(JSON.stringify(data.train.map(trlRow))));
  const job = readJob(out);
  for (const set of data.evalSets) {
    if (set.pairs.length === 0) {
      assert.equal(job.data.eval[set.name], undefined, `${set.name} has no pairs: no TRL file`);
      continue;
    }
    assert.deepEqual(readLines(path.join(out, job.data.eval[set.name]!)), JSON.parse(JSON.stringify(set.pairs.map(trlRow))), set.name);
  }
  // The run's own record of what it trained on (config.json, written by runSetup) agrees with the manifest.
  const runCfg = JSON.parse(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8'));
  const m = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as TrlManifest;
  assert.equal(m.train.pairs, runCfg.trainPairs);
  assert.deepEqual(
    m.eval.map((e) => [e.name, e.pairs, e.prompts]),
    runCfg.evalSets.map((e: { name: string; pairs: number; prompts: number }) => [e.name, e.pairs, e.prompts]),
  );
  assert.deepEqual(
    m.eval.map((e) => e.name),
    ['train', 'held-out', 'trl-messages', 'multi-long'],
  );
  assert.equal(m.skipped.total, data.skipped.length);
  assert.ok(
    m.skipped.rows.some((r) => r.file === PAIRS && r.field === 'rejected'),
    JSON.stringify(m.skipped.rows),
  );
  assert.equal(m.heldOut?.pairs, data.evalSets[1]!.pairs.length);
  assert.deepEqual(m.steps, { total: 2, batchPairs: 6, microBatch: 3 });
  assert.equal(r.manifest.train.pairs, data.train.length);
  // Reward Lens' own eval sets, multi-response prompts and groups included, for the import.
  const sets = JSON.parse(fs.readFileSync(path.join(out, EVAL_SETS_FILE), 'utf8')).sets;
  assert.deepEqual(sets, JSON.parse(JSON.stringify(data.evalSets)));
});

test("rows are TRL conversational preference rows: the source's own message lists, else user/assistant turns", async () => {
  const out = path.join(work, 'job-b');
  await exportTrlJob({ source: runDir, outDir: out, backbone });
  const msgs = readLines(path.join(out, 'data/eval/trl-messages.jsonl'));
  assert.deepEqual(msgs[1].prompt, [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Sky colour?' },
  ]);
  assert.deepEqual(msgs[1].chosen, [{ role: 'assistant', content: 'Blue.' }]);
  const train = readLines(path.join(out, 'data/train.jsonl'));
  for (const row of train) {
    assert.equal(row.prompt.length, 1);
    assert.equal(row.prompt[0].role, 'user');
    assert.deepEqual([row.chosen.length, row.chosen[0].role, row.rejected[0].role], [1, 'assistant', 'assistant']);
    assert.equal(row.margin, undefined, 'no per-pair margin column: TRL would use it, Reward Lens does not');
    assert.match(row.source, /pairs\.jsonl:\d+$/);
  }
});

test('job.json carries the objective and the TrainingArguments equivalent to the run; files are listed with their sha256', async () => {
  const out = path.join(work, 'job-c');
  await exportTrlJob({ source: runDir, outDir: out, backbone: { ...backbone, tune: 'full' } });
  const job = readJob(out);
  assert.deepEqual(
    [job.job_args.objective, job.job_args.bsr_lambda, job.job_args.tune, job.job_args.model_name_or_path],
    ['bsr', 0.01, 'full', QWEN2],
  );
  assert.deepEqual(
    job.job_args.lora_target_modules,
    ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
    'the qwen2 defaults, as a local LoRA run uses',
  );
  const a = job.training_args;
  assert.deepEqual(
    [a['per_device_train_batch_size'], a['gradient_accumulation_steps'], a['max_steps'], a['learning_rate'], a['seed'], a['max_length']],
    [3, 2, 2, config.lr, config.seed, 128],
  );
  assert.deepEqual(
    [a['eval_strategy'], a['eval_steps'], a['eval_on_start'], a['save_steps'], a['weight_decay'], a['bf16'], a['max_grad_norm']],
    ['steps', 1, true, 1, 0, false, config.gradClip],
  );
  assert.equal(job.source.runId, 'run');
  for (const [rel, sha] of Object.entries(job.files))
    assert.equal(
      createHash('sha256')
        .update(fs.readFileSync(path.join(out, rel), 'utf8'))
        .digest('hex'),
      sha,
      rel,
    );
  assert.equal(fs.readFileSync(path.join(out, 'train.py'), 'utf8'), TRAIN_PY);
  assert.equal(fs.readFileSync(path.join(out, 'reward_lens_loss.py'), 'utf8'), LOSS_PY);
  assert.ok(fs.statSync(path.join(out, 'train.py')).mode & 0o100, 'train.py is executable');
  for (const f of [
    'README.md',
    'requirements.txt',
    'slurm.sbatch',
    'accelerate/single_gpu.yaml',
    'accelerate/multi_gpu.yaml',
    'accelerate/zero2.yaml',
    'accelerate/zero3.yaml',
  ])
    assert.ok(fs.existsSync(path.join(out, f)), f);
  const readme = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
  assert.match(readme, /accelerate launch --config_file accelerate\/multi_gpu\.yaml/);
  assert.match(readme, /center_rewards_coefficient/);
  assert.match(fs.readFileSync(path.join(out, 'requirements.txt'), 'utf8'), /^trl==1\.13\.0$/m);
});

test('the generated Python compiles, the Slurm script parses, the accelerate configs are YAML', async (t) => {
  const out = path.join(work, 'job-d');
  await exportTrlJob({ source: runDir, outDir: out, backbone });
  assert.equal(spawnSync('bash', ['-n', path.join(out, 'slurm.sbatch')]).status, 0, 'bash -n slurm.sbatch');
  const py = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' });
  if (py.status !== 0)
    return t.skip(
      `python3 with PyYAML is not available here (${py.stderr.trim().split('\n').pop() ?? py.error?.message}): py_compile and the YAML check need it`,
    );
  const c = spawnSync('python3', ['-m', 'py_compile', path.join(out, 'train.py'), path.join(out, 'reward_lens_loss.py')], {
    encoding: 'utf8',
  });
  assert.equal(c.status, 0, c.stderr);
  const y = spawnSync(
    'python3',
    [
      '-c',
      'import sys, yaml; [print(f, yaml.safe_load(open(f))["distributed_type"]) for f in sys.argv[1:]]',
      ...['single_gpu', 'multi_gpu', 'zero2', 'zero3'].map((n) => path.join(out, 'accelerate', `${n}.yaml`)),
    ],
    { encoding: 'utf8' },
  );
  assert.equal(y.status, 0, y.stderr);
  assert.deepEqual(
    y.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' ').pop()),
    ['NO', 'MULTI_GPU', 'DEEPSPEED', 'DEEPSPEED'],
  );
});

test('a config file works like a run: { trainFiles, config, backbone } with paths relative to it', async () => {
  const dir = path.join(work, 'cfg');
  fs.mkdirSync(dir);
  fs.copyFileSync(PAIRS, path.join(dir, 'pairs.jsonl'));
  const file = path.join(dir, 'job-config.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      trainFiles: ['pairs.jsonl'],
      config: { objective: 'hinge', margin: 0.5, holdoutFrac: 0.25 },
      backbone: { dir: QWEN2, tune: 'head' },
    }),
  );
  const out = path.join(work, 'job-cfg');
  const r = await exportTrlJob({ source: file, outDir: out });
  const job = readJob(out);
  assert.deepEqual(
    [job.job_args.objective, job.job_args.margin, job.job_args.tune, job.rewardLens.backbone.maxTokens],
    ['hinge', 0.5, 'head', 1024],
  );
  assert.equal(job.training_args['num_train_epochs'], 1);
  assert.equal(r.manifest.train.pairs + r.manifest.eval[1]!.pairs, 64, 'train + held-out = every pair of the file');
});

test('refusals write nothing: from scratch without a model, non-empty or input-holding targets, changed data, evaluations, bad config fields', async () => {
  const before = treeDigest(work);
  const cases: [Parameters<typeof exportTrlJob>[0], RegExp][] = [
    [
      { source: runDir, outDir: path.join(work, 'x1') },
      /was trained from scratch: its model uses Reward Lens' own compact vocabulary, which transformers cannot load[\s\S]*--from FOLDER/,
    ],
    [{ source: runDir, outDir: path.join(work, 'job-a'), backbone }, /is not empty; export the job into a new folder/],
    [{ source: runDir, outDir: path.dirname(PAIRS), backbone }, /input file .*pairs\.jsonl is inside the job folder/],
    [{ source: runDir, outDir: path.join(runDir, 'trl'), backbone }, /the job folder .*run\/trl is inside .*run, an input of the job/],
    [{ source: runDir, outDir: path.join(QWEN2, 'job'), backbone }, /is inside .*qwen2, an input of the job/],
    [{ source: path.join(work, 'missing.json'), outDir: path.join(work, 'x2'), backbone }, /no such run directory or config file/],
  ];
  for (const [opts, re] of cases) await assert.rejects(exportTrlJob(opts), re);
  assert.deepEqual(treeDigest(work), before);
  // A bad field in a config file is named.
  const bad = path.join(work, 'bad.json');
  fs.writeFileSync(bad, JSON.stringify({ trainFiles: ['nope.jsonl'] }));
  await assert.rejects(
    exportTrlJob({ source: bad, outDir: path.join(work, 'x3'), backbone }),
    /bad\.json: field "trainFiles\[0\]": "nope\.jsonl": no such file/,
  );
  fs.writeFileSync(bad, JSON.stringify({ trainFiles: [PAIRS], config: { batchSize: 0 } }));
  await assert.rejects(
    exportTrlJob({ source: bad, outDir: path.join(work, 'x3'), backbone }),
    /bad\.json: field "config": batchSize must be an integer ≥ 1, got 0/,
  );
  // An evaluation has no training to export.
  const evalDir = path.join(work, 'an-eval');
  writeEvaluationRun(evalDir, {
    runId: 'e',
    modelDir: QWEN2,
    model: { kind: 'hf', engine: 'onnx', headTrained: true, label: 'qwen2' },
    evalFiles: [PAIRS],
    report: { step: 0, sets: [], crossSetMedianShift: 0, erankGap: {} },
    elapsedMs: 1,
  });
  await assert.rejects(
    exportTrlJob({ source: evalDir, outDir: path.join(work, 'x4'), backbone }),
    /is an evaluation \(reward-lens eval --out\): it has no training to export/,
  );
  assert.ok(!fs.existsSync(path.join(work, 'x3')) && !fs.existsSync(path.join(work, 'x4')));
});

test('a run whose data changed since it trained is refused, naming the file', async () => {
  const dir = tempDir('rl-export-changed-');
  const data = path.join(dir, 'pairs.jsonl');
  fs.copyFileSync(PAIRS, data);
  const run = path.join(dir, 'run');
  await runTraining({ runId: 'run', runDir: run, config: testConfig({ steps: 1 }), trainFiles: [data], evalFiles: [], resume: false });
  fs.appendFileSync(data, '{"prompt": "p", "chosen": "a", "rejected": "b"}\n');
  await assert.rejects(
    exportTrlJob({ source: run, outDir: path.join(dir, 'job'), backbone }),
    /the data changed since the run was trained \(trainFiles\[0\] .*pairs\.jsonl: content differs/,
  );
  assert.ok(!fs.existsSync(path.join(dir, 'job')));
});

test('CLI: export-job prints where the job is and how to run it; refusals are one line with exit code 2', () => {
  const out = path.join(work, 'job-cli');
  const r = cli('export-job', runDir, '--trl', out, '--from', QWEN2, '--tune', 'lora', '--max-length', '96');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /training pairs; eval sets train \(\d+ pairs\), held-out/);
  assert.match(r.stdout, /reward-lens import-job .*job-cli\/output/);
  assert.equal(readJob(out).training_args['max_length'], 96);
  for (const [args, re] of [
    [[runDir, '--trl', path.join(work, 'y')], /trained from scratch/],
    [[runDir], /export-job needs one run directory or config file and --trl OUT/],
  ] as const) {
    const x = cli('export-job', ...args);
    assert.equal(x.status, 2, x.stderr);
    assert.match(x.stderr, re);
    assert.equal(x.stderr.trim().split('\n').length, 1, x.stderr);
  }
});
