// UnsortedSegmentSum as a scatter-add, for the wasm and cpu backends. It is the gradient of gather, i.e. of the
// token embedding: dEmb[v] = Σ over positions p with ids[p] = v of dX[p].
//
// Why: tfjs-backend-wasm 4.22 has no UnsortedSegmentSum at all (training fails at the embedding), and the cpu
// backend's stock kernel builds one equality mask per segment: O(segments·N·D) ≈ 8.6·10⁹ operations per step at
// vocab 8192, i.e. minutes. A scatter-add is O(N·D): one pass over dX, a few milliseconds.
// Semantics follow TensorFlow: ids outside [0, numSegments) are dropped; x may have any rank ≥ the ids' rank.
import type { TensorInfo, KernelConfig, KernelFunc, NamedAttrMap } from '@tensorflow/tfjs';
import { asWasmBackend, heapF32, sizeOf } from './wasmHeap';

/** Adds row i of x (inner floats each) into row ids[i] of out. out must be zero-filled. */
export function scatterAdd(x: Float32Array, ids: ArrayLike<number>, out: Float32Array, numSegments: number, inner: number): void {
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i]!;
    if (!(s >= 0 && s < numSegments)) continue;
    const o = s * inner,
      src = i * inner;
    for (let j = 0; j < inner; j++) out[o + j]! += x[src + j]!;
  }
}

interface SegmentArgs {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  backend: unknown;
  attrs: NamedAttrMap;
}

function shapes(args: SegmentArgs) {
  const { x, segmentIds } = args.inputs;
  if (x.dtype !== 'float32') throw new Error(`UnsortedSegmentSum: only float32 x is supported here, got ${x.dtype}`);
  const numSegments = Number(args.attrs['numSegments']);
  if (!Number.isInteger(numSegments) || numSegments < 0)
    throw new Error(`UnsortedSegmentSum: numSegments must be an integer ≥ 0, got ${args.attrs['numSegments']}`);
  const idRank = segmentIds.shape.length;
  for (let i = 0; i < idRank; i++) {
    if (x.shape[i] !== segmentIds.shape[i])
      throw new Error(`UnsortedSegmentSum: segmentIds shape ${segmentIds.shape} is not a prefix of x shape ${x.shape}`);
  }
  const inner = sizeOf(x.shape.slice(idRank));
  return { numSegments, inner, outShape: [numSegments, ...x.shape.slice(idRank)] };
}

function wasmSegmentSum(args: SegmentArgs): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const { numSegments, inner, outShape } = shapes(args);
  const out = backend.makeOutput(outShape, 'float32');
  // Views are taken after makeOutput: the allocation may grow the heap and detach earlier views.
  const o = heapF32(backend, out);
  o.fill(0);
  const x = heapF32(backend, args.inputs.x);
  const idsInfo = args.inputs.segmentIds;
  const ids =
    idsInfo.dtype === 'int32'
      ? new Int32Array(backend.wasm.HEAPU8.buffer, backend.dataIdMap.get(idsInfo.dataId)!.memoryOffset, sizeOf(idsInfo.shape))
      : heapF32(backend, idsInfo);
  scatterAdd(x, ids, o, numSegments, inner);
  return out;
}

interface CpuBackendLike {
  data: { get(dataId: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array): TensorInfo;
}

function cpuSegmentSum(args: SegmentArgs): TensorInfo {
  const backend = args.backend as CpuBackendLike;
  const { numSegments, inner, outShape } = shapes(args);
  const x = backend.data.get(args.inputs.x.dataId).values as Float32Array;
  const ids = backend.data.get(args.inputs.segmentIds.dataId).values;
  const out = new Float32Array(numSegments * inner);
  scatterAdd(x, ids, out, numSegments, inner);
  return backend.makeTensorInfo(outShape, 'float32', out);
}

export const wasmSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: wasmSegmentSum as unknown as KernelFunc,
};

export const cpuSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'cpu',
  kernelFunc: cpuSegmentSum as unknown as KernelFunc,
};
