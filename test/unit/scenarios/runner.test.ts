// The experiment runner with a fake trainer: splits built once, every objective × seed trained, finished runs
// skipped on rerun, an interrupted run resumed, changed settings refused, failures recorded and retried.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runExperiment, plannedSteps, type ExperimentSpec, type TrainFn } from '../../../src/node/experiment';
import { loadDatasetFile } from '../../../src/node/loadDataset';
import { readExperimentState } from '../../../src/node/experimentState';
import { writeExperimentReport } from '../../../src/node/experimentReport';
import type { RunSummary, TrainRunParams } from '../../../src/protocol/trainer';
import { fakeReport } from './fakeReports';
import { synthetic } from './builders';

function writeData(dir: string): string {
  const file = path.join(dir, 'multi.jsonl');
  const rows = synthetic().flatMap((g) =>
    g.responses.map((r) =>
      JSON.stringify({
        instruction_id: g.id,
        instruction: g.prompt,
        generator: r.model,
        output: r.text,
        score: r.gold,
        dataset: g.groups.dataset,
      }),
    ),
  );
  fs.writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

interface Call {
  readonly runId: string;
  readonly resume: boolean;
  readonly params: TrainRunParams;
}

/** A trainer that writes evals.jsonl and summary.json like the real one; `behave` picks the outcome per call. */
function fakeTrainer(calls: Call[], behave: (runId: string, n: number) => 'ok' | 'cancel' | 'throw' = () => 'ok'): TrainFn {
  return async (params) => {
    calls.push({ runId: params.runId, resume: params.resume, params });
    const outcome = behave(params.runId, calls.length);
    if (outcome === 'throw') throw new Error('backend exploded');
    fs.mkdirSync(params.runDir, { recursive: true });
    const names = ['train', ...params.evalFiles.map((f) => path.basename(f, '.jsonl'))];
    const bonus = params.config.objective === 'bsr' ? 0.05 : 0;
    const evalsFile = path.join(params.runDir, 'evals.jsonl');
    const steps = outcome === 'cancel' ? [0, 10] : [0, 10, 20];
    if (!params.resume) fs.rmSync(evalsFile, { force: true });
    for (const step of steps) {
      const rep = fakeReport(
        step,
        names.map((name) => ({ name, acc: 0.5 + step / 100 + bonus, ...(name.endsWith('-ood') ? { tau: step / 50 + bonus } : {}) })),
      );
      fs.appendFileSync(evalsFile, JSON.stringify(rep) + '\n');
    }
    const summary: RunSummary = {
      runId: params.runId,
      runDir: params.runDir,
      status: outcome === 'cancel' ? 'cancelled' : 'completed',
      steps: steps.at(-1)!,
      totalSteps: 20,
      backend: 'fake',
      elapsedMs: 5,
    };
    fs.writeFileSync(path.join(params.runDir, 'summary.json'), JSON.stringify(summary));
    return summary;
  };
}

function spec(outDir: string, data: string, extra: Partial<ExperimentSpec> = {}): ExperimentSpec {
  return {
    outDir,
    data: [{ file: data }],
    split: {
      promptGroupKey: 'dataset',
      heldOutPromptGroups: ['delta'],
      heldOutModels: ['m5', 'm6', 'm7'],
      seed: 1,
      pairsPerPrompt: 2,
      minGoldGap: 0,
      idFraction: 0.5,
    },
    objectives: ['bt', 'bsr'],
    seeds: [1, 2],
    train: { preset: 'tiny', epochs: 2, batchSize: 4 },
    checkpoints: 3,
    command: 'reward-lens experiment scenarios --data multi.jsonl',
    ...extra,
  };
}

const setup = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-scen-'));
  return { dir, data: writeData(dir), out: path.join(dir, 'exp') };
};
const deps = (train: TrainFn, logs: string[] = []) => ({
  train,
  load: (f: string) => loadDatasetFile(f),
  log: (m: string) => logs.push(m),
});

