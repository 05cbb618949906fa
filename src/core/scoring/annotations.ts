// ScoreResult (from the worker) → per-line view models for CodeLens, end-of-line decorations, hovers and
// Problems. Pure: the host adapters only convert these models to vscode objects. Numbers only: dataset
// text never appears here (it is untrusted), and ids are escaped before they reach Markdown.
import type { ScoreResult, ScoredGroup, ScoredRow } from '../../protocol/trainer';
import { isColumns, marginAt, rowAt, toColumns, type ScoredRowColumns, type ScoreReply } from '../../protocol/scoredRows';
import { escapeMarkdown } from '../markdown';
import type { ExternalPairScore } from './external';
import { oneLine } from '../text';

export type LineStatus = 'correct' | 'wrong' | 'mixed' | 'group' | 'invalid';

export interface ProblemModel {
  readonly line: number;
  readonly severity: 'warning' | 'information';
  readonly message: string;
  /** The field at fault, so the host can underline it rather than the whole line. */
  readonly field?: string;
  /** Stable code for the Problems panel ("misranked", "missing-field", …). */
  readonly code: string;
}

export interface LineAnnotation {
  /** 1-based line. */
  readonly line: number;
  readonly status: LineStatus;
  /** CodeLens title, e.g. "✓ r(chosen) 1.23 · r(rejected) -0.40 · margin +1.63". */
  readonly title: string;
  /** Short end-of-line text, e.g. "✓ 1.23 / -0.40  Δ +1.63". */
  readonly inlineText: string;
  /** Hover body (Markdown, trusted = false). */
  readonly hoverMarkdown: string;
  readonly problems: readonly ProblemModel[];
}

export interface AnnotateOptions {
  /** Report mis-ranked pairs in the Problems panel (rewardLens.scoring.reportMisranked). */
  readonly reportMisranked: boolean;
  /** Digits after the decimal point. */
  readonly digits?: number;
  /** An external scorer's scores of the same pairs, shown in the hover next to the active model's. */
  readonly external?: { readonly name: string; get(id: string): ExternalPairScore | undefined };
}

const sign = (x: number, d: number) => (x >= 0 ? '+' : '') + x.toFixed(d);
const mark = (ok: boolean) => (ok ? '✓' : '✗');

export const UNTRAINED_NOTE =
  "⚠ **Untrained reward head**: this backbone has no score head, so W_p is a fresh random vector. Rewards and margins mean nothing yet; ‖h‖ is the backbone's own.";

/**
 * Turns a worker ScoreResult into one annotation per line (pairs, multi-response groups, skipped rows).
 * A line holding several pairs (RM-Bench's 3×3) gets one aggregate annotation.
 * @example annotateScores(result, { reportMisranked: true })[0].title // "✓ r(chosen) 1.23 · r(rejected) -0.40 · margin +1.63"
 */
export function annotateScores(result: ScoreResult | ScoreReply, opts: AnnotateOptions): LineAnnotation[] {
  const d = opts.digits ?? 2;
  const out: LineAnnotation[] = [];
  // A backbone with a fresh head scores noise: say so on every hover, and list no "mis-ranked" pairs for it.
  const untrained = result.model.headTrained === false;
  const ctx: HoverContext = {
    wpNorm: result.wpNorm,
    digits: d,
    untrained,
    reportMisranked: opts.reportMisranked && !untrained,
    ...(opts.external ? { external: opts.external } : {}),
  };
  out.push(...pairAnnotations(isColumns(result.rows) ? result.rows : toColumns(result.rows), ctx));
  for (const g of result.groups) out.push(groupAnnotation(g, d));
  for (const t of result.ties ?? []) out.push(tieAnnotation(t.line, t.label));
  for (const s of result.skipped) {
    const what = oneLine(s.field ? `${s.reason} '${s.field}'` : s.reason, 200);
    out.push({
      line: s.line,
      status: 'invalid',
      title: `⚠ row skipped: ${what}`,
      inlineText: `⚠ skipped: ${what}`,
      hoverMarkdown: `**Reward Lens** · row skipped (${escapeMarkdown(what)})\n\n${escapeMarkdown(s.detail)}`,
      problems: [
        { line: s.line, severity: 'warning', code: s.reason, field: s.field, message: oneLine(`Row skipped (${what}): ${s.detail}`, 500) },
      ],
    });
  }
  return out.sort((a, b) => a.line - b.line);
}

