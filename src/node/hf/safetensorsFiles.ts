// The weights of a Hugging Face folder: model.safetensors, or shards listed by model.safetensors.index.json.
// Only headers are read up front; each tensor is then read on its own with a positional read (fs.read at an offset),
// which works for files over 2 GiB (readFileSync refuses them) and holds one tensor's bytes at a time, so loading
// peaks near one fp32 copy of the weights.
import { UserError } from '../../core/errors';
import fs from 'node:fs';
import path from 'node:path';
import { headerLength, parseHeader, toFloat32, type HeaderEntry, type HfDtype } from '../../core/hf/safetensorsHeader';

export interface TensorLocation extends HeaderEntry {
  readonly file: string;
}

export interface WeightFiles {
  readonly dir: string;
  /** Every tensor by its checkpoint name. */
  readonly tensors: ReadonlyMap<string, TensorLocation>;
  readonly files: readonly { readonly file: string; readonly bytes: number }[];
  /** The dtypes found, with tensor counts ({ BF16: 290 }). */
  readonly dtypes: Readonly<Partial<Record<HfDtype, number>>>;
  readonly metadata: Readonly<Record<string, string>>;
}

export const SINGLE_FILE = 'model.safetensors';
export const INDEX_FILE = 'model.safetensors.index.json';

/** Finds and indexes the weights of a folder; errors name the file and what is wrong. */
export function openWeightFiles(dir: string): WeightFiles {
  const index = path.join(dir, INDEX_FILE);
  const single = path.join(dir, SINGLE_FILE);
  let shardNames: string[];
  let weightMap: Record<string, string> | undefined;
  if (fs.existsSync(index)) {
    weightMap = readIndex(index);
    shardNames = [...new Set(Object.values(weightMap))];
  } else if (fs.existsSync(single)) {
    shardNames = [SINGLE_FILE];
  } else {
    const other = fs.readdirSync(dir).filter((f) => /\.(bin|pt|pth|gguf|h5|msgpack)$/.test(f));
    const hint = other.length
      ? ` (found ${other.slice(0, 3).join(', ')}: convert to safetensors, e.g. with transformers' save_pretrained(safe_serialization=True))`
      : '';
    throw new UserError(`${dir}: no ${SINGLE_FILE} or ${INDEX_FILE}${hint}`);
  }
  const tensors = new Map<string, TensorLocation>();
  const files: { file: string; bytes: number }[] = [];
  const dtypes: Partial<Record<HfDtype, number>> = {};
  let metadata: Record<string, string> = {};
  for (const shard of shardNames) {
    const file = path.join(dir, shard);
    if (path.dirname(path.resolve(file)) !== path.resolve(dir))
      throw new UserError(`${index}: shard "${shard}" is not a file of this folder`);
    const parsed = readHeader(file);
    files.push({ file, bytes: parsed.size });
    metadata = { ...metadata, ...parsed.header.metadata };
    for (const e of parsed.header.entries) {
      if (tensors.has(e.name)) throw new UserError(`${file}: tensor "${e.name}" is also in ${tensors.get(e.name)!.file}`);
      if (weightMap && weightMap[e.name] !== undefined && weightMap[e.name] !== shard)
        throw new UserError(`${index}: maps "${e.name}" to ${weightMap[e.name]} but it is in ${shard}`);
      tensors.set(e.name, { ...e, file });
      dtypes[e.dtype] = (dtypes[e.dtype] ?? 0) + 1;
    }
  }
  if (weightMap) {
    const missing = Object.keys(weightMap).filter((n) => !tensors.has(n));
    if (missing.length) throw new UserError(`${index}: lists ${missing.length} tensors not found in the shards, e.g. "${missing[0]}"`);
  }
  return { dir, tensors, files, dtypes, metadata };
}

function readIndex(file: string): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const map = (raw as { weight_map?: unknown })?.weight_map;
  if (typeof map !== 'object' || map === null) throw new UserError(`${file}: field "weight_map" is missing`);
  for (const [k, v] of Object.entries(map))
    if (typeof v !== 'string') throw new UserError(`${file}: field "weight_map.${k}" must be a file name`);
  return map as Record<string, string>;
}

function readHeader(file: string) {
  if (!fs.existsSync(file)) throw new UserError(`${file}: missing (listed as a weights shard)`);
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r');
  try {
    const first = new Uint8Array(8);
    fs.readSync(fd, first, 0, 8, 0);
    const n = withFile(file, () => headerLength(first, size));
    const json = new Uint8Array(n);
    fs.readSync(fd, json, 0, n, 8);
    return { size, header: withFile(file, () => parseHeader(new TextDecoder().decode(json), n, size)) };
  } finally {
    fs.closeSync(fd);
  }
}

function withFile<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new UserError(`${file}: ${(e as Error).message}`);
  }
}

/** Reads one tensor as float32 (BF16/F16 widened). Asynchronous positional read: the event loop stays free. */
export async function readTensorF32(t: TensorLocation): Promise<Float32Array> {
  const bytes = await readRange(t.file, t.start, t.end - t.start);
  return withFile(t.file, () => toFloat32(bytes, t.dtype));
}

/** Raw bytes of a file range. Reads in chunks below 1 GiB, since a single read() is capped near 2 GiB. */
export async function readRange(file: string, start: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  const fh = await fs.promises.open(file, 'r');
  try {
    const CHUNK = 1 << 30;
    for (let done = 0; done < length; ) {
      const { bytesRead } = await fh.read(out, done, Math.min(CHUNK, length - done), start + done);
      if (bytesRead === 0) throw new UserError(`${file}: unexpected end of file at byte ${start + done} (truncated?)`);
      done += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return out;
}
