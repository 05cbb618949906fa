// Gradient clipping + Adam for every parameter in a few WebGPU dispatches (kernel 'RLClippedAdam'). tfjs's Adam runs
// ~14 element-wise programs per parameter and the clip another ~3, so a 28-parameter step spent ~480 of its ~790
// programs here (shared/reference/README.md: BinaryOp 464 programs on the H100). This kernel runs:
//   1. sum of squares: ≤ (storage limit − 1) gradients per dispatch, one partial sum per 4,096 elements;
//   2. one dispatch reducing the partials to ‖g‖ (the step's reported gradient norm);
//   3. Adam: ≤ (storage limit − 1) / 4 parameters per dispatch, each element updated in place (value, m, v), with
//      the gradient scaled by min(1, clip / (‖g‖ + 1e-12)) on the fly.
// The arithmetic is tfjs's AdamOptimizer's, operation for operation (src/train/fusedAdam.ts passes its bias
// corrections), so a run can switch between this and the stock optimizer, and checkpoints are the same format.
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import {
  allocOutput,
  asWebGpu,
  FLAT_WORKGROUP,
  grid,
  privateCopy,
  runRaw,
  words,
  writeStepUniform,
  type RawBinding,
  type StepUniform,
  type WebGpuBackendLike,
} from './webgpuRaw';

export const FUSED_ADAM = 'RLClippedAdam';

/** Elements per workgroup in the sum of squares: 256 threads × 16 strided loads. */
const CHUNK = 4096;
const WG = 256;

export interface FusedAdamAttrs {
  readonly count: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** 0: no clipping (the norm is still computed and returned). */
  readonly clip: number;
  readonly learningRate: number;
  /** 1 − β₁ᵗ and 1 − β₂ᵗ in float32, as tfjs's Adam computes them this step. */
  readonly oneMinusAccBeta1: number;
  readonly oneMinusAccBeta2: number;
}

/** Storage buffers one dispatch may bind (the device was asked for the adapter's maximum; 8 is WebGPU's default). */
function storageLimit(b: WebGpuBackendLike): number {
  return Number(b.device.limits.maxStorageBuffersPerShaderStage ?? 8);
}

function groups<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

function sumSqWgsl(k: number): string {
  const fields = Array.from({ length: k }, (_, j) => `n${j}: u32, w${j}: u32,`).join(' ');
  const binds = Array.from({ length: k }, (_, j) => `@group(0) @binding(${j + 1}) var<storage, read> g${j}: array<f32>;`).join('\n');
  const branch = (j: number) => `if (wgIndex < ${j + 1 < k ? `u.w${j + 1}` : 'u.total'}) {
      let start = (wgIndex - u.w${j}) * ${CHUNK}u;
      for (var e = 0u; e < ${CHUNK / WG}u; e++) { let i = start + e * ${WG}u + li; if (i < u.n${j}) { let g = g${j}[i]; acc += g * g; } }
    }`;
  return `
struct U { base: u32, total: u32, ${fields} };
@group(0) @binding(0) var<storage, read_write> partials: array<f32>;
${binds}
@group(0) @binding(${k + 1}) var<uniform> u: U;
var<workgroup> red: array<f32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  ${FLAT_WORKGROUP}
  var acc = 0.0;
  ${Array.from({ length: k }, (_, j) => branch(j)).join(' else ')}
  red[li] = acc;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (li < s) { red[li] += red[li + s]; }
    workgroupBarrier();
  }
  if (li == 0u && wgIndex < u.total) { partials[u.base + wgIndex] = red[0]; }
}`;
}

const NORM_WGSL = `
struct U { count: u32 };
@group(0) @binding(0) var<storage, read> partials: array<f32>;
@group(0) @binding(1) var<storage, read_write> norm: array<f32>;
@group(0) @binding(2) var<uniform> u: U;
var<workgroup> red: array<f32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) li: u32) {
  var acc = 0.0;
  for (var i = li; i < u.count; i += ${WG}u) { acc += partials[i]; }
  red[li] = acc;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (li < s) { red[li] += red[li + s]; }
    workgroupBarrier();
  }
  if (li == 0u) { norm[0] = sqrt(red[0]); }
}`;

