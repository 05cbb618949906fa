// Plain-text rendering of reports for the terminal. Numbers only; the panel draws the charts.
import type { EvalReport, EvalSetReport, Proportion } from '../core/report';
import { visibleControls } from '../core/text';

const f = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
export const pct = (p: Proportion) =>
  p.n > 0 ? `${(p.value * 100).toFixed(1)}% [${(p.lo * 100).toFixed(1)}, ${(p.hi * 100).toFixed(1)}] n=${p.n}` : 'n/a';

export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

export function formatSet(s: EvalSetReport): string {
  const lines = [`── ${s.name} (${s.file}): ${s.pairs} pairs${s.kendall ? `, ${s.kendall.prompts} ranked prompts` : ''}`];
  if (s.pairs > 0) {
    lines.push(`  accuracy          ${pct(s.accuracy)}`);
    lines.push(
      `  reward chosen     mean ${f(s.rewardChosen.mean)} ± ${f(s.rewardChosen.std)}   rejected ${f(s.rewardRejected.mean)} ± ${f(s.rewardRejected.std)}`,
    );
    lines.push(`  margin            mean ${f(s.margin.mean)} ± ${f(s.margin.std)}`);
    lines.push(`  ‖h_w − h_l‖       mean ${f(s.hDiffNorm.mean)} ± ${f(s.hDiffNorm.std)}, skew ${f(s.hDiffNorm.skew)}`);
    lines.push(
      `  length bias       pearson ${f(s.lengthBias.pearson)}, spearman ${f(s.lengthBias.spearman)}; pick-longer ${pct(s.lengthBias.pickLonger)}; pick-shorter ${pct(s.lengthBias.pickShorter)}`,
    );
  }
  lines.push(
    `  ‖h‖               median ${f(s.hNorm.median)}, IQR ${f(s.hNorm.iqr)}, var ${f(s.hNorm.variance, 4)}, skew ${f(s.hNorm.skew)}, outliers ${s.hNorm.outliers.length}`,
  );
  lines.push(
    `  decomposition     ‖W_p‖ ${f(s.decomposition.wpNorm)}, mean ‖h‖ ${f(s.decomposition.meanHNorm)}, mean cos ψ ${f(s.decomposition.meanCos)}, BT grad proxy ${f(s.decomposition.gradProxy, 4)}`,
  );
  lines.push(`  effective rank    ${f(s.erank, 2)} (${s.erankRows} rows)`);
  if (s.kendall)
    lines.push(
      `  Kendall τ-b       mean ${f(s.kendall.mean)} over ${s.kendall.prompts} prompts (${f(s.kendall.nanFraction * 100, 1)}% NaN)`,
    );
  if (s.rewardBench)
    lines.push(
      `  RewardBench       ${Object.entries(s.rewardBench.sections)
        .map(([k, v]) => `${k} ${f(v * 100, 1)}%`)
        .join(', ')}; score ${f(s.rewardBench.score * 100, 1)}%${s.rewardBench.complete ? '' : ' (not every subset present)'}`,
    );
  if (s.rewardBench2)
    lines.push(
      `  RewardBench 2     ${Object.entries(s.rewardBench2.subsets)
        .map(([k, v]) => `${k} ${f(v * 100, 1)}% (${s.rewardBench2!.rows[k]} rows)`)
        .join(
          ', ',
        )}; overall ${f(s.rewardBench2.overall * 100, 1)}%${s.rewardBench2.incomplete ? `; ${s.rewardBench2.incomplete} rows with a skipped completion left out` : ''}`,
    );
  if (s.rmBench)
    lines.push(
      `  RM-Bench          hard ${pct(s.rmBench.hard)}, normal ${pct(s.rmBench.normal)}, easy ${pct(s.rmBench.easy)}, overall ${f(s.rmBench.overall * 100, 1)}%`,
    );
  for (const [key, values] of Object.entries(s.byGroup)) {
    const entries = Object.entries(values).sort((a, b) => b[1].n - a[1].n);
    if (entries.length < 2 || entries.length > 30) continue;
    lines.push(`  by ${key}:`);
    for (const [v, p] of entries.slice(0, 12)) lines.push(`    ${JSON.stringify(v).slice(0, 40).padEnd(42)} ${pct(p)}`);
  }
  return lines.join('\n');
}

export function formatEval(r: EvalReport): string {
  const gaps = Object.entries(r.erankGap)
    .map(([k, v]) => `${k} ${v >= 0 ? '+' : ''}${f(v, 2)}`)
    .join(', ');
  // Set names, file names and group values come from the data: control characters are shown, not sent.
  return visibleControls(
    [...r.sets.map(formatSet), `cross-set median ‖h‖ shift: ${f(r.crossSetMedianShift)}; erank gap vs train: ${gaps || 'n/a'}`].join('\n'),
  );
}
