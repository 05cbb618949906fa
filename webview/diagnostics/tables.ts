// The text twin of every chart: the same numbers as rows of strings, for screen readers and keyboard users.
// Pure (no DOM); rows that point into a dataset file carry `reveal`, rendered as an "Open" button.
import type { PanelState } from '../../src/protocol/panel';
import type { RunView, SetView } from './chartBase';
import {
  erankGapRows,
  fmt,
  fmtProportion,
  groupRows,
  hDiffBand,
  hNormBoxes,
  latestEval,
  lengthBaselineRows,
  metricSeries,
  type CurveKey,
} from './series';

export interface TableRow {
  readonly cells: readonly string[];
  readonly reveal?: { readonly file: string; readonly line: number };
}

export interface TableModel {
  readonly caption: string;
  readonly headers: readonly string[];
  readonly rows: readonly TableRow[];
}

/** An external scorer against the active model, per scored document. */
export function externalTable(ext: NonNullable<PanelState['external']>): TableModel {
  return {
    caption: `${ext.name} against ${ext.model ?? 'the active model'}: pairs scored by both, agreement and Kendall's τ of the margins`,
    headers: ['File', 'Pairs matched', 'Agreement', 'Kendall τ'],
    rows: ext.documents.map((d) => ({
      cells: [d.document, String(d.matched), `${(100 * d.agreement).toFixed(1)}%`, Number.isFinite(d.tau) ? fmt(d.tau, 3) : 'n/a'],
    })),
  };
}

export function curveTable(runs: readonly RunView[], key: CurveKey, name: string): TableModel {
  return {
    caption: `${name}: last logged value, minimum and maximum per run`,
    headers: ['Run', 'Points', 'Last step', 'Last', 'Min', 'Max'],
    rows: runs.map((v) => {
      const s = metricSeries(v.run.metrics, key);
      const ys = s.map((p) => p.y);
      const last = s[s.length - 1];
      return {
        cells: [
          v.label,
          String(s.length),
          last ? String(last.x) : '–',
          last ? fmt(last.y, 4) : '–',
          ys.length ? fmt(Math.min(...ys), 4) : '–',
          ys.length ? fmt(Math.max(...ys), 4) : '–',
        ],
      };
    }),
  };
}

export function rewardTable(sets: readonly SetView[]): TableModel {
  return {
    caption: 'Reward summaries on the selected eval set (mean ± std)',
    headers: ['Run', 'Pairs', 'Accuracy', 'Chosen r', 'Rejected r', 'Margin Δr'],
    rows: sets.flatMap(({ view, set }) =>
      set
        ? [
            {
              cells: [
                view.label,
                String(set.pairs),
                fmtProportion(set.accuracy),
                `${fmt(set.rewardChosen.mean)} ± ${fmt(set.rewardChosen.std)}`,
                `${fmt(set.rewardRejected.mean)} ± ${fmt(set.rewardRejected.std)}`,
                `${fmt(set.margin.mean)} ± ${fmt(set.margin.std)}`,
              ],
              reveal: { file: set.file, line: 1 },
            },
          ]
        : [],
    ),
  };
}

export function boxTable(runs: readonly RunView[]): TableModel {
  return {
    caption: '‖h‖ per eval set at the latest checkpoint (Tukey box statistics); cross-set shift = max − min of the medians',
    headers: ['Run · set', 'n', 'Median', 'Q1–Q3', 'Whiskers', 'Outliers', 'Var', 'Skew'],
    rows: runs.flatMap((v) => {
      const shift = latestEval(v.run)?.crossSetMedianShift;
      const rows: TableRow[] = hNormBoxes(v.run).map((r) => ({
        cells: [
          `${v.label} · ${r.name}`,
          String(r.box.n),
          fmt(r.box.median),
          `${fmt(r.box.q1)}–${fmt(r.box.q3)}`,
          `${fmt(r.box.whiskerLo)}–${fmt(r.box.whiskerHi)}`,
          String(r.box.outliers.length),
          fmt(r.box.variance),
          fmt(r.box.skew),
        ],
        reveal: { file: r.file, line: r.box.outlierLines?.[0] ?? 1 },
      }));
      if (shift !== undefined) rows.push({ cells: [`${v.label} · cross-set median shift`, '', fmt(shift), '', '', '', '', ''] });
      return rows;
    }),
  };
}

export function bandTable(runs: readonly RunView[], setName: string | undefined): TableModel {
  return {
    caption: `‖h_w − h_l‖ per checkpoint on ${setName ?? 'the selected set'}`,
    headers: ['Run · step', 'Pairs', 'Mean', 'Std'],
    rows: runs.flatMap((v) =>
      hDiffBand(v.run, setName).map((p) => ({ cells: [`${v.label} · ${p.step}`, String(p.n), fmt(p.mean), fmt((p.hi - p.lo) / 2)] })),
    ),
  };
}

export function groupTable(sets: readonly SetView[]): TableModel {
  const hidden = Math.max(...sets.map(({ set }) => groupRows(set).hidden), 0);
  return {
    caption: `Accuracy per group with 95% Wilson intervals${hidden > 0 ? ` (chart shows the 30 largest groups; ${hidden} more listed here)` : ''}`,
    headers: ['Run · group', 'Accuracy [95% CI] (n)'],
    rows: sets.flatMap(({ view, set }) =>
      groupRows(set, Number.MAX_SAFE_INTEGER).rows.map(
        (r) =>
          ({
            cells: [`${view.label} · ${r.label}`, fmtProportion(r.acc)],
            reveal: set ? { file: set.file, line: 1 } : undefined,
          }) as TableRow,
      ),
    ),
  };
}

export function kendallTable(sets: readonly SetView[]): TableModel {
  return {
    caption: "Kendall's τ-b between gold and model scores, per prompt",
    headers: ['Run', 'Prompts', 'Mean τ (NaN skipped)', 'NaN fraction'],
    rows: sets.map(({ view, set }) => {
      const k = set?.kendall;
      return {
        cells: k ? [view.label, String(k.prompts), fmt(k.mean), fmt(k.nanFraction)] : [view.label, '–', 'no gold scores in this set', '–'],
      };
    }),
  };
}

export function lengthTable(sets: readonly SetView[]): TableModel {
  return {
    caption: 'Reward vs response length: correlations, mean reward per length bin, and the length baselines',
    headers: ['Run · item', 'Value'],
    rows: sets.flatMap(({ view, set }) => {
      if (!set) return [];
      const lb = set.lengthBias;
      return [
        { cells: [`${view.label} · Pearson r(reward, length)`, fmt(lb.pearson)] },
        { cells: [`${view.label} · Spearman ρ(reward, length)`, fmt(lb.spearman)] },
        ...lb.bins.map((b) => ({
          cells: [`${view.label} · length ${fmt(b.lo, 0)}–${fmt(b.hi, 0)} (n=${b.n})`, `mean reward ${fmt(b.meanReward)}`],
        })),
        ...lengthBaselineRows(set).map((r) => ({ cells: [`${view.label} · ${r.label}`, fmtProportion(r.p)] })),
      ];
    }),
  };
}

export function erankTable(runs: readonly RunView[]): TableModel {
  return {
    caption: 'Effective rank of hidden states per eval set and its gap to the training sample (Table 1)',
    headers: ['Run · set', 'erank', 'Rows', 'Gap'],
    rows: runs.flatMap((v) =>
      erankGapRows(v.run).map((r) => ({ cells: [`${v.label} · ${r.name}`, fmt(r.erank, 2), String(r.rows), fmt(r.gap, 2)] })),
    ),
  };
}
