// Scenario sets as JSONL rows that Reward Lens itself loads back: pair sets as TRL pairwise rows
// {prompt, chosen, rejected, id, + group fields}, τ sets as multi-response long rows
// {instruction_id, instruction, generator, output, score, <promptGroupKey>} (one row per response, AlpacaEval style).
import type { ScenarioSet, ScenarioSplits } from './splitTypes';
import { oneLine } from '../text';

/** Field names that group values must not overwrite in a pair row. */
const PAIR_CORE = new Set(['prompt', 'chosen', 'rejected', 'id']);

export function pairRows(set: ScenarioSet): Record<string, string>[] {
  return set.pairs.map((p) => {
    const row: Record<string, string> = { prompt: p.prompt, chosen: p.chosen, rejected: p.rejected, id: p.id };
    for (const [k, v] of Object.entries(p.groups)) if (!PAIR_CORE.has(k)) row[k] = v;
    return row;
  });
}

export function groupRows(set: ScenarioSet, promptGroupKey: string): Record<string, string | number>[] {
  const rows: Record<string, string | number>[] = [];
  for (const g of set.groups) {
    for (const r of g.responses) {
      rows.push({
        instruction_id: g.id,
        instruction: g.prompt,
        generator: r.model,
        output: r.text,
        score: r.gold,
        [promptGroupKey]: g.promptGroup,
      });
    }
  }
  return rows;
}

/** The file body of one set: one JSON object per line, newline-terminated. */
export function setToJsonl(set: ScenarioSet, promptGroupKey: string): string {
  const rows = set.metric === 'kendall' ? groupRows(set, promptGroupKey) : pairRows(set);
  return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
}

/** The number of JSONL rows a set writes: pairs, or responses for τ sets. */
export function setRowCount(set: ScenarioSet): number {
  return set.metric === 'kendall' ? set.groups.reduce((n, g) => n + g.responses.length, 0) : set.pairs.length;
}

export interface SplitManifest {
  readonly version: 1;
  readonly kind: ScenarioSplits['kind'];
  /** Set name -> file name (relative to the manifest), metric and sizes. */
  readonly files: Readonly<
    Record<
      string,
      {
        readonly file: string;
        readonly metric: 'accuracy' | 'kendall';
        readonly rows: number;
        readonly prompts: number;
        readonly pairs: number;
        readonly responses: number;
      }
    >
  >;
  readonly heldOut: ScenarioSplits['heldOut'];
  readonly refused: ScenarioSplits['refused'];
  readonly dropped: ScenarioSplits['dropped'];
  readonly notes: readonly string[];
  /** The inputs and options that made these files, so the split can be rebuilt exactly. */
  readonly inputs: readonly { readonly file: string; readonly role?: string; readonly rows: number; readonly format: string }[];
  readonly options: Readonly<Record<string, unknown>>;
}

export function buildManifest(
  splits: ScenarioSplits,
  inputs: SplitManifest['inputs'],
  options: Readonly<Record<string, unknown>>,
): SplitManifest {
  const files: Record<string, SplitManifest['files'][string]> = {};
  for (const s of splits.sets) {
    const size = splits.sizes[s.name] ?? { prompts: 0, pairs: 0, responses: 0 };
    files[s.name] = { file: `${s.name}.jsonl`, metric: s.metric, rows: setRowCount(s), ...size };
  }
  return {
    version: 1,
    kind: splits.kind,
    files,
    heldOut: splits.heldOut,
    refused: splits.refused,
    dropped: splits.dropped,
    notes: splits.notes,
    inputs,
    options,
  };
}

/** A short human summary: sizes per set, held-out groups and models, refusals, drops. */
export function describeSplits(m: SplitManifest): string {
  const lines: string[] = [];
  for (const [name, f] of Object.entries(m.files)) {
    const detail =
      f.metric === 'kendall' ? `${f.prompts} prompts, ${f.responses} responses (τ)` : `${f.pairs} pairs, ${f.prompts} prompts (accuracy)`;
    lines.push(`  ${name.padEnd(13)} ${detail}`);
  }
  // Group and model names come from the data: one line each, control characters made visible (terminal and report).
  const names = (xs: readonly string[]) => xs.map((x) => oneLine(x, 200)).join(', ') || 'none';
  const h = m.heldOut;
  const key = h.promptGroupKey ? ` (${oneLine(h.promptGroupKey, 200)})` : '';
  lines.push(`  held-out prompt groups${key}: ${names(h.heldOutPromptGroups)}; seen: ${names(h.seenPromptGroups)}`);
  lines.push(`  held-out models: ${names(h.heldOutModels)}; seen: ${names(h.seenModels)}`);
  if (h.excludedModels.length) lines.push(`  excluded models: ${names(h.excludedModels)}`);
  for (const r of m.refused) lines.push(`  refused ${r.scenario}: ${oneLine(r.reason)}`);
  for (const [reason, n] of Object.entries(m.dropped)) lines.push(`  dropped ${n}: ${oneLine(reason)}`);
  for (const n of m.notes) lines.push(`  note: ${oneLine(n)}`);
  return lines.join('\n');
}
