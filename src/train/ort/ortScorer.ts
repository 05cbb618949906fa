// RewardScorer for a Hugging Face model on onnxruntime: the same encoding, batching, padding and head as the tfjs
// engine (src/train/hf/hfScorer.ts), with the forward pass run by the generated ONNX graph. One session.run per
// batch; it blocks the calling thread for the batch's duration (the binding runs synchronously), which is why the
// extension scores in its worker thread.
import { buildBatch, type PaddingSide } from '../../core/hf/batch';
import { ChatFormatter } from '../../core/hf/chat';
import { HfTokenizer } from '../../core/hf/tokenizer';
import { batchFeeds, INPUT, OUTPUT } from '../../core/onnx/hfGraph';
import { openHfFolder, type HfFolder } from '../../node/hf/modelFolder';
import { readTensorF32 } from '../../node/hf/safetensorsFiles';
import type { SequenceScores } from '../evaluate';
import { fillIdOf, freshHead, LoadCancelled } from '../hf/hfModel';
import { hfEncoding, planBatches } from '../hf/hfScorer';
import type { EncodedSeq, RewardScorer } from '../scorer';
import { createHfSession, type OrtHfSession, type OrtSessionConfig } from './ortModel';
import type { OrtTensor } from './ortRuntime';

export interface OrtScorerOptions extends OrtSessionConfig {
  /** Longest sequence in tokens (default: max_position_embeddings, capped at 4096, as on tfjs). */
  readonly maxTokens?: number;
  /** Default padding side of every batch (rewards do not depend on it). */
  readonly padding?: PaddingSide;
  /** Cap on N·T per batch. */
  readonly maxBatchTokens?: number;
  /** Seed of the fresh head of a backbone without one (the same head as the tfjs engine draws). */
  readonly seed?: number;
  /** Render through the chat template when there is one (default true). */
  readonly useChatTemplate?: boolean;
}

interface OrtHfModel {
  readonly folder: HfFolder;
  readonly run: OrtHfSession;
  /** W_p [H] (a [1, H] head read as a vector). */
  readonly head: Float32Array;
  readonly fillId: number;
}

/** Opens a folder on onnxruntime. Rejects with OrtUnavailable (one line + fix) when onnxruntime-node cannot load. */
export async function openOrtScorer(dir: string, opts: OrtScorerOptions = {}): Promise<RewardScorer> {
  const folder = openHfFolder(dir);
  const chat = new ChatFormatter(new HfTokenizer(folder.tokenizer), { useTemplate: opts.useChatTemplate !== false });
  const head = await readHead(folder, opts.seed ?? 1);
  if (opts.cancelled?.()) throw new LoadCancelled();
  const run = await createHfSession(folder, opts);
  const spec = folder.spec;
  const m: OrtHfModel = { folder, run, head, fillId: fillIdOf(spec) };
  const encoding = hfEncoding(chat, spec, opts.maxTokens);
  const maxBatchTokens = opts.maxBatchTokens ?? 16384;
  return {
    info: {
      kind: 'hf',
      engine: 'onnxruntime',
      headTrained: folder.layout.head.kind !== 'untrained',
      hiddenSize: spec.hiddenSize,
      maxTokens: encoding.maxTokens,
    },
    wpNorm: () => Math.sqrt(head.reduce((a, v) => a + v * v, 0)),
    encode: encoding.encode,
    encodePair: encoding.encodePair,
    score: (seqs, batchSize, keepHidden = 0, padding) =>
      scoreOrt(m, seqs, batchSize, keepHidden, padding ?? opts.padding ?? 'right', maxBatchTokens),
    dispose: () => void run.session.release().catch(() => undefined),
  };
}

/** W_p from the checkpoint, or the fresh N(0, 1/(H+1)) head the tfjs engine draws for the same seed. */
async function readHead(folder: HfFolder, seed: number): Promise<Float32Array> {
  const loc = folder.layout.head.tensor ? folder.weights.tensors.get(folder.layout.head.tensor) : undefined;
  if (loc) return readTensorF32(loc);
  const t = freshHead(folder.spec.hiddenSize, seed);
  try {
    return Float32Array.from(t.dataSync()); // Sync point: once, at load (a CPU tensor).
  } finally {
    t.dispose();
  }
}

async function scoreOrt(
  m: OrtHfModel,
  seqs: readonly EncodedSeq[],
  batchSize: number,
  keepHidden: number,
  padding: PaddingSide,
  maxBatchTokens: number,
): Promise<SequenceScores> {
  const { ort, session, weightFeeds } = m.run;
  const spec = m.folder.spec,
    n = seqs.length,
    dim = spec.hiddenSize;
  const rewards = new Float32Array(n),
    hNorm = new Float32Array(n);
  const keep = Math.min(keepHidden, n);
  const hidden = new Float32Array(keep * dim);
  const head = new ort.Tensor('float32', m.head, [dim, 1]);
  for (const idx of planBatches(seqs, batchSize, maxBatchTokens)) {
    const batch = buildBatch(
      spec,
      idx.map((i) => seqs[i]!.ids),
      { padId: m.fillId, side: padding, pooling: m.folder.layout.head.pooling },
    );
    const feeds: Record<string, OrtTensor> = { ...weightFeeds, [INPUT.head]: head };
    for (const [name, f] of Object.entries(batchFeeds(spec, batch))) feeds[name] = new ort.Tensor(f.type, f.data, f.dims);
    const out = await session.run(feeds);
    const r = out[OUTPUT.rewards]!.data,
      h = out[OUTPUT.hidden]!.data;
    idx.forEach((orig, k) => {
      rewards[orig] = r[k]!;
      let sq = 0;
      for (let j = k * dim; j < (k + 1) * dim; j++) sq += h[j]! * h[j]!;
      hNorm[orig] = Math.sqrt(sq);
      if (orig < keep) hidden.set(h.subarray(k * dim, (k + 1) * dim), orig * dim);
    });
  }
  return { rewards, hNorm, hidden, dim };
}
