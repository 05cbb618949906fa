// The schema-detection override shared by every command: --prompt-key/--chosen-key/--rejected-key for pairs,
// --a-key/--b-key/--label-key with --a-wins/--b-wins/--ties VALUE (repeat the flag or separate values with commas)
// for two responses and a winner label; every key may be a dotted path (--chosen-key output.text).
import type { FieldMapping } from '../core/types';

export const mappingOptions = {
  'prompt-key': { type: 'string' },
  'chosen-key': { type: 'string' },
  'rejected-key': { type: 'string' },
  'a-key': { type: 'string' },
  'b-key': { type: 'string' },
  'label-key': { type: 'string' },
  'a-wins': { type: 'string', multiple: true },
  'b-wins': { type: 'string', multiple: true },
  ties: { type: 'string', multiple: true },
} as const;

export interface MappingFlags {
  'prompt-key'?: string;
  'chosen-key'?: string;
  'rejected-key'?: string;
  'a-key'?: string;
  'b-key'?: string;
  'label-key'?: string;
  'a-wins'?: string[];
  'b-wins'?: string[];
  ties?: string[];
}

const values = (v: string[] | undefined) =>
  v
    ?.flatMap((x) => x.split(','))
    .map((x) => x.trim())
    .filter((x) => x !== '');

export function mappingFrom(v: MappingFlags): FieldMapping | undefined {
  const keys = {
    prompt: v['prompt-key'],
    chosen: v['chosen-key'],
    rejected: v['rejected-key'],
    a: v['a-key'],
    b: v['b-key'],
    label: v['label-key'],
  };
  const lists = { aWins: values(v['a-wins']), bWins: values(v['b-wins']), ties: values(v.ties) };
  const m: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(keys)) if (x) m[k] = x;
  for (const [k, x] of Object.entries(lists)) if (x?.length) m[k] = x;
  return Object.keys(m).length ? (m as FieldMapping) : undefined;
}
