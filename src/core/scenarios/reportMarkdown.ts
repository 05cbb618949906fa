// report.md for a scenario experiment: the Table-5-style table (mean ± std and per seed), the
// over-optimization check, per-checkpoint numbers, ‖h‖ per split (Figure 3), ‖W_p‖, the erank gap
// (Table 1), run times, and the exact command and configuration to rerun it.
// Every name that can come from the data or the command line (set, objective, run, backend, error, command, split
// summary) goes through src/core/markdown.ts: the report is opened in the Markdown preview and must hold no live markup.
import { ACC_EPS, TAU_EPS, type ScenarioAggregate } from './reportAggregate';
import { label as plainLabel, metricLabel, SET_LABELS, type Figure } from './reportFigures';
import { formatSeedStat, type SeedStat } from './seedStats';
import { codeFence, escapeMarkdown as md } from '../markdown';

export interface ReportContext {
  readonly title: string;
  /** The command that reruns the experiment exactly (same --out resumes; a new --out rebuilds). */
  readonly command: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** Human summary of the splits (sizes, held-out groups and models, refusals, drops). */
  readonly splitsSummary: string;
  readonly generatedAt: string;
  /** Figures and whether a PNG exists next to each SVG. */
  readonly figures: readonly (Figure & { readonly png: boolean })[];
  readonly notes?: readonly string[];
  /** Extra eval set -> prompts, and how many of them are also training prompts. */
  readonly extraOverlap?: Readonly<Record<string, { readonly prompts: number; readonly inTrain: number }>>;
  /** More sections (already escaped Markdown lines), placed before the figures: best-of-N. */
  readonly sections?: readonly string[];
}

/** Our own set labels as they are; any other set name (an extra eval file's name) is escaped. */
const label = (set: string) => (SET_LABELS[set] !== undefined ? plainLabel(set) : md(set));
const f4 = (s: SeedStat | undefined) => (s ? formatSeedStat(s, 4) : '—');
const f2 = (s: SeedStat | undefined) => (s ? formatSeedStat(s, 2) : '—');
const v4 = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : '—');
const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
const header = (cells: readonly string[]) => [row(cells), row(cells.map(() => '---'))];

export function renderScenarioReport(a: ScenarioAggregate, ctx: ReportContext): string {
  const out: string[] = [
    `# ${md(ctx.title)}`,
    '',
    `Generated ${md(ctx.generatedAt)}. Seeds: ${a.seeds.join(', ')}. Objectives: ${a.objectives.map(md).join(', ')}.`,
    '',
  ];
  out.push('## Rerun', '', codeFence(ctx.command, 'sh'), '');
  out.push('## Splits', '', codeFence(ctx.splitsSummary), '');
  out.push(
    ...scenarioTable(a),
    ...overOptimizationSection(a),
    ...checkpointSection(a),
    ...normSection(a),
    ...erankSection(a),
    ...extraSection(a, ctx.extraOverlap),
    ...(ctx.sections ?? []),
    ...runsSection(a),
  );
  if (ctx.figures.length) {
    out.push('## Figures', '');
    for (const fig of ctx.figures)
      out.push(
        `![${fig.caption}](figures/${fig.name}.${fig.png ? 'png' : 'svg'})`,
        '',
        `*${fig.caption}* ([svg](figures/${fig.name}.svg))`,
        '',
      );
  }
  if (ctx.notes?.length) out.push('## Notes', '', ...ctx.notes.map((n) => `- ${n}`), '');
  out.push('## Configuration', '', codeFence(JSON.stringify(ctx.config, null, 2), 'json'), '');
  return out.join('\n');
}

