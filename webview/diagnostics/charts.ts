// One function per chart: data in, Chart out (created, or updated in place on the same canvas).
// Colours: in Compare mode a run keeps one colour everywhere (blue = first run, green = second, as BT and BSR in
// Figure 3); chosen vs rejected is then told apart by line style. Labels on canvas are drawn as text, never HTML.
import type { ActiveElement, Chart, ChartEvent, TooltipItem } from 'chart.js';
import type { Proportion } from '../../src/core/report';
import {
  axis,
  baseOptions,
  categoryAxis,
  short,
  boxWhiskerPlugin,
  errorBarPlugin,
  mount,
  type Reveal,
  type RunView,
  type SetView,
} from './chartBase';
import { outlierAt, setBoxSeries, setIntervals, type Interval } from './plugins';
import {
  erankGapRows,
  fmt,
  groupRows,
  hDiffBand,
  histogramOutline,
  hNormBoxes,
  lengthBaselineRows,
  lengthBinSeries,
  metricSeries,
  tauHistogram,
  type CurveKey,
} from './series';
import { withAlpha, type Theme } from './theme';

type ClickHandler = (event: ChartEvent, elements: ActiveElement[], chart: Chart) => void;

/** Reveals the file of the clicked element's eval set: `fileOf(datasetIndex, index)`. */
function revealOnClick(
  reveal: Reveal | undefined,
  fileOf: (datasetIndex: number, index: number) => string | undefined,
): ClickHandler | undefined {
  if (!reveal) return undefined;
  return (_e, elements) => {
    const hit = elements[0];
    const file = hit && fileOf(hit.datasetIndex, hit.index);
    if (file) reveal(file, 1);
  };
}

const lineAxes = (theme: Theme, xTitle: string, yTitle: string) => ({
  x: { type: 'linear' as const, ...axis(theme, xTitle) },
  y: { type: 'linear' as const, ...axis(theme, yTitle) },
});

/** Training curve of one logged metric (loss, accuracy, batch mean m, regulariser), one line per run. */
export function trainingCurveChart(
  canvas: HTMLCanvasElement,
  runs: readonly RunView[],
  key: CurveKey,
  yTitle: string,
  theme: Theme,
): Chart<'line'> {
  const datasets = runs.map((v) => ({
    label: short(v.label),
    data: metricSeries(v.run.metrics, key),
    borderColor: v.color,
    backgroundColor: v.color,
    borderWidth: 1.5,
    pointRadius: 0,
    pointHitRadius: 6,
  }));
  const base = baseOptions(theme);
  return mount<'line'>(canvas, {
    type: 'line',
    data: { datasets },
    options: { ...base, interaction: { mode: 'nearest', axis: 'x', intersect: false }, scales: lineAxes(theme, 'step', yTitle) },
  });
}

/** ‖W_p‖ per logged step with the reference line at 1 (Figure 1: it stays near its initial scale). */
export function wpNormChart(canvas: HTMLCanvasElement, runs: readonly RunView[], theme: Theme): Chart<'line'> {
  const chart = trainingCurveChart(canvas, runs, 'wpNorm', '‖W_p‖₂', theme);
  const steps = runs.flatMap((v) => v.run.metrics.map((m) => m.step));
  if (steps.length > 0) {
    chart.data.datasets.push({
      label: 'reference ‖W_p‖ = 1',
      data: [
        { x: Math.min(...steps), y: 1 },
        { x: Math.max(...steps), y: 1 },
      ],
      borderColor: theme.reference,
      backgroundColor: theme.reference,
      borderDash: [5, 4],
      borderWidth: 1,
      pointRadius: 0,
    });
    chart.update('none');
  }
  return chart;
}

/** Chosen vs rejected reward histograms on one eval set, drawn as outlines so runs with different bins overlay. */
export function rewardHistogramChart(canvas: HTMLCanvasElement, sets: readonly SetView[], theme: Theme, reveal?: Reveal): Chart<'line'> {
  const compare = sets.length > 1;
  const owners: (string | undefined)[] = [];
  const datasets = sets.flatMap(({ view, set }) => {
    if (!set) return [];
    const sides = [
      { side: 'chosen', hist: set.histChosen, color: compare ? view.color : theme.chosen, dash: [] as number[] },
      { side: 'rejected', hist: set.histRejected, color: compare ? view.color : theme.rejected, dash: compare ? [5, 3] : [] },
    ];
    return sides.map((s) => {
      owners.push(set.file);
      return {
        label: compare ? `${short(view.label)} · ${s.side}` : s.side,
        data: histogramOutline(s.hist),
        stepped: 'before' as const,
        borderColor: s.color,
        backgroundColor: withAlpha(s.color, compare && s.side === 'rejected' ? 0.05 : 0.18),
        borderDash: s.dash,
        borderWidth: 1.5,
        fill: 'origin' as const,
        pointRadius: 0,
        pointHitRadius: 4,
      };
    });
  });
  const onClick = revealOnClick(reveal, (di) => owners[di]);
  return mount<'line'>(canvas, {
    type: 'line',
    data: { datasets },
    options: {
      ...baseOptions(theme),
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: lineAxes(theme, 'reward r(x, y)', 'pairs'),
      ...(onClick ? { onClick } : {}),
    },
  });
}

