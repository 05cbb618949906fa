// safetensors against byte layouts written out by hand from the format spec (huggingface/safetensors README:
// u64 little-endian header length N, N bytes of JSON, then the raw little-endian data; offsets relative to the data).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from '../../../src/core/safetensors';

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
const u64le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >> 24) & 0xff, 0, 0, 0, 0];

// 132 bytes of JSON (python3: len(h) == 132), padded with 4 spaces to 136 so the data is 8-byte aligned.
const HEADER =
  '{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I32","shape":[],"data_offsets":[8,12]}}';
const FILE_BYTES = Uint8Array.from([
  ...[136, 0, 0, 0, 0, 0, 0, 0],
  ...ascii(HEADER),
  ...ascii('    '),
  ...[0x00, 0x00, 0x80, 0x3f], // 1.0f  (python3: struct.pack('<f', 1.0).hex() == '0000803f')
  ...[0x00, 0x00, 0x00, 0xc0], // -2.0f ('000000c0')
  ...[0x07, 0x00, 0x00, 0x00], // int32 7
]);

test('encodes exactly the hand-computed bytes', () => {
  assert.equal(HEADER.length, 132);
  const tensors = new Map<string, SafeTensor>([
    ['a', { dtype: 'F32', shape: [2], data: new Float32Array([1, -2]) }],
    ['b', { dtype: 'I32', shape: [], data: Int32Array.of(7) }],
  ]);
  assert.deepEqual([...encodeSafetensors(tensors, { k: 'v' })], [...FILE_BYTES]);
});

test('decodes the hand-computed file', () => {
  const f = decodeSafetensors(FILE_BYTES);
  assert.deepEqual(f.metadata, { k: 'v' });
  assert.deepEqual([...f.tensors.keys()], ['a', 'b']);
  assert.deepEqual(f.tensors.get('a'), { dtype: 'F32', shape: [2], data: new Float32Array([1, -2]) });
  assert.deepEqual(f.tensors.get('b'), { dtype: 'I32', shape: [], data: Int32Array.of(7) });
});

test('decodes a foreign-style file: no padding (unaligned data), entries not in offset order, no metadata', () => {
  const header = '{"y":{"dtype":"I32","shape":[1],"data_offsets":[4,8]},"x":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]}}';
  assert.equal(header.length, 109); // data starts at byte 117: not 4-byte aligned
  const bytes = Uint8Array.from([...u64le(109), ...ascii(header), 0x00, 0x00, 0x00, 0x3f /* 0.5f */, 0xfd, 0xff, 0xff, 0xff /* -3 */]);
  const f = decodeSafetensors(bytes);
  assert.deepEqual(f.metadata, {});
  assert.deepEqual([...f.tensors.keys()], ['x', 'y']); // file (offset) order
  assert.deepEqual([...f.tensors.get('x')!.data], [0.5]);
  assert.deepEqual(f.tensors.get('x')!.shape, [1, 1]);
  assert.deepEqual([...f.tensors.get('y')!.data], [-3]);
});

test('round trip of random tensors, including an empty one, from a non-zero byteOffset view', () => {
  const tensors = new Map<string, SafeTensor>();
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  tensors.set('w.weight', { dtype: 'F32', shape: [3, 5], data: Float32Array.from({ length: 15 }, rnd) });
  tensors.set('empty', { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) });
  tensors.set('ids', { dtype: 'I32', shape: [4], data: Int32Array.of(-1, 0, 2 ** 31 - 1, -(2 ** 31)) });
  const bytes = encodeSafetensors(tensors, { note: 'é ünïcode ✓' });
  assert.equal(new DataView(bytes.buffer).getUint32(0, true) % 8, 0, 'header padded to 8 bytes');
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  const f = decodeSafetensors(shifted.subarray(3));
  assert.equal(f.metadata['note'], 'é ünïcode ✓');
  for (const [k, t] of tensors) assert.deepEqual(f.tensors.get(k), t, k);
});

test('rejects malformed files with a reason', () => {
  const withHeader = (h: string, data: number[]) => Uint8Array.from([...u64le(h.length), ...ascii(h), ...data]);
  const four = [0, 0, 0, 0];
  assert.throws(() => decodeSafetensors(new Uint8Array(4)), /too short/);
  assert.throws(() => decodeSafetensors(Uint8Array.from([...u64le(1000), ...ascii('{}')])), /header length/);
  assert.throws(() => decodeSafetensors(withHeader('{"a":', four)), /not valid UTF-8 JSON/);
  assert.throws(() => decodeSafetensors(withHeader('{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}', four)), /"F16"/);
  assert.throws(() => decodeSafetensors(withHeader('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', four)), /needs 8/);
  assert.throws(
    () => decodeSafetensors(withHeader('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', [...four, ...four])),
    /gap or overlap/,
  );
  assert.throws(
    () => decodeSafetensors(withHeader('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', [...four, ...four])),
    /data section has 8/,
  );
  assert.throws(() => decodeSafetensors(withHeader('{"__metadata__":{"k":1}}', [])), /metadata "k" must be a string/);
  assert.throws(
    () => encodeSafetensors(new Map([['a', { dtype: 'F32', shape: [3], data: new Float32Array(2) } as SafeTensor]])),
    /shape \[3\] but 2 values/,
  );
});
