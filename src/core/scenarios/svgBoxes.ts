// Horizontal box plots (Figure 3 style): one row per split (train at the top), one box per objective
// within a row; median line, IQR box, Tukey whiskers, and outlier circles when given.
import { esc, legend, linearScale, PALETTE, r2, svgDocument, valueAxis, type Box } from './svgCommon';

export interface BoxLike {
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
  readonly whiskerLo: number;
  readonly whiskerHi: number;
  readonly outliers?: readonly number[];
}

export interface BoxSeries {
  readonly name: string;
  /** One box per category; undefined = missing (nothing drawn). */
  readonly boxes: readonly (BoxLike | undefined)[];
}

export interface HorizontalBoxesSpec {
  readonly title: string;
  readonly categories: readonly string[];
  readonly series: readonly BoxSeries[];
  readonly xLabel: string;
}

const finiteBox = (b: BoxLike | undefined): b is BoxLike =>
  b !== undefined && [b.median, b.q1, b.q3, b.whiskerLo, b.whiskerHi].every(Number.isFinite);

export function horizontalBoxesSvg(spec: HorizontalBoxesSpec): string {
  const rowH = Math.max(36, 22 * spec.series.length + 12);
  const width = 680;
  const height = 96 + rowH * spec.categories.length;
  const plot: Box = { left: 110, top: 36, width: width - 260, height: rowH * spec.categories.length };
  const boxes = spec.series.flatMap((s) => s.boxes.filter(finiteBox));
  const x = linearScale(
    boxes.flatMap((b) => [b.whiskerLo, b.whiskerHi, ...(b.outliers ?? [])]),
    plot.left,
    plot.left + plot.width,
  );
  const body = valueAxis(x, plot, 'x', spec.xLabel);
  const boxH = Math.min(16, (rowH - 12) / Math.max(1, spec.series.length));
  spec.categories.forEach((cat, ci) => {
    const rowTop = plot.top + ci * rowH;
    body.push(`<text x="${plot.left - 8}" y="${r2(rowTop + rowH / 2 + 4)}" text-anchor="end">${esc(cat)}</text>`);
    if (ci > 0) body.push(`<line x1="${plot.left}" y1="${rowTop}" x2="${plot.left + plot.width}" y2="${rowTop}" stroke="#f0f0f0"/>`);
    spec.series.forEach((s, si) => {
      const b = s.boxes[ci];
      if (!finiteBox(b)) return;
      const color = PALETTE[si % PALETTE.length];
      const top = r2(rowTop + 6 + si * ((rowH - 12) / spec.series.length));
      const mid = r2(top + boxH / 2);
      const [lo, q1, med, q3, hi] = [b.whiskerLo, b.q1, b.median, b.q3, b.whiskerHi].map((v) => r2(x(v)));
      body.push(
        `<g class="box" data-series="${esc(s.name)}" data-category="${esc(cat)}" data-median="${b.median}">` +
          `<title>${esc(`${s.name} · ${cat}: median ${b.median.toFixed(3)}, IQR [${b.q1.toFixed(3)}, ${b.q3.toFixed(3)}]`)}</title>` +
          `<line x1="${lo}" y1="${mid}" x2="${q1}" y2="${mid}" stroke="${color}"/>` +
          `<line x1="${q3}" y1="${mid}" x2="${hi}" y2="${mid}" stroke="${color}"/>` +
          `<line x1="${lo}" y1="${r2(top + 2)}" x2="${lo}" y2="${r2(top + boxH - 2)}" stroke="${color}"/>` +
          `<line x1="${hi}" y1="${r2(top + 2)}" x2="${hi}" y2="${r2(top + boxH - 2)}" stroke="${color}"/>` +
          `<rect x="${q1}" y="${top}" width="${r2(Math.max(1, (q3 ?? 0) - (q1 ?? 0)))}" height="${r2(boxH)}" fill="${color}" fill-opacity="0.3" stroke="${color}"/>` +
          `<line x1="${med}" y1="${top}" x2="${med}" y2="${r2(top + boxH)}" stroke="${color}" stroke-width="2.5"/>` +
          (b.outliers ?? []).map((o) => `<circle cx="${r2(x(o))}" cy="${mid}" r="2" fill="none" stroke="${color}"/>`).join('') +
          '</g>',
      );
    });
  });
  body.push(
    ...legend(
      spec.series.map((s) => s.name),
      width - 140,
      48,
    ),
  );
  return svgDocument(width, height, spec.title, body);
}