/**
 * One annotation a line (a line may hold several pairs: RM-Bench's 3×3): runs of one line, taken in line order. The
 * worker sends rows in line order, so the order is usually the rows' own; no map of every line is made.
 */
function pairAnnotations(cols: ScoredRowColumns, ctx: HoverContext): LineAnnotation[] {
  const { lines, count } = cols;
  const order = Array.from({ length: count }, (_, i) => i);
  if (order.some((i) => i > 0 && lines[i]! < lines[i - 1]!)) order.sort((a, b) => lines[a]! - lines[b]!); // stable
  const out: LineAnnotation[] = [];
  for (let i = 0; i < count; ) {
    let j = i + 1;
    while (j < count && lines[order[j]!] === lines[order[i]!]) j++;
    const first = order[i]!;
    out.push(
      j === i + 1
        ? new PairAnnotation(cols, first, ctx)
        : multiPairAnnotation(
            lines[first]!,
            order.slice(i, j).map((k) => rowAt(cols, k)),
            ctx,
          ),
    );
    i = j;
  }
  return out;
}

/** What every pair annotation of one scored chunk shares (one object per chunk, not per row). */
interface HoverContext {
  readonly wpNorm: number;
  readonly digits: number;
  readonly untrained: boolean;
  readonly reportMisranked: boolean;
  readonly external?: AnnotateOptions['external'];
}

/** A row's hover as shown: the untrained-head warning first, the external scorer's view last. */
function decoratedHover(md: string, rows: readonly ScoredRow[], ctx: HoverContext): string {
  const ext = ctx.external ? `\n\n${externalLines(rows, ctx.external)}` : '';
  return `${ctx.untrained ? `${UNTRAINED_NOTE}\n\n` : ''}${md}${ext}`;
}

const NO_PROBLEMS: readonly ProblemModel[] = Object.freeze([]);

/**
 * A pair's annotation, its strings built when read, each time (nothing is kept). Scoring a 100,000-line file makes an
 * annotation per row but shows a few hundred lenses and a hover or two: building every title and hover up front
 * (~1.5 KB of two-byte strings a row, kept in the store) took 3× the time and kept the extension host's garbage
 * collector busy for up to 90–130 ms at a time.
 */
class PairAnnotation implements LineAnnotation {
  readonly line: number;
  readonly status: LineStatus;
  readonly problems: readonly ProblemModel[];
  /** Row `i` of the chunk's columns (scoredRows.ts): the numbers stay there, unboxed, until a string is asked for. */
  constructor(
    private readonly cols: ScoredRowColumns,
    private readonly i: number,
    private readonly ctx: HoverContext,
  ) {
    const margin = marginAt(cols, i);
    this.line = cols.lines[i]!;
    this.status = margin > 0 ? 'correct' : 'wrong';
    this.problems = margin <= 0 && ctx.reportMisranked ? [misranked(this.line, margin, ctx.digits)] : NO_PROBLEMS;
  }
  get title(): string {
    const r = rowAt(this.cols, this.i);
    const d = this.ctx.digits;
    const m = r.rChosen - r.rRejected;
    return `${mark(m > 0)} r(chosen) ${r.rChosen.toFixed(d)} · r(rejected) ${r.rRejected.toFixed(d)} · margin ${sign(m, d)}`;
  }
  get inlineText(): string {
    const r = rowAt(this.cols, this.i);
    const d = this.ctx.digits;
    const m = r.rChosen - r.rRejected;
    return `${mark(m > 0)} ${r.rChosen.toFixed(d)} / ${r.rRejected.toFixed(d)}  Δ ${sign(m, d)}`;
  }
  get hoverMarkdown(): string {
    const r = rowAt(this.cols, this.i);
    return decoratedHover(pairHover(r, this.ctx.wpNorm), [r], this.ctx);
  }
}

