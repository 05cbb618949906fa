// --prompt-key/--chosen-key/--rejected-key: the schema-detection override shared by every command.
import type { FieldMapping } from '../core/types';

export const mappingOptions = {
  'prompt-key': { type: 'string' },
  'chosen-key': { type: 'string' },
  'rejected-key': { type: 'string' },
} as const;

export function mappingFrom(v: { 'prompt-key'?: string; 'chosen-key'?: string; 'rejected-key'?: string }): FieldMapping | undefined {
  if (!v['prompt-key'] && !v['chosen-key'] && !v['rejected-key']) return undefined;
  return { ...(v['prompt-key'] ? { prompt: v['prompt-key'] } : {}), ...(v['chosen-key'] ? { chosen: v['chosen-key'] } : {}), ...(v['rejected-key'] ? { rejected: v['rejected-key'] } : {}) };
}
