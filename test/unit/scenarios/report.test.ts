import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateScenarios, evalsByStep, type RunRecord } from '../../../src/core/scenarios/reportAggregate';
import { renderScenarioReport } from '../../../src/core/scenarios/reportMarkdown';
import { formatSeedStat, seedStat } from '../../../src/core/scenarios/seedStats';
import { fakeReport } from './fakeReports';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

test('seedStat: mean and sample std (ddof = 1), NaN values left out', () => {
  const s = seedStat([0.8, 0.9, 1.0]);
  close(s.mean, 0.9);
  close(s.std, 0.1); // sqrt(((-0.1)² + 0 + 0.1²) / 2) = 0.1
  const t = seedStat([0.5, NaN, 0.7]);
  assert.equal(t.n, 2);
  close(t.mean, 0.6);
  close(t.std, Math.SQRT2 / 10); // sqrt((0.01 + 0.01) / 1) = 0.141421356…
  assert.equal(formatSeedStat(seedStat([0.5])), '0.5000');
  assert.equal(formatSeedStat(seedStat([])), '—');
  assert.equal(formatSeedStat(seedStat([1, 2]), 2), '1.50 ± 0.71');
});

function run(
  objective: string,
  seed: number,
  final: { acc: number; tau: number; medians: number[]; erank: number[] },
  earlier?: { acc: number; tau: number },
): RunRecord {
  const names = ['train', 'in-domain', 'prompt-ood', 'response-ood', 'mutual-ood'];
  const sets = (acc: number, tau: number) =>
    names.map((name, i) => ({
      name,
      acc: i <= 1 ? acc : undefined,
      tau: i >= 2 ? tau : undefined,
      median: final.medians[i],
      erank: final.erank[i],
      wp: 1 + seed / 100,
      hDiffMean: seed,
      hDiffStd: 1,
    }));
  const evals = [
    fakeReport(0, sets(0.5, 0)),
    ...(earlier ? [fakeReport(10, sets(earlier.acc, earlier.tau))] : []),
    fakeReport(20, sets(final.acc, final.tau)),
  ];
  return { objective, seed, runId: `${objective}-s${seed}`, status: 'completed', backend: 'cpu', elapsedMs: 1000, steps: 20, evals };
}

test('aggregate: Table 5 cells, per-seed values, ‖h‖ medians, cross-split shift, ‖W_p‖ and erank gap against hand-computed numbers', () => {
  const runs = [
    run('bt', 1, { acc: 0.8, tau: 0.5, medians: [10, 10, 11, 13, 14], erank: [20, 22, 24, 26, 28] }),
    run('bt', 2, { acc: 0.9, tau: 0.7, medians: [10, 10, 10, 12, 12], erank: [20, 20, 20, 20, 20] }),
    run('bsr', 1, { acc: 0.85, tau: 0.6, medians: [12, 12, 12, 12, 12], erank: [30, 30, 31, 30, 30] }),
  ];
  const a = aggregateScenarios(['bt', 'bsr'], [1, 2], runs);
  assert.deepEqual(a.columns, [
    { set: 'in-domain', metric: 'accuracy' },
    { set: 'prompt-ood', metric: 'kendall' },
    { set: 'response-ood', metric: 'kendall' },
    { set: 'mutual-ood', metric: 'kendall' },
  ]);
  close(a.table.bt!['in-domain']!.mean, 0.85);
  close(a.table.bt!['in-domain']!.std, Math.sqrt(0.005)); // values 0.8, 0.9: sqrt((0.05² · 2) / 1)
  close(a.table.bt!['mutual-ood']!.mean, 0.6);
  assert.deepEqual(
    a.table.bsr!['in-domain']!.values.map((v) => (Number.isNaN(v) ? 'NaN' : v)),
    [0.85, 'NaN'],
  ); // seed 2 missing
  assert.equal(a.table.bsr!['in-domain']!.n, 1);
  // Cross-split shift: bt seed 1 = 14 − 10 = 4, seed 2 = 12 − 10 = 2 -> mean 3, std sqrt(2); bsr = 0.
  close(a.crossSplitShift.bt!.mean, 3);
  close(a.crossSplitShift.bt!.std, Math.SQRT2);
  close(a.crossSplitShift.bsr!.mean, 0);
  close(a.hNorm.bt!['response-ood']!.median.mean, 12.5);
  close(a.hNorm.bt!['response-ood']!.iqr.mean, 2);
  close(a.wpNorm.bt!.mean, 1.015); // 1.01 and 1.02
  // erank gap vs the train sample: bt seed 1 mutual = 28 − 20 = 8, seed 2 = 0 -> mean 4.
  close(a.erank.bt!['mutual-ood']!.gap.mean, 4);
  close(a.erank.bsr!['prompt-ood']!.gap.mean, 1);
  assert.deepEqual(a.normSets, ['train', 'in-domain', 'prompt-ood', 'response-ood', 'mutual-ood']);
  assert.equal(a.hDiffSet, 'train');
  close(a.checkpoints.bt!.at(-1)!.hDiffMean.mean, 1.5); // hDiffMean = seed: 1 and 2
});

