// Shared pieces of the report's SVG charts: linear scales with round ticks, escaping, the palette, the
// frame (title, axes, grid) and the legend. Charts are static files (report.md embeds them; rsvg-convert
// turns them into PNG), so they carry their own fonts and colours and no script.
import { escapeHtml } from '../escapeHtml';

export const esc = escapeHtml;

/** Colour-blind-safe (Okabe-Ito), first two close to the paper's blue (BT) and green (BSR). */
export const PALETTE = ['#0072B2', '#009E73', '#E69F00', '#CC79A7', '#D55E00', '#56B4E9', '#F0E442', '#000000'];

export const FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"';

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface Scale {
  (v: number): number;
  readonly domain: readonly [number, number];
  readonly ticks: readonly number[];
}

/** Round tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k, about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return [0, 1];
  // A range that is empty or below float resolution (all seeds equal to 1e-15) gets padding, else the step would
  // be too small to advance k·step and the loop below would never end.
  const scale = Math.max(Math.abs(lo), Math.abs(hi));
  if (hi - lo <= scale * 1e-9) {
    const pad = scale > 0 ? scale * 0.01 : 0.5;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.floor(lo / step);
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const ticks: number[] = [];
  // Up to and including the first tick at or above hi, so the axis always covers the data. Ticks are computed
  // from an integer index and rounded, so no 5.6e-17 appears where 0 is meant.
  for (let k = first; ticks.length < 2 || ((ticks[ticks.length - 1] as number) < hi - step * 1e-9 && ticks.length < 50); k++)
    ticks.push(Number((k * step).toFixed(decimals)) || 0);
  return ticks;
}

/** A linear scale from the tick-rounded data range onto [r0, r1] (pixels). */
export function linearScale(values: readonly number[], r0: number, r1: number, include: readonly number[] = []): Scale {
  const finite = [...values, ...include].filter(Number.isFinite);
  const lo = finite.length ? Math.min(...finite) : 0;
  const hi = finite.length ? Math.max(...finite) : 1;
  const ticks = niceTicks(lo, hi);
  const d0 = ticks[0] as number;
  const d1 = ticks[ticks.length - 1] as number;
  const f = ((v: number) => r0 + ((v - d0) / (d1 - d0 || 1)) * (r1 - r0)) as Scale;
  return Object.assign(f, { domain: [d0, d1] as const, ticks });
}

export function fmtTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1000 || a < 0.01 ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

export const r2 = (v: number) => Math.round(v * 100) / 100;

/** A band or error half-width that may be unknown (one seed has no std): unknown draws nothing and counts as 0. */
export const orZero = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : 0);

/** The document wrapper: white background, a title line, and the body. */
export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** A value axis with grid lines: vertical (y, ticks on the left) or horizontal (x, ticks at the bottom). */
export function valueAxis(scale: Scale, plot: Box, orient: 'y' | 'x', label: string): string[] {
  const out: string[] = [];
  for (const t of scale.ticks) {
    const p = r2(scale(t));
    if (orient === 'y') {
      out.push(`<line x1="${plot.left}" y1="${p}" x2="${plot.left + plot.width}" y2="${p}" stroke="#e0e0e0"/>`);
      out.push(`<text x="${plot.left - 6}" y="${p + 4}" text-anchor="end">${esc(fmtTick(t))}</text>`);
    } else {
      out.push(`<line x1="${p}" y1="${plot.top}" x2="${p}" y2="${plot.top + plot.height}" stroke="#e0e0e0"/>`);
      out.push(`<text x="${p}" y="${plot.top + plot.height + 16}" text-anchor="middle">${esc(fmtTick(t))}</text>`);
    }
  }
  out.push(`<rect x="${plot.left}" y="${plot.top}" width="${plot.width}" height="${plot.height}" fill="none" stroke="#555555"/>`);
  if (orient === 'y') {
    const cy = plot.top + plot.height / 2;
    out.push(`<text x="14" y="${cy}" text-anchor="middle" transform="rotate(-90 14 ${cy})">${esc(label)}</text>`);
  } else {
    out.push(`<text x="${plot.left + plot.width / 2}" y="${plot.top + plot.height + 34}" text-anchor="middle">${esc(label)}</text>`);
  }
  return out;
}

/** One legend row per series, top-right inside the canvas. Each entry is a <g> with data-series for tests and tools. */
export function legend(names: readonly string[], x: number, y: number): string[] {
  return names.map((name, i) => {
    const color = PALETTE[i % PALETTE.length];
    const yy = y + i * 16;
    return `<g class="legend" data-series="${esc(name)}"><rect x="${x}" y="${yy - 9}" width="10" height="10" fill="${color}"/><text x="${x + 14}" y="${yy}">${esc(name)}</text></g>`;
  });
}