test('runs every objective × seed on splits built once, with the scenario eval files and several checkpoints', async () => {
  const { data, out } = setup();
  const calls: Call[] = [];
  const res = await runExperiment(spec(out, data), deps(fakeTrainer(calls)));
  assert.equal(res.status, 'completed');
  // Seed-major: every objective gets seed 1 before any gets seed 2 (a stopped experiment stays a fair comparison).
  assert.deepEqual(
    calls.map((c) => c.runId),
    ['bt-s1', 'bsr-s1', 'bt-s2', 'bsr-s2'],
  );
  assert.ok(calls.every((c) => !c.resume));
  const p = calls[0]!.params;
  assert.deepEqual(p.trainFiles, [path.join(out, 'splits', 'train.jsonl')]);
  assert.deepEqual(
    p.evalFiles.map((f) => path.basename(f)),
    ['in-domain.jsonl', 'prompt-ood.jsonl', 'response-ood.jsonl', 'mutual-ood.jsonl'],
  );
  // 18 seen prompts × 1 pair (2 train responses each) = 18 pairs; batch 4 -> 4 steps/epoch × 2 epochs = 8; 3 checkpoints -> every 2.
  assert.equal(res.manifest.files['train']!.pairs, 18);
  assert.equal(plannedSteps(18, { batchSize: 4, epochs: 2, steps: 0 }), 8);
  assert.equal(p.config.evalEvery, 2);
  assert.equal(p.config.checkpointEvery, 2);
  assert.equal(calls[1]!.params.config.objective, 'bsr');
  assert.equal(calls[2]!.params.config.seed, 2);
  const state = readExperimentState(out)!;
  assert.deepEqual(
    Object.values(state.runs).map((r) => r.status),
    ['completed', 'completed', 'completed', 'completed'],
  );
  const md = fs.readFileSync(res.report.markdown, 'utf8');
  assert.match(md, /\| bsr \| 0\.7500 ± 0\.0000 \| 0\.4500 ± 0\.0000 \|/); // 0.5 + 20/100 + 0.05; τ = 20/50 + 0.05
  for (const name of ['fig4-scenarios', 'fig2-hdiff', 'fig3-hnorm', 'checkpoints-in-domain', 'wpnorm'])
    assert.ok(fs.existsSync(path.join(out, 'figures', `${name}.svg`)), name);
  assert.ok(fs.existsSync(path.join(out, 'report.json')));
});

test('an interrupted experiment skips finished runs, resumes the unfinished one, and reuses the splits', async () => {
  const { data, out } = setup();
  const first: Call[] = [];
  const r1 = await runExperiment(spec(out, data), deps(fakeTrainer(first, (id) => (id === 'bt-s2' ? 'cancel' : 'ok'))));
  assert.equal(r1.status, 'cancelled');
  assert.deepEqual(
    first.map((c) => c.runId),
    ['bt-s1', 'bsr-s1', 'bt-s2'],
  );
  const mid = readExperimentState(out)!;
  assert.equal(mid.runs['bt-s1']!.status, 'completed');
  assert.equal(mid.runs['bsr-s1']!.status, 'completed');
  assert.equal(mid.runs['bt-s2']!.status, 'cancelled');
  assert.equal(mid.runs['bsr-s2']!.status, 'pending');
  const trainBefore = fs.readFileSync(path.join(out, 'splits', 'train.jsonl'), 'utf8');

  const second: Call[] = [];
  const logs: string[] = [];
  const r2 = await runExperiment(spec(out, data), deps(fakeTrainer(second), logs));
  assert.equal(r2.status, 'completed');
  assert.deepEqual(r2.skipped, ['bt-s1', 'bsr-s1']);
  assert.deepEqual(
    second.map((c) => [c.runId, c.resume]),
    [
      ['bt-s2', true],
      ['bsr-s2', false],
    ],
  );
  assert.ok(logs.some((l) => l.includes('reusing')));
  assert.equal(fs.readFileSync(path.join(out, 'splits', 'train.jsonl'), 'utf8'), trainBefore);
  assert.equal(readExperimentState(out)!.runs['bt-s2']!.attempts, 2);
});

test('refuses to resume with different settings, naming what changed', async () => {
  const { data, out } = setup();
  await runExperiment(spec(out, data, { objectives: ['bt'], seeds: [1] }), deps(fakeTrainer([])));
  const changed = spec(out, data, { objectives: ['bt'], seeds: [1], train: { preset: 'tiny', epochs: 3, batchSize: 4 } });
  await assert.rejects(
    runExperiment(changed, deps(fakeTrainer([]))),
    /cannot be resumed:\n {2}train: was .*"epochs":2.*, now .*"epochs":3/,
  );
  // More seeds with the same settings is fine: only the new run trains.
  const calls: Call[] = [];
  await runExperiment(spec(out, data, { objectives: ['bt'], seeds: [1, 2] }), deps(fakeTrainer(calls)));
  assert.deepEqual(
    calls.map((c) => c.runId),
    ['bt-s2'],
  );
});

test('a run that throws is recorded as failed, the others still run, and a rerun retries only it', async () => {
  const { data, out } = setup();
  const calls: Call[] = [];
  const res = await runExperiment(spec(out, data, { seeds: [1] }), deps(fakeTrainer(calls, (id) => (id === 'bt-s1' ? 'throw' : 'ok'))));
  assert.equal(res.status, 'failed');
  assert.deepEqual(res.failed, [{ runId: 'bt-s1', error: 'backend exploded' }]);
  assert.deepEqual(res.completed, ['bsr-s1']);
  assert.equal(readExperimentState(out)!.runs['bt-s1']!.error, 'backend exploded');
  const again: Call[] = [];
  const res2 = await runExperiment(spec(out, data, { seeds: [1] }), deps(fakeTrainer(again)));
  assert.equal(res2.status, 'completed');
  assert.deepEqual(
    again.map((c) => c.runId),
    ['bt-s1'],
  );
});

