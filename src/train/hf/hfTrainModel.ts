// TrainModel for a pretrained Hugging Face backbone (reward-lens train --from FOLDER --tune …): the folder's weights,
// its tokenizer and chat template for the training pairs, the tuning mode's variables, checkpoints of the trained
// tensors only (the backbone is reloaded from its folder on resume, the fingerprint having checked it is the same),
// and an exported Hugging Face folder (+ PEFT adapter for LoRA) as the final model.
import path from 'node:path';
import fs from 'node:fs';
import { DEFAULT_LORA_TARGETS, type TuningConfig } from '../../core/hf/tuning';
import { pairConversations } from '../../core/hf/chat';
import { decodeSafetensors, encodeSafetensors } from '../../core/safetensors';
import { UserError } from '../../core/errors';
import { writeDirAtomic, writeFileAtomic } from '../../node/atomic';
import type { PreferencePair } from '../../core/types';
import type { BackboneParams } from '../../protocol/trainer';
import { tf } from '../tf';
import { countTruncation, type EncodedSeq } from '../scorer';
import type { TrainModel } from '../trainModel';
import { exportHfFolder, exportPeftAdapter, trainedTensors } from './export';
import { freshHead, loadHfModel, type HfRewardModel } from './hfModel';
import { hfScorer } from './hfScorer';
import { makeTrainable, type HfTrainable } from './hfTrainable';

/** The checkpoint file of the trained tensors (head, LoRA A/B, trained backbone tensors). */
export const TRAINED_FILE = 'trained.safetensors';
const PREP_BATCH = 16;

export function tuningOf(b: BackboneParams, family: HfRewardModel['spec']['family']): TuningConfig {
  return {
    mode: b.tune,
    lora: { rank: b.loraRank, alpha: b.loraAlpha, dropout: b.loraDropout, targets: b.loraTargets ?? DEFAULT_LORA_TARGETS[family] },
    topK: b.topK,
  };
}

export async function hfTrainModel(
  b: BackboneParams,
  seed: number,
  train: readonly PreferencePair[],
  sample: readonly PreferencePair[],
  checkpointDir?: string,
): Promise<TrainModel> {
  const m = await loadHfModel(b.dir, { seed });
  const hadHead = m.headInfo.kind !== 'untrained';
  if (b.resetHead && hadHead) {
    m.head.dispose();
    m.head = freshHead(m.spec.hiddenSize, seed);
  }
  const tuning = tuningOf(b, m.spec.family);
  const tr = makeTrainable(m, tuning, seed);
  if (checkpointDir) await restoreTrained(tr, path.join(checkpointDir, TRAINED_FILE));
  const seqs = encodeSides(m, train, b.maxTokens);
  await tr.prepare(seqs, PREP_BATCH);
  const n = train.length;
  const trained = tr.variables.reduce((a, v) => a + v.size, 0);
  return {
    kind: 'hf',
    variables: tr.variables,
    params: new Map(tr.variables.map((v) => [tr.savedNames.get(v)!, v])),
    pairs: n,
    truncation: countTruncation(seqs),
    stepRewards: (idx, seed) => tr.rewards([...idx, ...idx.map((i) => n + i)], seed),
    ...(b.gradCheckpointing !== false
      ? {
          stepGrads: (idx: readonly number[], loss: Parameters<typeof tr.stepGrads>[1], seed?: number) =>
            tr.stepGrads([...idx, ...idx.map((i) => n + i)], loss, seed),
        }
      : {}),
    wpNormTensor: () => tf.norm(m.head) as tf.Scalar,
    scorer: () => ({ ...hfScorer(m, { maxTokens: b.maxTokens }), dispose: () => {} }),
    writeCheckpoint: async (dir, step) =>
      writeFileAtomic(path.join(dir, TRAINED_FILE), encodeSafetensors(await trainedTensors(tr), { step: String(step) })),
    writeFinal: (dir, meta) => writeFinal(tr, b, sample, dir, meta),
    record: runRecord(m, b, tuning, trained, hadHead && !b.resetHead),
    description: describe(m, tuning, trained, hadHead && !b.resetHead),
    dispose: () => tf.dispose([...m.weights.values(), m.head, ...[...tr.lora.values()].flatMap((a) => [a.a, a.b])]),
  };
}

