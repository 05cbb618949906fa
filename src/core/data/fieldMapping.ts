// What a user's field mapping asks for, and the converters of the families that read two responses and a label.

import type { DatasetFormat, FieldMapping } from '../types';
import { abSpec, arenaSpec, customAbSpec, helpSteer2PrefSpec, helpSteer3Spec, labelledRow, pkuSpec, ppeHumanSpec, type LabelledSpec } from './labelled';
import { customRow, type EmitPair } from './pairwise';
import type { RowContext } from './rowContext';

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
  const vals = [['a wins on', m.aWins], ['b wins on', m.bWins], ['ties on', m.ties]] as const;
  return ['field mapping: ' + (keys.join(', ') || 'defaults'), ...vals.filter(([, v]) => v?.length).map(([w, v]) => `${w} ${v!.join('/')}`)].join(', ');
}

type Row = Record<string, unknown>;
type Converter = (ctx: RowContext, row: Row, emit: EmitPair) => void;

const LABELLED: Partial<Record<DatasetFormat, (m?: FieldMapping) => LabelledSpec>> = {
  'pku-saferlhf': pkuSpec, 'chatbot-arena': arenaSpec, 'helpsteer2-preference': helpSteer2PrefSpec, helpsteer3: helpSteer3Spec,
  'ppe-human': ppeHumanSpec, 'ab-label': abSpec,
};

/** True for the families whose winner is a label (they accept a 'label' mapping). */
export const isLabelledFormat = (f: DatasetFormat): boolean => f in LABELLED;

/** The converter of a labelled family (a label mapping applied), of the user's mapping ('custom'), or undefined. */
export function mappedConverter(format: DatasetFormat, m: FieldMapping | undefined): Converter | undefined {
  if (format === 'custom') return mappingKind(m) === 'ab' ? labelledRow(customAbSpec(m!)) : customRow(m ?? {});
  const spec = LABELLED[format];
  return spec ? labelledRow(spec(mappingKind(m) === 'label' ? m : undefined)) : undefined;
}
