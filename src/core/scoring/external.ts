// An "external scorer": scores of the same pairs made elsewhere, loaded from a file so the editor can show them next to
// the active model (hovers) and say how often the two agree and how their rankings correlate (the panel).
//
// Accepted files (JSON, or JSON lines):
//   - `reward-lens score` output: {id, line, r_chosen, r_rejected, margin, …} per pair ({kind: 'prompt', …} lines are
//     multi-response prompts and are not pairs: ignored);
//   - RewardBench run_rm.py scores (results/eval-set-scores/MODEL.json): columns {id: [...], scores_chosen: [...],
//     scores_rejected: [...], …}, or the same fields per record; a score may be a one-element list ([0.68]);
//   - RewardBench 2 run_v2.py scores: columns {id, scores: [[chosen…, rejected…]], num_correct}: pair `ID#c{i}r{j}` is
//     scores[i] vs scores[num_correct + j], the cells Reward Lens gives RewardBench 2 rows;
//   - one score per line with an id ({id, score}): the external preference for the pair, positive when it prefers the
//     chosen response (a margin, or a judge's score centred on 0).
import { kendallTauB } from '../stats/kendall';
import { oneLine } from '../text';

export interface ExternalPairScore {
  readonly rChosen?: number;
  readonly rRejected?: number;
  /** r_chosen − r_rejected, or the file's one preference score. */
  readonly margin: number;
}

export interface ExternalScores {
  /** A short name for the scorer: the file's `model` field, else the file name. */
  readonly name: string;
  readonly file: string;
  readonly byId: ReadonlyMap<string, ExternalPairScore>;
  /** Which layout the file had, in words. */
  readonly layout: string;
}

type Rec = Record<string, unknown>;

const num = (v: unknown): number | undefined => {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
};
const idOf = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

/** The records of a JSON value, a JSON-lines text, or a column dict (turned into records). */
function records(text: string): { rows: Rec[]; columns: boolean; model?: string } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const v = JSON.parse(trimmed) as unknown;
      if (Array.isArray(v)) return { rows: v.filter((r): r is Rec => typeof r === 'object' && r !== null), columns: false };
      if (v && typeof v === 'object' && Array.isArray((v as Rec).id)) return { ...columnRows(v as Rec), columns: true };
      if (v && typeof v === 'object') return { rows: [v as Rec], columns: false };
    } catch {
      /* JSON lines, below */
    }
  }
  const rows: Rec[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const v = JSON.parse(line) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) rows.push(v as Rec);
    } catch {
      throw new Error(`line ${rows.length + 1}: not JSON (${oneLine(line, 60)})`);
    }
  }
  return { rows, columns: false };
}

function columnRows(cols: Rec): { rows: Rec[]; model?: string } {
  const ids = cols.id as unknown[];
  const keys = Object.keys(cols).filter((k) => Array.isArray(cols[k]) && (cols[k] as unknown[]).length === ids.length);
  const rows = ids.map((_, i) => Object.fromEntries(keys.map((k) => [k, (cols[k] as unknown[])[i]])));
  return { rows, ...(typeof cols.model === 'string' ? { model: cols.model } : {}) };
}

/** Adds the pairs of one record to the map; returns the layout it had, or undefined when it holds no pair score. */
function addRecord(out: Map<string, ExternalPairScore>, r: Rec): string | undefined {
  const id = idOf(r.id);
  if (id === undefined || r.kind === 'prompt') return undefined;
  const c = num(r.r_chosen ?? r.scores_chosen ?? r.score_chosen);
  const j = num(r.r_rejected ?? r.scores_rejected ?? r.score_rejected);
  if (c !== undefined && j !== undefined) {
    out.set(id, { rChosen: c, rRejected: j, margin: c - j });
    return r.r_chosen !== undefined ? 'reward-lens score output' : 'RewardBench scores_chosen/scores_rejected';
  }
  if (Array.isArray(r.scores) && typeof r.num_correct === 'number') {
    const s = r.scores.map(num);
    const nc = r.num_correct;
    for (let i = 0; i < nc; i++)
      for (let k = nc; k < s.length; k++) {
        if (s[i] !== undefined && s[k] !== undefined)
          out.set(`${id}#c${i}r${k - nc}`, { rChosen: s[i], rRejected: s[k], margin: s[i]! - s[k]! });
      }
    return 'RewardBench 2 scores per completion';
  }
  const one = num(r.score);
  if (one !== undefined) {
    out.set(id, { margin: one });
    return 'one score per line with an id';
  }
  return undefined;
}

/**
 * Reads an external score file. Throws an Error with a one-line reason when it holds no pair scores.
 * @example parseExternalScores('rm.json', '{"id":[1],"scores_chosen":[0.9],"scores_rejected":[0.2],"model":"x"}').byId.get('1')!.margin // ≈ 0.7
 */
export function parseExternalScores(file: string, text: string): ExternalScores {
  const { rows, model } = records(text);
  const byId = new Map<string, ExternalPairScore>();
  const layouts = new Set<string>();
  for (const r of rows) {
    const l = addRecord(byId, r);
    if (l) layouts.add(l);
  }
  if (byId.size === 0)
    throw new Error(
      `no pair scores found in ${rows.length} records (expected reward-lens score output, RewardBench scores_chosen/scores_rejected or scores + num_correct, or {id, score} lines)`,
    );
  const base = file.split(/[\\/]/).pop() ?? file;
  const named = model ?? (typeof rows[0]?.model === 'string' ? (rows[0].model as string) : undefined);
  return { name: named ?? base, file, byId, layout: [...layouts].join(', ') };
}

export interface ScorerComparison {
  /** Pairs of the active model's scoring that the external file also scores. */
  readonly matched: number;
  /** Share of matched pairs where both prefer the same side (a margin of exactly 0 agrees with nothing). */
  readonly agreement: number;
  /** Kendall τ-b between the two scorers' margins over the matched pairs (NaN below 2 pairs). */
  readonly tau: number;
}

/** The active model's margins (by pair id) against an external scorer's. */
export function compareScorers(model: ReadonlyMap<string, number>, ext: ExternalScores): ScorerComparison {
  const a: number[] = [];
  const b: number[] = [];
  let agree = 0;
  for (const [id, m] of model) {
    const e = ext.byId.get(id);
    if (!e) continue;
    a.push(m);
    b.push(e.margin);
    if (Math.sign(m) !== 0 && Math.sign(m) === Math.sign(e.margin)) agree++;
  }
  return { matched: a.length, agreement: a.length ? agree / a.length : NaN, tau: a.length >= 2 ? kendallTauB(a, b) : NaN };
}
