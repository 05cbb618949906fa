// Two small chart.js plugins instead of extra chart libraries:
// - box-whisker drawing on top of floating bars [q1, q3] (Figure 3's horizontal box plots), with outlier hit targets;
// - error bars (confidence intervals) on top of ordinary bars.
// Their per-chart data lives in WeakMaps keyed by the canvas: chart.js's option resolver would treat arrays in
// plugin options as indexable options, so the data stays out of the config.
import type { Chart, Plugin } from 'chart.js';
import type { BoxStats } from '../../src/core/report';

export interface BoxSeries {
  /** One entry per category label (undefined where this run lacks that set). */
  readonly boxes: readonly (BoxStats | undefined)[];
  readonly color: string;
}

export interface OutlierHit {
  readonly x: number;
  readonly y: number;
  readonly datasetIndex: number;
  readonly index: number;
  readonly outlierIndex: number;
}

const boxData = new WeakMap<HTMLCanvasElement, readonly BoxSeries[]>();
const outlierHits = new WeakMap<HTMLCanvasElement, OutlierHit[]>();

export function setBoxSeries(canvas: HTMLCanvasElement, series: readonly BoxSeries[]): void {
  boxData.set(canvas, series);
}

/** The drawn outlier nearest to a pixel, within `radius` pixels. */
export function outlierAt(canvas: HTMLCanvasElement, x: number, y: number, radius = 5): OutlierHit | undefined {
  let best: OutlierHit | undefined;
  let bestD = radius * radius;
  for (const h of outlierHits.get(canvas) ?? []) {
    const d = (h.x - x) ** 2 + (h.y - y) ** 2;
    if (d <= bestD) {
      best = h;
      bestD = d;
    }
  }
  return best;
}

function barGeometry(chart: Chart, datasetIndex: number, index: number): { y: number; height: number } | undefined {
  const el = chart.getDatasetMeta(datasetIndex).data[index];
  if (!el) return undefined;
  const p = el.getProps(['y', 'height'], true) as unknown as { y: number; height: number };
  return Number.isFinite(p.y) && Number.isFinite(p.height) ? p : undefined;
}

export const boxWhiskerPlugin: Plugin<'bar'> = {
  id: 'rlBoxWhisker',
  afterDatasetsDraw(chart) {
    const series = boxData.get(chart.canvas);
    if (!series) return;
    const hits: OutlierHit[] = [];
    const xs = chart.scales['x'];
    if (!xs) return;
    const px = (v: number) => xs.getPixelForValue(v);
    const ctx = chart.ctx;
    ctx.save();
    series.forEach((s, datasetIndex) => {
      if (!chart.isDatasetVisible(datasetIndex)) return;
      s.boxes.forEach((b, index) => {
        const g = b && barGeometry(chart, datasetIndex, index);
        if (!b || !g) return;
        const half = g.height / 2;
        ctx.strokeStyle = s.color;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        // Whiskers: from the box edges out to the most extreme points inside 1.5·IQR, with end caps.
        ctx.moveTo(px(b.whiskerLo), g.y);
        ctx.lineTo(px(b.q1), g.y);
        ctx.moveTo(px(b.q3), g.y);
        ctx.lineTo(px(b.whiskerHi), g.y);
        for (const w of [b.whiskerLo, b.whiskerHi]) {
          ctx.moveTo(px(w), g.y - half / 2);
          ctx.lineTo(px(w), g.y + half / 2);
        }
        ctx.stroke();
        ctx.lineWidth = 2.5;
        ctx.beginPath();
        ctx.moveTo(px(b.median), g.y - half);
        ctx.lineTo(px(b.median), g.y + half);
        ctx.stroke();
        ctx.lineWidth = 1;
        b.outliers.forEach((o, outlierIndex) => {
          const x = px(o);
          ctx.beginPath();
          ctx.arc(x, g.y, 2.5, 0, Math.PI * 2);
          ctx.stroke();
          hits.push({ x, y: g.y, datasetIndex, index, outlierIndex });
        });
      });
    });
    ctx.restore();
    outlierHits.set(chart.canvas, hits);
  },
};

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

const intervalData = new WeakMap<HTMLCanvasElement, readonly (readonly (Interval | undefined)[])[]>();

/** Intervals per dataset, per data index, in value units. */
export function setIntervals(canvas: HTMLCanvasElement, intervals: readonly (readonly (Interval | undefined)[])[]): void {
  intervalData.set(canvas, intervals);
}

export const errorBarPlugin: Plugin<'bar'> = {
  id: 'rlErrorBars',
  afterDatasetsDraw(chart, _args, options: { color?: string }) {
    const all = intervalData.get(chart.canvas);
    if (!all) return;
    const horizontal = chart.options.indexAxis === 'y';
    const vs = chart.scales[horizontal ? 'x' : 'y'];
    if (!vs) return;
    const ctx = chart.ctx;
    ctx.save();
    ctx.strokeStyle = options.color ?? '#888';
    ctx.lineWidth = 1.5;
    all.forEach((intervals, datasetIndex) => {
      if (!chart.isDatasetVisible(datasetIndex)) return;
      chart.getDatasetMeta(datasetIndex).data.forEach((el, index) => {
        const iv = intervals[index];
        if (!iv || !Number.isFinite(iv.lo) || !Number.isFinite(iv.hi)) return;
        const p = el.getProps(['x', 'y', 'width', 'height'], true) as unknown as { x: number; y: number; width: number; height: number };
        const a = vs.getPixelForValue(iv.lo);
        const b = vs.getPixelForValue(iv.hi);
        const cap = Math.min(6, (horizontal ? p.height : p.width) / 4);
        ctx.beginPath();
        if (horizontal) {
          ctx.moveTo(a, p.y);
          ctx.lineTo(b, p.y);
          ctx.moveTo(a, p.y - cap);
          ctx.lineTo(a, p.y + cap);
          ctx.moveTo(b, p.y - cap);
          ctx.lineTo(b, p.y + cap);
        } else {
          ctx.moveTo(p.x, a);
          ctx.lineTo(p.x, b);
          ctx.moveTo(p.x - cap, a);
          ctx.lineTo(p.x + cap, a);
          ctx.moveTo(p.x - cap, b);
          ctx.lineTo(p.x + cap, b);
        }
        ctx.stroke();
      });
    });
    ctx.restore();
  },
};
