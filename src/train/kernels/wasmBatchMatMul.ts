// BatchMatMul for the wasm backend that always reaches XNNPACK.
//
// Why: tfjs-backend-wasm 4.22 sends a matmul to XNNPACK's fully-connected operator (~39 GFLOP/s on one core here)
// only when it is 2-D (batch 1) and neither side is transposed. Every backward pass (dA = dY·Bᵀ, dB = Aᵀ·dY) and
// all of attention (batched Q·Kᵀ, P·V) fall to a scalar triple loop at 1–4 GFLOP/s. This kernel
//  1. materialises a transposed operand with the stock Transpose kernel (memory-bound, cheap next to the matmul),
//  2. folds a broadcast right-hand side into one tall 2-D product ([batch·M, K]·[K, N]),
//  3. and otherwise calls the 2-D fast path once per batch slice, on zero-copy views of the heap.
// The C++ entry point is the stock one (`BatchMatMul`), called with untransposed batch-1 shapes only.
import type { TensorInfo, KernelConfig, KernelFunc, NamedAttrMap } from '@tensorflow/tfjs';
import { tf } from '../tf';
import { asWasmBackend, disposeView, makeView, sizeOf, tensorId, type WasmBackendLike } from './wasmHeap';

type WasmMatMul2D = (
  aId: number,
  aShape: Uint8Array,
  aRank: number,
  bId: number,
  bShape: Uint8Array,
  bRank: number,
  transposeA: boolean,
  transposeB: boolean,
  outId: number,
) => void;

// Bound lazily to the module it was made from: kernels registered after the backend started never get setupFunc,
// and a recreated backend (new worker, new module) needs a fresh binding.
let bound: { module: unknown; fn: WasmMatMul2D } | null = null;

function matmul2dFor(backend: WasmBackendLike): WasmMatMul2D {
  if (bound?.module !== backend.wasm) {
    const fn = backend.wasm.cwrap('BatchMatMul', null, [
      'number',
      'array',
      'number',
      'number',
      'array',
      'number',
      'number',
      'number',
      'number',
    ]) as WasmMatMul2D;
    bound = { module: backend.wasm, fn };
  }
  return bound.fn;
}

function shapeBytes(shape: readonly number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

function transposeLast2(backend: WasmBackendLike, x: TensorInfo, batch: number, rows: number, cols: number): TensorInfo {
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) throw new Error('wasm Transpose kernel missing');
  const x3: TensorInfo = { dataId: x.dataId, shape: [batch, rows, cols], dtype: x.dtype };
  return transpose.kernelFunc({ inputs: { x: x3 }, backend: backend as never, attrs: { perm: [0, 2, 1] } }) as TensorInfo;
}

/** out[M,N] = a[M,K]·b[K,N] on XNNPACK, all three addressed by byte offsets into the heap. */
function matmulAt(backend: WasmBackendLike, aOff: number, bOff: number, outOff: number, m: number, k: number, n: number): void {
  const aId = makeView(backend, aOff, m * k);
  const bId = makeView(backend, bOff, k * n);
  const oId = makeView(backend, outOff, m * n);
  try {
    matmul2dFor(backend)(aId, shapeBytes([1, m, k]), 3, bId, shapeBytes([1, k, n]), 3, false, false, oId);
  } finally {
    disposeView(backend, aId);
    disposeView(backend, bId);
    disposeView(backend, oId);
  }
}

/** The product's sizes as if neither side were transposed, checked: a is [batchA, M, K] and b is [batchB, K, N]. */
function matMulDims(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean) {
  const ar = a.shape.length,
    br = b.shape.length;
  const m = transposeA ? a.shape[ar - 1]! : a.shape[ar - 2]!;
  const k = transposeA ? a.shape[ar - 2]! : a.shape[ar - 1]!;
  const kb = transposeB ? b.shape[br - 1]! : b.shape[br - 2]!;
  const n = transposeB ? b.shape[br - 2]! : b.shape[br - 1]!;
  if (k !== kb)
    throw new Error(
      `matMul: inner dimensions ${k} and ${kb} differ (shapes ${a.shape} and ${b.shape}, transposeA=${transposeA}, transposeB=${transposeB})`,
    );
  const batchA = sizeOf(a.shape.slice(0, -2)),
    batchB = sizeOf(b.shape.slice(0, -2));
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) {
    throw new Error(`matMul: batch dimensions ${a.shape.slice(0, -2)} and ${b.shape.slice(0, -2)} do not broadcast`);
  }
  const outOuter = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return { m, k, n, batchA, batchB, outOuter };
}

export function fastBatchMatMul(args: { inputs: { a: TensorInfo; b: TensorInfo }; backend: unknown; attrs: NamedAttrMap }): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const { a, b } = args.inputs;
  const transposeA = !!args.attrs['transposeA'];
  const transposeB = !!args.attrs['transposeB'];
  if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error('BatchMatMul: only float32 is supported on wasm');
  const { m, k, n, batchA, batchB, outOuter } = matMulDims(a, b, transposeA, transposeB);
  const batch = Math.max(batchA, batchB);

  // 1. Untransposed operands: a as [batchA, M, K], b as [batchB, K, N].
  const aT = transposeA ? transposeLast2(backend, a, batchA, k, m) : null;
  const bT = transposeB ? transposeLast2(backend, b, batchB, n, k) : null;
  const out = backend.makeOutput([...outOuter, m, n], 'float32');
  try {
    const aOff = tensorId(backend, aT ?? a).offset,
      bOff = tensorId(backend, bT ?? b).offset;
    const outOff = tensorId(backend, out).offset;
    if (m * n * batch === 0) return out;
    if (k === 0) {
      new Float32Array(backend.wasm.HEAPU8.buffer, outOff, batch * m * n).fill(0);
    } else if (batchB === 1) {
      // 2. One tall product: the batches of a are contiguous rows.
      matmulAt(backend, aOff, bOff, outOff, batchA * m, k, n);
    } else {
      // 3. One product per batch slice (a broadcast a reuses its single slice).
      for (let i = 0; i < batch; i++) {
        const ai = batchA === 1 ? 0 : i;
        matmulAt(backend, aOff + 4 * ai * m * k, bOff + 4 * i * k * n, outOff + 4 * i * m * n, m, k, n);
      }
    }
    return out;
  } finally {
    if (aT) backend.disposeData(aT.dataId);
    if (bT) backend.disposeData(bT.dataId);
  }
}

export const wasmBatchMatMulConfig: KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: fastBatchMatMul as unknown as KernelFunc,
};
