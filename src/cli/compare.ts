// `reward-lens compare RUN_A RUN_B`: two runs (typically BT vs BSR) side by side, set by set.
import { terminalJson, visibleControls } from '../core/text';
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { readJsonFile, readJsonLines } from '../node/atomic';
import { runPaths } from '../node/runDir';
import { fail } from './errors';
import { table } from './formatReport';
import type { EvalReport, EvalSetReport } from '../core/report';
import type { TrainConfig } from '../core/config';

interface RunView {
  dir: string;
  label: string;
  evals: EvalReport[];
  last?: EvalReport;
}

export function loadRunView(dir: string): RunView {
  const p = runPaths(dir);
  if (!fs.existsSync(p.config)) fail(`${dir} is not a run directory (no config.json)`);
  const cfg = readJsonFile<{ config?: TrainConfig; kind?: string; model?: { label?: string } }>(p.config);
  if (cfg?.kind !== 'evaluation' && typeof cfg?.config?.objective !== 'string')
    fail(`${p.config}: field "config" is missing; is ${dir} a Reward Lens run directory?`);
  const evals = readJsonLines<EvalReport>(p.evals);
  // An evaluation (reward-lens eval --out) has no training config: it is labelled by its model.
  const label = cfg.config
    ? `${cfg.config.objective}${cfg.config.objective === 'bsr' ? ` λ=${cfg.config.lambda}` : ''} s${cfg.config.seed}`
    : `eval ${cfg.model?.label ?? path.basename(dir)}`;
  return { dir, label, evals, ...(evals.length ? { last: evals[evals.length - 1] } : {}) };
}

const f = (x: number | undefined, d = 3) => (x !== undefined && Number.isFinite(x) ? x.toFixed(d) : '—');
const signed = (x: number, d = 3) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(d)}` : '—');

/** Rows of (metric, A, B, B−A) for one eval set. */
function setRows(name: string, a?: EvalSetReport, b?: EvalSetReport): string[][] {
  const metrics: [string, (s: EvalSetReport) => number | undefined, number][] = [
    ['accuracy', (s) => (s.pairs ? s.accuracy.value : undefined), 4],
    ['Kendall τ-b', (s) => s.kendall?.mean, 4],
    ['RM-Bench hard', (s) => s.rmBench?.hard.value, 4],
    ['margin mean', (s) => (s.pairs ? s.margin.mean : undefined), 3],
    ['‖h‖ median', (s) => s.hNorm.median, 3],
    ['‖h‖ IQR', (s) => s.hNorm.iqr, 3],
    ['Var ‖h‖', (s) => s.hNorm.variance, 4],
    ['‖h_w−h_l‖ mean', (s) => (s.pairs ? s.hDiffNorm.mean : undefined), 3],
    ['‖h_w−h_l‖ std', (s) => (s.pairs ? s.hDiffNorm.std : undefined), 3],
    ['‖W_p‖', (s) => s.decomposition.wpNorm, 3],
    ['effective rank', (s) => s.erank, 2],
  ];
  return metrics
    .map(([label, get, d]) => {
      const va = a ? get(a) : undefined,
        vb = b ? get(b) : undefined;
      return [`${name} ${label}`, f(va, d), f(vb, d), va !== undefined && vb !== undefined ? signed(vb - va, d) : '—'];
    })
    .filter((r) => r[1] !== '—' || r[2] !== '—');
}

export function compareRuns(a: RunView, b: RunView): string {
  if (!a.last || !b.last) fail(`both runs need at least one evaluation (evals.jsonl): ${!a.last ? a.dir : b.dir} has none`);
  const names = [...new Set([...a.last.sets.map((s) => s.name), ...b.last.sets.map((s) => s.name)])];
  const rows: string[][] = [['metric (last eval)', a.label, b.label, 'B − A']];
  for (const n of names)
    rows.push(
      ...setRows(
        n,
        a.last.sets.find((s) => s.name === n),
        b.last.sets.find((s) => s.name === n),
      ),
    );
  rows.push([
    'cross-set median ‖h‖ shift',
    f(a.last.crossSetMedianShift),
    f(b.last.crossSetMedianShift),
    signed(b.last.crossSetMedianShift - a.last.crossSetMedianShift),
  ]);
  for (const n of Object.keys(a.last.erankGap))
    rows.push([
      `erank gap ${n}`,
      f(a.last.erankGap[n], 2),
      f(b.last.erankGap[n], 2),
      signed((b.last.erankGap[n] ?? NaN) - (a.last.erankGap[n] ?? NaN), 2),
    ]);
  // Figure 2 as numbers: ‖h_w − h_l‖ on the training sample per checkpoint.
  const fig2 = (r: RunView) =>
    r.evals.map((e) => `${e.step}:${f(e.sets[0]?.hDiffNorm.mean, 2)}±${f(e.sets[0]?.hDiffNorm.std, 2)}`).join(' ');
  return visibleControls(
    `A = ${a.dir}\nB = ${b.dir}\n\n${table(rows)}\n\n‖h_w−h_l‖ on train per checkpoint (step:mean±std)\n  A ${fig2(a)}\n  B ${fig2(b)}`,
  );
}

export async function compareCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length !== 2) fail('compare needs exactly two run directories: reward-lens compare runs/bt runs/bsr');
  const [a, b] = positionals.map((d) => loadRunView(path.resolve(d))) as [RunView, RunView];
  console.log(
    values.json
      ? terminalJson({ a: { dir: a.dir, label: a.label, last: a.last }, b: { dir: b.dir, label: b.label, last: b.last } })
      : compareRuns(a, b),
  );
  return 0;
}
