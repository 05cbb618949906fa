// AddN for WebGPU in chunks. tfjs-backend-webgpu 4.22 adds all N inputs in one shader with one storage binding per
// input; past the device's maxStorageBuffersPerShaderStage (8 by default, and tfjs requests no more) pipeline
// creation fails and every later command is invalid. The training step's global gradient norm is an addN over all
// ~26 parameter terms, so training on WebGPU failed validation on SwiftShader. This adds ≤ CHUNK inputs per
// dispatch with the stock kernel, then adds the partial sums the same way.
import type { TensorInfo, KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { stockKernel } from './stock';

/** Inputs per dispatch: 6 read bindings + 1 output stays under the default limit of 8 with room to spare. */
export const ADDN_CHUNK = 6;

interface BackendLike {
  disposeData(dataId: object): void;
}

function chunkedAddN(args: { inputs: TensorInfo[]; backend: unknown; attrs: object }): TensorInfo {
  const stock = stockKernel('webgpu', 'AddN');
  if (!stock) throw new Error('webgpu AddN: the stock kernel was not recorded (register custom kernels after the webgpu backend loads)');
  let level: TensorInfo[] = args.inputs;
  let owned = false; // the first level belongs to the caller; later levels are ours to free
  while (level.length > ADDN_CHUNK) {
    const next: TensorInfo[] = [];
    for (let i = 0; i < level.length; i += ADDN_CHUNK) {
      next.push(
        stock.kernelFunc({ inputs: level.slice(i, i + ADDN_CHUNK) as never, backend: args.backend as never, attrs: {} }) as TensorInfo,
      );
    }
    if (owned) for (const t of level) (args.backend as BackendLike).disposeData(t.dataId);
    level = next;
    owned = true;
  }
  const out = stock.kernelFunc({ inputs: level as never, backend: args.backend as never, attrs: {} }) as TensorInfo;
  if (owned) for (const t of level) (args.backend as BackendLike).disposeData(t.dataId);
  return out;
}

export const webgpuAddNConfig: KernelConfig = {
  kernelName: 'AddN',
  backendName: 'webgpu',
  kernelFunc: chunkedAddN as unknown as KernelFunc,
};