/** One run's boxes of Figure 3, a row per eval set label (undefined where the run has no such set). */
interface BoxSeries {
  readonly color: string;
  readonly rows: readonly (ReturnType<typeof hNormBoxes>[number] | undefined)[];
}

/** Clicking an outlier reveals its row; clicking a box opens its file. */
function boxClick(canvas: HTMLCanvasElement, series: readonly BoxSeries[], reveal: Reveal | undefined): ClickHandler | undefined {
  if (!reveal) return undefined;
  return (event, elements) => {
    const o = event.x !== null && event.y !== null ? outlierAt(canvas, event.x, event.y) : undefined;
    const row = o ? series[o.datasetIndex]?.rows[o.index] : undefined;
    const line = o && row?.box.outlierLines?.[o.outlierIndex];
    if (row && line) return reveal(row.file, line);
    const hit = elements[0];
    const file = hit && series[hit.datasetIndex]?.rows[hit.index]?.file;
    if (file) reveal(file, 1);
  };
}

function boxTooltip(series: readonly BoxSeries[], ctx: TooltipItem<'bar'>): string {
  const b = series[ctx.datasetIndex]?.rows[ctx.dataIndex]?.box;
  return b
    ? `${ctx.dataset.label}: median ${fmt(b.median)}, IQR [${fmt(b.q1)}, ${fmt(b.q3)}], whiskers [${fmt(b.whiskerLo)}, ${fmt(b.whiskerHi)}], n=${b.n}`
    : '';
}

/** Figure 3: horizontal box plots of ‖h‖ per eval set, one box per run in each row. Outliers reveal their row. */
export function hNormBoxChart(canvas: HTMLCanvasElement, runs: readonly RunView[], theme: Theme, reveal?: Reveal): Chart<'bar'> {
  const perRun = runs.map((v) => hNormBoxes(v.run));
  const labels: string[] = [];
  for (const rows of perRun) for (const r of rows) if (!labels.includes(r.name)) labels.push(r.name);
  const series = runs.map((v, i) => ({ color: v.color, rows: labels.map((name) => perRun[i]!.find((r) => r.name === name)) }));
  setBoxSeries(
    canvas,
    series.map((s) => ({ color: s.color, boxes: s.rows.map((r) => r?.box) })),
  );
  const values = series
    .flatMap((s) => s.rows.flatMap((r) => (r ? [r.box.whiskerLo, r.box.whiskerHi, ...r.box.outliers] : [])))
    .filter(Number.isFinite);
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.05;
  const datasets = runs.map((v, i) => ({
    label: short(v.label),
    data: series[i]!.rows.map((r) => (r ? ([r.box.q1, r.box.q3] as [number, number]) : null)),
    backgroundColor: withAlpha(v.color, 0.25),
    borderColor: v.color,
    borderWidth: 1.5,
    borderSkipped: false as const,
  }));
  const onClick = boxClick(canvas, series, reveal);
  const wrap = canvas.parentElement;
  if (wrap) wrap.style.height = `${Math.max(200, labels.length * (16 + 18 * runs.length) + 90)}px`;
  const base = baseOptions(theme);
  return mount<'bar'>(canvas, {
    type: 'bar',
    data: { labels, datasets },
    plugins: [boxWhiskerPlugin],
    options: {
      ...base,
      indexAxis: 'y',
      scales: {
        x: { type: 'linear', beginAtZero: false, suggestedMin: lo - pad, suggestedMax: hi + pad, ...axis(theme, '‖h(x, y)‖₂') },
        y: categoryAxis(theme),
      },
      plugins: {
        ...base.plugins,
        tooltip: { callbacks: { label: (ctx) => boxTooltip(series, ctx) } },
      },
      ...(onClick ? { onClick } : {}),
    },
  });
}

