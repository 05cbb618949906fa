// Best-of-N in the experiment runner, with a fake trainer and a scorer whose picks are known: "bt" scores a response
// by its length, "bsr" by its gold. Pools written once, bon.json per finished run (not redone on resume, redone for
// other Ns), a failure logged without failing the experiment, nothing after a cancel until --report-only, and the
// report's section, figures and report.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bonSetReport } from '../../../src/core/bon/curves';
import { charLength, prepareBonPrompts, toBonPrompts } from '../../../src/core/bon/prompts';
import type { BonReport } from '../../../src/core/bon/types';
import { runExperiment, type ExperimentSpec, type TrainFn } from '../../../src/node/experiment';
import { experimentBonFromDir, type BonFn, type BonRequest } from '../../../src/node/experimentBon';
import { loadDatasetFile } from '../../../src/node/loadDataset';
import type { RunSummary } from '../../../src/protocol/trainer';
import { synthetic } from './builders';
import { fakeReport } from './fakeReports';
import { parseXml } from './xmlCheck';

function writeData(dir: string): string {
  const file = path.join(dir, 'multi.jsonl');
  // Longer texts for lower gold, so a length-loving proxy is visibly wrong.
  const rows = synthetic().flatMap((g) =>
    g.responses.map((r) =>
      JSON.stringify({
        instruction_id: g.id,
        instruction: g.prompt,
        generator: r.model,
        output: `${r.text}${' padding'.repeat(Math.round((1 - r.gold) * 20))}`,
        win_prob_vs_baseline: r.gold,
        dataset: g.groups.dataset,
      }),
    ),
  );
  fs.writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

const fakeTrainer =
  (cancelAt?: string): TrainFn =>
  async (params) => {
    fs.mkdirSync(params.runDir, { recursive: true });
    const names = ['train', ...params.evalFiles.map((f) => path.basename(f, '.jsonl'))];
    fs.writeFileSync(
      path.join(params.runDir, 'evals.jsonl'),
      JSON.stringify(
        fakeReport(
          10,
          names.map((name) => ({ name, acc: 0.6 })),
        ),
      ) + '\n',
    );
    const status = params.runId === cancelAt ? 'cancelled' : 'completed';
    const summary: RunSummary = {
      runId: params.runId,
      runDir: params.runDir,
      status,
      steps: 10,
      totalSteps: 10,
      backend: 'fake',
      elapsedMs: 1,
    };
    fs.writeFileSync(path.join(params.runDir, 'summary.json'), JSON.stringify(summary));
    return summary;
  };

/** bt-* picks the longest response, bsr-* the best by gold: the real core on the real pool files. */
function fakeBon(calls: BonRequest[], failFor?: string): BonFn {
  return async (req) => {
    calls.push(req);
    if (req.label === failFor) throw new Error('model file unreadable');
    const sets = [];
    for (const file of req.files) {
      const p = prepareBonPrompts((await loadDatasetFile(file)).multi);
      const proxy = p.prompts.map((x) => x.responses.map((r) => (req.label.startsWith('bt') ? charLength(r.text) : r.gold)));
      const dropped = { ...p.dropped };
      sets.push(
        bonSetReport(path.basename(file, '.jsonl'), file, toBonPrompts(p.prompts, proxy, true, dropped), dropped, {
          ns: req.ns,
          method: { kind: 'exact' },
          seed: req.seed,
          bootstrap: 200,
          higherIsBetter: true,
        }),
      );
    }
    const report: BonReport = {
      format: 'reward-lens-bon',
      version: 1,
      createdAt: '',
      model: { label: req.label, dir: req.modelDir, kind: 'fake', engine: 'fake', headTrained: true },
      gold: { fields: p0Fields(sets.length), higherIsBetter: true },
      lengthUnit: 'characters',
      method: { kind: 'exact' },
      seed: req.seed,
      bootstrap: 200,
      ns: req.ns,
      sets,
    };
    return report;
  };
}
const p0Fields = (n: number) => (n ? ['win_prob_vs_baseline'] : []);

function spec(out: string, data: string, extra: Partial<ExperimentSpec> = {}): ExperimentSpec {
  return {
    outDir: out,
    data: [{ file: data }],
    split: {
      promptGroupKey: 'dataset',
      heldOutPromptGroups: ['delta'],
      heldOutModels: ['m6', 'm7'],
      seed: 1,
      pairsPerPrompt: 2,
      minGoldGap: 0,
      idFraction: 0.5,
    },
    objectives: ['bt', 'bsr'],
    seeds: [1, 2],
    train: { preset: 'tiny', epochs: 1, batchSize: 4 },
    checkpoints: 1,
    command: 'reward-lens experiment scenarios --data multi.jsonl',
    bestOfN: [1, 2, 4],
    ...extra,
  };
}

const setup = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bonexp-'));
  return { dir, data: writeData(dir), out: path.join(dir, 'exp') };
};
const readBon = (out: string, run: string) => JSON.parse(fs.readFileSync(path.join(out, 'runs', run, 'bon.json'), 'utf8')) as BonReport;

