// Grouped bars with error bars (Figure 4 style): one group per scenario, one bar per objective,
// error bar = ±std over seeds. A missing value draws no bar, and the label says "n/a".
import { esc, legend, linearScale, orZero, PALETTE, r2, svgDocument, valueAxis, type Box } from './svgCommon';

export interface BarSeries {
  readonly name: string;
  /** One value per group; NaN = missing. */
  readonly values: readonly number[];
  /** ± half-widths; NaN or absent = no error bar. */
  readonly errors?: readonly number[];
}

export interface GroupedBarsSpec {
  readonly title: string;
  readonly groups: readonly string[];
  readonly series: readonly BarSeries[];
  readonly yLabel: string;
}

/** @example groupedBarsSvg({ title: 'τ', groups: ['P', 'M'], series: [{ name: 'bt', values: [0.6, 0.5] }], yLabel: 'τ' }) */
export function groupedBarsSvg(spec: GroupedBarsSpec): string {
  const width = 210 + spec.groups.length * Math.max(140, 26 * spec.series.length + 30);
  const height = 340;
  const plot: Box = { left: 70, top: 36, width: width - 210, height: height - 96 };
  const all = spec.series.flatMap((s) => s.values.flatMap((v, i) => [v + orZero(s.errors?.[i]), v - orZero(s.errors?.[i])]));
  const y = linearScale(all, plot.top + plot.height, plot.top, [0]);
  const body = valueAxis(y, plot, 'y', spec.yLabel);
  const groupW = plot.width / Math.max(1, spec.groups.length);
  const barW = Math.min(28, (groupW - 20) / Math.max(1, spec.series.length));
  spec.groups.forEach((g, gi) => {
    const gx = plot.left + gi * groupW;
    body.push(`<text x="${r2(gx + groupW / 2)}" y="${plot.top + plot.height + 16}" text-anchor="middle">${esc(g)}</text>`);
    spec.series.forEach((s, si) => {
      const v = s.values[gi] ?? NaN;
      const x = r2(gx + (groupW - barW * spec.series.length) / 2 + si * barW);
      if (!Number.isFinite(v)) {
        body.push(`<text x="${r2(x + barW / 2)}" y="${r2(y(0) - 4)}" text-anchor="middle" font-size="9">n/a</text>`);
        return;
      }
      const y0 = y(0);
      const yv = y(v);
      const color = PALETTE[si % PALETTE.length];
      const bar = `<rect class="bar" data-series="${esc(s.name)}" data-group="${esc(g)}" data-value="${v}" x="${x}" y="${r2(Math.min(y0, yv))}" width="${r2(barW - 2)}" height="${r2(Math.abs(y0 - yv))}" fill="${color}"><title>${esc(`${s.name} · ${g}: ${v.toFixed(4)}`)}</title></rect>`;
      body.push(bar);
      const e = s.errors?.[gi] ?? NaN;
      if (Number.isFinite(e) && e > 0) {
        const cx = r2(x + (barW - 2) / 2);
        body.push(
          `<path class="error" d="M${cx} ${r2(y(v - e))}V${r2(y(v + e))}M${r2(cx - 4)} ${r2(y(v - e))}H${r2(cx + 4)}M${r2(cx - 4)} ${r2(y(v + e))}H${r2(cx + 4)}" stroke="#222222" fill="none"/>`,
        );
      }
    });
  });
  body.push(
    ...legend(
      spec.series.map((s) => s.name),
      width - 130,
      48,
    ),
  );
  return svgDocument(width, height, spec.title, body);
}
