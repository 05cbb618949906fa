// What the training loop needs from the model it trains, whatever it is: our own small transformer trained from
// scratch, or a pretrained Hugging Face backbone tuned with LoRA, in full, head-only or top-k. The loop, the step,
// checkpoints and evaluation are written against this interface.
import type { NamedTensorMap, Scalar, Tensor1D, Variable } from './tf';
import type { RewardScorer, TruncationCounts } from './scorer';

export interface TrainModel {
  /** 'reward-lens' (from scratch) or 'hf' (from a pretrained folder). */
  readonly kind: 'reward-lens' | 'hf';
  /** Trainable variables in a fixed order (Adam's moments are saved and restored by position). */
  readonly variables: readonly Variable[];
  /** Variables by the stable name they are saved under (checks Adam's state on resume). */
  readonly params: ReadonlyMap<string, Variable>;
  /** Number of training pairs the model has encoded (the loop's batches index into them). */
  readonly pairs: number;
  /** Truncation of the encoded training pairs, for the log. */
  readonly truncation: TruncationCounts;
  /**
   * Rewards of pairs idx: the b chosen sequences, then the b rejected ones. Differentiable: runs inside variableGrads.
   * `dropoutSeed` (training steps only) fixes the step's dropout masks, so a resumed run draws the same ones.
   */
  stepRewards(pairIdx: readonly number[], dropoutSeed?: number): Tensor1D;
  /**
   * When present, the step's loss and gradients computed by the model itself (activation checkpointing: a large
   * backbone's step does not fit tfjs's keep-everything tape). Same gradients as variableGrads over stepRewards.
   */
  stepGrads?(
    pairIdx: readonly number[],
    loss: (rewards: Tensor1D) => Scalar,
    dropoutSeed?: number,
  ): { value: Scalar; grads: NamedTensorMap };
  /** ‖W_p‖₂ as a tensor on the backend (no sync). */
  wpNormTensor(): Scalar;
  /** A scorer over the live weights, for evaluations during training. */
  scorer(): RewardScorer;
  /** Writes what a checkpoint needs besides Adam's state into dir (an empty temporary directory). */
  writeCheckpoint(dir: string, step: number): Promise<void>;
  /** Writes the final, usable model into dir (Reward Lens format, or a Hugging Face folder). */
  writeFinal(dir: string, meta: Readonly<Record<string, string>>): Promise<void>;
  /** What config.json records about the model. */
  readonly record: Readonly<Record<string, unknown>>;
  /** One line for the log: "vocab 8192, tiny preset" / "Qwen2 LoRA r=8 on 28 modules, 1.1M trained parameters". */
  readonly description: string;
  dispose(): void;
}
