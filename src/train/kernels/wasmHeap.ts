// The few internals of @tensorflow/tfjs-backend-wasm 4.22 that our custom wasm kernels use, typed in one place.
// Tensors live in the module's heap; the C++ side knows them by an integer id registered with a byte offset.
// A "view" is an extra id that points into an existing tensor's memory: no copy, and disposing the view frees
// nothing (memory is freed by the JS side's _free, which views never call).
import type { TensorInfo } from '@tensorflow/tfjs';

type DataId = object;

export interface WasmModuleLike {
  readonly HEAPU8: Uint8Array;
  cwrap(name: string, ret: null | 'number', args: readonly string[]): (...args: unknown[]) => unknown;
  readonly tfjs: {
    registerTensor(id: number, size: number, memoryOffset: number): void;
    disposeData(id: number): void;
  };
}

export interface WasmBackendLike {
  readonly wasm: WasmModuleLike;
  readonly dataIdMap: { get(dataId: DataId): { id: number; memoryOffset: number; shape: number[]; dtype: string } | undefined };
  dataIdNextNumber: number;
  makeOutput(shape: readonly number[], dtype: string): TensorInfo;
  disposeData(dataId: DataId, force?: boolean): boolean;
}

export function asWasmBackend(backend: unknown): WasmBackendLike {
  const b = backend as Partial<WasmBackendLike> | null;
  if (!b?.wasm || !b.dataIdMap || typeof b.dataIdNextNumber !== 'number' || typeof b.makeOutput !== 'function') {
    throw new Error('custom wasm kernel: backend does not look like tfjs-backend-wasm 4.22 (internals changed?)');
  }
  return b as WasmBackendLike;
}

export function tensorId(backend: WasmBackendLike, t: TensorInfo): { id: number; offset: number } {
  const d = backend.dataIdMap.get(t.dataId);
  if (!d) throw new Error('custom wasm kernel: tensor data not found on the wasm backend');
  return { id: d.id, offset: d.memoryOffset };
}

/** Registers a C++-side id for `size` float32 elements starting at byteOffset. Call disposeView when done. */
export function makeView(backend: WasmBackendLike, byteOffset: number, size: number): number {
  const id = backend.dataIdNextNumber++;
  backend.wasm.tfjs.registerTensor(id, size, byteOffset);
  return id;
}

export function disposeView(backend: WasmBackendLike, id: number): void {
  // Also runs the C++ disposal callbacks: the XNNPACK operator cached for this id as "weights" is deleted.
  backend.wasm.tfjs.disposeData(id);
}

/** A Float32Array over a tensor's heap memory (valid until the heap grows: use it at once). */
export function heapF32(backend: WasmBackendLike, t: TensorInfo): Float32Array {
  const { offset } = tensorId(backend, t);
  return new Float32Array(backend.wasm.HEAPU8.buffer, offset, sizeOf(t.shape));
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}