/** Figure 2: mean ‖h_w − h_l‖ per checkpoint on one eval set, with a ±1 std band. */
export function hDiffBandChart(
  canvas: HTMLCanvasElement,
  runs: readonly RunView[],
  setName: string | undefined,
  theme: Theme,
): Chart<'line'> {
  const datasets = runs.flatMap((v) => {
    const band = hDiffBand(v.run, setName);
    const common = { pointRadius: 0, borderWidth: 0, borderColor: v.color, backgroundColor: withAlpha(v.color, 0.2) };
    return [
      // The band: the upper bound fills down to the next dataset (the lower bound). Unlabelled: kept out of the legend.
      { ...common, label: '', data: band.map((p) => ({ x: p.step, y: p.hi })), fill: '+1' as const },
      { ...common, label: '', data: band.map((p) => ({ x: p.step, y: p.lo })), fill: false as const },
      {
        label: `${short(v.label)} mean ± std`,
        data: band.map((p) => ({ x: p.step, y: p.mean })),
        borderColor: v.color,
        backgroundColor: withAlpha(v.color, 0.2),
        borderWidth: 2,
        pointRadius: 3,
        fill: false as const,
      },
    ];
  });
  const base = baseOptions(theme);
  return mount<'line'>(canvas, {
    type: 'line',
    data: { datasets },
    options: {
      ...base,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: lineAxes(theme, 'step (checkpoint)', '‖h_w − h_l‖₂'),
      plugins: {
        ...base.plugins,
        legend: { ...base.plugins.legend, labels: { ...base.plugins.legend.labels, filter: (item) => item.text !== '' } },
        tooltip: { ...base.plugins.tooltip, filter: (item) => item.dataset.label !== '' },
      },
    },
  });
}

/** Horizontal bars of a proportion per category with its CI as error bars; one dataset per run. */
function proportionBars(
  canvas: HTMLCanvasElement,
  labels: readonly string[],
  perRun: readonly { view: RunView; values: readonly (Proportion | undefined)[]; file?: string }[],
  horizontal: boolean,
  valueTitle: string,
  theme: Theme,
  reveal?: Reveal,
): Chart<'bar'> {
  setIntervals(
    canvas,
    perRun.map((r) => r.values.map((p): Interval | undefined => (p ? { lo: p.lo * 100, hi: p.hi * 100 } : undefined))),
  );
  const datasets = perRun.map((r) => ({
    label: short(r.view.label),
    data: r.values.map((p) => (p ? p.value * 100 : null)),
    backgroundColor: withAlpha(r.view.color, 0.55),
    borderColor: r.view.color,
    borderWidth: 1,
  }));
  const onClick = revealOnClick(reveal, (di) => perRun[di]?.file);
  const valueAxis = { type: 'linear' as const, min: 0, max: 100, ...axis(theme, valueTitle) };
  const catAxis = categoryAxis(theme);
  const base = baseOptions(theme);
  return mount<'bar'>(canvas, {
    type: 'bar',
    data: { labels: [...labels], datasets },
    plugins: [errorBarPlugin],
    options: {
      ...base,
      indexAxis: horizontal ? 'y' : 'x',
      scales: horizontal ? { x: valueAxis, y: catAxis } : { x: catAxis, y: valueAxis },
      plugins: {
        ...base.plugins,
        rlErrorBars: { color: theme.foreground },
        tooltip: {
          callbacks: {
            label: (ctx: TooltipItem<'bar'>) => {
              const p = perRun[ctx.datasetIndex]?.values[ctx.dataIndex];
              return p
                ? `${ctx.dataset.label}: ${fmt(p.value * 100, 1)}% (95% CI ${fmt(p.lo * 100, 1)}–${fmt(p.hi * 100, 1)}, n=${p.n})`
                : '';
            },
          },
        },
      } as never,
      ...(onClick ? { onClick } : {}),
    },
  });
}

/** Accuracy per group value (subset, source, domain, …) on one eval set, with Wilson 95% CIs. */
export function groupAccuracyChart(canvas: HTMLCanvasElement, sets: readonly SetView[], theme: Theme, reveal?: Reveal): Chart<'bar'> {
  const labels: string[] = [];
  for (const { set } of sets) for (const r of groupRows(set).rows) if (!labels.includes(r.label)) labels.push(r.label);
  const perRun = sets.map(({ view, set }) => {
    const rows = groupRows(set, Number.MAX_SAFE_INTEGER).rows;
    return { view, file: set?.file, values: labels.map((l) => rows.find((r) => r.label === l)?.acc) };
  });
  // Bars need room: grow the chart with the number of categories (CSSOM, which the CSP allows).
  const wrap = canvas.parentElement;
  if (wrap) wrap.style.height = `${Math.max(160, labels.length * (12 + 10 * sets.length) + 70)}px`;
  return proportionBars(canvas, labels, perRun, true, 'accuracy (%)', theme, reveal);
}

