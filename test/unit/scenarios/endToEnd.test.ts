// The tiny end-to-end experiment CI runs: synthetic multi-response data -> splits -> BT and BSR trained for a
// few steps with the real training loop -> evals with τ on the OOD sets -> report.md and figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runExperiment } from '../../../src/node/experiment';
import { loadDatasetFile } from '../../../src/node/loadDataset';
import { readJsonLines } from '../../../src/node/atomic';
import { runTraining } from '../../../src/train/runTraining';
import { bestOfNForRun } from '../../../src/train/bestOfN';
import type { BonReport } from '../../../src/core/bon/types';
import type { EvalReport } from '../../../src/core/report';
import { synthetic } from './builders';

test('tiny experiment end to end with the real trainer: every run completes, τ is measured, the report has numbers', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-scen-e2e-'));
  const data = path.join(dir, 'multi.jsonl');
  const rows = synthetic({ promptsPerGroup: 4 }).flatMap((g) =>
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
  fs.writeFileSync(data, rows.join('\n') + '\n');
  const out = path.join(dir, 'exp');
  const res = await runExperiment(
    {
      outDir: out,
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
      seeds: [1],
      train: { preset: 'tiny', backend: 'wasm', steps: 4, batchSize: 4, logEvery: 1 },
      checkpoints: 2,
      command: 'test',
    },
    { train: runTraining, load: (f) => loadDatasetFile(f), log: () => {}, bestOfN: bestOfNForRun },
  );
  assert.equal(res.status, 'completed', JSON.stringify(res.failed));
  assert.deepEqual(res.completed, ['bt-s1', 'bsr-s1']);
  const evals = readJsonLines<EvalReport>(path.join(out, 'runs', 'bsr-s1', 'evals.jsonl'));
  assert.deepEqual(
    evals.map((e) => e.step),
    [0, 2, 4],
  );
  const last = evals.at(-1)!;
  assert.deepEqual(
    last.sets.map((s) => s.name),
    ['train', 'in-domain', 'prompt-ood', 'response-ood', 'mutual-ood'],
  );
  for (const s of last.sets.filter((x) => x.name.endsWith('-ood'))) {
    assert.ok(
      s.kendall && typeof s.kendall.mean === 'number' && Math.abs(s.kendall.mean) <= 1,
      `${s.name}: τ ${JSON.stringify(s.kendall?.mean)}`,
    );
  }
  const md = fs.readFileSync(res.report.markdown, 'utf8');
  const row = md.split('\n').find((l) => l.startsWith('| bsr | 0.') || l.startsWith('| bsr | 1.'));
  assert.ok(row, 'no numeric bsr row in the scenario table');
  assert.ok(!row.includes('—'), row);
  assert.ok(fs.existsSync(path.join(out, 'figures', 'fig3-hnorm.svg')));
  // Best-of-N with the real models on the experiment's pools: every run has its curves, the report its section.
  for (const runId of ['bt-s1', 'bsr-s1']) {
    const bon = JSON.parse(fs.readFileSync(path.join(out, 'runs', runId, 'bon.json'), 'utf8')) as BonReport;
    assert.deepEqual(
      bon.sets.map((s) => s.name),
      ['in-domain', 'prompt-ood', 'response-ood', 'mutual-ood'],
    );
    assert.deepEqual(bon.ns, [1, 2, 4, 8, 16]);
    const p = bon.sets[1]!.curves[0]!.points;
    assert.deepEqual(
      p.map((x) => x.n),
      [1, 2, 4],
      'prompt-OOD has 5 seen-model responses per prompt',
    );
    assert.ok(p.every((x) => Number.isFinite(x.pick.gold) && x.pick.gold <= x.oracle.gold + 1e-12));
  }
  assert.match(md, /## Best-of-N: what the proxy buys/);
  assert.ok(fs.existsSync(path.join(out, 'figures', 'bon-gold-prompt-ood.svg')));
});