/** The external scorer's view of the row's pairs: its rewards and margin, and whether it agrees with the active model. */
function externalLines(rows: readonly ScoredRow[], ext: NonNullable<AnnotateOptions['external']>): string {
  const name = escapeMarkdown(oneLine(ext.name, 80));
  const seen = rows.map((r) => ({ r, e: ext.get(r.id) })).filter((x) => x.e !== undefined);
  if (seen.length === 0) return `External scorer ${name}: no score for this row`;
  const agrees = (r: ScoredRow, e: ExternalPairScore) =>
    Math.sign(r.rChosen - r.rRejected) !== 0 && Math.sign(r.rChosen - r.rRejected) === Math.sign(e.margin);
  if (rows.length === 1) {
    const { r, e } = seen[0]!;
    const side =
      e!.rChosen !== undefined && e!.rRejected !== undefined
        ? `r(chosen) ${e!.rChosen.toFixed(3)} · r(rejected) ${e!.rRejected.toFixed(3)} · `
        : '';
    return `External scorer ${name}: ${side}margin ${sign(e!.margin, 3)} · ${agrees(r, e!) ? '✓ agrees with the active model' : '✗ disagrees with the active model'}`;
  }
  const k = seen.filter(({ r, e }) => agrees(r, e!)).length;
  return `External scorer ${name}: agrees with the active model on ${k}/${seen.length} pairs of this row`;
}

function pairHover(r: ScoredRow, wpNorm: number): string {
  const margin = r.rChosen - r.rRejected;
  const ok = margin > 0;
  const pct = (p: number) => (Number.isFinite(p) ? ` (p${Math.round(p)})` : '');
  return [
    `**Reward Lens** · pair ${escapeMarkdown(r.id)} ${mark(ok)} ${ok ? 'model agrees with the label' : 'model prefers the rejected response'}`,
    '',
    '| | chosen | rejected |',
    '|---|---:|---:|',
    `| reward r | ${r.rChosen.toFixed(3)} | ${r.rRejected.toFixed(3)} |`,
    Number.isFinite(r.hPctChosen)
      ? `| ‖h‖ (percentile in training) | ${r.hNormChosen.toFixed(3)}${pct(r.hPctChosen)} | ${r.hNormRejected.toFixed(3)}${pct(r.hPctRejected)} |`
      : `| ‖h‖ | ${r.hNormChosen.toFixed(3)} | ${r.hNormRejected.toFixed(3)} |`,
    `| cos ψ (h vs W_p) | ${r.cosChosen.toFixed(3)} | ${r.cosRejected.toFixed(3)} |`,
    '',
    `margin r_w − r_l = **${sign(margin, 3)}**`,
    ...(r.truncated
      ? ['', `✂ truncated to fit the model: chosen ${cutText(r.truncated.chosen)}, rejected ${cutText(r.truncated.rejected)}`]
      : []),
    '',
    `Decomposition r = ‖W_p‖·‖h‖·cos ψ with ‖W_p‖ = ${wpNorm.toFixed(3)}: ` +
      `chosen ${wpNorm.toFixed(3)}·${r.hNormChosen.toFixed(3)}·${r.cosChosen.toFixed(3)}, ` +
      `rejected ${wpNorm.toFixed(3)}·${r.hNormRejected.toFixed(3)}·${r.cosRejected.toFixed(3)}`,
  ].join('\n');
}

const cutText = ([prompt, response]: readonly [number, number]) =>
  prompt + response === 0 ? 'nothing cut' : `${prompt} prompt tokens (from the left), ${response} response tokens (from the right)`;

