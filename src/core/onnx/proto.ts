// A minimal protobuf writer for the ONNX messages a generated model needs: ModelProto, GraphProto, NodeProto,
// AttributeProto, TensorProto (raw or external data), ValueInfoProto (static and symbolic dims). Pure TypeScript:
// the model is built in memory and handed to onnxruntime as bytes or written by the caller.
//
// Field numbers are those of onnx/onnx.proto (proto2), cited beside each message below. Fields are written in
// field-number order and repeated scalars unpacked (proto2's default for `repeated int64 dims = 1;`), which is how
// the protobuf C++ serializer behind Python's `onnx` writes them, so the same model gives the same bytes (the unit
// test checks this against a fixture written once by `onnx`). Large raw_data payloads are referenced, not copied,
// until the single final concatenation.

/** TensorProto.DataType (onnx.proto enum TensorProto.DataType). */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10, DOUBLE: 11, BFLOAT16: 16 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** Where an initializer's bytes live outside the model: TensorProto.external_data keys "location", "offset", "length". */
export interface ExternalData {
  /** POSIX path relative to the model's folder (or to the folder ORT is told to resolve external data against). */
  readonly location: string;
  readonly offset: number;
  readonly length: number;
}

export interface TensorInit {
  readonly name: string;
  readonly dataType: DataTypeCode;
  readonly dims: readonly number[];
  /** Little-endian element bytes (raw_data). Exactly one of raw / external. */
  readonly raw?: Uint8Array;
  readonly external?: ExternalData;
}

export type Attribute =
  | { readonly name: string; readonly type: 'float'; readonly value: number }
  | { readonly name: string; readonly type: 'int'; readonly value: number }
  | { readonly name: string; readonly type: 'string'; readonly value: string }
  | { readonly name: string; readonly type: 'tensor'; readonly value: TensorInit }
  | { readonly name: string; readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly name: string; readonly type: 'ints'; readonly value: readonly number[] };

export interface NodeInit {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  /** Operator set domain ('' or absent: ai.onnx; 'com.microsoft' for ORT contrib ops). */
  readonly domain?: string;
  readonly attributes?: readonly Attribute[];
}

/** A graph input / output: element type and dims, a string dim being symbolic (dim_param). */
export interface ValueInfo {
  readonly name: string;
  readonly elemType: DataTypeCode;
  readonly dims: readonly (number | string)[];
}

export interface GraphInit {
  readonly name: string;
  readonly nodes: readonly NodeInit[];
  readonly initializers: readonly TensorInit[];
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly valueInfo?: readonly ValueInfo[];
  readonly docString?: string;
}

export interface OpsetImport {
  readonly domain: string;
  readonly version: number;
}

export interface ModelInit {
  readonly irVersion: number;
  readonly opsetImports: readonly OpsetImport[];
  readonly producerName?: string;
  readonly producerVersion?: string;
  readonly docString?: string;
  readonly graph: GraphInit;
  readonly metadata?: Readonly<Record<string, string>>;
}

// Wire types (protobuf encoding spec).
const VARINT = 0,
  LEN = 2,
  I32 = 5;
/** Payloads at least this long are kept as separate parts instead of being copied into the small-byte buffer. */
const BIG_PART = 4096;

