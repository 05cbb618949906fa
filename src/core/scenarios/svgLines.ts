// Lines with a shaded band (Figure 2 style: mean ‖h_w − h_l‖ ± std over checkpoints; also ID accuracy
// and OOD τ per checkpoint). Points with a NaN y break the line instead of drawing through zero.
import { esc, legend, linearScale, orZero, PALETTE, r2, svgDocument, valueAxis, type Box } from './svgCommon';

export interface LinePoint {
  readonly x: number;
  readonly y: number;
  /** Band half-width (e.g. std); NaN or absent = no band at this point. */
  readonly band?: number;
}

export interface LineSeries {
  readonly name: string;
  readonly points: readonly LinePoint[];
}

export interface LineBandSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
}

export function lineBandSvg(spec: LineBandSpec): string {
  const width = 640;
  const height = 360;
  const plot: Box = { left: 70, top: 36, width: width - 215, height: height - 96 };
  const pts = spec.series.flatMap((s) => s.points);
  const x = linearScale(
    pts.map((p) => p.x),
    plot.left,
    plot.left + plot.width,
  );
  const y = linearScale(
    pts.flatMap((p) => [p.y + orZero(p.band), p.y - orZero(p.band)]),
    plot.top + plot.height,
    plot.top,
  );
  const body = [...valueAxis(x, plot, 'x', spec.xLabel), ...valueAxis(y, plot, 'y', spec.yLabel)];
  spec.series.forEach((s, si) => {
    const color = PALETTE[si % PALETTE.length];
    for (const run of finiteRuns(s.points)) {
      const banded = run.filter((p) => Number.isFinite(p.band ?? NaN));
      if (banded.length >= 2) {
        const upper = banded.map((p) => `${r2(x(p.x))},${r2(y(p.y + (p.band ?? 0)))}`);
        const lower = banded
          .slice()
          .reverse()
          .map((p) => `${r2(x(p.x))},${r2(y(p.y - (p.band ?? 0)))}`);
        body.push(
          `<polygon class="band" data-series="${esc(s.name)}" points="${[...upper, ...lower].join(' ')}" fill="${color}" fill-opacity="0.18" stroke="none"/>`,
        );
      }
      const d = run.map((p, i) => `${i ? 'L' : 'M'}${r2(x(p.x))} ${r2(y(p.y))}`).join('');
      body.push(
        `<path class="line" data-series="${esc(s.name)}" d="${d}" fill="none" stroke="${color}" stroke-width="2"${si % 2 ? ' stroke-dasharray="6 3"' : ''}/>`,
      ); // dashed every other series, so overlapping curves stay visible
      for (const p of run)
        body.push(
          `<circle cx="${r2(x(p.x))}" cy="${r2(y(p.y))}" r="2.5" fill="${color}"><title>${esc(`${s.name} @ ${p.x}: ${p.y.toFixed(4)}`)}</title></circle>`,
        );
    }
  });
  body.push(
    ...legend(
      spec.series.map((s) => s.name),
      width - 135,
      48,
    ),
  );
  return svgDocument(width, height, spec.title, body);
}

/** Maximal runs of consecutive points with finite x and y. */
function finiteRuns(points: readonly LinePoint[]): LinePoint[][] {
  const runs: LinePoint[][] = [];
  let cur: LinePoint[] = [];
  for (const p of points) {
    if (Number.isFinite(p.x) && Number.isFinite(p.y)) cur.push(p);
    else if (cur.length) {
      runs.push(cur);
      cur = [];
    }
  }
  if (cur.length) runs.push(cur);
  return runs;
}
