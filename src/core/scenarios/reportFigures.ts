// The report's charts, built from the aggregate: Figure 4 (scenario bars and per-checkpoint curves),
// Figure 2 (‖h_w − h_l‖ over checkpoints), Figure 3 (‖h‖ box plots per split) and ‖W_p‖ over checkpoints.
import type { Column, ScenarioAggregate } from './reportAggregate';
import { groupedBarsSvg } from './svgBars';
import { horizontalBoxesSvg } from './svgBoxes';
import { lineBandSvg } from './svgLines';

export interface Figure {
  /** File stem under figures/ (svg, and png when converted). */
  readonly name: string;
  readonly caption: string;
  readonly svg: string;
}

export const SET_LABELS: Readonly<Record<string, string>> = {
  train: 'Train (sample)',
  'in-domain': 'In-Domain',
  'prompt-ood': 'Prompt-OOD',
  'response-ood': 'Response-OOD',
  'mutual-ood': 'Mutual-OOD',
};

export const label = (set: string) => SET_LABELS[set] ?? set;
export const metricLabel = (m: 'accuracy' | 'kendall') => (m === 'kendall' ? 'τ-b' : 'acc');

export function scenarioFigures(a: ScenarioAggregate): Figure[] {
  return [
    ...(a.columns.length ? [scenarioBarsFigure(a)] : []),
    ...a.columns.map((c) => checkpointFigure(a, c)),
    hDiffFigure(a),
    ...(a.normSets.length ? [hNormFigure(a)] : []),
    wpNormFigure(a),
  ];
}

/** Figure 4's bars: the final checkpoint per scenario. */
function scenarioBarsFigure(a: ScenarioAggregate): Figure {
  return {
    name: 'fig4-scenarios',
    caption: 'Final checkpoint per scenario (Table 5 / Figure 4): bars = mean over seeds, error bars = ±1 sample std.',
    svg: groupedBarsSvg({
      title: 'Generalization scenarios (final checkpoint)',
      groups: a.columns.map((c) => `${label(c.set)} ${metricLabel(c.metric)}`),
      series: a.objectives.map((o) => ({
        name: o,
        values: a.columns.map((c) => a.table[o]?.[c.set]?.mean ?? NaN),
        errors: a.columns.map((c) => a.table[o]?.[c.set]?.std ?? NaN),
      })),
      yLabel: 'accuracy / Kendall τ-b',
    }),
  };
}

/** One scenario's metric per checkpoint. */
function checkpointFigure(a: ScenarioAggregate, c: Column): Figure {
  return {
    name: `checkpoints-${c.set}`,
    caption: `${label(c.set)} ${metricLabel(c.metric)} per checkpoint (mean over seeds, band ±1 std). Step 0 is the untrained model.`,
    svg: lineBandSvg({
      title: `${label(c.set)} ${metricLabel(c.metric)} per checkpoint`,
      xLabel: 'training step',
      yLabel: metricLabel(c.metric),
      series: a.objectives.map((o) => ({
        name: o,
        points: (a.checkpoints[o] ?? []).map((cp) => ({
          x: cp.step,
          y: cp.metric[c.set]?.mean ?? NaN,
          band: cp.metric[c.set]?.std ?? NaN,
        })),
      })),
    }),
  };
}

/** Figure 2: ‖h_w − h_l‖ per checkpoint. */
function hDiffFigure(a: ScenarioAggregate): Figure {
  return {
    name: 'fig2-hdiff',
    caption: `Figure 2: mean ‖h_w − h_l‖ over the pairs of the ${label(a.hDiffSet)} set per checkpoint (mean over seeds); band = the within-set std (mean over seeds).`,
    svg: lineBandSvg({
      title: `‖h_w − h_l‖ per checkpoint (${label(a.hDiffSet)})`,
      xLabel: 'training step',
      yLabel: '‖h_w − h_l‖',
      series: a.objectives.map((o) => ({
        name: o,
        points: (a.checkpoints[o] ?? []).map((cp) => ({ x: cp.step, y: cp.hDiffMean.mean, band: cp.hDiffStd.mean })),
      })),
    }),
  };
}

/** Figure 3: ‖h‖ box plots per split. */
function hNormFigure(a: ScenarioAggregate): Figure {
  return {
    name: 'fig3-hnorm',
    caption:
      'Figure 3: ‖h‖ per split at the final checkpoint. Box = IQR, line = median, whiskers = Tukey; each statistic is the mean over seeds (outliers omitted).',
    svg: horizontalBoxesSvg({
      title: '‖h‖ per split (final checkpoint)',
      categories: a.normSets.map(label),
      series: a.objectives.map((o) => ({
        name: o,
        boxes: a.normSets.map((set) => {
          const b = a.hNorm[o]?.[set];
          return b
            ? { median: b.median.mean, q1: b.q1.mean, q3: b.q3.mean, whiskerLo: b.whiskerLo.mean, whiskerHi: b.whiskerHi.mean }
            : undefined;
        }),
      })),
      xLabel: '‖h(x, y)‖',
    }),
  };
}

/** ‖W_p‖ per checkpoint. */
function wpNormFigure(a: ScenarioAggregate): Figure {
  return {
    name: 'wpnorm',
    caption: "‖W_p‖ per checkpoint (Figure 1's quantity; mean over seeds, band ±1 std).",
    svg: lineBandSvg({
      title: '‖W_p‖ per checkpoint',
      xLabel: 'training step',
      yLabel: '‖W_p‖',
      series: a.objectives.map((o) => ({
        name: o,
        points: (a.checkpoints[o] ?? []).map((cp) => ({ x: cp.step, y: cp.wpNorm.mean, band: cp.wpNorm.std })),
      })),
    }),
  };
}