/** An append-only protobuf byte stream: small writes go to a growable buffer, big payloads are referenced. */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private buf = new Uint8Array(256);
  private used = 0;
  private flushed = 0;

  get length(): number {
    return this.flushed + this.used;
  }

  private byte(b: number): void {
    if (this.used === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.used++] = b;
  }

  private flush(): void {
    if (this.used === 0) return;
    this.parts.push(this.buf.slice(0, this.used));
    this.flushed += this.used;
    this.used = 0;
  }

  private append(bytes: Uint8Array): void {
    if (bytes.length < BIG_PART) {
      for (let i = 0; i < bytes.length; i++) this.byte(bytes[i]!);
      return;
    }
    this.flush();
    this.parts.push(bytes);
    this.flushed += bytes.length;
  }

  /** A base-128 varint; negative int64 values are written as their 64-bit two's complement (10 bytes). */
  varint(v: number): void {
    if (!Number.isSafeInteger(v)) throw new Error(`protobuf varint: ${v} is not a safe integer`);
    if (v < 0) {
      let big = BigInt.asUintN(64, BigInt(v));
      while (big >= 0x80n) {
        this.byte(Number(big & 0x7fn) | 0x80);
        big >>= 7n;
      }
      this.byte(Number(big));
      return;
    }
    while (v >= 0x80) {
      this.byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.byte(v);
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  intField(field: number, v: number): void {
    this.tag(field, VARINT);
    this.varint(v);
  }

  floatField(field: number, v: number): void {
    this.tag(field, I32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.append(b);
  }

  bytesField(field: number, bytes: Uint8Array): void {
    this.tag(field, LEN);
    this.varint(bytes.length);
    this.append(bytes);
  }

  stringField(field: number, s: string): void {
    this.bytesField(field, utf8(s));
  }

  messageField(field: number, sub: ProtoWriter): void {
    sub.flush();
    this.tag(field, LEN);
    this.varint(sub.length);
    for (const p of sub.parts) this.append(p);
  }

  /** The encoded bytes: one concatenation of every part. */
  finish(): Uint8Array {
    this.flush();
    if (this.parts.length === 1) return this.parts[0]!;
    const out = new Uint8Array(this.flushed);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** UTF-8 bytes of a string (src/core has no TextEncoder: it type-checks against ES2022 alone). */
export function utf8(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

const message = (fill: (w: ProtoWriter) => void): ProtoWriter => {
  const w = new ProtoWriter();
  fill(w);
  return w;
};

/** StringStringEntryProto: key = 1, value = 2. */
function entry(key: string, value: string): ProtoWriter {
  return message((w) => {
    w.stringField(1, key);
    w.stringField(2, value);
  });
}

/**
 * TensorProto: dims = 1 (repeated int64), data_type = 2, name = 8, raw_data = 9, external_data = 13
 * (StringStringEntryProto), data_location = 14 (DEFAULT 0, EXTERNAL 1).
 */
export function tensorProto(t: TensorInit): ProtoWriter {
  if ((t.raw === undefined) === (t.external === undefined))
    throw new Error(`tensor "${t.name}": exactly one of raw data or external data is needed`);
  return message((w) => {
    for (const d of t.dims) w.intField(1, d);
    w.intField(2, t.dataType);
    w.stringField(8, t.name);
    if (t.raw) w.bytesField(9, t.raw);
    if (t.external) {
      w.messageField(13, entry('location', t.external.location));
      w.messageField(13, entry('offset', String(t.external.offset)));
      w.messageField(13, entry('length', String(t.external.length)));
      w.intField(14, 1);
    }
  });
}

/** AttributeType enum of AttributeProto: FLOAT 1, INT 2, STRING 3, TENSOR 4, FLOATS 6, INTS 7. */
const ATTR_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

/** AttributeProto: name = 1, f = 2, i = 3, s = 4, t = 5, floats = 7, ints = 8, type = 20. */
function attributeProto(a: Attribute): ProtoWriter {
  return message((w) => {
    w.stringField(1, a.name);
    switch (a.type) {
      case 'float':
        w.floatField(2, a.value);
        break;
      case 'int':
        w.intField(3, a.value);
        break;
      case 'string':
        w.stringField(4, a.value);
        break;
      case 'tensor':
        w.messageField(5, tensorProto(a.value));
        break;
      case 'floats':
        for (const v of a.value) w.floatField(7, v);
        break;
      case 'ints':
        for (const v of a.value) w.intField(8, v);
        break;
    }
    w.intField(20, ATTR_TYPE[a.type]);
  });
}

/** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5, domain = 7. */
function nodeProto(n: NodeInit): ProtoWriter {
  return message((w) => {
    for (const i of n.inputs) w.stringField(1, i);
    for (const o of n.outputs) w.stringField(2, o);
    if (n.name !== undefined) w.stringField(3, n.name);
    w.stringField(4, n.opType);
    for (const a of n.attributes ?? []) w.messageField(5, attributeProto(a));
    if (n.domain !== undefined) w.stringField(7, n.domain);
  });
}

/**
 * ValueInfoProto: name = 1, type = 2 (TypeProto). TypeProto: tensor_type = 1 (TypeProto.Tensor: elem_type = 1,
 * shape = 2). TensorShapeProto: dim = 1 (Dimension: dim_value = 1, dim_param = 2).
 */
function valueInfoProto(v: ValueInfo): ProtoWriter {
  const shape = message((w) => {
    for (const d of v.dims) {
      w.messageField(
        1,
        message((dim) => (typeof d === 'number' ? dim.intField(1, d) : dim.stringField(2, d))),
      );
    }
  });
  const tensorType = message((w) => {
    w.intField(1, v.elemType);
    w.messageField(2, shape);
  });
  return message((w) => {
    w.stringField(1, v.name);
    w.messageField(
      2,
      message((t) => t.messageField(1, tensorType)),
    );
  });
}

/** GraphProto: node = 1, name = 2, initializer = 5, doc_string = 10, input = 11, output = 12, value_info = 13. */
function graphProto(g: GraphInit): ProtoWriter {
  return message((w) => {
    for (const n of g.nodes) w.messageField(1, nodeProto(n));
    w.stringField(2, g.name);
    for (const t of g.initializers) w.messageField(5, tensorProto(t));
    if (g.docString !== undefined) w.stringField(10, g.docString);
    for (const v of g.inputs) w.messageField(11, valueInfoProto(v));
    for (const v of g.outputs) w.messageField(12, valueInfoProto(v));
    for (const v of g.valueInfo ?? []) w.messageField(13, valueInfoProto(v));
  });
}

/**
 * ModelProto: ir_version = 1, producer_name = 2, producer_version = 3, doc_string = 6, graph = 7, opset_import = 8
 * (OperatorSetIdProto: domain = 1, version = 2), metadata_props = 14.
 */
export function encodeModel(m: ModelInit): Uint8Array {
  return message((w) => {
    w.intField(1, m.irVersion);
    if (m.producerName !== undefined) w.stringField(2, m.producerName);
    if (m.producerVersion !== undefined) w.stringField(3, m.producerVersion);
    if (m.docString !== undefined) w.stringField(6, m.docString);
    w.messageField(7, graphProto(m.graph));
    for (const o of m.opsetImports) {
      w.messageField(
        8,
        message((op) => {
          op.stringField(1, o.domain);
          op.intField(2, o.version);
        }),
      );
    }
    for (const [k, v] of Object.entries(m.metadata ?? {})) w.messageField(14, entry(k, v));
  }).finish();
}
