// Best-of-N as text: the CLI's terminal table and the Markdown tables of report.md and docs/results. Names from
// the data (set, file, group, gold field, model label) reach a terminal through oneLine and Markdown through
// escapeMarkdown/inlineCode only.
import { escapeMarkdown as md, inlineCode } from '../markdown';
import { oneLine } from '../text';
import type { BonMethod, BonPoint, BonReport, BonSetReport, GoldSpec } from './types';

const f = (v: number, d = 4) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');
const ci = (lo: number, hi: number, d = 4) => `[${f(lo, d)}, ${f(hi, d)}]`;

export const BON_COLUMNS = [
  'N',
  'prompts',
  'pick gold [95% CI]',
  'oracle gold',
  'random gold',
  'captured',
  'pick proxy',
  'pick length [95% CI]',
  'random length',
  'pick longest',
  'random longest',
] as const;

/**
 * The share of the oracle's headroom over a random pick that the proxy's pick captures: (pick − random) / (oracle −
 * random); 1 = as good as picking by gold, 0 = no better than chance. Each is a mean over the same prompts, so it
 * compares across N even where the prompts that can supply N responses change. NaN at N = 1 (no headroom).
 */
export function captured(p: Pick<BonPoint, 'pick' | 'oracle' | 'random'>): number {
  const room = p.oracle.gold - p.random.gold;
  return Math.abs(room) > 1e-12 ? (p.pick.gold - p.random.gold) / room : NaN;
}

/** One point as table cells, in BON_COLUMNS order. */
export function pointCells(p: BonPoint): string[] {
  return [
    String(p.n),
    String(p.prompts),
    `${f(p.pick.gold)} ${ci(p.pickGoldCi.lo, p.pickGoldCi.hi)}`,
    f(p.oracle.gold),
    f(p.random.gold),
    pct(captured(p)),
    f(p.pick.proxy),
    `${f(p.pick.length, 0)} ${ci(p.pickLengthCi.lo, p.pickLengthCi.hi, 0)}`,
    f(p.random.length, 0),
    pct(p.pick.longest),
    pct(p.random.longest),
  ];
}

/** "win_prob_vs_baseline (higher is better)", or "rank (lower is better; inverted for selection)". */
export function describeGold(g: GoldSpec): string {
  return `${g.fields.length ? g.fields.join(', ') : '(none)'} (${goldDirection(g)})`;
}

const goldDirection = (g: GoldSpec) =>
  g.higherIsBetter ? 'higher is better' : 'lower is better: negated for selection, reported in its own units';

export function describeMethod(m: BonMethod): string {
  return m.kind === 'exact'
    ? 'exact expectation over every N-subset of each prompt’s responses'
    : `${m.samples} seeded draws of N responses per prompt`;
}

const dropText = (d: Readonly<Record<string, number>>) =>
  Object.entries(d)
    .map(([why, n]) => `${n} ${why}`)
    .join('; ');

function alignRows(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === 0 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}

function setText(s: BonSetReport): string[] {
  const out = [
    `${oneLine(s.name, 200)} (${oneLine(s.file, 400)}): ${s.prompts} prompts, ${s.responses} responses (${s.minCandidates}–${s.maxCandidates} per prompt)`,
  ];
  if (Object.keys(s.dropped).length) out.push(`  left out: ${oneLine(dropText(s.dropped))}`);
  for (const c of s.curves) {
    out.push('', `  ${c.group === 'all' ? 'all prompts' : oneLine(c.group, 200)}`);
    if (c.points.length === 0) {
      out.push('    no prompt has enough responses for any N');
      continue;
    }
    out.push(...alignRows([[...BON_COLUMNS], ...c.points.map(pointCells)]).map((l) => `    ${l}`));
  }
  return out;
}

/** The terminal report of `reward-lens bon`. */
export function formatBonText(r: BonReport): string {
  const head = [
    `model: ${oneLine(r.model.label, 200)} (${oneLine(r.model.kind)}, ${oneLine(r.model.engine)})`,
    `gold: ${oneLine(describeGold(r.gold))}; length in characters; ${describeMethod(r.method)}`,
    `pick = the proxy's argmax of N, oracle = the gold argmax (ceiling), random = a uniform pick (floor); ties broken uniformly at random; captured = (pick − random) / (oracle − random)`,
    `95% CI: percentile bootstrap over prompts (${r.bootstrap} resamples, seed ${r.seed}); "longest" = share of picks that are the longest of the N drawn`,
  ];
  return [...head, ...r.sets.flatMap((s) => ['', ...setText(s)])].join('\n');
}

/** The gold sentence for Markdown: field names as inline code. */
export function goldMarkdown(g: GoldSpec): string {
  return `${g.fields.length ? g.fields.map((x) => inlineCode(x)).join(', ') : '(none)'} (${md(goldDirection(g))})`;
}
