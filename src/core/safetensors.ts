// The safetensors format (huggingface/safetensors), pure TypeScript so any runtime can read model files:
//
//   [8 bytes: N, unsigned little-endian u64][N bytes: JSON header, UTF-8][byte buffer]
//
// The header maps each tensor name to { dtype, shape, data_offsets: [begin, end] } (offsets relative to the start of
// the byte buffer, end exclusive) plus an optional "__metadata__" map of string → string. Tensors are row-major and
// little-endian; together they must cover the byte buffer exactly, with no gaps or overlaps. We write the header
// padded with spaces to a multiple of 8 bytes, as the reference implementation does, so the data is 8-byte aligned.
// Supported dtypes: F32 and I32 (all Reward Lens needs); others are rejected with their name.

export type SafetensorsDtype = 'F32' | 'I32';

export interface SafeTensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
}

export interface SafetensorsFile {
  /** Tensors in file order (order of their data offsets). */
  readonly tensors: ReadonlyMap<string, SafeTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

const METADATA_KEY = '__metadata__';
/** Largest header we accept (the reference implementation's limit is 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

// TextEncoder/TextDecoder exist in Node and every browser, but src/core type-checks against plain ES2022 (no DOM, no
// Node types), so they are reached through globalThis with a minimal type.
interface Utf8Globals {
  readonly TextEncoder: new () => { encode(text: string): Uint8Array };
  readonly TextDecoder: new (label: 'utf-8', options: { fatal: boolean }) => { decode(bytes: Uint8Array): string };
}
const utf8 = globalThis as unknown as Utf8Globals;

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Serialises tensors (in the given order) and string metadata.
 * @example encodeSafetensors(new Map([['w', { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) }]]))
 */
export function encodeSafetensors(tensors: ReadonlyMap<string, SafeTensor>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) {
    for (const [k, v] of Object.entries(metadata))
      if (typeof v !== 'string') throw new Error(`safetensors: metadata "${k}" must be a string`);
    header[METADATA_KEY] = { ...metadata };
  }
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === METADATA_KEY) throw new Error(`safetensors: "${METADATA_KEY}" cannot be a tensor name`);
    checkTensor(name, t);
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = new utf8.TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const t of tensors.values()) {
    out.set(toLittleEndianBytes(t.data), pos);
    pos += t.data.byteLength;
  }
  return out;
}

/** Parses a safetensors buffer. Errors say what is wrong and with which tensor; the caller adds the file name. */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.length < 8) throw new Error(`safetensors: file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8))) {
    throw new Error(`safetensors: header length ${headerLen} exceeds the file (${bytes.length} bytes) or the 100 MB limit`);
  }
  const n = Number(headerLen);
  let header: unknown;
  try {
    header = JSON.parse(new utf8.TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new Error(`safetensors: header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error('safetensors: header must be a JSON object');
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  const metadata = parseMetadata((header as Record<string, unknown>)[METADATA_KEY]);
  const entries: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) continue;
    entries.push({ name, ...parseEntry(name, raw) });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of entries) {
    if (e.begin !== expected)
      throw new Error(`safetensors: tensor "${e.name}" starts at byte ${e.begin}, expected ${expected} (gap or overlap)`);
    expected = e.end;
  }
  if (expected !== dataLen) throw new Error(`safetensors: tensors cover ${expected} bytes but the data section has ${dataLen}`);
  const tensors = new Map<string, SafeTensor>();
  for (const e of entries) {
    const slice = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: fromLittleEndianBytes(slice, e.dtype) });
  }
  return { tensors, metadata };
}

function checkTensor(name: string, t: SafeTensor): void {
  if (t.dtype !== 'F32' && t.dtype !== 'I32') throw new Error(`safetensors: tensor "${name}" has unsupported dtype ${String(t.dtype)}`);
  const wantArray = t.dtype === 'F32' ? Float32Array : Int32Array;
  if (!(t.data instanceof wantArray))
    throw new Error(`safetensors: tensor "${name}" is ${t.dtype} but its data is not a ${wantArray.name}`);
  if (t.shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new Error(`safetensors: tensor "${name}" has an invalid shape [${t.shape}]`);
  if (numel(t.shape) !== t.data.length) throw new Error(`safetensors: tensor "${name}" has shape [${t.shape}] but ${t.data.length} values`);
}

function parseMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error('safetensors: "__metadata__" must be an object of strings');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') throw new Error(`safetensors: metadata "${k}" must be a string, got ${typeof v}`);
    out[k] = v;
  }
  return out;
}

function parseEntry(name: string, raw: unknown): { dtype: SafetensorsDtype; shape: number[]; begin: number; end: number } {
  if (typeof raw !== 'object' || raw === null) throw new Error(`safetensors: tensor "${name}" entry must be an object`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (dtype !== 'F32' && dtype !== 'I32')
    throw new Error(`safetensors: tensor "${name}" has dtype ${JSON.stringify(dtype)}; only F32 and I32 are supported`);
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new Error(`safetensors: tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isInteger(o) || o < 0) || offsets[0] > offsets[1]) {
    throw new Error(`safetensors: tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end - begin !== numel(shape as number[]) * 4) {
    throw new Error(
      `safetensors: tensor "${name}" spans ${end - begin} bytes but shape [${shape}] of ${dtype} needs ${numel(shape as number[]) * 4}`,
    );
  }
  return { dtype, shape: shape as number[], begin, end };
}

function toLittleEndianBytes(data: Float32Array | Int32Array): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN_HOST) return bytes;
  const out = new Uint8Array(data.byteLength);
  const v = new DataView(out.buffer);
  data.forEach((x, i) => (data instanceof Float32Array ? v.setFloat32(i * 4, x, true) : v.setInt32(i * 4, x, true)));
  return out;
}

function fromLittleEndianBytes(slice: Uint8Array, dtype: SafetensorsDtype): Float32Array | Int32Array {
  const n = slice.length / 4;
  if (LITTLE_ENDIAN_HOST) {
    // Copy: the slice may not be 4-byte aligned (headers from other writers need not be padded), and the result
    // should not keep the whole file buffer alive.
    const copy = new Uint8Array(slice);
    return dtype === 'F32' ? new Float32Array(copy.buffer, 0, n) : new Int32Array(copy.buffer, 0, n);
  }
  const v = new DataView(slice.buffer, slice.byteOffset, slice.byteLength);
  const out = dtype === 'F32' ? new Float32Array(n) : new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = dtype === 'F32' ? v.getFloat32(i * 4, true) : v.getInt32(i * 4, true);
  return out;
}
