// The ONNX model of an opened Hugging Face folder, and the onnxruntime session that runs it.
//
// Weights reach onnxruntime without a second fp32 copy and without writing next to the user's folder:
//   'external' (default)  the graph's initializers are external data pointing into the folder's own safetensors
//                         files. onnxruntime 1.30 rejects external data that resolves outside the model file's folder
//                         (a cache folder of symlinks to the shards is refused: it canonicalises the path), so the
//                         session is told to resolve external data against the shards' own folder, through the
//                         session config entry session.model_external_initializers_file_folder_path. That folder is
//                         the common folder of the shards' real paths: in a Hugging Face hub snapshot the shards
//                         are symlinks into ../../blobs, which onnxruntime would refuse too.
//   'inputs'              weights are graph inputs, read once into Float32Arrays and fed on every run.
// The graph file itself (a few hundred KB, no weights) goes to a cache folder keyed by a hash of config.json, the
// shards' names, sizes and mtimes and the graph format, written atomically; docs/onnx-engine.md has the measurements.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backboneTensors } from '../../core/hf/tensors';
import { buildHfModel } from '../../core/onnx/hfGraph';
import { encodeModel } from '../../core/onnx/proto';
import { externalWeights, inputWeights, type ExternalTensor } from '../../core/onnx/weights';
import { writeFileAtomic } from '../../node/atomic';
import { LoadCancelled } from '../hf/hfModel';
import type { HfFolder } from '../../node/hf/modelFolder';
import { readTensorF32, type TensorLocation } from '../../node/hf/safetensorsFiles';
import { loadOnnxRuntime, type OrtModule, type OrtSession, type OrtSessionOptions, type OrtTensor } from './ortRuntime';

export type WeightPassing = 'external' | 'inputs';

/** Bumped whenever the generated graph changes for the same checkpoint, so stale cache files are not reused. */
export const GRAPH_FORMAT = 'reward-lens-onnx-3';

export interface OrtSessionConfig {
  /** onnxruntime's intra-op threads (default: its own choice, one per physical core). */
  readonly threads?: number;
  readonly weights?: WeightPassing;
  /** Folder for generated graph files (default ~/.cache/reward-lens/onnx, or $XDG_CACHE_HOME/reward-lens/onnx). */
  readonly cacheDir?: string;
  /** Writes onnxruntime's optimised graph here (debugging: which fusions happened). */
  readonly optimizedModelFile?: string;
  readonly onProgress?: (doneBytes: number, totalBytes: number) => void;
  readonly cancelled?: () => boolean;
}

export interface OrtHfSession {
  readonly ort: OrtModule;
  readonly session: OrtSession;
  readonly modelFile: string;
  readonly weights: WeightPassing;
  /** Feeds every run needs besides the batch: the weights in 'inputs' mode, else empty. */
  readonly weightFeeds: Readonly<Record<string, OrtTensor>>;
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'reward-lens', 'onnx');
}

/** Canonical backbone name → checkpoint tensor location (the folder's layout prefix applied). */
export function backboneLocations(folder: HfFolder): Map<string, TensorLocation> {
  const out = new Map<string, TensorLocation>();
  for (const t of backboneTensors(folder.spec)) {
    const loc = folder.weights.tensors.get(folder.layout.prefix + t.name);
    if (!loc) throw new Error(`${folder.dir}: tensor "${folder.layout.prefix}${t.name}" is missing`);
    out.set(t.name, loc);
  }
  return out;
}

export interface ExternalDataRoot {
  /** The folder onnxruntime resolves external data against. */
  readonly root: string;
  /** Each shard (as openWeightFiles lists it) → its real path relative to root, with '/' separators. */
  readonly locations: ReadonlyMap<string, string>;
}

/** The common folder of the shards' real paths, and each shard's location from there. */
export function externalDataRoot(folder: HfFolder): ExternalDataRoot {
  const real = folder.weights.files.map((f) => [f.file, fs.realpathSync(f.file)] as const);
  let root = path.dirname(real[0]![1]);
  while (!real.every(([, r]) => !path.relative(root, r).startsWith('..') && !path.isAbsolute(path.relative(root, r)))) {
    const up = path.dirname(root);
    if (up === root) throw new Error(`${folder.dir}: the weight files have no common folder (${real.map(([, r]) => r).join(', ')})`);
    root = up;
  }
  return { root, locations: new Map(real.map(([file, r]) => [file, path.relative(root, r).split(path.sep).join('/')])) };
}

