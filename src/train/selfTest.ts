// The batch/padding invariance self-test. Padding bugs (a wrong pad id, pooling the wrong token, a mask that lets
// real tokens see padding) are the most common reason a reward model "misbehaves" in someone's pipeline; here the
// same sequences are scored alone (batch 1) and in batches padded on the right and on the left, and every reward
// that moves by more than the tolerance is listed with its pair.
import type { EncodedSeq, RewardScorer } from './scorer';

export interface SelfTestRow {
  readonly index: number;
  readonly label: string;
  readonly single: number;
  readonly right: number;
  readonly left: number;
  readonly drift: number;
}

export interface SelfTestResult {
  readonly sequences: number;
  readonly batchSize: number;
  readonly tolerance: number;
  readonly maxDrift: number;
  readonly drifting: readonly SelfTestRow[];
  readonly leftSupported: boolean;
}

export const DRIFT_TOLERANCE = 1e-3;

export async function paddingSelfTest(
  scorer: RewardScorer,
  seqs: readonly EncodedSeq[],
  labels: readonly string[],
  batchSize = 8,
  tolerance = DRIFT_TOLERANCE,
): Promise<SelfTestResult> {
  const single: number[] = [];
  for (const s of seqs) single.push((await scorer.score([s], 1)).rewards[0]!);
  const right = (await scorer.score(seqs, batchSize, 0, 'right')).rewards;
  const leftSupported = scorer.info.kind === 'hf';
  const left = leftSupported ? (await scorer.score(seqs, batchSize, 0, 'left')).rewards : right;
  let maxDrift = 0;
  const drifting: SelfTestRow[] = [];
  seqs.forEach((_, i) => {
    const vals = [single[i]!, right[i]!, left[i]!];
    const drift = Math.max(...vals) - Math.min(...vals);
    const rel = drift / Math.max(1, Math.abs(single[i]!));
    maxDrift = Math.max(maxDrift, rel);
    if (!(rel <= tolerance))
      drifting.push({ index: i, label: labels[i] ?? String(i), single: single[i]!, right: right[i]!, left: left[i]!, drift: rel });
  });
  return { sequences: seqs.length, batchSize, tolerance, maxDrift, drifting, leftSupported };
}
