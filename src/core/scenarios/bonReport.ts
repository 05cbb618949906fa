// The best-of-N part of a scenario report: Markdown section and figures (gold vs N, length vs N per pool). Names
// from the data or the command line (objectives, pool names, the gold field) go through src/core/markdown.ts.
import { describeMethod, goldMarkdown } from '../bon/format';
import { escapeMarkdown as md } from '../markdown';
import type { BonAggregate, BonAggregatePool } from './bonAggregate';
import type { Figure } from './reportFigures';
import { formatSeedStat, type SeedStat } from './seedStats';
import { lineBandSvg, type LineSeries } from './svgLines';

export const POOL_LABELS: Readonly<Record<string, string>> = {
  'in-domain': 'In-Domain (seen prompts × seen models, responses not used in training)',
  'prompt-ood': 'Prompt-OOD (held-out prompts × seen models)',
  'response-ood': 'Response-OOD (seen prompts × held-out models)',
  'mutual-ood': 'Mutual-OOD (held-out prompts × held-out models)',
};
const SHORT: Readonly<Record<string, string>> = {
  'in-domain': 'In-Domain',
  'prompt-ood': 'Prompt-OOD',
  'response-ood': 'Response-OOD',
  'mutual-ood': 'Mutual-OOD',
};
const poolShort = (name: string) => SHORT[name] ?? md(name);
const plainShort = (name: string) => SHORT[name] ?? name;

const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
const header = (cells: readonly string[]) => [row(cells), row(cells.map(() => '---'))];
const f = (v: number, d = 4) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const pct = (s: SeedStat) =>
  s.n === 0 ? '—' : s.n === 1 ? `${(100 * s.mean).toFixed(1)}%` : `${(100 * s.mean).toFixed(1)} ± ${(100 * s.std).toFixed(1)}%`;

/** Share of a pool's prompts a headline N must cover. */
export const HEADLINE_COVERAGE = 0.9;

/** The largest N that at least 90% of the pool's prompts can supply (a prompt with fewer responses is left out there). */
export function fullN(pool: BonAggregatePool): number | undefined {
  return [...pool.points].reverse().find((p) => p.prompts >= HEADLINE_COVERAGE * pool.prompts)?.n;
}

/** A headline column: a pool at its headline N. */
interface HeadlineColumn {
  readonly p: BonAggregatePool;
  readonly n: number | undefined;
}
type HeadlinePoint = BonAggregatePool['points'][number];
type ObjectiveStats = NonNullable<HeadlinePoint['byObjective'][string]>;

const pointAt = ({ p, n }: HeadlineColumn) => p.points.find((x) => x.n === n);
const columnHeader = (first: string, cols: readonly HeadlineColumn[]) =>
  header([first, ...cols.map(({ p, n }) => `${poolShort(p.name)} (N = ${n ?? '—'})`)]);

/** One row per objective: `cell` of its statistics at each column's point, '—' where it has none. */
function objectiveRows(a: BonAggregate, cols: readonly HeadlineColumn[], cell: (x: ObjectiveStats) => string): string[] {
  return a.objectives.map((o) =>
    row([
      md(o),
      ...cols.map((c) => {
        const x = pointAt(c)?.byObjective[o];
        return x ? cell(x) : '—';
      }),
    ]),
  );
}

/** The oracle's and the random pick's rows of one quantity. */
function referenceRows(cols: readonly HeadlineColumn[], value: (s: HeadlinePoint['oracle']) => number, digits?: number): string[] {
  const cells = (name: 'oracle' | 'random') =>
    cols.map((c) => {
      const pt = pointAt(c);
      return f(pt ? value(pt[name]) : NaN, digits);
    });
  return [row(['oracle', ...cells('oracle')]), row(['random', ...cells('random')])];
}

function headline(a: BonAggregate): string[] {
  const cols = a.pools.map((p) => ({ p, n: fullN(p) }));
  return [
    `Gold of the pick at the largest N that at least ${100 * HEADLINE_COVERAGE}% of the pool's prompts can supply (mean ± std over seeds; oracle and random on the same prompts), and below it the share of the oracle's headroom over random that the pick captures, (pick − random) / (oracle − random).`,
    '',
    ...columnHeader('', cols),
    ...objectiveRows(a, cols, (x) => formatSeedStat(x.gold, 4)),
    ...referenceRows(cols, (s) => s.gold),
    '',
    ...columnHeader('captured', cols),
    ...objectiveRows(a, cols, (x) => pct(x.captured)),
    '',
    'Length of the pick in characters at the same N (random = the mean response length):',
    '',
    ...columnHeader('', cols),
    ...objectiveRows(a, cols, (x) => formatSeedStat(x.length, 0)),
    ...referenceRows(cols, (s) => s.length, 0),
    '',
  ];
}

