// Dense layers on the grouped GEMM (webgpuMatMul.ts), as tfjs kernels with gradients (kernels/fusedGradients.ts):
//   RLLinear        y = x·W, or y = r + x·W (residual)        backward: dx, dW in one dispatch
//   RLLinearAct     y = act(x·W), z = x·W kept                backward: dx, dW in one dispatch, act'(z) folded in
//   RLProjections2/3  yᵢ = x·Wᵢ for 2 or 3 weights (k, v / q, k, v) in one dispatch
//                   backward: dx = Σ dyᵢ·Wᵢᵀ and every dWᵢ in one dispatch (two when the bindings exceed the limit)
// x is [M, K] and W [K, N], row-major.
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { allocOutput, asWebGpu, type WebGpuBackendLike } from './webgpuRaw';
import { bindingCount, runGemm, type Job } from './webgpuMatMul';

export const LINEAR = 'RLLinear';
export const LINEAR_ACT = 'RLLinearAct';
export const LINEAR_GRAD = 'RLLinearGrad';
export const PROJECTIONS = ['RLProjections2', 'RLProjections3'] as const;
export const PROJECTIONS_GRAD = 'RLProjectionsGrad';

type Args = { inputs: NamedTensorInfoMap; backend: unknown; attrs: NamedAttrMap };

const plain = (t: TensorInfo, transpose = false) => ({ t, transpose });
const rowsOf = (t: TensorInfo) => t.shape[0]!;
const colsOf = (t: TensorInfo) => t.shape[t.shape.length - 1]!;

function linearForward(args: Args, withAct: boolean): TensorInfo | TensorInfo[] {
  const b = asWebGpu(args.backend);
  const { x, w, residual } = args.inputs as Record<string, TensorInfo | undefined>;
  const [M, N] = [rowsOf(x!), colsOf(w!)];
  const y = allocOutput(b, [M, N]);
  const z = withAct ? allocOutput(b, [M, N]) : undefined;
  const epilogue = z ? { act: Number(args.attrs['act']), z } : residual ? { residual } : undefined;
  runGemm(
    b,
    [{ terms: [{ a: plain(x!), b: plain(w!) }], out: y, M, N, ...(epilogue ? { epilogue } : {}) }],
    Number(args.attrs['act'] ?? 0),
  );
  return z ? [y, z] : y;
}

/** dx = dz·Wᵀ and dW = xᵀ·dz with dz = dy (or dy ∘ act'(z)), in one dispatch. */
function linearBackward(args: Args): TensorInfo[] {
  const b = asWebGpu(args.backend);
  const { dy, x, w, z } = args.inputs as Record<string, TensorInfo | undefined>;
  const [M, K, N] = [rowsOf(x!), colsOf(x!), colsOf(w!)];
  const dz = { t: dy!, transpose: false, ...(z ? { dact: z } : {}) };
  const dx = allocOutput(b, x!.shape);
  const dw = allocOutput(b, w!.shape);
  runGemm(
    b,
    [
      { terms: [{ a: dz, b: plain(w!, true) }], out: dx, M, N: K },
      { terms: [{ a: plain(x!, true), b: dz }], out: dw, M: K, N },
    ],
    Number(args.attrs['act'] ?? 0),
  );
  return [dx, dw];
}

const weightsOf = (inputs: NamedTensorInfoMap) =>
  Object.keys(inputs)
    .filter((k) => /^w\d+$/.test(k))
    .sort()
    .map((k) => inputs[k]!);

function projectionsForward(args: Args): TensorInfo[] {
  const b = asWebGpu(args.backend);
  const x = args.inputs['x']!;
  const M = rowsOf(x);
  const ws = weightsOf(args.inputs);
  const ys = ws.map((w) => allocOutput(b, [M, colsOf(w)]));
  runGemm(
    b,
    ws.map((w, i) => ({ terms: [{ a: plain(x), b: plain(w) }], out: ys[i]!, M, N: colsOf(w) })),
  );
  return ys;
}

/** Runs the jobs in as few dispatches as the device's storage-buffer limit allows (in order). */
function runWithinLimit(b: WebGpuBackendLike, jobs: readonly Job[]): void {
  const limit = Number(b.device.limits.maxStorageBuffersPerShaderStage ?? 8);
  let batch: Job[] = [];
  for (const job of jobs) {
    if (batch.length && bindingCount([...batch, job]) > limit) {
      runGemm(b, batch);
      batch = [];
    }
    batch.push(job);
  }
  if (batch.length) runGemm(b, batch);
}

/** dx = Σ dyᵢ·Wᵢᵀ and dWᵢ = xᵀ·dyᵢ. */
function projectionsBackward(args: Args): TensorInfo[] {
  const b = asWebGpu(args.backend);
  const x = args.inputs['x']!;
  const ws = weightsOf(args.inputs);
  const dys = ws.map((_, i) => args.inputs[`dy${i}`]!);
  const [M, K] = [rowsOf(x), colsOf(x)];
  const dx = allocOutput(b, x.shape);
  const dws = ws.map((w) => allocOutput(b, w.shape));
  runWithinLimit(b, [
    { terms: ws.map((w, i) => ({ a: plain(dys[i]!), b: plain(w, true) })), out: dx, M, N: K },
    ...ws.map((w, i) => ({ terms: [{ a: plain(x, true), b: plain(dys[i]!) }], out: dws[i]!, M: K, N: colsOf(w) })),
  ]);
  return [dx, ...dws];
}

const cfg = (kernelName: string, f: (args: Args) => TensorInfo | TensorInfo[]): KernelConfig => ({
  kernelName,
  backendName: 'webgpu',
  kernelFunc: f as unknown as KernelFunc,
});

export const webgpuLinearConfigs: readonly KernelConfig[] = [
  cfg(LINEAR, (a) => linearForward(a, false)),
  cfg(LINEAR_ACT, (a) => linearForward(a, true)),
  cfg(LINEAR_GRAD, linearBackward),
  ...PROJECTIONS.map((name) => cfg(name, projectionsForward)),
  cfg(PROJECTIONS_GRAD, projectionsBackward),
];
