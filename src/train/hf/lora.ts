// LoRA adapters on tfjs, initialised as PEFT does (A: kaiming-uniform with a = √5, i.e. U(−1/√in, 1/√in); B: zeros,
// so the adapted model starts as the base model), and merged into the base weights for export.
import { deriveSeed } from '../../core/random';
import type { LoraConfig, LoraTarget } from '../../core/hf/tuning';
import { tf, type Tensor, type Variable } from '../tf';
import type { LoraAdapter } from './tfOps';
import { variableName } from '../model';

export interface TrainableLora extends LoraAdapter {
  readonly a: Variable;
  readonly b: Variable;
  readonly target: LoraTarget;
}

/** `modelId` names the variables rm<id>/<module>.lora_A|B (see model.ts's variableName). */
export function createLora(targets: readonly LoraTarget[], cfg: LoraConfig, seed: number, modelId: number): Map<string, TrainableLora> {
  const scale = cfg.alpha / cfg.rank;
  const out = new Map<string, TrainableLora>();
  for (const t of targets) {
    const bound = 1 / Math.sqrt(t.inFeatures);
    const a = tf.variable(
      tf.randomUniform([cfg.rank, t.inFeatures], -bound, bound, 'float32', deriveSeed(seed, 'lora-a', t.module) || 1),
      true,
      variableName(modelId, `${t.module}.lora_A`),
    );
    const b = tf.variable(tf.zeros([t.outFeatures, cfg.rank]), true, variableName(modelId, `${t.module}.lora_B`));
    out.set(t.weight, { a, b, scale, target: t });
  }
  return out;
}

/** Replaces adapter values (resume, parity tests): `values` maps "<module>.lora_A"/"<module>.lora_B" to data. */
export function assignLora(lora: ReadonlyMap<string, TrainableLora>, values: ReadonlyMap<string, Float32Array>): void {
  for (const ad of lora.values()) {
    for (const [which, v] of [
      ['lora_A', ad.a],
      ['lora_B', ad.b],
    ] as const) {
      const data = values.get(`${ad.target.module}.${which}`);
      if (!data) throw new Error(`no value for ${ad.target.module}.${which}`);
      if (data.length !== v.size) throw new Error(`${ad.target.module}.${which} has ${data.length} values, the adapter ${v.size}`);
      v.assign(tf.tensor(data, v.shape, 'float32'));
    }
  }
}

/** W + scale·(B·A) in the weight's own layout ([out, in], or [in, out] for Conv1D). The caller disposes it. */
export function mergedWeight(base: Tensor, ad: LoraAdapter & { readonly target: LoraTarget }): Tensor {
  return tf.tidy(() => {
    const delta = tf.mul(tf.matMul(ad.b, ad.a), ad.scale); // [out, in]
    return tf.add(base, ad.target.fanInFanOut ? tf.transpose(delta) : delta);
  });
}
