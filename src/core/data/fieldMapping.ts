// What a user's field mapping asks for, and the converters of the families that read two responses and a label.

import type { DatasetFormat, FieldMapping } from '../types';
import {
  abSpec,
  arenaSpec,
  customAbSpec,
  helpSteer2PrefSpec,
  helpSteer3Spec,
  labelledRow,
  pkuSpec,
  ppeHumanSpec,
  type LabelledSpec,
} from './labelled';
import { customRow, type EmitPair } from './pairwise';
import { getField, type RowContext } from './rowContext';

/**
 * 'pairs': chosen/rejected fields named (or only a prompt); 'ab': two responses and a label; 'label': only the winner
 * field or its values, applied to the detected labelled family; undefined: no mapping.
 */
export type MappingKind = 'pairs' | 'ab' | 'label';

export function mappingKind(m: FieldMapping | undefined): MappingKind | undefined {
  if (!m) return undefined;
  if (m.chosen || m.rejected) return 'pairs';
  if (m.a || m.b) return 'ab';
  if (m.label || m.aWins?.length || m.bWins?.length || m.ties?.length) return 'label';
  return m.prompt ? 'pairs' : undefined;
}

/** The mapping in words, for the report: `field mapping: a=x, b=y, label=z, a wins on 1/A`. */
export function describeMapping(m: FieldMapping): string {
  const keys = (['prompt', 'chosen', 'rejected', 'a', 'b', 'label'] as const).filter((k) => m[k]).map((k) => `${k}=${m[k]}`);
  const vals = [
    ['a wins on', m.aWins],
    ['b wins on', m.bWins],
    ['ties on', m.ties],
  ] as const;
  return [
    'field mapping: ' + (keys.join(', ') || 'defaults'),
    ...vals.filter(([, v]) => v?.length).map(([w, v]) => `${w} ${v!.join('/')}`),
  ].join(', ');
}

type Row = Record<string, unknown>;
type Converter = (ctx: RowContext, row: Row, emit: EmitPair) => void;

const LABELLED: Partial<Record<DatasetFormat, (m?: FieldMapping) => LabelledSpec>> = {
  'pku-saferlhf': pkuSpec,
  'chatbot-arena': arenaSpec,
  'helpsteer2-preference': helpSteer2PrefSpec,
  helpsteer3: helpSteer3Spec,
  'ppe-human': ppeHumanSpec,
  'ab-label': abSpec,
};

/** True for the families whose winner is a label (they accept a 'label' mapping). */
export const isLabelledFormat = (f: DatasetFormat): boolean => f in LABELLED;

/** The converter of a labelled family (a label mapping applied), of the user's mapping ('custom'), or undefined. */
export function mappedConverter(format: DatasetFormat, m: FieldMapping | undefined): Converter | undefined {
  if (format === 'custom') return mappingKind(m) === 'ab' ? labelledRow(customAbSpec(m!)) : customRow(m ?? {});
  const spec = LABELLED[format];
  return spec ? labelledRow(spec(mappingKind(m) === 'label' ? m : undefined)) : undefined;
}

/** A glob from rewardLens.data.fieldMappings (`**`, `*`, `?`, `{a,b}`) as a RegExp over '/'-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',' && glob.slice(0, i).lastIndexOf('{') > glob.slice(0, i).lastIndexOf('}')) re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * The mapping for a file: the first glob of `byGlob` that matches its workspace-relative path (or its base name, for
 * a glob without '/'), else `fallback`.
 * @example mappingForFile('data/arena/x.jsonl', [{ glob: 'data/arena/*.jsonl', mapping: { label: 'winner' } }]) // { label: 'winner' }
 */
export function mappingForFile(
  relPath: string,
  byGlob: readonly { readonly glob: string; readonly mapping: FieldMapping }[],
  fallback?: FieldMapping,
): FieldMapping | undefined {
  const rel = relPath.replace(/\\/g, '/');
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  const hit = byGlob.find((g) => globToRegExp(g.glob).test(g.glob.includes('/') ? rel : base));
  return hit?.mapping ?? fallback;
}

/** The keys a mapping names (first segment of dotted paths), for content sniffing. */
export function mappingSniffKeys(m: FieldMapping | undefined): string[] {
  if (!m) return [];
  return [m.prompt, m.chosen, m.rejected, m.a, m.b, m.label].filter((k): k is string => !!k).map((k) => k.split('.')[0]!);
}

/**
 * Field paths of a record for the "Configure Fields" quick fix: every leaf that could be a prompt, a response or a
 * label, as dotted paths ("output.text"); message lists and lists of strings are leaves too. At most `max`.
 */
export function fieldPaths(record: Readonly<Record<string, unknown>>, max = 200): { path: string; sample: string }[] {
  const out: { path: string; sample: string }[] = [];
  const walk = (v: unknown, p: string, depth: number) => {
    if (out.length >= max) return;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < 4) {
      for (const [k, x] of Object.entries(v)) walk(x, p ? `${p}.${k}` : k, depth + 1);
      return;
    }
    if (p) out.push({ path: p, sample: sampleText(v) });
  };
  walk(record, '', 0);
  return out;
}

function sampleText(v: unknown): string {
  if (typeof v === 'string') return v.slice(0, 60);
  if (Array.isArray(v)) return `list of ${v.length}`;
  return String(v).slice(0, 60);
}

/** Distinct label values (as text) of a field over sample records, most frequent first, for picking --a-wins/--b-wins. */
export function labelValues(records: readonly Readonly<Record<string, unknown>>[], key: string, max = 30): string[] {
  const counts = new Map<string, number>();
  for (const r of records) {
    const v = getField(r as Record<string, unknown>, key);
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, max)
    .map(([v]) => v);
}
