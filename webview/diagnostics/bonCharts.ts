// The Best-of-N card's charts. N is plotted on a log₂ axis labelled with N itself. In Compare mode each run keeps
// its colour; the oracle is dashed and the random pick dotted (in one run's view they take the reference colours).
import type { Chart } from 'chart.js';
import type { BonCurve } from '../../src/core/bon/types';
import { axis, baseOptions, mount, short } from './chartBase';
import { goldSeries, lengthSeries, proxyGoldSeries, type XY } from './bonSeries';
import { fmt } from './series';
import { withAlpha, type Theme } from './theme';

export interface BonRunView {
  readonly label: string;
  readonly color: string;
  readonly curve: BonCurve | undefined;
}

const nAxis = (theme: Theme) => ({
  type: 'linear' as const,
  ...axis(theme, 'N (log scale)'),
  ticks: {
    color: theme.muted,
    stepSize: 1,
    callback: (v: number | string) => (typeof v === 'number' && Number.isInteger(v) ? String(2 ** v) : ''),
  },
});

const line = (label: string, data: XY[], color: string, dash: number[], width = 2) => ({
  label,
  data,
  borderColor: color,
  backgroundColor: color,
  borderDash: dash,
  borderWidth: width,
  pointRadius: dash.length ? 0 : 3,
  fill: false as const,
});

const same = (a: readonly XY[], b: readonly XY[]) => a.length === b.length && a.every((p, i) => p.x === b[i]!.x && p.y === b[i]!.y);

/**
 * Each run's pick, then the oracle and random references. They depend on the candidates and gold only, so runs
 * scored on the same set share them: drawn once in the theme's reference colours. Otherwise one pair per run.
 */
function withReferences(
  runs: readonly BonRunView[],
  theme: Theme,
  series: readonly { pick: XY[]; oracle: XY[]; random: XY[] }[],
  pickName: string,
  before: (i: number) => unknown[] = () => [],
): unknown[] {
  const compare = runs.length > 1;
  const name = (v: BonRunView, what: string) => (compare ? `${short(v.label)} · ${what}` : what);
  const shared = series.every((s) => same(s.oracle, series[0]!.oracle) && same(s.random, series[0]!.random));
  const picks = runs.flatMap((v, i) => [...before(i), line(name(v, pickName), series[i]!.pick, v.color, [])]);
  if (shared && series[0])
    return [
      ...picks,
      line('oracle (best by gold)', series[0].oracle, theme.reference, [6, 4], 1.5),
      line('random pick', series[0].random, theme.muted, [2, 3], 1.5),
    ];
  return [
    ...picks,
    ...runs.flatMap((v, i) => [
      line(name(v, 'oracle (best by gold)'), series[i]!.oracle, withAlpha(v.color, 0.8), [6, 4], 1.5),
      line(name(v, 'random pick'), series[i]!.random, withAlpha(v.color, 0.6), [2, 3], 1.5),
    ]),
  ];
}

function lineChart(canvas: HTMLCanvasElement, datasets: unknown[], theme: Theme, yTitle: string, tooltipN: boolean): Chart<'line'> {
  const base = baseOptions(theme);
  return mount<'line'>(canvas, {
    type: 'line',
    data: { datasets: datasets as never },
    options: {
      ...base,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: { x: nAxis(theme), y: { type: 'linear', ...axis(theme, yTitle) } },
      plugins: {
        ...base.plugins,
        legend: { ...base.plugins.legend, labels: { ...base.plugins.legend.labels, filter: (item) => item.text !== '' } },
        tooltip: {
          ...base.plugins.tooltip,
          filter: (item) => item.dataset.label !== '',
          callbacks: tooltipN ? { title: (items) => `N = ${2 ** Number(items[0]?.parsed.x ?? 0)}` } : {},
        },
      },
    },
  });
}

/** Gold of the pick vs N with its bootstrap band, the oracle ceiling and the random floor. */
export function bonGoldChart(canvas: HTMLCanvasElement, runs: readonly BonRunView[], theme: Theme): Chart<'line'> {
  const series = runs.map((v) => goldSeries(v.curve));
  const band = (i: number) => {
    const v = runs[i]!;
    const common = { label: '', pointRadius: 0, borderWidth: 0, borderColor: v.color, backgroundColor: withAlpha(v.color, 0.18) };
    return [
      { ...common, data: series[i]!.hi, fill: '+1' as const },
      { ...common, data: series[i]!.lo, fill: false as const },
    ];
  };
  return lineChart(canvas, withReferences(runs, theme, series, 'proxy pick (95% CI)', band), theme, 'gold score of the pick', true);
}

/** Length (characters) of the pick vs N, with the oracle's and a random pick's length. */
export function bonLengthChart(canvas: HTMLCanvasElement, runs: readonly BonRunView[], theme: Theme): Chart<'line'> {
  return lineChart(
    canvas,
    withReferences(
      runs,
      theme,
      runs.map((v) => lengthSeries(v.curve)),
      'proxy pick',
    ),
    theme,
    'length of the pick (characters)',
    true,
  );
}

/** Proxy score (x) against gold score (y) of the pick, one point per N, joined in N order. */
export function bonProxyChart(canvas: HTMLCanvasElement, runs: readonly BonRunView[], theme: Theme): Chart<'line'> {
  const series = runs.map((v) => proxyGoldSeries(v.curve));
  const datasets = runs.map((v, i) => ({
    ...line(
      short(v.label),
      series[i]!.map(({ x, y }) => ({ x, y })),
      v.color,
      [],
    ),
    pointRadius: 4,
  }));
  const base = baseOptions(theme);
  return mount<'line'>(canvas, {
    type: 'line',
    data: { datasets },
    options: {
      ...base,
      scales: {
        x: { type: 'linear', ...axis(theme, 'proxy score of the pick') },
        y: { type: 'linear', ...axis(theme, 'gold score of the pick') },
      },
      plugins: {
        ...base.plugins,
        tooltip: {
          ...base.plugins.tooltip,
          callbacks: {
            label: (ctx) => {
              const p = series[ctx.datasetIndex]?.[ctx.dataIndex];
              return p ? `${ctx.dataset.label}: N = ${p.n}, proxy ${fmt(p.x)}, gold ${fmt(p.y, 4)}` : '';
            },
          },
        },
      },
    },
  });
}
