// Saving and loading a trained model directory, and Adam's state for resume. Layout (docs/model-format.md):
//
//   <dir>/model.safetensors       every parameter, F32, names from parameterSpecs()
//   <dir>/config.json             format + version, ModelConfig, tokenizer, special ids, sha256 of the other files, meta
//   <dir>/vocab.json              the compact vocabulary (VocabularyJSON)
//   <dir>/optimizer.safetensors   Adam's moments and iteration count (checkpoints only)
//
// Every file is written atomically (temp + rename); config.json is written last and records the sha256 of the
// files it describes, so a directory with a torn save (crash between renames) is detected at load, not misread.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ModelConfig } from '../core/config';
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from '../core/safetensors';
import { EOS, PAD, SEP, TOKENIZER_NAME, UNK, Vocabulary } from '../core/tokenize';
import { sealStatus, writeFileAtomic, writeSealedJson } from '../node/atomic';
import { FileError, UserError } from '../core/errors';
import { modelFromTensors, parameterNameOf, parameterSpecs, validateModelConfig, LN_EPS, type RewardModel } from './model';
import { tf, type Tensor } from './tf';

export const MODEL_FORMAT = 'reward-lens-model';
export const MODEL_FORMAT_VERSION = 1;
export const MODEL_FILES = {
  weights: 'model.safetensors',
  config: 'config.json',
  vocab: 'vocab.json',
  optimizer: 'optimizer.safetensors',
} as const;

/** Free-form string facts about the model (step, objective, run id…). Stored in config.json and the safetensors header. */
export type ModelMeta = Readonly<Record<string, string>>;

export interface ModelConfigFile {
  readonly format: typeof MODEL_FORMAT;
  readonly formatVersion: number;
  readonly model: ModelConfig;
  readonly tokenizer: string;
  readonly specialIds: { readonly pad: number; readonly unk: number; readonly sep: number; readonly eos: number };
  /** What a reimplementation needs beyond the shapes (docs/model-format.md explains each). */
  readonly architecture: {
    readonly kind: 'pre-ln-causal-transformer';
    readonly layerNormEps: number;
    readonly activation: 'gelu-erf';
    readonly linearLayout: 'in_out';
    readonly pooling: 'last-token';
    readonly headBias: false;
  };
  readonly files: Readonly<Record<string, { readonly bytes: number; readonly sha256: string }>>;
  readonly meta: ModelMeta;
  readonly savedAt: string;
}

export interface LoadedModel {
  readonly model: RewardModel;
  readonly vocab: Vocabulary;
  readonly config: ModelConfig;
  readonly meta: ModelMeta;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Writes model.safetensors, vocab.json and then config.json into `dir` (created if missing). */
export async function saveModel(model: RewardModel, dir: string, vocab: Vocabulary, meta: ModelMeta = {}): Promise<void> {
  if (vocab.size !== model.config.vocabSize) {
    throw new Error(`saveModel: vocabulary has ${vocab.size} ids but the model's vocabSize is ${model.config.vocabSize}`);
  }
  const tensors = new Map<string, SafeTensor>();
  for (const [name, v] of model.params) {
    // Async read: does not stall a GPU backend's queue the way dataSync would.
    tensors.set(name, { dtype: 'F32', shape: v.shape, data: (await v.data()) as Float32Array });
  }
  const weights = encodeSafetensors(tensors, {
    format: MODEL_FORMAT,
    format_version: String(MODEL_FORMAT_VERSION),
    model_config: JSON.stringify(model.config),
    ...meta,
  });
  const vocabBytes = new TextEncoder().encode(JSON.stringify(vocab.toJSON()) + '\n');
  const config: ModelConfigFile = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    model: model.config,
    tokenizer: vocab.tokenizer,
    specialIds: { pad: PAD, unk: UNK, sep: SEP, eos: EOS },
    architecture: {
      kind: 'pre-ln-causal-transformer',
      layerNormEps: LN_EPS,
      activation: 'gelu-erf',
      linearLayout: 'in_out',
      pooling: 'last-token',
      headBias: false,
    },
    files: {
      [MODEL_FILES.weights]: { bytes: weights.length, sha256: sha256(weights) },
      [MODEL_FILES.vocab]: { bytes: vocabBytes.length, sha256: sha256(vocabBytes) },
    },
    meta,
    savedAt: new Date().toISOString(),
  };
  writeFileAtomic(path.join(dir, MODEL_FILES.weights), weights);
  writeFileAtomic(path.join(dir, MODEL_FILES.vocab), vocabBytes);
  // Sealed: a `checksum` field over the rest, so a damaged config.json is detected rather than half-read.
  writeSealedJson(path.join(dir, MODEL_FILES.config), config);
}

