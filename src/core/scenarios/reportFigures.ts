// The report's charts, built from the aggregate: Figure 4 (scenario bars and per-checkpoint curves),
// Figure 2 (‖h_w − h_l‖ over checkpoints), Figure 3 (‖h‖ box plots per split) and ‖W_p‖ over checkpoints.
import type { ScenarioAggregate } from './reportAggregate';
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
  const figs: Figure[] = [];
  if (a.columns.length) {
    figs.push({
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
    });
  }
  for (const c of a.columns) {
    figs.push({
      name: `checkpoints-${c.set}`,
      caption: `${label(c.set)} ${metricLabel(c.metric)} per checkpoint (mean over seeds, band ±1 std). Step 0 is the untrained model.`,
      svg: lineBandSvg({
        title: `${label(c.set)} ${metricLabel(c.metric)} per checkpoint`,
        xLabel: 'training step',
        yLabel: metricLabel(c.metric),
        series: a.objectives.map((o) => ({
          name: o,
          points: (a.checkpoints[o] ?? []).map((cp) => ({ x: cp.step, y: cp.metric[c.set]?.mean ?? NaN, band: cp.metric[c.set]?.std ?? NaN })),
        })),
      }),
    });
  }
  figs.push({
    name: 'fig2-hdiff',
    caption: `Figure 2: mean ‖h_w − h_l‖ over the pairs of the ${label(a.hDiffSet)} set per checkpoint (mean over seeds); band = the within-set std (mean over seeds).`,
    svg: lineBandSvg({
      title: `‖h_w − h_l‖ per checkpoint (${label(a.hDiffSet)})`,
      xLabel: 'training step',
      yLabel: '‖h_w − h_l‖',
      series: a.objectives.map((o) => ({ name: o, points: (a.checkpoints[o] ?? []).map((cp) => ({ x: cp.step, y: cp.hDiffMean.mean, band: cp.hDiffStd.mean })) })),
    }),
  });
  if (a.normSets.length) {
    figs.push({
      name: 'fig3-hnorm',
      caption: 'Figure 3: ‖h‖ per split at the final checkpoint. Box = IQR, line = median, whiskers = Tukey; each statistic is the mean over seeds (outliers omitted).',
      svg: horizontalBoxesSvg({
        title: '‖h‖ per split (final checkpoint)',
        categories: a.normSets.map(label),
        series: a.objectives.map((o) => ({
          name: o,
          boxes: a.normSets.map((set) => {
            const b = a.hNorm[o]?.[set];
            return b ? { median: b.median.mean, q1: b.q1.mean, q3: b.q3.mean, whiskerLo: b.whiskerLo.mean, whiskerHi: b.whiskerHi.mean } : undefined;
          }),
        })),
        xLabel: '‖h(x, y)‖',
      }),
    });
  }
  figs.push({
    name: 'wpnorm',
    caption: '‖W_p‖ per checkpoint (Figure 1\'s quantity; mean over seeds, band ±1 std).',
    svg: lineBandSvg({
      title: '‖W_p‖ per checkpoint',
      xLabel: 'training step',
      yLabel: '‖W_p‖',
      series: a.objectives.map((o) => ({ name: o, points: (a.checkpoints[o] ?? []).map((cp) => ({ x: cp.step, y: cp.wpNorm.mean, band: cp.wpNorm.std })) })),
    }),
  });
  return figs;
}