function poolTable(a: BonAggregate, pool: BonAggregatePool): string[] {
  const out = [
    `### ${md(POOL_LABELS[pool.name] ?? pool.name)}`,
    '',
    `${pool.prompts} prompts, ${pool.responses} responses (${pool.minCandidates}–${pool.maxCandidates} per prompt).`,
    '',
  ];
  out.push(
    ...header([
      'Objective',
      'N',
      'prompts',
      'pick gold',
      '95% CI (mean over seeds)',
      'oracle',
      'random',
      'captured',
      'pick proxy',
      'pick length',
      'pick longest',
      'random longest',
    ]),
  );
  for (const o of a.objectives) {
    for (const p of pool.points) {
      const x = p.byObjective[o];
      if (!x) continue;
      out.push(
        row([
          md(o),
          String(p.n),
          String(p.prompts),
          formatSeedStat(x.gold, 4),
          `[${f(x.goldLo.mean)}, ${f(x.goldHi.mean)}]`,
          f(p.oracle.gold),
          f(p.random.gold),
          pct(x.captured),
          formatSeedStat(x.proxy, 3),
          formatSeedStat(x.length, 0),
          pct(x.longest),
          `${(100 * p.random.longest).toFixed(1)}%`,
        ]),
      );
    }
  }
  return [...out, ''];
}

/** The "Best-of-N" section of report.md. */
export function bonSection(a: BonAggregate): string[] {
  const out = ['## Best-of-N: what the proxy buys (gold vs N, length vs N)', ''];
  out.push(
    `For each prompt of a pool and each N, N of its responses are drawn without replacement and the run's reward model picks its argmax; the table gives the gold score of that pick (${describeMethod(a.method)}), with a percentile bootstrap 95% interval over prompts (${a.bootstrap} resamples). Gold: ${goldMarkdown(a.gold)}. Length in characters; "longest" = share of picks that are the longest of the N drawn (length ties count). A robust reward model keeps buying gold as N grows; an over-optimized one plateaus or falls and buys length instead. Prompts with fewer than N responses are left out at that N (see the prompts column). Per-prompt-source curves: each run's \`bon.json\`; the pools: \`bon/*.jsonl\`.`,
    '',
  );
  if (a.missing.length) out.push(`Runs without best-of-N (not finished, or it failed; see the log): ${a.missing.map(md).join(', ')}.`, '');
  out.push(...headline(a));
  for (const pool of a.pools) out.push(...poolTable(a, pool));
  return out;
}

/** Bands only for the comparison the figures are about (BT vs BSR): five overlapping intervals would hide the lines. */
const BANDED = new Set(['bt', 'bsr']);

/** Gold vs log₂ N and length vs log₂ N per pool: one line per objective (BT and BSR with a band), oracle and random. */
export function bonFigures(a: BonAggregate): Figure[] {
  return a.pools.flatMap((pool) => {
    const x = (n: number) => Math.log2(n);
    const objectives = (value: (o: string, p: BonAggregatePool['points'][number]) => { y: number; band: number }): LineSeries[] =>
      a.objectives.map((o) => ({
        name: o,
        points: pool.points.map((p) => {
          const v = value(o, p);
          return { x: x(p.n), y: v.y, ...(BANDED.has(o) ? { band: v.band } : {}) };
        }),
      }));
    const ref = (name: string, f: (p: BonAggregatePool['points'][number]) => number): LineSeries => ({
      name,
      points: pool.points.map((p) => ({ x: x(p.n), y: f(p) })),
    });
    const gold: LineSeries[] = [
      ...objectives((o, p) => {
        const s = p.byObjective[o];
        return { y: s?.gold.mean ?? NaN, band: s ? (s.goldHi.mean - s.goldLo.mean) / 2 : NaN };
      }),
      ref('oracle', (p) => p.oracle.gold),
      ref('random', (p) => p.random.gold),
    ];
    const length: LineSeries[] = [
      ...objectives((o, p) => ({ y: p.byObjective[o]?.length.mean ?? NaN, band: p.byObjective[o]?.length.std ?? NaN })),
      ref('oracle', (p) => p.oracle.length),
      ref('random', (p) => p.random.length),
    ];
    const title = plainShort(pool.name);
    const stem = pool.name.replace(/[^\w-]+/g, '_'); // a file name: whatever bon.json says, it stays inside figures/
    const who = 'prompts with at least N responses at each N, so the random line moves where that set changes';
    return [
      {
        name: `bon-gold-${stem}`,
        caption: `Best-of-N on ${title}: gold of the pick vs log₂ N (mean over seeds; band for bt and bsr = the bootstrap 95% half-width, mean over seeds), with the oracle (best of N by gold) and a random pick; ${who}.`,
        svg: lineBandSvg({ title: `Best-of-N gold, ${title}`, xLabel: 'log₂ N', yLabel: 'gold of the pick', series: gold }),
      },
      {
        name: `bon-length-${stem}`,
        caption: `Best-of-N on ${title}: length of the pick (characters) vs log₂ N (mean over seeds; band for bt and bsr = ±1 std over seeds), with the oracle's and a random pick's length; ${who}.`,
        svg: lineBandSvg({ title: `Best-of-N length, ${title}`, xLabel: 'log₂ N', yLabel: 'characters', series: length }),
      },
    ];
  });
}