function readFile(dir: string, name: string, what: string): Uint8Array {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) throw new UserError(`${file}: missing (${what}); is ${dir} a Reward Lens model directory?`);
  const buf = fs.readFileSync(file);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function checkHash(dir: string, name: string, bytes: Uint8Array, config: ModelConfigFile): void {
  const want = config.files[name];
  if (!want) return;
  if (want.bytes !== bytes.length || want.sha256 !== sha256(bytes)) {
    throw new UserError(
      `${path.join(dir, name)}: does not match ${MODEL_FILES.config} (size or sha256 differ): the save was interrupted or files from different saves were mixed`,
    );
  }
}

const CONFIG_KEYS = new Set([
  'format',
  'formatVersion',
  'model',
  'tokenizer',
  'specialIds',
  'architecture',
  'files',
  'meta',
  'savedAt',
  'checksum',
]);

function parseConfig(dir: string, bytes: Uint8Array): ModelConfigFile {
  const file = path.join(dir, MODEL_FILES.config);
  const text = new TextDecoder().decode(bytes);
  let c: Partial<ModelConfigFile> & { checksum?: string };
  try {
    c = JSON.parse(text) as Partial<ModelConfigFile>;
  } catch (e) {
    throw new FileError({ file }, `not valid JSON (${(e as Error).message}); the file is damaged or truncated`);
  }
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new FileError({ file }, 'expected a JSON object');
  // Models saved before config.json was sealed have no checksum; a present one must match the exact text before it.
  const seal = sealStatus(text);
  if (seal === 'mismatch' || (seal === 'missing' && 'checksum' in c))
    throw new FileError({ file, field: 'checksum' }, 'does not match the file: it was damaged or edited after it was saved');
  const unknown = Object.keys(c).filter((k) => !CONFIG_KEYS.has(k));
  if (unknown.length)
    throw new FileError(
      { file, field: unknown[0] },
      'is not a field of a Reward Lens model config.json (the file is damaged, or from another tool)',
    );
  if (c.format !== MODEL_FORMAT) throw new UserError(`${file}: field "format" must be "${MODEL_FORMAT}", got ${JSON.stringify(c.format)}`);
  if (c.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new UserError(
      `${file}: field "formatVersion" is ${JSON.stringify(c.formatVersion)}; this version of Reward Lens reads version ${MODEL_FORMAT_VERSION}`,
    );
  }
  if (c.tokenizer !== TOKENIZER_NAME)
    throw new UserError(`${file}: field "tokenizer" must be "${TOKENIZER_NAME}", got ${JSON.stringify(c.tokenizer)}`);
  if (typeof c.model !== 'object' || c.model === null) throw new UserError(`${file}: field "model" (the ModelConfig) is missing`);
  const problems = validateModelConfig(c.model);
  if (problems.length) throw new UserError(`${file}: field "model": ${problems.join('; ')}`);
  if (typeof c.files !== 'object' || c.files === null) throw new UserError(`${file}: field "files" is missing`);
  return { ...(c as ModelConfigFile), meta: c.meta ?? {} };
}