/** Partial sums of squares of every gradient, then ‖g‖ as a scalar tensor. */
function gradNorm(b: WebGpuBackendLike, grads: readonly TensorInfo[]): TensorInfo {
  const perGroup = Math.max(1, storageLimit(b) - 1);
  const wgs = grads.map((g) => Math.max(1, Math.ceil(g.shape.reduce((a, d) => a * d, 1) / CHUNK)));
  const slots = wgs.reduce((a, w) => a + w, 0);
  const partials = allocOutput(b, [slots]);
  let base = 0,
    offset = 0;
  for (const group of groups(grads, perGroup)) {
    const k = group.length;
    const counts = wgs.slice(offset, offset + k);
    const starts = counts.map((_, j) => counts.slice(0, j).reduce((a, w) => a + w, 0));
    const total = counts.reduce((a, w) => a + w, 0);
    const vals = [base, total, ...group.flatMap((g, j) => [g.shape.reduce((a, d) => a * d, 1), starts[j]!])];
    runRaw(b, {
      name: 'GradSumSq',
      key: `RLGradSumSq/${k}`,
      wgsl: () => sumSqWgsl(k),
      workgroups: grid(total),
      bindings: [{ info: partials, access: 'read_write' }, ...group.map((g) => ({ info: g, access: 'read' as const }))],
      uniforms: [words('u'.repeat(vals.length), vals)],
    });
    base += total;
    offset += k;
  }
  const norm = allocOutput(b, []);
  runRaw(b, {
    name: 'GradNorm',
    key: 'RLGradNorm',
    wgsl: () => NORM_WGSL,
    workgroups: [1, 1, 1],
    bindings: [
      { info: partials, access: 'read' },
      { info: norm, access: 'read_write' },
    ],
    uniforms: [words('u', [slots])],
  });
  b.disposeData(partials.dataId);
  return norm;
}

function adamWgsl(k: number): string {
  const fields = Array.from({ length: k }, (_, j) => `n${j}: u32, w${j}: u32,`).join(' ');
  const binds = Array.from({ length: k }, (_, j) => {
    const at = 1 + 4 * j;
    return `@group(0) @binding(${at}) var<storage, read_write> p${j}: array<f32>;
@group(0) @binding(${at + 1}) var<storage, read> g${j}: array<f32>;
@group(0) @binding(${at + 2}) var<storage, read_write> m${j}: array<f32>;
@group(0) @binding(${at + 3}) var<storage, read_write> v${j}: array<f32>;`;
  }).join('\n');
  // tfjs: m' = m·β₁ + g·(1−β₁); v' = v·β₂ + g²·(1−β₂); p' = (m'/(1−β₁ᵗ)) / (√(v'/(1−β₂ᵗ)) + ε) · (−lr) + p.
  const branch = (j: number) => `if (wgIndex < ${j + 1 < k ? `u.w${j + 1}` : 'u.total'}) {
      let i = (wgIndex - u.w${j}) * ${WG}u + li;
      if (i < u.n${j}) {
        let g = g${j}[i] * scale;
        let m = m${j}[i] * u.beta1 + g * u.omb1;
        let v = v${j}[i] * u.beta2 + (g * g) * u.omb2;
        m${j}[i] = m;
        v${j}[i] = v;
        p${j}[i] = ((m / st.omab1) / (sqrt(v / st.omab2) + u.eps)) * (-st.lr) + p${j}[i];
      }
    }`;
  return `
struct U { beta1: f32, beta2: f32, omb1: f32, omb2: f32, eps: f32, clip: f32, useClip: u32, total: u32, ${fields} };
struct S { lr: f32, omab1: f32, omab2: f32 };
@group(0) @binding(0) var<storage, read> norm: array<f32>;
${binds}
@group(0) @binding(${1 + 4 * k}) var<uniform> u: U;
@group(0) @binding(${2 + 4 * k}) var<uniform> st: S;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  ${FLAT_WORKGROUP}
  // tfjs: scale = min(1, clip / (‖g‖ + 1e-12)).
  let scale = select(1.0, min(1.0, u.clip / (norm[0] + 1e-12)), u.useClip != 0u);
  ${Array.from({ length: k }, (_, j) => branch(j)).join(' else ')}
}`;
}

