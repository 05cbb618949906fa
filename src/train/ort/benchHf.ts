// The HF scoring benchmark's measurements, one engine per process (scripts/bench-hf-score.mjs spawns a child per
// engine so that each peak RSS is its own): load a folder, score one warm-up batch, then time `runs` batches of
// N sequences × T tokens of the same ids PyTorch gets (scripts/bench_hf_torch.py uses the same generator).
// Benchmarks are never timed tests (STYLE.md): nothing here asserts a speed.
import { openHfFolder } from '../../node/hf/modelFolder';
import type { EncodedSeq, RewardScorer } from '../scorer';
import { openOrtScorer } from './ortScorer';
import type { WeightPassing } from './ortModel';
import type { ConcreteBackend } from '../backends';

export interface BenchHfOptions {
  readonly batch: number;
  readonly tokens: number;
  readonly runs: number;
  readonly threads?: number;
}

export interface BenchHfRow {
  readonly engine: string;
  readonly tokensPerS: number;
  /** Fastest batch (the machine is shared: the minimum is the least disturbed measurement). */
  readonly msPerBatch: number;
  readonly msPerBatchAll: readonly number[];
  readonly loadS: number;
  readonly peakRssMb: number;
  /** RSS right after loading, before the first batch. */
  readonly loadedRssMb: number;
  readonly rewards: readonly number[];
}

/** MINSTD (x · 48271 mod 2³¹ − 1): exact in doubles, so Python produces the same ids. */
export function benchIds(n: number, t: number, vocab: number): Int32Array[] {
  let seed = 7;
  return Array.from({ length: n }, () =>
    Int32Array.from({ length: t }, () => {
      seed = (seed * 48271) % 2147483647;
      return Math.floor((seed / 2147483647) * (vocab - 1));
    }),
  );
}

const rssMb = () => process.memoryUsage().rss / 2 ** 20;
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

async function timeScorer(engine: string, open: () => Promise<RewardScorer>, vocab: number, o: BenchHfOptions): Promise<BenchHfRow> {
  const t0 = performance.now();
  const scorer = await open();
  const loadS = (performance.now() - t0) / 1000;
  const loadedRssMb = rssMb();
  const seqs: EncodedSeq[] = benchIds(o.batch, o.tokens, vocab).map((ids) => ({
    ids,
    responseTokens: ids.length,
    promptTokensDropped: 0,
    responseTokensDropped: 0,
  }));
  let rewards = (await scorer.score(seqs, o.batch)).rewards; // warm-up: first-run allocations
  const ms: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    const t1 = performance.now();
    rewards = (await scorer.score(seqs, o.batch)).rewards;
    ms.push(performance.now() - t1);
  }
  scorer.dispose();
  const best = Math.min(...ms);
  return {
    engine,
    tokensPerS: (o.batch * o.tokens) / (best / 1000),
    msPerBatch: best,
    msPerBatchAll: ms,
    loadS,
    peakRssMb: peakRssMb(),
    loadedRssMb,
    rewards: Array.from(rewards),
  };
}

export function benchOrt(dir: string, weights: WeightPassing, o: BenchHfOptions, cacheDir?: string): Promise<BenchHfRow> {
  const vocab = openHfFolder(dir).spec.vocabSize;
  const open = () =>
    openOrtScorer(dir, { weights, ...(o.threads !== undefined ? { threads: o.threads } : {}), ...(cacheDir ? { cacheDir } : {}) });
  return timeScorer(`onnxruntime (${weights})`, open, vocab, o);
}

/** The tfjs engine on one backend (wasm: XNNPACK, single-threaded). */
export async function benchTfjs(dir: string, backend: ConcreteBackend, o: BenchHfOptions): Promise<BenchHfRow> {
  const { initBackend } = await import('../backends');
  const { loadHfModel } = await import('../hf/hfModel');
  const { hfScorer } = await import('../hf/hfScorer');
  const choice = await initBackend(backend);
  const vocab = openHfFolder(dir).spec.vocabSize;
  return timeScorer(`tfjs-${choice.name}`, async () => hfScorer(await loadHfModel(dir)), vocab, o);
}
