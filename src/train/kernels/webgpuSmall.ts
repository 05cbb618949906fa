// Small fused kernels for WebGPU, each one program where the stock composition runs several:
// - activations (exact GELU, tanh GELU, SiLU) forward and backward: 1 + 1 programs instead of ~5 + ~10;
// - rows of [N, T, D] at one index per sequence (the scored token) and its gradient: 1 + 1 instead of a one-hot,
//   a cast and a batched matmul each way;
// - the L2 norm of a small tensor (the reward head's ‖W_p‖, logged every step): 1 instead of 4.
// The formulas are the stock ops' (tfjs's erf approximation, sigmoid and tanh forms); the gradients are the exact
// derivatives that tfjs's autodiff of the composition computes.
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { allocOutput, asWebGpu, FLAT_WORKGROUP, grid, runRaw, words } from './webgpuRaw';

export const ACTIVATION = 'RLActivation';
export const ACTIVATION_GRAD = 'RLActivationGrad';
export const PICK_ROWS = 'RLPickRows';
export const PICK_ROWS_GRAD = 'RLPickRowsGrad';
export const L2_NORM = 'RLL2Norm';

export const ACTIVATIONS = { gelu: 0, gelu_tanh: 1, silu: 2 } as const;
export type FusedActivation = keyof typeof ACTIVATIONS;

const WG = 256;
const size = (t: TensorInfo) => t.shape.reduce((a, d) => a * d, 1);

// tfjs-backend-webgpu's erf (Abramowitz & Stegun 7.1.26, backend_util's constants), sigmoid and tanh.
/** erf, sigmoid, tanh and act/dact of the activation `u.kind` (the including shader declares u.kind). */
export const ACTIVATION_MATH = `
fn erf(a: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.3275911 * abs(a));
  return sign(a) * (1.0 - (((((1.061405429 * t + -1.453152027) * t) + 1.421413741) * t + -0.284496736) * t + 0.254829592) * t * exp(-abs(a) * abs(a)));
}
fn sigmoid(a: f32) -> f32 { return 1.0 / (1.0 + exp(-1.0 * a)); }
fn tanhT(a: f32) -> f32 { let e = exp(-2.0 * abs(a)); return sign(a) * (1.0 - e) / (1.0 + e); }
const S2 = 0.7071067811865476;
const K = 0.7978845608028654;
fn act(x: f32) -> f32 {
  switch u.kind {
    case 0u: { return (x * 0.5) * (erf(x * S2) + 1.0); }
    case 1u: { return (x * 0.5) * (tanhT((x + (x * x * x) * 0.044715) * K) + 1.0); }
    default: { return x * sigmoid(x); }
  }
}
fn dact(x: f32) -> f32 {
  switch u.kind {
    // d/dx: 0.5·(1 + erf(x/√2)) + 0.5·x·(2/√π)·exp(−x²/2)/√2.
    case 0u: { let u2 = x * S2; return 0.5 * (erf(u2) + 1.0) + (x * 0.5) * (1.1283791670955126 * exp(-(u2 * u2))) * S2; }
    case 1u: {
      let t = tanhT((x + (x * x * x) * 0.044715) * K);
      return 0.5 * (t + 1.0) + (x * 0.5) * (1.0 - t * t) * K * (1.0 + 3.0 * 0.044715 * x * x);
    }
    default: { let s = sigmoid(x); return s + x * s * (1.0 - s); }
  }
}`;

const ACT_WGSL = (backward: boolean) => `
struct U { n: u32, kind: u32 };
@group(0) @binding(0) var<storage, read> x: array<f32>;
${backward ? '@group(0) @binding(1) var<storage, read> dy: array<f32>;' : ''}
@group(0) @binding(${backward ? 2 : 1}) var<storage, read_write> y: array<f32>;
@group(0) @binding(${backward ? 3 : 2}) var<uniform> u: U;
${ACTIVATION_MATH}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  ${FLAT_WORKGROUP}
  let i = wgIndex * ${WG}u + li;
  if (i >= u.n) { return; }
  y[i] = ${backward ? 'dy[i] * dact(x[i])' : 'act(x[i])'};
}`;