function scenarioTable(a: ScenarioAggregate): string[] {
  const cols = a.columns.map((c) => `${label(c.set)} (${metricLabel(c.metric)} ↑)`);
  const out = ['## Scenario table (paper Table 5)', '', 'Final checkpoint, mean ± sample std over seeds.', ''];
  out.push(...header(['Objective', ...cols]));
  for (const o of a.objectives) out.push(row([md(o), ...a.columns.map((c) => f4(a.table[o]?.[c.set]))]));
  out.push('', 'Per seed:', '', ...header(['Objective', 'Seed', ...cols]));
  for (const o of a.objectives) {
    a.seeds.forEach((s, i) => out.push(row([md(o), String(s), ...a.columns.map((c) => v4(a.table[o]?.[c.set]?.values[i] ?? NaN))])));
  }
  const bt = a.table['bt'];
  const bsr = a.table['bsr'];
  if (bt && bsr) {
    out.push('', 'BSR − BT (difference of the seed means):', '', ...header(a.columns.map((c) => label(c.set))));
    out.push(
      row(
        a.columns.map((c) => {
          const d = (bsr[c.set]?.mean ?? NaN) - (bt[c.set]?.mean ?? NaN);
          return Number.isFinite(d) ? (d >= 0 ? '+' : '') + d.toFixed(4) : '—';
        }),
      ),
    );
    const wins = a.columns.filter((c) => (bsr[c.set]?.mean ?? NaN) > (bt[c.set]?.mean ?? NaN)).length;
    out.push('', `BSR is higher in ${wins} of ${a.columns.length} columns (the paper: 15 of 16 cells over four models).`);
  }
  out.push('');
  return out;
}

function overOptimizationSection(a: ScenarioAggregate): string[] {
  const out = ['## Over-optimization check (ID accuracy vs OOD metric per checkpoint)', ''];
  out.push(
    `Flagged when, on the seed-mean curves after step 0, the OOD metric peaked earlier and fell by ≥ ${TAU_EPS} while In-Domain accuracy rose by ≥ ${ACC_EPS} since the peak, or when In-Domain accuracy rose by ≥ ${ACC_EPS} from the first to the last checkpoint while the OOD metric rose by < ${TAU_EPS} (paper-spec §3.1). Each rise or fall must also exceed its noise yardstick, 1.96 × the standard error of the metric at the last checkpoint (accuracy: √(p(1−p)/n); τ: std of per-prompt τ / √prompts).`,
    '',
  );
  if (a.overOptimization.length === 0)
    return [...out, 'Not enough checkpoints (need two after step 0, with an In-Domain set) to judge.', ''];
  out.push(
    ...header([
      'Objective',
      'OOD set',
      'Flag',
      'ID acc first → peak-τ step → last',
      'OOD first → peak → last',
      'steps first / peak / last',
      'noise ID / OOD',
    ]),
  );
  for (const f of a.overOptimization) {
    out.push(
      row([
        md(f.objective),
        label(f.set),
        f.flagged ? '**over-optimizing**' : 'no',
        `${v4(f.accFirst)} → ${v4(f.accPeak)} → ${v4(f.accLast)}`,
        `${v4(f.tauFirst)} → ${v4(f.tauPeak)} → ${v4(f.tauLast)}`,
        `${f.firstStep} / ${f.peakStep} / ${f.lastStep}`,
        `±${v4(f.accNoise)} / ±${v4(f.tauNoise)}`,
      ]),
    );
  }
  return [...out, ''];
}

function checkpointSection(a: ScenarioAggregate): string[] {
  const out = [
    '## Per checkpoint',
    '',
    `Mean ± std over seeds. ‖h_w − h_l‖ is over the pairs of the ${label(a.hDiffSet)} set (Figure 2): its within-set mean and std.`,
    '',
  ];
  out.push(
    ...header([
      'Objective',
      'Step',
      ...a.columns.map((c) => `${label(c.set)} ${metricLabel(c.metric)}`),
      'mean ‖h_w − h_l‖',
      'std ‖h_w − h_l‖',
      '‖W_p‖',
    ]),
  );
  for (const o of a.objectives) {
    for (const cp of a.checkpoints[o] ?? []) {
      out.push(
        row([md(o), String(cp.step), ...a.columns.map((c) => f4(cp.metric[c.set])), f2(cp.hDiffMean), f2(cp.hDiffStd), f4(cp.wpNorm)]),
      );
    }
  }
  return [...out, ''];
}