/** Loads a directory written by saveModel. Errors name the file and what is wrong with it. */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const config = parseConfig(dir, readFile(dir, MODEL_FILES.config, 'the model configuration'));
  const cfg = config.model;

  const vocabFile = path.join(dir, MODEL_FILES.vocab);
  const vocabBytes = readFile(dir, MODEL_FILES.vocab, 'the vocabulary');
  checkHash(dir, MODEL_FILES.vocab, vocabBytes, config);
  let vocab: Vocabulary;
  try {
    vocab = Vocabulary.fromJSON(JSON.parse(new TextDecoder().decode(vocabBytes)));
  } catch (e) {
    throw new UserError(`${vocabFile}: ${(e as Error).message}`);
  }
  if (vocab.size !== cfg.vocabSize)
    throw new UserError(`${vocabFile}: has ${vocab.size} ids but ${MODEL_FILES.config} says vocabSize ${cfg.vocabSize}`);

  const weightsFile = path.join(dir, MODEL_FILES.weights);
  const weightBytes = readFile(dir, MODEL_FILES.weights, 'the weights');
  checkHash(dir, MODEL_FILES.weights, weightBytes, config);
  let decoded;
  try {
    decoded = decodeSafetensors(weightBytes);
  } catch (e) {
    throw new UserError(`${weightsFile}: ${(e as Error).message}`);
  }
  const specs = parameterSpecs(cfg);
  const expected = new Set(specs.map((s) => s.name));
  const extra = [...decoded.tensors.keys()].filter((n) => !expected.has(n));
  if (extra.length)
    throw new UserError(`${weightsFile}: unexpected tensors ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? '…' : ''} for this config`);
  const tensors = new Map<string, Tensor>();
  try {
    for (const spec of specs) {
      const t = decoded.tensors.get(spec.name);
      if (!t) throw new UserError(`${weightsFile}: tensor ${spec.name} is missing`);
      if (t.dtype !== 'F32') throw new UserError(`${weightsFile}: tensor ${spec.name} is ${t.dtype}, expected F32`);
      if (t.shape.join(',') !== spec.shape.join(',')) {
        throw new UserError(
          `${weightsFile}: tensor ${spec.name} has shape [${t.shape}], but ${MODEL_FILES.config} implies [${spec.shape}]`,
        );
      }
      tensors.set(spec.name, tf.tensor(t.data, [...t.shape], 'float32'));
    }
    return { model: modelFromTensors(cfg, tensors), vocab, config: cfg, meta: config.meta };
  } finally {
    tf.dispose([...tensors.values()]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Adam state

/**
 * Writes Adam's iteration count and moments to <dir>/optimizer.safetensors. Moments are stored as
 * "m/<parameter>" and "v/<parameter>" (parameter names as in model.safetensors), in the optimizer's own order.
 */
export async function saveOptimizerState(optimizer: tf.AdamOptimizer, dir: string): Promise<void> {
  const weights = await optimizer.getWeights();
  const [iter, ...moments] = weights;
  if (iter?.name !== 'iter') throw new Error('saveOptimizerState: unexpected Adam state (no iteration counter)');
  const tensors = new Map<string, SafeTensor>();
  const iterations = (await iter.tensor.data())[0]!;
  tensors.set('iterations', { dtype: 'I32', shape: [], data: Int32Array.of(iterations) });
  iter.tensor.dispose();
  const half = moments.length / 2;
  for (let i = 0; i < moments.length; i++) {
    const w = moments[i]!;
    const kind = i < half ? 'm' : 'v';
    const varName = w.name.replace(/\/[mv]$/, '');
    tensors.set(`${kind}/${parameterNameOf(varName) ?? varName}`, {
      dtype: 'F32',
      shape: w.tensor.shape,
      data: (await w.tensor.data()) as Float32Array,
    });
  }
  const cfg = optimizer.getConfig();
  const metadata = {
    optimizer: 'adam',
    iterations: String(iterations),
    beta1: String(cfg['beta1']),
    beta2: String(cfg['beta2']),
    epsilon: String(cfg['epsilon']),
  };
  writeFileAtomic(path.join(dir, MODEL_FILES.optimizer), encodeSafetensors(tensors, metadata));
}

/**
 * Restores Adam's state saved by saveOptimizerState, so the next step continues the same trajectory. The moments are
 * matched to variables by position, so train with minimize/applyGradients over trainableVariables(model) (the same
 * order as at save time). Pass `model` to also check names and shapes against it.
 */
export async function loadOptimizerState(optimizer: tf.AdamOptimizer, dir: string, model?: Pick<RewardModel, 'params'>): Promise<void> {
  const file = path.join(dir, MODEL_FILES.optimizer);
  let decoded;
  try {
    decoded = decodeSafetensors(readFile(dir, MODEL_FILES.optimizer, "Adam's state"));
  } catch (e) {
    throw new UserError((e as Error).message.startsWith(file) ? (e as Error).message : `${file}: ${(e as Error).message}`);
  }
  const meta = decoded.metadata;
  const cfg = optimizer.getConfig();
  for (const k of ['beta1', 'beta2'] as const) {
    if (meta[k] !== undefined && Number(meta[k]) !== cfg[k]) {
      throw new UserError(
        `${file}: saved with Adam ${k} = ${meta[k]}, but the optimizer has ${String(cfg[k])}; resume with the same settings`,
      );
    }
  }
  const iter = decoded.tensors.get('iterations');
  if (iter?.dtype !== 'I32') throw new UserError(`${file}: tensor "iterations" (I32) is missing`);
  const names = [...decoded.tensors.keys()].filter((n) => n.startsWith('m/')).map((n) => n.slice(2));
  const order = model ? [...model.params.keys()] : names;
  if (model && names.length > 0) {
    const missing = order.filter((n) => !decoded.tensors.has(`m/${n}`) || !decoded.tensors.has(`v/${n}`));
    if (missing.length) throw new UserError(`${file}: no Adam moments for ${missing.slice(0, 5).join(', ')}`);
  }
  const weights: { name: string; tensor: Tensor }[] = [{ name: 'iter', tensor: tf.scalar(iter.data[0]!, 'int32') }];
  if (names.length > 0) {
    for (const kind of ['m', 'v'] as const) {
      for (const n of order) {
        const t = decoded.tensors.get(`${kind}/${n}`);
        if (!t) throw new UserError(`${file}: tensor "${kind}/${n}" is missing`);
        const p = model?.params.get(n);
        if (p && p.shape.join(',') !== t.shape.join(','))
          throw new UserError(`${file}: tensor "${kind}/${n}" has shape [${t.shape}], the model's is [${p.shape}]`);
        weights.push({ name: `${p?.name ?? n}/${kind}`, tensor: tf.tensor(t.data, [...t.shape], 'float32') });
      }
    }
  }
  // setWeights turns each tensor into a variable (shares its data); our handles are released afterwards.
  await optimizer.setWeights(weights);
  tf.dispose(weights.map((w) => w.tensor));
}
