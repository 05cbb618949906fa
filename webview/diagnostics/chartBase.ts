// Shared chart.js setup: registration of only what we use, theme-driven base options, and mount(),
// which updates a chart in place when the canvas already has one (pushes arrive every ~500 ms).
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartType,
  type ScaleOptionsByType,
} from 'chart.js';
import type { EvalSetReport } from '../../src/core/report';
import type { RunSnapshot } from '../../src/protocol/panel';
import { boxWhiskerPlugin, errorBarPlugin } from './plugins';
import { fmt } from './series';
import type { Theme } from './theme';

Chart.register(BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

/** One run as the charts show it: a unique label and its colour. */
export interface RunView {
  readonly run: RunSnapshot;
  readonly label: string;
  readonly color: string;
}

/** One run's report on the selected eval set (undefined when that run has no such set). */
export interface SetView {
  readonly view: RunView;
  readonly set: EvalSetReport | undefined;
}

/** Called when a clicked element maps to a place in a dataset file. */
export type Reveal = (file: string, line: number) => void;

export { boxWhiskerPlugin, errorBarPlugin };

/** Creates the chart, or updates the canvas's existing chart of the same type without animation. */
export function mount<T extends ChartType>(canvas: HTMLCanvasElement, config: ChartConfiguration<T>): Chart<T> {
  const existing = Chart.getChart(canvas) as Chart<T> | undefined;
  if (existing && (existing.config as { type?: string }).type === config.type) {
    existing.data = config.data;
    existing.options = (config.options ?? {}) as typeof existing.options;
    existing.update('none');
    return existing;
  }
  existing?.destroy();
  return new Chart(canvas, config);
}

type LinearAxis = Partial<ScaleOptionsByType<'linear'>>;

const themed = (theme: Theme) => ({ grid: { color: theme.grid }, border: { color: theme.grid } });

/** A themed numeric axis with a title; ticks use the same short number format as the tables. */
export function axis(theme: Theme, title: string, extra: Record<string, unknown> = {}): LinearAxis {
  return {
    title: { display: title.length > 0, text: title, color: theme.muted },
    ...themed(theme),
    ticks: { color: theme.muted, callback: (v: number | string) => (typeof v === 'number' ? fmt(v, 4) : v) },
    ...extra,
  } as unknown as LinearAxis;
}

/** Long labels (run labels, group names are data of any length) are cut for the canvas; tables keep them whole. */
export function short(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A themed category axis (labels are data: chart.js draws them as canvas text, never HTML). */
export function categoryAxis(theme: Theme) {
  return {
    type: 'category' as const,
    ...themed(theme),
    ticks: {
      color: theme.muted,
      callback(this: { getLabelForValue(v: number): string }, value: number | string) {
        return short(this.getLabelForValue(Number(value)));
      },
    },
  };
}

/** Options every chart shares: no animation (pushes are frequent), theme colours and font, legend at the top. */
export function baseOptions(theme: Theme) {
  return {
    animation: false as const,
    responsive: true,
    maintainAspectRatio: false,
    color: theme.foreground,
    font: { family: theme.fontFamily, size: theme.fontSize - 1 },
    plugins: {
      legend: { position: 'top' as const, labels: { color: theme.foreground, boxWidth: 12, boxHeight: 12 } },
      tooltip: { intersect: false },
    },
  };
}

/** Applies the theme font to chart.js's global defaults (titles and ticks inherit them). */
export function applyThemeDefaults(theme: Theme): void {
  Chart.defaults.font.family = theme.fontFamily;
  Chart.defaults.font.size = theme.fontSize - 1;
  Chart.defaults.color = theme.foreground;
  Chart.defaults.borderColor = theme.grid;
}

/** Distinct legend labels: two runs with the same label get their run ids appended. */
export function uniqueLabels(runs: readonly RunSnapshot[]): string[] {
  const labels = runs.map((r) => r.label || r.runId);
  return labels.map((l, i) => (labels.indexOf(l) !== labels.lastIndexOf(l) ? `${l} (${runs[i]!.runId})` : l));
}

export { Chart };
