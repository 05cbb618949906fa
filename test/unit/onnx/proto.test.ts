// The ONNX protobuf writer (src/core/onnx/proto.ts): byte-for-byte against Python's `onnx` (protoFixture.json, made
// by scripts/make_onnx_proto_fixture.py), and decoded back with the small reader below for what the fixture does not
// cover (big raw payloads, 64-bit varints, UTF-8 names).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DataType, encodeModel, ProtoWriter, tensorProto, utf8, type ModelInit } from '../../../src/core/onnx/proto';

/** Minimal protobuf reader: field number → list of values (varints as bigint, LEN as bytes, I32 as float). */
type Field = bigint | Uint8Array | number;
function decode(bytes: Uint8Array): Map<number, Field[]> {
  const out = new Map<number, Field[]>();
  let at = 0;
  const varint = (): bigint => {
    let v = 0n,
      shift = 0n;
    for (;;) {
      const b = bytes[at++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  };
  while (at < bytes.length) {
    const tag = Number(varint());
    const field = tag >> 3,
      wire = tag & 7;
    let value: Field;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const n = Number(varint());
      value = bytes.subarray(at, at + n);
      at += n;
    } else if (wire === 5) {
      value = new DataView(bytes.buffer, bytes.byteOffset + at, 4).getFloat32(0, true);
      at += 4;
    } else throw new Error(`unexpected wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}
const str = (f: Field | undefined) => new TextDecoder().decode(f as Uint8Array);

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);
const i64 = (...v: number[]) => new Uint8Array(BigInt64Array.from(v.map(BigInt)).buffer);

/** The model of scripts/make_onnx_proto_fixture.py (attributes in name order, as onnx.helper.make_node sorts them). */
const FIXTURE_MODEL: ModelInit = {
  irVersion: 8,
  producerName: 'reward-lens',
  opsetImports: [
    { domain: '', version: 17 },
    { domain: 'com.microsoft', version: 1 },
  ],
  metadata: { source: 'fixture', format: 'reward-lens-onnx-1' },
  graph: {
    name: 'fixture',
    nodes: [
      { opType: 'Cast', inputs: ['w_ext'], outputs: ['w_f'], attributes: [{ name: 'to', type: 'int', value: DataType.FLOAT }] },
      {
        opType: 'Gemm',
        inputs: ['x', 'w'],
        outputs: ['y'],
        name: 'gemm0',
        attributes: [
          { name: 'alpha', type: 'float', value: 0.5 },
          { name: 'transB', type: 'int', value: 1 },
        ],
      },
      { opType: 'Reshape', inputs: ['y', 'shape'], outputs: ['y2'] },
      {
        opType: 'ReduceMean',
        inputs: ['y2'],
        outputs: ['m'],
        attributes: [
          { name: 'axes', type: 'ints', value: [-1] },
          { name: 'keepdims', type: 'int', value: 1 },
        ],
      },
      {
        opType: 'Constant',
        inputs: [],
        outputs: ['c'],
        attributes: [{ name: 'value', type: 'tensor', value: { name: 'cv', dataType: DataType.FLOAT, dims: [], raw: f32(1.5) } }],
      },
      {
        opType: 'FusedMatMul',
        inputs: ['y2', 'w_f'],
        outputs: ['z'],
        domain: 'com.microsoft',
        attributes: [
          { name: 'alpha', type: 'float', value: 0.125 },
          { name: 'transB', type: 'int', value: 0 },
        ],
      },
      {
        opType: 'Foo',
        inputs: ['z'],
        outputs: ['q'],
        attributes: [
          { name: 'mode', type: 'string', value: 'tanh' },
          { name: 'scales', type: 'floats', value: [0.5, -2] },
        ],
      },
    ],
    initializers: [
      { name: 'w', dataType: DataType.FLOAT, dims: [2, 3], raw: f32(0, 1, 2, 3, 4, 5) },
      { name: 'w_ext', dataType: DataType.BFLOAT16, dims: [3, 2], external: { location: 'model.safetensors', offset: 4104, length: 12 } },
      { name: 'shape', dataType: DataType.INT64, dims: [2], raw: i64(-1, 3) },
    ],
    inputs: [{ name: 'x', elemType: DataType.FLOAT, dims: ['batch', 3] }],
    outputs: [
      { name: 'q', elemType: DataType.FLOAT, dims: ['batch', 2] },
      { name: 'm', elemType: DataType.FLOAT, dims: [] },
    ],
  },
};

test('encodeModel writes the bytes Python onnx serializes for the same model', () => {
  const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'protoFixture.json'), 'utf8')) as { base64: string };
  const want = Buffer.from(fixture.base64, 'base64').toString('hex');
  assert.equal(Buffer.from(encodeModel(FIXTURE_MODEL)).toString('hex'), want);
});

test("varints: zero, multi-byte, 2^53 - 1 and negative int64 (10 bytes, two's complement)", () => {
  const w = new ProtoWriter();
  for (const v of [0, 300, Number.MAX_SAFE_INTEGER, -1, -300]) w.intField(1, v);
  const vals = decode(w.finish())
    .get(1)!
    .map((v) => BigInt.asIntN(64, v as bigint));
  assert.deepEqual(vals, [0n, 300n, BigInt(Number.MAX_SAFE_INTEGER), -1n, -300n]);
  const neg = new ProtoWriter();
  neg.varint(-1);
  assert.equal(neg.finish().length, 10);
  assert.throws(() => new ProtoWriter().varint(1.5), /not a safe integer/);
});

test('tensors: raw data survives big payloads by reference; external data has location/offset/length and data_location 1', () => {
  const big = new Uint8Array(100_000).map((_, i) => i % 251);
  const raw = decode(tensorProto({ name: 'big', dataType: DataType.FLOAT, dims: [25_000], raw: big }).finish());
  assert.deepEqual(raw.get(1), [25_000n]);
  assert.deepEqual(raw.get(2), [1n]);
  assert.equal(str(raw.get(8)![0]), 'big');
  assert.deepEqual(Array.from(raw.get(9)![0] as Uint8Array), Array.from(big));
  const ext = decode(
    tensorProto({
      name: 'e',
      dataType: DataType.BFLOAT16,
      dims: [4, 8],
      external: { location: 'shard-00002.safetensors', offset: 5_000_000_123, length: 64 },
    }).finish(),
  );
  const kv = ext
    .get(13)!
    .map((e) => decode(e as Uint8Array))
    .map((m) => [str(m.get(1)![0]), str(m.get(2)![0])]);
  assert.deepEqual(kv, [
    ['location', 'shard-00002.safetensors'],
    ['offset', '5000000123'],
    ['length', '64'],
  ]);
  assert.deepEqual(ext.get(14), [1n]);
  assert.equal(ext.get(9), undefined);
  assert.throws(
    () => tensorProto({ name: 'x', dataType: DataType.FLOAT, dims: [1] }),
    /tensor "x": exactly one of raw data or external data/,
  );
});

test('value infos: dim_param for symbolic dims, dim_value for static ones; names are UTF-8', () => {
  const model = encodeModel({
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      nodes: [],
      initializers: [],
      inputs: [{ name: 'ids·é', elemType: DataType.INT32, dims: ['batch', 'seq', 7] }],
      outputs: [],
    },
  });
  const graph = decode(decode(model).get(7)![0] as Uint8Array);
  const vi = decode(graph.get(11)![0] as Uint8Array);
  assert.equal(str(vi.get(1)![0]), 'ids·é');
  const tensorType = decode(decode(vi.get(2)![0] as Uint8Array).get(1)![0] as Uint8Array);
  assert.deepEqual(tensorType.get(1), [BigInt(DataType.INT32)]);
  const dims = decode(tensorType.get(2)![0] as Uint8Array)
    .get(1)!
    .map((d) => decode(d as Uint8Array));
  assert.equal(str(dims[0]!.get(2)![0]), 'batch');
  assert.equal(str(dims[1]!.get(2)![0]), 'seq');
  assert.deepEqual(dims[2]!.get(1), [7n]);
  assert.deepEqual(Array.from(utf8('a€😀')), [0x61, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
});
