// The pairwise loss and the step's statistics for WebGPU, for the Bradley–Terry objective and BT + BSR: one program
// forward (loss, and [loss, base, reg, mean reward, accuracy]) and one backward (d loss / d rewards), instead of the
// ~15 small programs each way of the stock composition (slices, sub, neg, softplus, means, concat, square, greater,
// cast, and their gradients). The arithmetic is the stock ops': tfjs's stable softplus, whose derivative is the
// sigmoid; BSR's λ·b·m² with m the mean of the 2b rewards, so ∂/∂rⱼ = λ·m.
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { allocOutput, asWebGpu, runRaw, words } from './webgpuRaw';

export const PAIR_LOSS = 'RLPairLoss';
export const PAIR_LOSS_GRAD = 'RLPairLossGrad';

/** Objectives the kernel computes (attrs.objective). */
export const PAIR_LOSS_OBJECTIVES = { bt: 0, bsr: 1 } as const;

const WG = 256;

const COMMON = `
struct U { b: u32, bsr: u32, lambdaB: f32, dlossOnHost: u32, dlossValue: f32 };
var<workgroup> red: array<f32, ${WG}>;
fn wgSum(v: f32, li: u32) -> f32 {
  red[li] = v;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (li < s) { red[li] += red[li + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}
// tfjs's webgpu softplus, branch for branch.
fn softplus(a: f32) -> f32 {
  let threshold = log(1.1920928955078125e-7) + 2.0;
  if (a > -threshold) { return a; }
  if (a < threshold) { return exp(a); }
  return log(exp(a) + 1.0);
}
/** Mean of the 2b rewards. */
fn rewardMean(li: u32) -> f32 {
  var s = 0.0;
  for (var j = li; j < 2u * u.b; j += ${WG}u) { s += r[j]; }
  return wgSum(s, li) / f32(2u * u.b);
}`;

const FORWARD_WGSL = `
@group(0) @binding(0) var<storage, read> r: array<f32>;
@group(0) @binding(1) var<storage, read_write> loss: array<f32>;
@group(0) @binding(2) var<storage, read_write> stats: array<f32>;
@group(0) @binding(3) var<uniform> u: U;
${COMMON}
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) li: u32) {
  var sp = 0.0;
  var right = 0.0;
  for (var i = li; i < u.b; i += ${WG}u) {
    let d = r[i] - r[u.b + i];
    sp += softplus(-d);
    right += select(0.0, 1.0, d > 0.0);
  }
  let base = wgSum(sp, li) / f32(u.b);
  let accuracy = wgSum(right, li) / f32(u.b);
  let m = rewardMean(li);
  let reg = select(0.0, u.lambdaB * (m * m), u.bsr != 0u);
  if (li == 0u) {
    loss[0] = base + reg;
    stats[0] = base + reg;
    stats[1] = base;
    stats[2] = reg;
    stats[3] = m;
    stats[4] = accuracy;
  }
}`;

const BACKWARD_WGSL = `
@group(0) @binding(0) var<storage, read> r: array<f32>;
@group(0) @binding(1) var<storage, read> dloss: array<f32>;
@group(0) @binding(2) var<storage, read_write> dr: array<f32>;
@group(0) @binding(3) var<uniform> u: U;
${COMMON}
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) li: u32) {
  let m = rewardMean(li);
  let g = select(dloss[0], u.dlossValue, u.dlossOnHost != 0u);
  // d(λb·m²)/drⱼ = 2·λb·m / 2b.
  let dreg = select(0.0, (2.0 * u.lambdaB * m) / f32(2u * u.b), u.bsr != 0u);
  for (var i = li; i < u.b; i += ${WG}u) {
    // d softplus(−Δ)/dΔ = −σ(−Δ), averaged over the b pairs.
    let sig = 1.0 / (1.0 + exp(r[i] - r[u.b + i]));
    dr[i] = g * (-sig / f32(u.b) + dreg);
    dr[u.b + i] = g * (sig / f32(u.b) + dreg);
  }
}`;

/**
 * λ·b is formed in JS (double, then float32), as the stock op's scalar is. dloss: the backward's incoming gradient
 * when it is still on the host (then passed here instead of bound).
 */
const uniformsOf = (attrs: NamedAttrMap, dloss?: number) =>
  words('uufuf', [
    Number(attrs['pairs']),
    Number(attrs['objective']) === PAIR_LOSS_OBJECTIVES.bsr ? 1 : 0,
    Number(attrs['lambda']) * Number(attrs['pairs']),
    dloss === undefined ? 0 : 1,
    dloss ?? 0,
  ]);

function pairLoss(args: { inputs: NamedTensorInfoMap; backend: unknown; attrs: NamedAttrMap }): TensorInfo[] {
  const b = asWebGpu(args.backend);
  const loss = allocOutput(b, []);
  const stats = allocOutput(b, [5]);
  runRaw(b, {
    name: 'PairLoss',
    key: 'RLPairLoss',
    wgsl: () => FORWARD_WGSL,
    workgroups: [1, 1, 1],
    uniforms: [uniformsOf(args.attrs)],
    bindings: [
      { info: args.inputs['rewards']!, access: 'read' },
      { info: loss, access: 'read_write' },
      { info: stats, access: 'read_write' },
    ],
  });
  return [loss, stats];
}

function pairLossGrad(args: { inputs: NamedTensorInfoMap; backend: unknown; attrs: NamedAttrMap }): TensorInfo {
  const b = asWebGpu(args.backend);
  const r = args.inputs['rewards']!,
    dloss = args.inputs['dloss']!;
  const dr = allocOutput(b, r.shape);
  // The seed of a gradient (tf.grad's ones) is still on the host: pass its value as a uniform rather than upload it
  // (an upload creates a staging buffer every step).
  const host = b.tensorMap.get(dloss.dataId);
  const onHost = host && !host.resource && host.values ? Number((host.values as ArrayLike<number>)[0]) : undefined;
  runRaw(b, {
    name: 'PairLossGrad',
    key: 'RLPairLossGrad',
    wgsl: () => BACKWARD_WGSL,
    workgroups: [1, 1, 1],
    uniforms: [uniformsOf(args.attrs, onHost)],
    bindings: [
      { info: r, access: 'read' },
      { info: onHost === undefined ? dloss : r, access: 'read' },
      { info: dr, access: 'read_write' },
    ],
  });
  return dr;
}

export const webgpuPairLossConfigs: readonly KernelConfig[] = [
  { kernelName: PAIR_LOSS, backendName: 'webgpu', kernelFunc: pairLoss as unknown as KernelFunc },
  { kernelName: PAIR_LOSS_GRAD, backendName: 'webgpu', kernelFunc: pairLossGrad as unknown as KernelFunc },
];