function activation(backward: boolean, args: { inputs: NamedTensorInfoMap; backend: unknown; attrs: NamedAttrMap }): TensorInfo {
  const b = asWebGpu(args.backend);
  const x = args.inputs['x']!;
  const y = allocOutput(b, x.shape);
  const n = size(x);
  runRaw(b, {
    name: backward ? 'ActivationGrad' : 'Activation',
    key: `RLActivation/${backward}`,
    wgsl: () => ACT_WGSL(backward),
    workgroups: grid(Math.ceil(n / WG)),
    bindings: [
      { info: x, access: 'read' },
      ...(backward ? [{ info: args.inputs['dy']!, access: 'read' as const }] : []),
      { info: y, access: 'read_write' },
    ],
    uniforms: [words('uu', [n, Number(args.attrs['kind'])])],
  });
  return y;
}

/** Forward: out[n, :] = x[n, idx[n], :]. Backward: dx[n, t, :] = dy[n, :] where t = idx[n], else 0. */
const PICK_WGSL = (backward: boolean) => `
struct U { N: u32, T: u32, D: u32 };
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read> idx: array<i32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
@group(0) @binding(3) var<uniform> u: U;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  ${FLAT_WORKGROUP}
  let e = wgIndex * ${WG}u + li;
  ${
    backward
      ? `if (e >= u.N * u.T * u.D) { return; }
  let n = e / (u.T * u.D);
  let t = (e / u.D) % u.T;
  dst[e] = select(0.0, src[n * u.D + e % u.D], i32(t) == idx[n]);`
      : `if (e >= u.N * u.D) { return; }
  let n = e / u.D;
  dst[e] = src[(n * u.T + u32(idx[n])) * u.D + e % u.D];`
  }
}`;

function pickRows(backward: boolean, args: { inputs: NamedTensorInfoMap; backend: unknown; attrs: NamedAttrMap }): TensorInfo {
  const b = asWebGpu(args.backend);
  const src = args.inputs[backward ? 'dy' : 'x']!,
    idx = args.inputs['idx']!;
  const [N, T, D] = [Number(args.attrs['N']), Number(args.attrs['T']), Number(args.attrs['D'])];
  const out = allocOutput(b, backward ? [N, T, D] : [N, D]);
  runRaw(b, {
    name: backward ? 'PickRowsGrad' : 'PickRows',
    key: `RLPickRows/${backward}`,
    wgsl: () => PICK_WGSL(backward),
    workgroups: grid(Math.ceil(size(out) / WG)),
    bindings: [
      { info: src, access: 'read' },
      { info: idx, access: 'read' },
      { info: out, access: 'read_write' },
    ],
    uniforms: [words('uuu', [N, T, D])],
  });
  return out;
}

const NORM_WGSL = `
struct U { n: u32 };
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: U;
var<workgroup> red: array<f32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) li: u32) {
  var s = 0.0;
  for (var i = li; i < u.n; i += ${WG}u) { s += x[i] * x[i]; }
  red[li] = s;
  workgroupBarrier();
  for (var k = ${WG / 2}u; k > 0u; k = k >> 1u) {
    if (li < k) { red[li] += red[li + k]; }
    workgroupBarrier();
  }
  if (li == 0u) { out[0] = sqrt(red[0]); }
}`;

/** One workgroup: meant for small tensors (a head vector), not for whole parameter sets. */
function l2Norm(args: { inputs: NamedTensorInfoMap; backend: unknown }): TensorInfo {
  const b = asWebGpu(args.backend);
  const x = args.inputs['x']!;
  const out = allocOutput(b, []);
  runRaw(b, {
    name: 'L2Norm',
    key: 'RLL2Norm',
    wgsl: () => NORM_WGSL,
    workgroups: [1, 1, 1],
    bindings: [
      { info: x, access: 'read' },
      { info: out, access: 'read_write' },
    ],
    uniforms: [words('u', [size(x)])],
  });
  return out;
}

const cfg = (kernelName: string, f: (args: never) => TensorInfo): KernelConfig => ({
  kernelName,
  backendName: 'webgpu',
  kernelFunc: f as unknown as KernelFunc,
});

export const webgpuSmallConfigs: readonly KernelConfig[] = [
  cfg(ACTIVATION, (a) => activation(false, a)),
  cfg(ACTIVATION_GRAD, (a) => activation(true, a)),
  cfg(PICK_ROWS, (a) => pickRows(false, a)),
  cfg(PICK_ROWS_GRAD, (a) => pickRows(true, a)),
  cfg(L2_NORM, l2Norm),
];