/** One parameter's tensors: its value, gradient and Adam moments. */
interface AdamSlot {
  readonly p: TensorInfo;
  readonly g: TensorInfo;
  readonly m: TensorInfo;
  readonly v: TensorInfo;
}

function fusedAdam(args: { inputs: NamedTensorInfoMap; backend: unknown; attrs: NamedAttrMap }): TensorInfo {
  const b = asWebGpu(args.backend);
  const a = args.attrs as unknown as FusedAdamAttrs;
  const pick = (p: string) => Array.from({ length: a.count }, (_, i) => args.inputs[`${p}${i}`]!);
  const [params, grads, ms, vs] = [pick('p'), pick('g'), pick('m'), pick('v')];
  const norm = gradNorm(b, grads);
  const st = writeStepUniform(b, 'RLClippedAdam/step', words('fff', [a.learningRate, a.oneMinusAccBeta1, a.oneMinusAccBeta2]));
  const slots = params.map((p, i): AdamSlot => ({ p, g: grads[i]!, m: ms[i]!, v: vs[i]! }));
  const perGroup = Math.max(1, Math.floor((storageLimit(b) - 1) / 4));
  for (const group of groups(slots, perGroup)) adamGroup(b, a, group, norm, st);
  // tfjs caches a tensor's values on the CPU once read; these buffers changed under it.
  for (const t of [...params, ...ms, ...vs]) {
    const d = b.tensorMap.get(t.dataId);
    if (d) d.values = null;
  }
  return norm;
}

/** One Adam dispatch over a group of parameters that fits the storage-buffer limit, each updated in place. */
function adamGroup(b: WebGpuBackendLike, a: FusedAdamAttrs, group: readonly AdamSlot[], norm: TensorInfo, st: StepUniform): void {
  const k = group.length;
  const wgs = group.map((s) => Math.ceil(s.p.shape.reduce((x, d) => x * d, 1) / WG));
  const starts = wgs.map((_, j) => wgs.slice(0, j).reduce((x, w) => x + w, 0));
  const total = wgs.reduce((x, w) => x + w, 0);
  const vals = [
    a.beta1,
    a.beta2,
    1 - a.beta1,
    1 - a.beta2,
    a.epsilon,
    a.clip,
    a.clip > 0 ? 1 : 0,
    total,
    ...group.flatMap((s, j) => [s.p.shape.reduce((x, d) => x * d, 1), starts[j]!]),
  ];
  const bindings: RawBinding[] = [{ info: norm, access: 'read' }];
  for (const s of group)
    bindings.push(
      { info: s.p, access: 'read_write' },
      { info: s.g, access: 'read' },
      { info: s.m, access: 'read_write' },
      { info: s.v, access: 'read_write' },
    );
  runRaw(b, {
    name: 'ClippedAdam',
    key: `RLClippedAdam/${k}`,
    wgsl: () => adamWgsl(k),
    workgroups: grid(total),
    bindings,
    uniforms: [words(`ffffffuu${'uu'.repeat(k)}`, vals), st],
  });
}

export const webgpuFusedAdamConfig: KernelConfig = {
  kernelName: FUSED_ADAM,
  backendName: 'webgpu',
  kernelFunc: fusedAdam as unknown as KernelFunc,
};

export const PRIVATE_COPY = 'RLPrivateCopy';

/** A copy of x in a buffer of its own (a copy command, no program): before an in-place update of a shared buffer. */
function copyKernel(args: { inputs: NamedTensorInfoMap; backend: unknown }): TensorInfo {
  return privateCopy(asWebGpu(args.backend), args.inputs['x']!);
}

export const webgpuPrivateCopyConfig: KernelConfig = {
  kernelName: PRIVATE_COPY,
  backendName: 'webgpu',
  kernelFunc: copyKernel as unknown as KernelFunc,
};
