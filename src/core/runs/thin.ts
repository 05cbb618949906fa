/** The most points a chart gets per series: enough for any panel width, small enough to post every 500 ms. */
export const MAX_CHART_POINTS = 2000;

/** Keeps at most `max` points, evenly spaced, always including the last one. */
export function thin<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  const out: T[] = [];
  const stride = (xs.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(xs[Math.round(i * stride)]!);
  return out;
}