function multiPairAnnotation(line: number, rows: readonly ScoredRow[], ctx: HoverContext): LineAnnotation {
  const d = ctx.digits;
  const margins = rows.map((r) => r.rChosen - r.rRejected);
  const right = margins.filter((m) => m > 0).length;
  const mean = margins.reduce((a, b) => a + b, 0) / margins.length;
  const status: LineStatus = right === rows.length ? 'correct' : right === 0 ? 'wrong' : 'mixed';
  const table = rows.map(
    (r, i) =>
      `| ${escapeMarkdown(r.id)} | ${r.rChosen.toFixed(3)} | ${r.rRejected.toFixed(3)} | ${sign(margins[i]!, 3)} ${mark(margins[i]! > 0)} |`,
  );
  return {
    line,
    status,
    title: `${right}/${rows.length} pairs ✓ · mean margin ${sign(mean, d)}`,
    inlineText: `${right}/${rows.length} ✓  Δ̄ ${sign(mean, d)}`,
    hoverMarkdown: decoratedHover(
      [
        '**Reward Lens** · ' + `${rows.length} pairs on this row`,
        '',
        '| pair | r(chosen) | r(rejected) | margin |',
        '|---|---:|---:|---:|',
        ...table,
      ].join('\n'),
      rows,
      ctx,
    ),
    problems: right < rows.length && ctx.reportMisranked ? [misranked(line, mean, d, rows.length - right, rows.length)] : [],
  };
}

/** A row whose label is a tie: counted, not scored (a tie says neither response is preferred). */
function tieAnnotation(line: number, label: string): LineAnnotation {
  const shown = oneLine(label, 40);
  return {
    line,
    status: 'group',
    title: `= tie (${shown}): counted, not scored`,
    inlineText: '= tie',
    hoverMarkdown: `**Reward Lens** · this row's label is a tie (${escapeMarkdown(shown)}): it is counted as a tie row, never turned into a pair or scored`,
    problems: [],
  };
}

function groupAnnotation(g: ScoredGroup, d: number): LineAnnotation {
  const order = (xs: readonly number[]) =>
    xs
      .map((_, i) => i)
      .sort((a, b) => (xs[b] ?? 0) - (xs[a] ?? 0))
      .map((i) => i + 1);
  const tau = Number.isFinite(g.tau) ? g.tau.toFixed(d) : 'n/a (ties)';
  return {
    line: g.line,
    status: 'group',
    title: `ranking vs gold: τ = ${tau} · model order ${order(g.rewards).join(' > ')} · gold ${order(g.gold).join(' > ')}`,
    inlineText: `τ ${tau}`,
    hoverMarkdown: [
      `**Reward Lens** · prompt ${escapeMarkdown(g.id)}: Kendall τ-b (gold vs model) = **${tau}**`,
      '',
      '| response | reward | gold |',
      '|---:|---:|---:|',
      ...g.rewards.map((r, i) => `| ${i + 1} | ${r.toFixed(3)} | ${(g.gold[i] ?? NaN).toFixed(2)} |`),
    ].join('\n'),
    problems: [],
  };
}

function misranked(line: number, margin: number, d: number, wrong = 1, total = 1): ProblemModel {
  const what =
    total > 1 ? `${wrong} of ${total} pairs on this row are mis-ranked` : 'the model scores the rejected response above the chosen one';
  return { line, severity: 'information', code: 'misranked', message: `Mis-ranked: ${what} (margin ${sign(margin, d)})` };
}

/**
 * Where a field's key sits in a JSON line, for underlining just that field. Falls back to the whole line.
 * @example fieldColumns('{"prompt":"p","chosen":1}', 'chosen') // { start: 14, end: 22 }
 */
export function fieldColumns(lineText: string, field: string | undefined): { start: number; end: number } {
  if (field) {
    const at = lineText.indexOf(JSON.stringify(field));
    if (at >= 0) return { start: at, end: at + field.length + 2 };
  }
  const lead = lineText.length - lineText.trimStart().length;
  return { start: lead, end: Math.max(lead, lineText.trimEnd().length) };
}