/** Chosen sides first, then rejected: row i's rejected sequence is at n + i (stepRewards and stepGrads rely on it). */
function encodeSides(m: HfRewardModel, train: readonly PreferencePair[], maxTokens: number): EncodedSeq[] {
  const conv = train.map(pairConversations);
  return [...conv.map((c) => m.chat.encode(c.chosen, maxTokens)), ...conv.map((c) => m.chat.encode(c.rejected, maxTokens))];
}

/** What the run's config.json records about the backbone and its tuning. */
function runRecord(m: HfRewardModel, b: BackboneParams, tuning: TuningConfig, trained: number, keptHead: boolean) {
  return {
    backbone: b.dir,
    architecture: m.spec.architecture,
    family: m.spec.family,
    tune: tuning.mode,
    ...(tuning.mode === 'lora' ? { lora: tuning.lora } : {}),
    ...(tuning.mode === 'top-k' ? { topK: tuning.topK } : {}),
    headFrom: keptHead ? m.headInfo.describe : 'fresh N(0, 1/(H+1))',
    trainedParameters: trained,
    maxTokens: b.maxTokens,
  };
}

function describe(m: HfRewardModel, t: TuningConfig, trained: number, keptHead: boolean): string {
  const how =
    t.mode === 'lora'
      ? `LoRA r=${t.lora.rank} α=${t.lora.alpha} on ${t.lora.targets.join(',')}`
      : t.mode === 'top-k'
        ? `the last ${t.topK} blocks`
        : t.mode === 'full'
          ? 'full fine-tuning'
          : 'the head only (backbone frozen, h cached)';
  return `${m.spec.architecture || m.spec.family} from ${m.folder.dir}: ${how}; ${trained.toLocaleString('en-US')} trained parameters; head ${keptHead ? 'from the checkpoint' : 'fresh'}`;
}

async function restoreTrained(tr: HfTrainable, file: string): Promise<void> {
  const saved = decodeSafetensors(new Uint8Array(fs.readFileSync(file)));
  for (const v of tr.variables) {
    const name = tr.savedNames.get(v)!;
    const t = saved.tensors.get(name);
    if (!t) throw new UserError(`${file}: tensor "${name}" is missing; the checkpoint was made with another tuning mode`);
    if (t.shape.join(',') !== v.shape.join(','))
      throw new UserError(`${file}: tensor "${name}" has shape [${t.shape}], the model's is [${v.shape}]`);
    v.assign(tf.tensor(t.data, v.shape, 'float32'));
  }
}

/** The exported folder (+ adapter/ for LoRA) and the training ‖h‖ sample for hovers. */
async function writeFinal(
  tr: HfTrainable,
  b: BackboneParams,
  sample: readonly PreferencePair[],
  dir: string,
  meta: Readonly<Record<string, string>>,
): Promise<void> {
  const scorer = hfScorer(tr.model, { maxTokens: b.maxTokens });
  const seqs = sample.flatMap((p) => {
    const e = scorer.encodePair(p);
    return [e.chosen, e.rejected];
  });
  const s = await scorer.score(seqs, 16);
  const rewards = Array.from(s.rewards);
  const mean = rewards.reduce((a, x) => a + x, 0) / Math.max(1, rewards.length);
  const std = Math.sqrt(rewards.reduce((a, x) => a + (x - mean) ** 2, 0) / Math.max(1, rewards.length));
  // Built aside and swapped in: a resumed run that finishes again replaces the model/ of its earlier cancel.
  await writeDirAtomic(dir, async (tmp) => {
    await exportHfFolder(tr, tmp, { rewardMean: mean, rewardStd: std, meta });
    if (tr.tuning.mode === 'lora') await exportPeftAdapter(tr, path.join(tmp, 'adapter'));
    writeFileAtomic(path.join(tmp, 'hnorm-train.json'), JSON.stringify({ sorted: Array.from(s.hNorm).sort((x, y) => x - y) }));
  });
}