test('pools are written once, every finished run gets bon.json, and the report shows gold vs N per pool', async () => {
  const { data, out } = setup();
  const calls: BonRequest[] = [];
  const logs: string[] = [];
  const res = await runExperiment(spec(out, data), {
    train: fakeTrainer(),
    load: (f) => loadDatasetFile(f),
    log: (m) => logs.push(m),
    bestOfN: fakeBon(calls),
  });
  assert.equal(res.status, 'completed');
  const pools = JSON.parse(fs.readFileSync(path.join(out, 'bon', 'manifest.json'), 'utf8'));
  assert.deepEqual(Object.keys(pools.pools), ['in-domain', 'prompt-ood', 'response-ood', 'mutual-ood']);
  assert.deepEqual(pools.goldFields, ['win_prob_vs_baseline']);
  // 8 models, 2 held out: 6 seen → in-domain share 3, train 3; prompt-OOD has all 6 seen, the model pools 2.
  assert.deepEqual(
    Object.values(pools.pools).map((p: any) => p.responses / p.prompts),
    [3, 6, 2, 2],
  );
  assert.deepEqual(calls.map((c) => c.label).sort(), ['bsr-s1', 'bsr-s2', 'bt-s1', 'bt-s2']);
  assert.deepEqual(
    calls[0]!.files.map((f) => path.relative(out, f)),
    ['bon/in-domain.jsonl', 'bon/prompt-ood.jsonl', 'bon/response-ood.jsonl', 'bon/mutual-ood.jsonl'],
  );
  assert.equal(calls[0]!.modelDir, path.join(out, 'runs', calls[0]!.label, 'model'));
  const bt = readBon(out, 'bt-s1');
  assert.deepEqual(bt.gold.fields, ['win_prob_vs_baseline'], "the pool files keep the data's gold field");

  const md = fs.readFileSync(res.report.markdown, 'utf8');
  assert.match(md, /## Best-of-N: what the proxy buys/);
  assert.match(md, /Gold: `win_prob_vs_baseline` \(higher is better\)/);
  // Prompt-OOD, N = 4: bsr (gold argmax) equals the oracle; bt (length argmax) buys the longest, worst answers.
  const promptOod = readBon(out, 'bsr-s1')
    .sets.find((s) => s.name === 'prompt-ood')!
    .curves[0]!.points.find((p) => p.n === 4)!;
  const btOod = bt.sets.find((s) => s.name === 'prompt-ood')!.curves[0]!.points.find((p) => p.n === 4)!;
  assert.equal(promptOod.pick.gold, promptOod.oracle.gold);
  assert.ok(
    btOod.pick.gold < btOod.random.gold && Math.abs(btOod.pick.longest - 1) < 1e-12,
    `length proxy: below random (${btOod.pick.gold} vs ${btOod.random.gold}), always the longest (${btOod.pick.longest})`,
  );
  const headline = md.split('\n').filter((l) => l.startsWith('| bsr | ') || l.startsWith('| oracle | '));
  assert.ok(
    headline.some((l) => l.includes(promptOod.oracle.gold.toFixed(4))),
    headline.join('\n'),
  );
  const json = JSON.parse(fs.readFileSync(res.report.json, 'utf8'));
  const point = json.bestOfN.pools.find((p: any) => p.name === 'prompt-ood').points.find((p: any) => p.n === 4);
  assert.equal(point.byObjective.bsr.gold.mean, promptOod.pick.gold);
  assert.ok(Math.abs(point.byObjective.bt.longest.mean - 1) < 1e-12);
  for (const name of ['bon-gold-in-domain', 'bon-length-prompt-ood', 'bon-gold-mutual-ood']) {
    const svg = fs.readFileSync(path.join(out, 'figures', `${name}.svg`), 'utf8');
    const series = parseXml(svg)
      .filter((e) => e.name === 'path' && e.attrs['class'] === 'line')
      .map((e) => e.attrs['data-series']);
    assert.deepEqual(series, ['bt', 'bsr', 'oracle', 'random'], name);
    assert.equal(parseXml(svg).filter((e) => e.name === 'polygon').length, 2, `${name}: bands for bt and bsr`);
    assert.ok(md.includes(`figures/${name}.svg`), `${name} linked from the report`);
  }

  // Rerun: nothing redone. Other Ns: every run redone.
  const again: BonRequest[] = [];
  await runExperiment(spec(out, data), { train: fakeTrainer(), load: (f) => loadDatasetFile(f), log: () => {}, bestOfN: fakeBon(again) });
  assert.equal(again.length, 0);
  await runExperiment(spec(out, data, { bestOfN: [1, 2] }), {
    train: fakeTrainer(),
    load: (f) => loadDatasetFile(f),
    log: () => {},
    bestOfN: fakeBon(again),
  });
  assert.equal(again.length, 4);
  assert.deepEqual(readBon(out, 'bt-s2').ns, [1, 2]);
});

test('a best-of-N failure is logged and listed; the experiment still completes', async () => {
  const { data, out } = setup();
  const logs: string[] = [];
  const res = await runExperiment(spec(out, data, { seeds: [1] }), {
    train: fakeTrainer(),
    load: (f) => loadDatasetFile(f),
    log: (m) => logs.push(m),
    bestOfN: fakeBon([], 'bt-s1'),
  });
  assert.equal(res.status, 'completed');
  assert.ok(
    logs.some((l) => l === 'bt-s1: best-of-N failed: model file unreadable'),
    logs.join('\n'),
  );
  assert.ok(!fs.existsSync(path.join(out, 'runs', 'bt-s1', 'bon.json')));
  assert.match(
    fs.readFileSync(res.report.markdown, 'utf8'),
    /Runs without best-of-N \(not finished, or it failed; see the log\): bt\\-s1\./,
  );
});

test('after a cancel nothing is scored; --report-only adds best-of-N for the finished runs', async () => {
  const { data, out, dir } = setup();
  const calls: BonRequest[] = [];
  const res = await runExperiment(spec(out, data, { seeds: [1] }), {
    train: fakeTrainer('bsr-s1'),
    load: (f) => loadDatasetFile(f),
    log: () => {},
    bestOfN: fakeBon(calls),
  });
  assert.equal(res.status, 'cancelled');
  assert.equal(calls.length, 0);
  assert.ok(!fs.existsSync(path.join(out, 'bon')));
  const cwd = process.cwd();
  process.chdir(dir); // the recorded data path is as given; --report-only runs where the experiment was started
  try {
    await experimentBonFromDir(out, [1, 2], { bestOfN: fakeBon(calls), load: (f) => loadDatasetFile(f), log: () => {} });
  } finally {
    process.chdir(cwd);
  }
  assert.deepEqual(
    calls.map((c) => c.label),
    ['bt-s1'],
    'only the finished run',
  );
  assert.deepEqual(readBon(out, 'bt-s1').ns, [1, 2]);
});

test('--no-bon (an empty list of Ns): no pools, no bon.json, no section', async () => {
  const { data, out } = setup();
  const calls: BonRequest[] = [];
  await runExperiment(spec(out, data, { seeds: [1], bestOfN: [] }), {
    train: fakeTrainer(),
    load: (f) => loadDatasetFile(f),
    log: () => {},
    bestOfN: fakeBon(calls),
  });
  assert.equal(calls.length, 0);
  assert.ok(!fs.existsSync(path.join(out, 'bon')));
  assert.doesNotMatch(fs.readFileSync(path.join(out, 'report.md'), 'utf8'), /Best-of-N/);
});