function normSection(a: ScenarioAggregate): string[] {
  const out = [
    '## ‖h‖ per split (paper Figure 3)',
    '',
    "Final checkpoint; each statistic is the mean ± std over seeds. Var is the population variance of ‖h‖ within the split, the paper's hypothesis variable.",
    '',
  ];
  out.push(...header(['Objective', 'Split', 'median', 'IQR', 'whiskers (lo, hi)', 'Var(‖h‖)', 'skew']));
  for (const o of a.objectives) {
    for (const set of a.normSets) {
      const b = a.hNorm[o]?.[set];
      if (!b) continue;
      out.push(
        row([md(o), label(set), f2(b.median), f2(b.iqr), `${v4(b.whiskerLo.mean)}, ${v4(b.whiskerHi.mean)}`, f4(b.variance), f2(b.skew)]),
      );
    }
  }
  out.push(
    '',
    "Cross-split median shift (max − min of the splits' median ‖h‖; under BSR the paper shows it near 0) and ‖W_p‖ at the end:",
    '',
  );
  out.push(...header(['Objective', 'cross-split median shift', '‖W_p‖']));
  for (const o of a.objectives) out.push(row([md(o), f4(a.crossSplitShift[o]), f4(a.wpNorm[o])]));
  return [...out, ''];
}

function erankSection(a: ScenarioAggregate): string[] {
  const evalSets = a.normSets.filter((s) => s !== 'train');
  const out = [
    '## Effective rank (paper Table 1)',
    '',
    'erank of the hidden states of each set (same number of rows per set) and the gap erank(set) − erank(train sample); mean ± std over seeds. The paper: BT +10.42, BSR +0.14 (8B models, RM-Bench vs train).',
    '',
  ];
  out.push(...header(['Objective', 'erank train', ...evalSets.map((s) => `erank ${label(s)}`), ...evalSets.map((s) => `gap ${label(s)}`)]));
  for (const o of a.objectives) {
    const e = a.erank[o] ?? {};
    out.push(row([md(o), f2(e['train']?.erank), ...evalSets.map((s) => f2(e[s]?.erank)), ...evalSets.map((s) => f2(e[s]?.gap))]));
  }
  return [...out, ''];
}

function extraSection(a: ScenarioAggregate, overlap: ReportContext['extraOverlap']): string[] {
  if (a.extraSets.length === 0) return [];
  const out = [
    '## Extra eval sets',
    '',
    'Final checkpoint, mean ± std over seeds. RM-Bench: Hard = chosen less styled than rejected, Overall = mean(Hard, Normal, Easy) (paper-spec §5.3). "in train" counts prompts these sets share with the training split (not removed).',
    '',
  ];
  out.push(...header(['Objective', 'Set', 'accuracy', 'Hard', 'Normal', 'Easy', 'Overall', 'prompts in train']));
  for (const o of a.objectives) {
    for (const set of a.extraSets) {
      const x = a.extra[o]?.[set];
      if (!x) continue;
      const ov = overlap?.[set];
      out.push(
        row([
          md(o),
          md(set),
          f4(x.accuracy),
          f4(x.rmBench?.hard),
          f4(x.rmBench?.normal),
          f4(x.rmBench?.easy),
          f4(x.rmBench?.overall),
          ov ? `${ov.inTrain} / ${ov.prompts}` : '—',
        ]),
      );
    }
  }
  return [...out, ''];
}

function runsSection(a: ScenarioAggregate): string[] {
  const out = ['## Runs', '', ...header(['Run', 'Status', 'Backend', 'Steps', 'Time (s)'])];
  for (const r of a.runs) {
    out.push(
      row([
        md(r.runId),
        md(r.status + (r.error ? ` (${r.error.slice(0, 120)})` : '')),
        md(r.backend ?? '—'),
        r.steps === undefined ? '—' : String(r.steps),
        r.elapsedMs === undefined ? '—' : (r.elapsedMs / 1000).toFixed(1),
      ]),
    );
  }
  return [...out, ''];
}
