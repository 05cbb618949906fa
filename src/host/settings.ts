// Typed view of the rewardLens.* settings. Pure (no runtime vscode import) so the manifest test can check
// that every contributed setting is read here and nothing else is: readSettings() asks a getter for each key.
import { BACKEND_NAMES, PRESET_NAMES, SCORING_ENGINES, type BackendName, type PresetName, type ScoringEngine } from '../core/config';
import type { FieldMapping } from '../core/types';

export type ScoringDisplay = 'codeLens' | 'decoration' | 'both' | 'off';

export interface Settings {
  readonly scoring: {
    /** How scores show up in the editor. */
    readonly display: ScoringDisplay;
    /** Delay before re-scoring after an edit. */
    readonly debounceMs: number;
    /** Files longer than this are scored only around the visible lines (0 = always the whole file). */
    readonly maxLines: number;
    /** Put mis-ranked pairs in the Problems panel (invalid rows are always reported). */
    readonly reportMisranked: boolean;
    /** Cap on Problems entries per file. */
    readonly maxProblems: number;
    /** How Hugging Face models are run: onnxruntime (fast on CPU), tfjs, or auto. */
    readonly engine: ScoringEngine;
    /** Longest sequence (tokens) fed to a Hugging Face model; longer pairs are truncated and say so. */
    readonly maxLength: number;
    /** The tfjs backend scoring runs on; training runs choose their own and never change it. */
    readonly backend: BackendName;
  };
  readonly training: {
    /** Where runs are stored, relative to the first workspace folder (validated: never outside it). */
    readonly runsDirectory: string;
    /** Default backend offered by Train Reward Model…. */
    readonly backend: BackendName;
    /** Default model preset offered by Train Reward Model…. */
    readonly preset: PresetName;
    /** Fraction held out when "held-out split" is chosen as the eval set. */
    readonly holdoutFrac: number;
    /** Fixed number of optimizer steps (0 = train for the chosen epochs). */
    readonly steps: number;
    /** Log metrics every N steps (the loop's only GPU→CPU read). */
    readonly logEvery: number;
    /** Evaluate every N steps (0 = at the start and the end only). */
    readonly evalEvery: number;
  };
  readonly data: {
    readonly fieldMapping: FieldMapping;
    /** Per-file mappings: the first glob (workspace-relative) that matches a file wins over fieldMapping. */
    readonly fieldMappings: readonly { readonly glob: string; readonly mapping: FieldMapping }[];
  };
}

/** What readSettings needs: vscode.WorkspaceConfiguration fits. */
export interface ConfigGetter {
  get<T>(key: string, defaultValue: T): T;
}

const oneOf = <T extends string>(v: string, allowed: readonly T[], fallback: T): T =>
  (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
const num = (v: unknown, fallback: number, min: number, max: number) =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;

export const DEFAULT_RUNS_DIRECTORY = '.reward-lens/runs';

/**
 * Why a runsDirectory value is refused, or undefined when it is a plain relative path inside the workspace. A cloned
 * repository's .vscode/settings.json sets workspace settings: an absolute path or a `..` would let it point the
 * extension's writes (checkpoints, models, summaries) anywhere on the machine. The symbolic-link check needs the disk
 * and is done where the folder is resolved (Services.runsRoot).
 */
export function runsDirectoryProblem(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') return 'it must be a non-empty string';
  if (/^([a-zA-Z]:)?[\\/]/.test(raw) || raw.startsWith('~')) return `"${raw}" is absolute; it must be relative to the workspace folder`;
  if (raw.split(/[\\/]+/).includes('..')) return `"${raw}" contains ".."; it must stay inside the workspace folder`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(raw)) return 'it contains control characters';
  return undefined;
}

/** Reads every rewardLens.* setting (keys relative to the "rewardLens" section), clamping bad values to defaults. */
/** A mapping object from settings, keeping only well-typed keys (strings; lists of strings for the label values). */
export function readMapping(raw: unknown): FieldMapping {
  const m = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const k of ['prompt', 'chosen', 'rejected', 'a', 'b', 'label']) if (typeof m[k] === 'string' && m[k]) out[k] = m[k];
  for (const k of ['aWins', 'bWins', 'ties']) {
    const v = m[k];
    const list = (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []).filter((x): x is string => typeof x === 'string' && x !== '');
    if (list.length) out[k] = list;
  }
  return out as FieldMapping;
}

export function readSettings(cfg: ConfigGetter): Settings {
  const byGlob = cfg.get<Record<string, unknown>>('data.fieldMappings', {});
  return {
    scoring: {
      display: oneOf(cfg.get('scoring.display', 'codeLens'), ['codeLens', 'decoration', 'both', 'off'], 'codeLens'),
      debounceMs: num(cfg.get('scoring.debounceMs', 400), 400, 0, 10_000),
      maxLines: num(cfg.get('scoring.maxLines', 5000), 5000, 0, 10_000_000),
      reportMisranked: cfg.get<boolean>('scoring.reportMisranked', true) !== false,
      maxProblems: num(cfg.get('scoring.maxProblems', 1000), 1000, 0, 100_000),
      engine: oneOf(cfg.get('scoring.engine', 'auto'), SCORING_ENGINES, 'auto'),
      maxLength: Math.round(num(cfg.get('scoring.maxLength', 4096), 4096, 8, 1_000_000)),
      backend: oneOf(cfg.get('scoring.backend', 'auto'), BACKEND_NAMES, 'auto'),
    },
    training: {
      runsDirectory: runsDirectoryProblem(cfg.get('training.runsDirectory', DEFAULT_RUNS_DIRECTORY))
        ? DEFAULT_RUNS_DIRECTORY
        : cfg.get('training.runsDirectory', DEFAULT_RUNS_DIRECTORY),
      backend: oneOf(cfg.get('training.backend', 'auto'), BACKEND_NAMES, 'auto'),
      preset: oneOf(cfg.get('training.preset', 'tiny'), PRESET_NAMES, 'tiny'),
      holdoutFrac: num(cfg.get('training.holdoutFrac', 0.1), 0.1, 0, 0.9),
      steps: Math.round(num(cfg.get('training.steps', 0), 0, 0, 10_000_000)),
      logEvery: Math.round(num(cfg.get('training.logEvery', 10), 10, 1, 100_000)),
      evalEvery: Math.round(num(cfg.get('training.evalEvery', 0), 0, 0, 10_000_000)),
    },
    data: {
      fieldMapping: readMapping(cfg.get<Record<string, unknown>>('data.fieldMapping', {})),
      fieldMappings: Object.entries(byGlob && typeof byGlob === 'object' ? byGlob : {})
        .map(([glob, m]) => ({ glob, mapping: readMapping(m) }))
        .filter((g) => Object.keys(g.mapping).length > 0),
    },
  };
}

/** The keys of a mapping that is actually set, for content sniffing. */
export const mappingKeys = (m: FieldMapping): string[] =>
  [m.prompt, m.chosen, m.rejected, m.a, m.b, m.label].filter((k): k is string => !!k);