/** The cache key: everything the generated graph depends on. */
export function graphKey(folder: HfFolder, weights: WeightPassing, ext: ExternalDataRoot): string {
  const h = crypto.createHash('sha256').update(`${GRAPH_FORMAT}\n${weights}\n${folder.layout.prefix}\n`);
  h.update(fs.readFileSync(path.join(folder.dir, 'config.json'), 'utf8'));
  for (const f of folder.weights.files) {
    const st = fs.statSync(f.file);
    h.update(`\n${path.basename(f.file)}:${ext.locations.get(f.file)}:${st.size}:${st.mtimeMs}`);
  }
  return h.digest('hex').slice(0, 32);
}

/** Writes (or reuses) the graph file for a folder; returns its path. */
export function writeGraphFile(folder: HfFolder, weights: WeightPassing, cacheDir: string, ext = externalDataRoot(folder)): string {
  const file = path.join(cacheDir, `${folder.spec.modelType}-${weights}-${graphKey(folder, weights, ext)}.onnx`);
  if (fs.existsSync(file)) return file;
  const locations = backboneLocations(folder);
  const model = buildHfModel(
    folder.spec,
    (g) => {
      if (weights === 'inputs') return inputWeights(g, new Map([...locations].map(([n, t]) => [n, t.shape])));
      const tensors = new Map<string, ExternalTensor>();
      for (const [n, t] of locations)
        tensors.set(n, { dtype: t.dtype, shape: t.shape, location: ext.locations.get(t.file)!, offset: t.start, length: t.end - t.start });
      return externalWeights(g, tensors);
    },
    { format: GRAPH_FORMAT, weights },
  );
  writeFileAtomic(file, encodeModel(model));
  return file;
}

/** Session options; the external data of the graph resolves against the shards' folder. */
export function sessionOptions(ext: ExternalDataRoot, cfg: OrtSessionConfig): OrtSessionOptions {
  return {
    ...(cfg.threads !== undefined ? { intraOpNumThreads: cfg.threads } : {}),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
    ...(cfg.optimizedModelFile ? { optimizedModelFilePath: cfg.optimizedModelFile } : {}),
    extra: { session: { model_external_initializers_file_folder_path: ext.root } },
  };
}

export async function createHfSession(folder: HfFolder, cfg: OrtSessionConfig = {}): Promise<OrtHfSession> {
  const ort = await loadOnnxRuntime();
  const weights = cfg.weights ?? 'external';
  const ext = externalDataRoot(folder);
  const modelFile = writeGraphFile(folder, weights, cfg.cacheDir ?? defaultCacheDir(), ext);
  const weightFeeds = weights === 'inputs' ? await readWeightFeeds(ort, folder, cfg) : {};
  const total = folder.weights.files.reduce((a, f) => a + f.bytes, 0);
  // onnxruntime reads external weights itself, in one call: say it started (the editor shows a load in progress),
  // then that it finished; a cancel during the call takes effect when it returns.
  if (weights === 'external') cfg.onProgress?.(0, total);
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(modelFile, sessionOptions(ext, cfg));
  } catch (e) {
    throw new Error(`${folder.dir}: onnxruntime could not load the generated model ${modelFile}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (cfg.cancelled?.()) {
    await session.release().catch(() => undefined);
    throw new LoadCancelled();
  }
  if (weights === 'external') cfg.onProgress?.(total, total);
  return { ort, session, modelFile, weights, weightFeeds };
}

/** 'inputs' mode: every backbone tensor as an fp32 ort.Tensor, read one at a time (BF16/F16 widened). */
async function readWeightFeeds(ort: OrtModule, folder: HfFolder, cfg: OrtSessionConfig): Promise<Record<string, OrtTensor>> {
  const locations = [...backboneLocations(folder)];
  const total = locations.reduce((a, [, t]) => a + (t.end - t.start), 0);
  const feeds: Record<string, OrtTensor> = {};
  let done = 0;
  for (const [name, t] of locations) {
    if (cfg.cancelled?.()) throw new LoadCancelled();
    feeds[`w.${name}`] = new ort.Tensor('float32', await readTensorF32(t), t.shape);
    done += t.end - t.start;
    cfg.onProgress?.(done, total);
  }
  return feeds;
}