test('extra eval files go to the trainer after the scenario sets, and their overlap with the training prompts is recorded', async () => {
  const { dir, data, out } = setup();
  const extra = path.join(dir, 'bench.jsonl');
  // One prompt shared with the data (alpha-0 is a seen, i.e. training, prompt), one new.
  const seenPrompt = synthetic()[0]!.prompt;
  fs.writeFileSync(
    extra,
    [
      JSON.stringify({ prompt: seenPrompt, chosen: 'a', rejected: 'b' }),
      JSON.stringify({ prompt: 'brand new', chosen: 'c', rejected: 'd' }),
    ].join('\n') + '\n',
  );
  const calls: Call[] = [];
  await runExperiment(spec(out, data, { objectives: ['bt'], seeds: [1], extraEvalFiles: [extra] }), deps(fakeTrainer(calls)));
  assert.deepEqual(
    calls[0]!.params.evalFiles.map((f) => path.basename(f)),
    ['in-domain.jsonl', 'prompt-ood.jsonl', 'response-ood.jsonl', 'mutual-ood.jsonl', 'bench.jsonl'],
  );
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'extra-eval-overlap.json'), 'utf8')), { bench: { prompts: 2, inTrain: 1 } });
  assert.match(fs.readFileSync(path.join(out, 'report.md'), 'utf8'), /\| bt \| bench \| 0\.7000 \| — \| — \| — \| — \| 1 \/ 2 \|/);
});

test('runDir in experiment.json must be runs/<runId> inside the experiment: "../victim" is refused before anything is touched (issue 10 item 7)', async () => {
  const { dir, data, out } = setup();
  await runExperiment(spec(out, data, { objectives: ['bt'], seeds: [1] }), deps(fakeTrainer([])));
  const victim = path.join(dir, 'victim');
  fs.mkdirSync(victim);
  fs.writeFileSync(path.join(victim, 'metrics.jsonl'), 'precious\n');
  fs.writeFileSync(path.join(victim, 'evals.jsonl'), 'precious\n');
  const file = path.join(out, 'experiment.json');
  const state = JSON.parse(fs.readFileSync(file, 'utf8'));
  state.runs['bt-s1'].runDir = '../victim';
  state.runs['bt-s1'].status = 'pending';
  fs.writeFileSync(file, JSON.stringify(state));
  const calls: Call[] = [];
  await assert.rejects(
    runExperiment(spec(out, data, { objectives: ['bt'], seeds: [1] }), deps(fakeTrainer(calls))),
    /experiment\.json: field "runs\.bt-s1\.runDir" is "\.\.\/victim" .* it must be "runs\/bt-s1" inside the experiment directory/,
  );
  assert.equal(calls.length, 0, 'nothing was trained');
  await assert.rejects(
    Promise.resolve().then(() => writeExperimentReport(out)),
    /runs\.bt-s1\.runDir/,
    'the report refuses to read it too',
  );
  assert.equal(fs.readFileSync(path.join(victim, 'metrics.jsonl'), 'utf8'), 'precious\n');
  assert.equal(fs.readFileSync(path.join(victim, 'evals.jsonl'), 'utf8'), 'precious\n');
  // A symbolic link out of the experiment's runs/ folder is refused the same way.
  state.runs['bt-s1'].runDir = path.join('runs', 'bt-s1');
  fs.writeFileSync(file, JSON.stringify(state));
  fs.rmSync(path.join(out, 'runs', 'bt-s1'), { recursive: true, force: true });
  fs.symlinkSync(victim, path.join(out, 'runs', 'bt-s1'));
  await assert.rejects(
    runExperiment(spec(out, data, { objectives: ['bt'], seeds: [1] }), deps(fakeTrainer(calls))),
    /runDir of bt-s1 .* resolves to .*victim, which is not inside/,
  );
  assert.equal(calls.length, 0);
});

test('an experiment whose data lies in its own splits/ folder (or is its report) is refused: the rebuild would delete it (issue 10 item 6)', async () => {
  const { data, out } = setup();
  fs.mkdirSync(path.join(out, 'splits'), { recursive: true });
  const inside = path.join(out, 'splits', 'mutual-ood.jsonl');
  fs.copyFileSync(data, inside);
  await assert.rejects(
    runExperiment(spec(out, inside), deps(fakeTrainer([]))),
    /input file .*splits\/mutual-ood\.jsonl is inside the experiment's splits/,
  );
  assert.ok(fs.existsSync(inside));
  await assert.rejects(
    runExperiment(spec(out, data, { extraEvalFiles: [path.join(out, 'report.md')] }), deps(fakeTrainer([]))),
    /inside the experiment's report\.md/,
  );
  const { buildSplitsFromFiles, writeSplits } = await import('../../../src/node/experimentSplits');
  const { splits, inputs } = await buildSplitsFromFiles(
    [{ file: inside }],
    spec(out, inside).split,
    (f) => loadDatasetFile(f),
    () => {},
  );
  assert.throws(() => writeSplits(out, splits, inputs, {}), /inside the splits folder/);
  assert.ok(fs.existsSync(inside), 'the split writer did not delete its own input');
});