/** The model's accuracy next to the "pick the longer / shorter response" baselines (verbosity bias). */
export function lengthBaselineChart(canvas: HTMLCanvasElement, sets: readonly SetView[], theme: Theme, reveal?: Reveal): Chart<'bar'> {
  const labels = ['Reward model', 'Pick longer', 'Pick shorter'];
  const perRun = sets.map(({ view, set }) => {
    const rows = lengthBaselineRows(set);
    return { view, file: set?.file, values: labels.map((l) => rows.find((r) => r.label === l)?.p) };
  });
  return proportionBars(canvas, labels, perRun, false, 'pairwise accuracy (%)', theme, reveal);
}

/** Mean reward per response-length bin on one eval set, one line per run. */
export function lengthRewardChart(canvas: HTMLCanvasElement, sets: readonly SetView[], theme: Theme): Chart<'line'> {
  const datasets = sets.map(({ view, set }) => ({
    label: short(view.label),
    data: lengthBinSeries(set),
    borderColor: view.color,
    backgroundColor: view.color,
    borderWidth: 1.5,
    pointRadius: 3,
  }));
  return mount<'line'>(canvas, {
    type: 'line',
    data: { datasets },
    options: { ...baseOptions(theme), scales: lineAxes(theme, 'response length (tokens, bin midpoint)', 'mean reward') },
  });
}

/** Per-prompt Kendall τ-b (gold vs model) histogram on fixed bins over [−1, 1]; NaN prompts are left out (see table). */
export function kendallHistogramChart(canvas: HTMLCanvasElement, sets: readonly SetView[], theme: Theme, reveal?: Reveal): Chart<'bar'> {
  const hists = sets.map(({ set }) => tauHistogram(set?.kendall?.values ?? []));
  const edges = hists[0]?.edges ?? tauHistogram([]).edges;
  const labels = edges.slice(0, -1).map((e, i) => `${fmt(e, 1)}…${fmt(edges[i + 1]!, 1)}`);
  const datasets = sets.map(({ view }, i) => ({
    label: short(view.label),
    data: hists[i]!.counts,
    backgroundColor: withAlpha(view.color, 0.6),
    borderColor: view.color,
    borderWidth: 1,
    categoryPercentage: 0.9,
    barPercentage: 1,
  }));
  const onClick = revealOnClick(reveal, (di) => sets[di]?.set?.file);
  return mount<'bar'>(canvas, {
    type: 'bar',
    data: { labels, datasets },
    options: {
      ...baseOptions(theme),
      scales: {
        x: {
          ...categoryAxis(theme),
          // Ticks show each bin's lower edge, unrotated; the tooltip keeps the full "lo…hi" label.
          ticks: { color: theme.muted, maxRotation: 0, autoSkip: true, callback: (v: number | string) => fmt(edges[Number(v)] ?? NaN, 1) },
          title: { display: true, text: 'Kendall τ-b per prompt (bin lower edge)', color: theme.muted },
        },
        y: { type: 'linear', beginAtZero: true, ...axis(theme, 'prompts') },
      },
      ...(onClick ? { onClick } : {}),
    },
  });
}

/** Table 1: effective-rank gap erank(eval) − erank(train sample) per eval set at the latest checkpoint. */
export function erankGapChart(canvas: HTMLCanvasElement, runs: readonly RunView[], theme: Theme, reveal?: Reveal): Chart<'bar'> {
  const perRun = runs.map((v) => erankGapRows(v.run));
  const labels: string[] = [];
  for (const rows of perRun) for (const r of rows) if (!labels.includes(r.name)) labels.push(r.name);
  const files = runs.map((v) => new Map((v.run.evals[v.run.evals.length - 1]?.sets ?? []).map((s) => [s.name, s.file])));
  const datasets = runs.map((v, i) => ({
    label: short(v.label),
    data: labels.map((l) => perRun[i]!.find((r) => r.name === l)?.gap ?? null),
    backgroundColor: withAlpha(v.color, 0.6),
    borderColor: v.color,
    borderWidth: 1,
  }));
  const onClick = revealOnClick(reveal, (di, index) => files[di]?.get(labels[index] ?? ''));
  return mount<'bar'>(canvas, {
    type: 'bar',
    data: { labels, datasets },
    options: {
      ...baseOptions(theme),
      scales: { x: categoryAxis(theme), y: { type: 'linear', ...axis(theme, 'erank(eval) − erank(train)') } },
      ...(onClick ? { onClick } : {}),
    },
  });
}
