// The Hugging Face weights reader: headers only up front, one tensor at a time with positional reads (so files over
// 2 GiB load: Node's readFileSync refuses them), BF16/F16 widened exactly, shards through the index, and damaged
// files refused with the file named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { halfToFloat, toFloat32 } from '../../../src/core/hf/safetensorsHeader';
import { openWeightFiles, readTensorF32 } from '../../../src/node/hf/safetensorsFiles';
import { tempDir } from '../train/fixtures';
import { QWEN25_7B, writeSparseCheckpoint } from './sparseCheckpoint';

test('BF16 and F16 widen exactly (hand-computed bit patterns, subnormals and infinities)', () => {
  const bf16 = new Uint8Array([0x80, 0x3f, 0x00, 0xc0, 0x49, 0x40]); // 1.0, -2.0, 3.140625 (0x4049)
  assert.deepEqual([...toFloat32(bf16, 'BF16')], [1, -2, 3.140625]);
  assert.equal(halfToFloat(0x3c00), 1);
  assert.equal(halfToFloat(0xc000), -2);
  assert.equal(halfToFloat(0x0001), 2 ** -24); // smallest subnormal
  assert.equal(halfToFloat(0x7bff), 65504); // largest finite
  assert.equal(halfToFloat(0x7c00), Infinity);
  assert.ok(Number.isNaN(halfToFloat(0x7e00)));
});

test('a 15 GB (sparse) 7B-shaped file: headers read at once, a tensor past the 2 GiB mark read by position', async () => {
  const dir = path.join(tempDir(), '7b');
  writeSparseCheckpoint(dir, QWEN25_7B);
  const size = fs.statSync(path.join(dir, 'model.safetensors')).size;
  assert.ok(size > 14e9, `the file is ${size} bytes`);
  const w = openWeightFiles(dir);
  const last = [...w.tensors.values()].sort((a, b) => b.start - a.start)[0]!;
  assert.ok(last.start > 2 ** 31, 'the tensor lies past 2 GiB');
  const data = await readTensorF32(last);
  assert.equal(
    data.length,
    last.shape.reduce((a, b) => a * b, 1),
  );
  assert.ok(
    data.every((x) => x === 0),
    'a sparse hole reads as zeros',
  );
  assert.deepEqual(w.dtypes, { BF16: w.tensors.size });
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

test('shards through model.safetensors.index.json; a missing shard and a truncated file are named', () => {
  const w = openWeightFiles('test/fixtures/hf/qwen2-sharded');
  assert.ok(w.files.length >= 2);
  const dir = path.join(tempDir(), 'broken');
  fs.cpSync('test/fixtures/hf/qwen2-sharded', dir, { recursive: true });
  const shard = w.files[1]!.file.split('/').pop()!;
  fs.rmSync(path.join(dir, shard));
  assert.throws(() => openWeightFiles(dir), new RegExp(`${shard}: missing \\(listed as a weights shard\\)`));
  const one = path.join(tempDir(), 'trunc');
  fs.cpSync('test/fixtures/hf/qwen2', one, { recursive: true });
  const f = path.join(one, 'model.safetensors');
  fs.truncateSync(f, fs.statSync(f).size - 100);
  assert.throws(() => openWeightFiles(one), /model\.safetensors: tensors extend to byte \d+ but the file has \d+: truncated/);
  assert.throws(() => openWeightFiles(path.join(tempDir(), 'nothing-here-' + Date.now())), /no such file|ENOENT|no model\.safetensors/);
});
