// Writes DIR/report.md, DIR/report.json and DIR/figures/*.svg (+ .png when a converter is available) from
// DIR/experiment.json, DIR/splits/manifest.json and each run's evals.jsonl. Safe to call on a partial
// experiment: missing runs show as '—' and are listed with their status.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readJsonFile, readJsonLines, writeFileAtomic, writeJsonAtomic } from './atomic';
import { checkRunDirs, experimentRunDir, readExperimentState, ExperimentError } from './experimentState';
import { resolveInside } from './safePath';
import { readManifest } from './experimentSplits';
import { runPaths } from './runDir';
import type { EvalReport } from '../core/report';
import { aggregateScenarios, type RunRecord } from '../core/scenarios/reportAggregate';
import { scenarioFigures, type Figure } from '../core/scenarios/reportFigures';
import { renderScenarioReport } from '../core/scenarios/reportMarkdown';
import { describeSplits } from '../core/scenarios/splitRows';
import { aggregateBon, type BonRun } from '../core/scenarios/bonAggregate';
import { bonFigures, bonSection } from '../core/scenarios/bonReport';
import type { BonReport } from '../core/bon/types';
import { readBonReport } from './bonOutput';

export interface ReportFiles {
  readonly markdown: string;
  readonly json: string;
  readonly figures: readonly string[];
  /** Why there are no PNGs, when there are none. */
  readonly pngNote?: string;
}

/** rsvg-convert (Debian: apt-get install -y librsvg2-bin) when it is on PATH; false otherwise. */
export function rsvgConvert(svgFile: string, pngFile: string): boolean {
  const r = spawnSync('rsvg-convert', ['--format=png', '--zoom=2', '-o', pngFile, svgFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 30_000,
  });
  return r.status === 0 && fs.existsSync(pngFile);
}

export function loadRunRecords(outDir: string): RunRecord[] {
  const state = readExperimentState(outDir);
  if (!state) throw new ExperimentError(`${outDir}: no experiment.json; run \`reward-lens experiment scenarios … --out ${outDir}\` first`);
  checkRunDirs(outDir, state);
  return Object.values(state.runs).map((r) => {
    const badLines: number[] = [];
    const evals = readJsonLines<EvalReport>(runPaths(experimentRunDir(outDir, r)).evals, (line) => badLines.push(line));
    return {
      objective: r.objective,
      seed: r.seed,
      runId: r.runId,
      status: r.status,
      ...(r.backend !== undefined ? { backend: r.backend } : {}),
      ...(r.elapsedMs !== undefined ? { elapsedMs: r.elapsedMs } : {}),
      ...(r.steps !== undefined ? { steps: r.steps } : {}),
      ...(r.error ? { error: r.error } : badLines.length ? { error: `evals.jsonl lines ${badLines.join(', ')} unreadable (skipped)` } : {}),
      evals,
    };
  });
}

/** Each run's bon.json (none when absent; a damaged one is left out, and the report lists the run as missing). */
export function loadBonRuns(outDir: string): BonRun[] {
  const state = readExperimentState(outDir);
  if (!state) return [];
  return Object.values(state.runs).map((r) => {
    let bon: BonReport | undefined;
    try {
      bon = r.status === 'completed' ? readBonReport(experimentRunDir(outDir, r)) : undefined;
    } catch {
      bon = undefined;
    }
    return { objective: r.objective, seed: r.seed, runId: r.runId, ...(bon ? { bon } : {}) };
  });
}

/** Each figure as SVG, and as PNG when `svgToPng` manages it; the files written, in order. */
function writeFigures(figDir: string, figures: readonly Figure[], svgToPng: ((svg: string, png: string) => boolean) | undefined) {
  const written: string[] = [];
  let pngs = 0;
  const withPng = figures.map((fig) => {
    const svg = path.join(figDir, `${fig.name}.svg`);
    const png = path.join(figDir, `${fig.name}.png`);
    writeFileAtomic(svg, fig.svg);
    written.push(svg);
    fs.rmSync(png, { force: true });
    const ok = svgToPng ? svgToPng(svg, png) : false;
    if (ok) {
      written.push(png);
      pngs++;
    }
    return { ...fig, png: ok };
  });
  return { written, pngs, withPng };
}

export function writeExperimentReport(outDir: string, svgToPng?: (svg: string, png: string) => boolean): ReportFiles {
  const state = readExperimentState(outDir);
  if (!state) throw new ExperimentError(`${outDir}: no experiment.json`);
  const manifest = readManifest(outDir);
  const runs = loadRunRecords(outDir);
  const agg = aggregateScenarios(state.objectives, state.seeds, runs);
  const bon = aggregateBon(state.objectives, state.seeds, loadBonRuns(outDir));
  fs.mkdirSync(outDir, { recursive: true });
  const figDir = resolveInside(outDir, 'figures', 'the figures folder');
  const figures = [...scenarioFigures(agg), ...(bon ? bonFigures(bon) : [])];
  const { written, pngs, withPng } = writeFigures(figDir, figures, svgToPng);
  const pngNote =
    figures.length && pngs === 0 ? 'no PNGs: rsvg-convert not found (apt-get install -y librsvg2-bin); the SVGs are complete' : undefined;
  const notes = [
    'In-Domain is scored by accuracy (ties count as wrong); OOD sets with gold scores by Kendall τ-b per prompt, nan-mean over prompts (paper-spec §4.5); pairwise-only OOD sets by accuracy.',
    'The "train" rows are a fixed sample of the training pairs evaluated at every checkpoint (the trainer\'s reference set for the erank gap).',
    ...(pngNote ? [pngNote] : []),
  ];
  const overlapFile = path.join(outDir, 'extra-eval-overlap.json');
  const extraOverlap = fs.existsSync(overlapFile)
    ? readJsonFile<Record<string, { prompts: number; inTrain: number }>>(overlapFile)
    : undefined;
  const markdown = renderScenarioReport(agg, {
    ...(extraOverlap ? { extraOverlap } : {}),
    title: 'Over-optimization scenarios: results',
    command: state.command,
    config: { ...state.fingerprint, objectives: state.objectives, seeds: state.seeds },
    splitsSummary: manifest ? describeSplits(manifest) : '(no splits/manifest.json)',
    generatedAt: new Date().toISOString(),
    figures: withPng,
    notes,
    ...(bon ? { sections: bonSection(bon) } : {}),
  });
  const mdFile = path.join(outDir, 'report.md');
  const jsonFile = path.join(outDir, 'report.json');
  writeFileAtomic(mdFile, markdown);
  writeJsonAtomic(jsonFile, {
    command: state.command,
    config: state.fingerprint,
    splits: manifest ?? null,
    aggregate: agg,
    bestOfN: bon ?? null,
  });
  return { markdown: mdFile, json: jsonFile, figures: written, ...(pngNote ? { pngNote } : {}) };
}
