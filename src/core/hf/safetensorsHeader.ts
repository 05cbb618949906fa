// The header of a Hugging Face safetensors file, and the conversions of its tensor bytes to float32. Pure: the
// reader in src/node/hf reads the header with positional reads and each tensor on its own, so files over 2 GiB load
// and no more than one tensor's bytes are held at a time. tfjs has no bf16/f16 tensors, so both widen to f32 here.

export type HfDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL' | 'F8_E4M3' | 'F8_E5M2';

const BYTES: Readonly<Record<HfDtype, number>> = {
  F32: 4,
  F16: 2,
  BF16: 2,
  F64: 8,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
};
/** The dtypes whose tensors we can turn into float32 weights. */
export const FLOAT_DTYPES: readonly HfDtype[] = ['F32', 'F16', 'BF16'];

export interface HeaderEntry {
  readonly name: string;
  readonly dtype: HfDtype;
  readonly shape: readonly number[];
  /** Byte range within the file (absolute: the 8-byte length and the header included). */
  readonly start: number;
  readonly end: number;
}

export interface ParsedHeader {
  readonly entries: readonly HeaderEntry[];
  readonly metadata: Readonly<Record<string, string>>;
  /** Where the data section starts (8 + header length). */
  readonly dataStart: number;
}

const MAX_HEADER_BYTES = 100_000_000;
const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The header length from the file's first 8 bytes; throws when it cannot be a safetensors file of this size. */
export function headerLength(first8: Uint8Array, fileSize: number): number {
  if (first8.length < 8 || fileSize < 8) throw new Error(`file is ${fileSize} bytes, too short for a safetensors header`);
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(Math.min(MAX_HEADER_BYTES, fileSize - 8)))
    throw new Error(`header length ${n} exceeds the file (${fileSize} bytes) or the 100 MB limit: not a safetensors file, or truncated`);
  return Number(n);
}

/** Parses and checks the header: known dtypes, shapes matching byte ranges, ranges inside the file, no overlaps. */
export function parseHeader(json: string, headerLen: number, fileSize: number): ParsedHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new Error(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('header must be a JSON object');
  const dataStart = 8 + headerLen;
  const entries: HeaderEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
    if (name === '__metadata__') metadata = (v ?? {}) as Record<string, string>;
    else entries.push(parseEntry(name, v, dataStart));
  }
  entries.sort((a, b) => a.start - b.start);
  let prevEnd = dataStart;
  for (const e of entries) {
    if (e.start < prevEnd) throw new Error(`tensor "${e.name}" overlaps the previous tensor`);
    prevEnd = e.end;
  }
  if (prevEnd > fileSize) throw new Error(`tensors extend to byte ${prevEnd} but the file has ${fileSize}: truncated`);
  return { entries, metadata, dataStart };
}

function parseEntry(name: string, v: unknown, dataStart: number): HeaderEntry {
  if (typeof v !== 'object' || v === null) throw new Error(`tensor "${name}": entry must be an object`);
  const { dtype, shape, data_offsets: off } = v as Record<string, unknown>;
  if (typeof dtype !== 'string' || !(dtype in BYTES)) throw new Error(`tensor "${name}": unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new Error(`tensor "${name}": invalid shape ${JSON.stringify(shape)}`);
  if (!Array.isArray(off) || off.length !== 2 || off.some((o) => !Number.isInteger(o) || o < 0) || off[0] > off[1]) {
    throw new Error(`tensor "${name}": invalid data_offsets ${JSON.stringify(off)}`);
  }
  const bytes = numel(shape as number[]) * BYTES[dtype as HfDtype];
  if (off[1] - off[0] !== bytes)
    throw new Error(`tensor "${name}": spans ${off[1] - off[0]} bytes but shape [${shape}] of ${dtype} needs ${bytes}`);
  return { name, dtype: dtype as HfDtype, shape: shape as number[], start: dataStart + off[0], end: dataStart + off[1] };
}

/** Little-endian tensor bytes → float32 (F32 copied, BF16/F16 widened). */
export function toFloat32(bytes: Uint8Array, dtype: HfDtype): Float32Array {
  if (dtype === 'F32') {
    const copy = new Uint8Array(bytes); // aligned, and independent of the read buffer
    return new Float32Array(copy.buffer, 0, bytes.length / 4);
  }
  const n = bytes.length / 2;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  if (dtype === 'BF16') {
    // bf16 is the top half of an f32: shift the 16 bits up.
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) bits[i] = view.getUint16(2 * i, true) << 16;
    return out;
  }
  if (dtype === 'F16') {
    for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
    return out;
  }
  throw new Error(`dtype ${dtype} cannot be read as float weights (supported: ${FLOAT_DTYPES.join(', ')})`);
}

/** IEEE 754 binary16 → number (subnormals, infinities and NaN included). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
