// Which tensors of a checkpoint are the backbone and which the reward head, and what position each head pools.
//   *ForSequenceClassification   score.weight [1, H], bias-free; pools the rightmost non-pad token (transformers)
//   OpenRLHF reward model        <value_head_prefix>.weight [1, H] (default "value_head"); pools the last real token
//   bare backbone (*ForCausalLM, base model)  no head: a fresh W_p ~ N(0, 1/(H+1)), labelled untrained everywhere
import { UserError } from '../errors';
import { backboneTensors, BACKBONE_PREFIXES, isIgnoredTensor } from './tensors';
import type { PoolingRule } from './batch';
import type { HfModelSpec } from './spec';

export type HeadKind = 'sequence-classification' | 'openrlhf-value-head' | 'untrained';

export interface HeadInfo {
  readonly kind: HeadKind;
  /** The checkpoint tensor holding W_p, absent for an untrained head. */
  readonly tensor?: string;
  readonly pooling: PoolingRule;
  /** One line for summaries: "score.weight [1, 896] (Qwen2ForSequenceClassification)". */
  readonly describe: string;
}

export interface CheckpointLayout {
  /** The prefix before the backbone's names ('model.', 'transformer.' or ''). */
  readonly prefix: string;
  readonly head: HeadInfo;
  /** Tensors the loader will not read (lm_head, attention buffers). */
  readonly ignored: readonly string[];
}

/** Matches checkpoint tensor names (with shapes) against the spec; throws with what is missing or unexpected. */
export function checkpointLayout(spec: HfModelSpec, shapes: ReadonlyMap<string, readonly number[]>, source: string): CheckpointLayout {
  const wanted = backboneTensors(spec);
  const prefix = BACKBONE_PREFIXES.find((p) => wanted.every((t) => shapes.has(p + t.name)));
  if (prefix === undefined) {
    const best = BACKBONE_PREFIXES.map((p) => ({ p, missing: wanted.filter((t) => !shapes.has(p + t.name)) })).sort(
      (a, b) => a.missing.length - b.missing.length,
    )[0]!;
    const names = best.missing
      .slice(0, 4)
      .map((t) => `"${best.p}${t.name}"`)
      .join(', ');
    throw new UserError(
      `${source}: ${best.missing.length} of ${wanted.length} ${spec.family} tensors are missing, e.g. ${names}; is this checkpoint a ${spec.architecture || spec.modelType}?`,
    );
  }
  for (const t of wanted) {
    const got = shapes.get(prefix + t.name)!;
    if (got.join(',') !== t.shape.join(','))
      throw new UserError(`${source}: tensor "${prefix}${t.name}" has shape [${got}], config.json implies [${t.shape}]`);
  }
  const head = findHead(spec, shapes, source);
  const used = new Set([...wanted.map((t) => prefix + t.name), ...(head.tensor ? [head.tensor] : [])]);
  const rest = [...shapes.keys()].filter((n) => !used.has(n));
  const unexpected = rest.filter((n) => !isIgnoredTensor(n));
  if (unexpected.length) {
    throw new UserError(
      `${source}: unexpected tensors ${unexpected
        .slice(0, 4)
        .map((n) => `"${n}"`)
        .join(', ')}${unexpected.length > 4 ? ` (+${unexpected.length - 4})` : ''}: this ${spec.family} variant is not supported`,
    );
  }
  return { prefix, head, ignored: rest };
}

function findHead(spec: HfModelSpec, shapes: ReadonlyMap<string, readonly number[]>, source: string): HeadInfo {
  const H = spec.hiddenSize;
  const check = (name: string, what: string) => {
    const s = shapes.get(name)!;
    if (s.length !== 2 || s[1] !== H) throw new UserError(`${source}: head "${name}" has shape [${s}], expected [1, ${H}]`);
    if (s[0] !== 1)
      throw new UserError(`${source}: head "${name}" has ${s[0]} outputs (num_labels ${s[0]}); a reward model has one (${what})`);
  };
  if (shapes.has('score.bias') || shapes.has('value_head.bias'))
    throw new UserError(`${source}: the head has a bias; Reward Lens reads bias-free heads (r = W_pᵀh)`);
  if (shapes.has('score.weight')) {
    check('score.weight', 'num_labels 1');
    return {
      kind: 'sequence-classification',
      tensor: 'score.weight',
      pooling: 'rightmost-non-pad',
      describe: `score.weight [1, ${H}] (${spec.architecture || 'sequence classification'})`,
    };
  }
  const prefix = typeof spec.extras.value_head_prefix === 'string' ? spec.extras.value_head_prefix : 'value_head';
  for (const name of [`${prefix}.weight`, 'value_head.weight']) {
    if (!shapes.has(name)) continue;
    check(name, 'OpenRLHF value head');
    return { kind: 'openrlhf-value-head', tensor: name, pooling: 'last-token', describe: `${name} [1, ${H}] (OpenRLHF value head)` };
  }
  if ([...shapes.keys()].some((n) => n.startsWith('v_head.')))
    throw new UserError(
      `${source}: a TRL/GRM "v_head" value head (with bias) is not supported; export the model as *ForSequenceClassification`,
    );
  return {
    kind: 'untrained',
    pooling: 'rightmost-non-pad',
    describe: `none in the checkpoint: a fresh head W_p ~ N(0, 1/(H+1)), untrained`,
  };
}
