// Token embedding (+ learned positions) for WebGPU: x[n, t] = tok[ids[n, t]] + pos[t], one program forward instead of
// a gather, a slice and an add; and one program backward for both gradients instead of a scatter (a fill and an
// atomic scatter-add, with a scalar uploaded every step), a sum over the batch and the slice's padding.
//
// The backward is deterministic and needs no atomics: each workgroup owns a few vocabulary rows, scans all ids and
// sums the rows of dy whose id it owns, in position order, in workgroup memory; it then writes its rows (zeros for
// ids that did not occur). Other workgroups sum dy over the batch for each position (the positions' gradient).
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { allocOutput, asWebGpu, FLAT_WORKGROUP, grid, runRaw, words } from './webgpuRaw';

export const EMBED = 'RLEmbed';
export const EMBED_GRAD = 'RLEmbedGrad';

const WG = 256;
/** Workgroup memory for the owned rows' sums (floats): 32 KB, WebGPU's default maximum. */
const SHARED = 8192;
export const EMBED_MAX_WIDTH = SHARED;

const FORWARD_WGSL = (withPos: boolean) => `
struct U { P: u32, T: u32, D: u32, V: u32 };
@group(0) @binding(0) var<storage, read> tok: array<f32>;
@group(0) @binding(1) var<storage, read> ids: array<i32>;
@group(0) @binding(2) var<storage, read> pos: array<f32>;
@group(0) @binding(3) var<storage, read_write> x: array<f32>;
@group(0) @binding(4) var<uniform> u: U;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  ${FLAT_WORKGROUP}
  let e = wgIndex * ${WG}u + li;
  if (e >= u.P * u.D) { return; }
  let p = e / u.D;
  let d = e % u.D;
  // An id outside the vocabulary reads row 0, as tfjs's gather clamps; ids are checked before they get here.
  let id = u32(clamp(ids[p], 0, i32(u.V) - 1));
  x[e] = tok[id * u.D + d]${withPos ? ' + pos[(p % u.T) * u.D + d]' : ''};
}`;

const BACKWARD_WGSL = `
struct U { P: u32, T: u32, D: u32, V: u32, rows: u32, tokGroups: u32, L: u32, N: u32 };
@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> ids: array<i32>;
@group(0) @binding(2) var<storage, read_write> dtok: array<f32>;
@group(0) @binding(3) var<storage, read_write> dpos: array<f32>;
@group(0) @binding(4) var<uniform> u: U;
var<workgroup> acc: array<f32, ${SHARED}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  ${FLAT_WORKGROUP}
  if (wgIndex >= u.tokGroups) {
    // Positions: dpos[t, d] = Σₙ dy[n, t, d] for t < T, 0 for the rest of the table (L rows).
    let e = (wgIndex - u.tokGroups) * ${WG}u + li;
    if (e < u.L * u.D) {
      let t = e / u.D;
      let d = e % u.D;
      var s = 0.0;
      if (t < u.T) { for (var n = 0u; n < u.N; n++) { s += dy[(n * u.T + t) * u.D + d]; } }
      dpos[e] = s;
    }
    return;
  }
  let first = wgIndex * u.rows;
  for (var i = li; i < u.rows * u.D; i += ${WG}u) { acc[i] = 0.0; }
  workgroupBarrier();
  for (var p = 0u; p < u.P; p++) {
    let r = u32(ids[p]) - first;
    if (r < u.rows) { for (var d = li; d < u.D; d += ${WG}u) { acc[r * u.D + d] += dy[p * u.D + d]; } }
  }
  workgroupBarrier();
  for (var i = li; i < u.rows * u.D; i += ${WG}u) { if (first * u.D + i < u.V * u.D) { dtok[first * u.D + i] = acc[i]; } }
}`;

function embedForward(args: { inputs: NamedTensorInfoMap; backend: unknown }): TensorInfo {
  const b = asWebGpu(args.backend);
  const { tok, ids, pos } = args.inputs as Record<string, TensorInfo | undefined>;
  const [V, D] = tok!.shape as [number, number];
  const [N, T] = ids!.shape as [number, number];
  const x = allocOutput(b, [N, T, D]);
  runRaw(b, {
    name: 'Embed',
    key: `RLEmbed/${Boolean(pos)}`,
    wgsl: () => FORWARD_WGSL(Boolean(pos)),
    workgroups: grid(Math.ceil((N * T * D) / WG)),
    // Without positions, tok stands in for the unread pos binding.
    bindings: [
      { info: tok!, access: 'read' },
      { info: ids!, access: 'read' },
      { info: pos ?? tok!, access: 'read' },
      { info: x, access: 'read_write' },
    ],
    uniforms: [words('uuuu', [N * T, T, D, V])],
  });
  return x;
}

function embedBackward(args: { inputs: NamedTensorInfoMap; backend: unknown; attrs: NamedAttrMap }): TensorInfo[] {
  const b = asWebGpu(args.backend);
  const { dy, ids } = args.inputs as Record<string, TensorInfo>;
  const [V, L] = [Number(args.attrs['vocab']), Number(args.attrs['positions'])];
  const [N, T] = ids!.shape as [number, number];
  const D = dy!.shape[dy!.shape.length - 1]!;
  const rows = Math.max(1, Math.min(64, Math.floor(SHARED / D)));
  const tokGroups = Math.ceil(V / rows);
  const dtok = allocOutput(b, [V, D]);
  // With no position table (L = 0) a one-element placeholder takes the binding.
  const dpos = allocOutput(b, L > 0 ? [L, D] : [1]);
  runRaw(b, {
    name: 'EmbedGrad',
    key: 'RLEmbedGrad',
    wgsl: () => BACKWARD_WGSL,
    workgroups: grid(tokGroups + Math.ceil((L * D) / WG)),
    bindings: [
      { info: dy!, access: 'read' },
      { info: ids!, access: 'read' },
      { info: dtok, access: 'read_write' },
      { info: dpos, access: 'read_write' },
    ],
    uniforms: [words('uuuuuuuu', [N * T, T, D, V, rows, tokGroups, L, N])],
  });
  return [dtok, dpos];
}

export const webgpuEmbedConfigs: readonly KernelConfig[] = [
  { kernelName: EMBED, backendName: 'webgpu', kernelFunc: embedForward as unknown as KernelFunc },
  { kernelName: EMBED_GRAD, backendName: 'webgpu', kernelFunc: embedBackward as unknown as KernelFunc },
];
