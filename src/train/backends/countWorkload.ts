// Dispatch counts of the reference workload on the active webgpu backend: one training step and one scoring pass,
// each measured after warm-up steps (shader compilation, Adam's moments, tfjs's buffer pool reaching its steady state).
import { countGpu, type GpuCounts } from './gpuCount';
import { makeWorkload, scoreOnce, stepOnce, type Workload } from './workload';

export interface WorkloadCounts {
  readonly train: GpuCounts;
  readonly score: GpuCounts;
}

/**
 * Warm-up steps before counting: the first compiles pipelines and fills the buffer pool, the second creates the bind
 * groups of the settled pool (src/train/kernels/webgpuBindCache.ts), the third the few that depend on the step before.
 */
export const WARMUP_STEPS = 3;

/** One training step, metrics left on the GPU (a training loop reads them only on log steps). */
async function trainStep(w: Workload): Promise<void> {
  stepOnce(w).dispose();
}

/** One scoring pass, rewards read back (scoring needs the numbers). */
async function scorePass(w: Workload): Promise<void> {
  const r = scoreOnce(w);
  await r.data(); // Sync point: the scores are the result.
  r.dispose();
}

export async function countWorkload(w: Workload): Promise<WorkloadCounts> {
  for (let i = 0; i < WARMUP_STEPS; i++) {
    const m = stepOnce(w);
    await m.data(); // Sync point: warm-up ends with the GPU idle, so the count starts clean.
    m.dispose();
  }
  const train = (await countGpu(() => trainStep(w))).counts;
  await scorePass(w);
  const score = (await countGpu(() => scorePass(w))).counts;
  return { train, score };
}

/** Counts for the reference workload at `pairs` pairs (small: the tiny correctness shape). */
export async function countReference(pairs: number, small: boolean): Promise<WorkloadCounts> {
  const w = makeWorkload(pairs, small);
  try {
    return await countWorkload(w);
  } finally {
    w.dispose();
  }
}