test('over-optimization flag: ID accuracy rising while OOD τ falls is flagged; both rising is not', () => {
  const final = { medians: [10, 10, 10, 10, 10], erank: [1, 1, 1, 1, 1] };
  const over = run('bt', 1, { ...final, acc: 0.9, tau: 0.4 }, { acc: 0.8, tau: 0.6 });
  const good = run('bsr', 1, { ...final, acc: 0.9, tau: 0.7 }, { acc: 0.8, tau: 0.6 });
  const a = aggregateScenarios(['bt', 'bsr'], [1], [over, good]);
  const flags = Object.fromEntries(a.overOptimization.map((f) => [`${f.objective}/${f.set}`, f.flagged]));
  assert.deepEqual(flags, {
    'bt/prompt-ood': true,
    'bt/response-ood': true,
    'bt/mutual-ood': true,
    'bsr/prompt-ood': false,
    'bsr/response-ood': false,
    'bsr/mutual-ood': false,
  });
  const bt = a.overOptimization.find((f) => f.objective === 'bt' && f.set === 'mutual-ood')!;
  assert.deepEqual([bt.firstStep, bt.peakStep, bt.lastStep], [10, 10, 20]); // step 0 is excluded
  // Flat τ (0.6 -> 0.602) with accuracy up 0.1 is flagged too.
  const flat = run('hinge', 1, { ...final, acc: 0.9, tau: 0.602 }, { acc: 0.8, tau: 0.6 });
  assert.ok(aggregateScenarios(['hinge'], [1], [flat]).overOptimization.every((f) => f.flagged));
});

test('noise yardstick: accuracy 1.96·√(p(1−p)/n), τ 1.96·sd/√prompts; changes inside the noise are not flagged', async () => {
  const { setNoise } = await import('../../../src/core/scenarios/reportAggregate');
  const { fakeSet } = await import('./fakeReports');
  close(setNoise(fakeSet({ name: 'in-domain', acc: 0.5, n: 100 })), 0.098); // 1.96 · √(0.25 / 100)
  // τ values 0, 0.5, 1: sd = 0.5 (ddof 1), 3 prompts -> 1.96 · 0.5 / √3 = 0.56580…
  close(setNoise(fakeSet({ name: 'prompt-ood', tau: 0.5, tauValues: [0, 0.5, 1] })), (1.96 * 0.5) / Math.sqrt(3));
  // ID accuracy +0.05 on 100 pairs (noise ±0.098) with τ falling: not flagged. The same on 100000 pairs: flagged.
  const mk = (n: number) => {
    const sets = (acc: number, tau: number) => [
      { name: 'in-domain', acc, n },
      { name: 'prompt-ood', tau },
    ];
    return {
      objective: 'bt',
      seed: 1,
      runId: 'bt-s1',
      status: 'completed' as const,
      evals: [fakeReport(10, sets(0.6, 0.5)), fakeReport(20, sets(0.65, 0.4))],
    };
  };
  assert.equal(aggregateScenarios(['bt'], [1], [mk(100)]).overOptimization[0]!.flagged, false);
  assert.equal(aggregateScenarios(['bt'], [1], [mk(100000)]).overOptimization[0]!.flagged, true);
});

test('a resumed run that re-evaluated a step keeps the last report of that step', () => {
  const evals = [
    fakeReport(0, [{ name: 'in-domain', acc: 0.5 }]),
    fakeReport(10, [{ name: 'in-domain', acc: 0.6 }]),
    fakeReport(10, [{ name: 'in-domain', acc: 0.7 }]),
  ];
  const by = evalsByStep(evals);
  assert.deepEqual(
    by.map((e) => e.step),
    [0, 10],
  );
  assert.equal(by[1]!.sets[0]!.accuracy.value, 0.7);
});

test('markdown report holds the table rows, per-seed rows, BSR − BT deltas and the rerun command', () => {
  const runs = [
    run('bt', 1, { acc: 0.8, tau: 0.5, medians: [10, 10, 11, 13, 14], erank: [20, 22, 24, 26, 28] }),
    run('bsr', 1, { acc: 0.85, tau: 0.6, medians: [12, 12, 12, 12, 12], erank: [30, 30, 31, 30, 30] }),
  ];
  const md = renderScenarioReport(aggregateScenarios(['bt', 'bsr'], [1], runs), {
    title: 'T',
    command: 'reward-lens experiment scenarios --data x.jsonl',
    config: { a: 1 },
    splitsSummary: 'sizes',
    generatedAt: 'now',
    figures: [],
  });
  assert.match(md, /\| Objective \| In-Domain \(acc ↑\) \| Prompt-OOD \(τ-b ↑\) \| Response-OOD \(τ-b ↑\) \| Mutual-OOD \(τ-b ↑\) \|/);
  assert.match(md, /\| bt \| 0\.8000 \| 0\.5000 \| 0\.5000 \| 0\.5000 \|/);
  assert.match(md, /\| bsr \| 1 \| 0\.8500 \| 0\.6000 \| 0\.6000 \| 0\.6000 \|/);
  assert.match(md, /\| \+0\.0500 \| \+0\.1000 \| \+0\.1000 \| \+0\.1000 \|/);
  assert.match(md, /BSR is higher in 4 of 4 columns/);
  assert.ok(md.includes('reward-lens experiment scenarios --data x.jsonl'));
});

test('extra eval sets (RM-Bench) are aggregated apart from the scenarios, with hard/normal/easy/overall over seeds', () => {
  const r = (seed: number, hard: number) => ({
    objective: 'bsr',
    seed,
    runId: `bsr-s${seed}`,
    status: 'completed' as const,
    evals: [
      fakeReport(5, [
        { name: 'train', acc: 0.9 },
        { name: 'in-domain', acc: 0.8 },
        { name: 'chat_filtered', acc: 0.6, rm: { hard: hard, normal: 0.6, easy: 0.9 } },
      ]),
    ],
  });
  const a = aggregateScenarios(['bsr'], [1, 2], [r(1, 0.3), r(2, 0.5)]);
  assert.deepEqual(a.extraSets, ['chat_filtered']);
  assert.deepEqual(
    a.columns.map((c) => c.set),
    ['in-domain'],
  ); // extra sets are not scenario columns
  const x = a.extra.bsr!['chat_filtered']!;
  close(x.rmBench!.hard.mean, 0.4);
  close(x.rmBench!.hard.std, Math.SQRT2 / 10);
  close(x.rmBench!.overall.mean, (0.4 + 0.6 + 0.9) / 3);
  // Overall per seed: (0.3 + 0.6 + 0.9) / 3 = 0.6 and (0.5 + 0.6 + 0.9) / 3 = 0.6667 -> std = 0.1414 / 3 = 0.0471.
  const md = renderScenarioReport(a, {
    title: 'T',
    command: 'c',
    config: {},
    splitsSummary: '',
    generatedAt: 'now',
    figures: [],
    extraOverlap: { chat_filtered: { prompts: 129, inTrain: 90 } },
  });
  assert.match(
    md,
    /\| bsr \| chat\\_filtered \| 0\.6000 ± 0\.0000 \| 0\.4000 ± 0\.1414 \| 0\.6000 ± 0\.0000 \| 0\.9000 ± 0\.0000 \| 0\.6333 ± 0\.0471 \| 90 \/ 129 \|/,
  );
});

test('report.md: hostile model, group, set and run names and the rerun command render as text, never as markup (issue 10 item 9)', async () => {
  const { marked } = await import('marked');
  const { describeSplits } = await import('../../../src/core/scenarios/splitRows');
  const hostile = [
    '<img src=x onerror=alert(1)>',
    '[click](command:workbench.action.terminal.new)',
    '\n# Injected heading\n',
    '```\n<script>alert(2)</script>\n```',
  ];
  const extra = `rm ${hostile[0]}`;
  const r = run('bt', 1, { acc: 0.8, tau: 0.5, medians: [10, 10, 11, 13, 14], erank: [20, 22, 24, 26, 28] });
  const withExtra: RunRecord = {
    ...r,
    error: `${hostile[1]} ${hostile[3]}`,
    backend: hostile[2],
    evals: r.evals.map((e) => ({ ...e, sets: [...e.sets, { ...e.sets[1]!, name: extra }] })),
  };
  const a = aggregateScenarios(['bt'], [1], [withExtra]);
  assert.ok(a.extraSets.includes(extra), 'the hostile set name reaches the report as an extra set');
  const manifest = {
    version: 1 as const,
    kind: 'multi-response' as const,
    files: {},
    refused: [{ scenario: 'prompt-ood', reason: hostile[3]! }],
    dropped: {},
    notes: [hostile[2]!],
    inputs: [],
    options: {},
    heldOut: {
      promptGroupKey: hostile[1],
      heldOutPromptGroups: [hostile[0]!, hostile[3]!],
      seenPromptGroups: ['a'],
      heldOutModels: [hostile[2]!],
      seenModels: [hostile[1]!],
      excludedModels: [],
    },
  };
  const md = renderScenarioReport(a, {
    title: 'T',
    command: `reward-lens experiment scenarios --data '${hostile[3]}' --out x`,
    config: { note: hostile[3] },
    splitsSummary: describeSplits(manifest as never),
    generatedAt: 'now',
    figures: [],
    extraOverlap: { [extra]: { prompts: 1, inTrain: 0 } },
  });
  const html = marked.parse(md, { async: false }) as string;
  const allowed = new Set(['h1', 'h2', 'p', 'pre', 'code', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'em', 'strong', 'ul', 'li', 'br']);
  const tags = [...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase());
  assert.deepEqual(
    tags.filter((t) => !allowed.has(t)),
    [],
    'no <img>, <script>, <a> from the data',
  );
  assert.equal((html.match(/<h1/g) ?? []).length, 1, 'only the title is a level-1 heading');
  assert.doesNotMatch(html, /href=/, 'no link from the data');
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/, 'the name is still shown, as text');
});
