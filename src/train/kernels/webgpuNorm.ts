// LayerNorm and RMSNorm over the last axis, forward and backward, for WebGPU. The stock composition (tf.moments, sub,
// rsqrt, mul, add, and their gradients) dispatches ~8 programs forward and ~20 backward per norm; here the forward
// is one program (a workgroup per row) and the backward two: dx per row block, with each block's column partials of
// dγ (and dβ) written out, then one program summing the partials per column; or one program when a single
// workgroup can take every row (≤ 256 rows: the last block's norms at the scored tokens).
//
// Arithmetic follows the stock composition: mean, then the mean of squared deviations (two passes), rsqrt(var + ε),
// ((x − mean)·rstd)·γ + β; RMSNorm x·rsqrt(mean(x²) + ε)·w, with w + 1 for Gemma-style norms (onePlus).
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { allocOutput, asWebGpu, FLAT_WORKGROUP, grid, runRaw, words, type WebGpuBackendLike } from './webgpuRaw';

export const LAYER_NORM = 'RLLayerNorm';
export const LAYER_NORM_GRAD = 'RLLayerNormGrad';
export const RMS_NORM = 'RLRmsNorm';
export const RMS_NORM_GRAD = 'RLRmsNormGrad';

const WG = 256;
/** Columns per thread are kept in registers in the backward pass: D ≤ WG · MAX_PER_THREAD. */
const MAX_PER_THREAD = 16;
export const NORM_MAX_WIDTH = WG * MAX_PER_THREAD;
/** Rows per workgroup in the backward pass (one partial row of dγ/dβ per block). */
const ROWS_PER_BLOCK = 16;
/**
 * Up to this many rows (the last block's rows at the scored tokens, 2 per pair), one workgroup takes them all and
 * writes dγ/dβ itself: one dispatch instead of two.
 */
const SINGLE_BLOCK_ROWS = 256;

type Mode = 'ln' | 'rms';

const REDUCE = `
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
}`;

/** Row statistics: mean (0 for RMSNorm) and rstd, computed by the whole workgroup for the row starting at `base`. */
function statsWgsl(mode: Mode): string {
  const body =
    mode === 'ln'
      ? `var s = 0.0;
  for (var c = li; c < u.D; c += ${WG}u) { s += x[base + c]; }
  let mean = wgSum(s, li) / f32(u.D);
  var q = 0.0;
  for (var c = li; c < u.D; c += ${WG}u) { let d = x[base + c] - mean; q += d * d; }
  return vec2<f32>(mean, inverseSqrt(wgSum(q, li) / f32(u.D) + u.eps));`
      : `var q = 0.0;
  for (var c = li; c < u.D; c += ${WG}u) { let v = x[base + c]; q += v * v; }
  return vec2<f32>(0.0, inverseSqrt(wgSum(q, li) / f32(u.D) + u.eps));`;
  return `fn rowStats(base: u32, li: u32) -> vec2<f32> {\n  ${body}\n}`;
}

/** The weight as applied: γ, or 1 + w for onePlus RMSNorm. */
const gainOf = (mode: Mode) => (mode === 'ln' ? 'g[c]' : 'select(g[c], g[c] + 1.0, u.onePlus != 0u)');

function forwardWgsl(mode: Mode): string {
  const y = mode === 'ln' ? `((x[base + c] - st.x) * st.y) * g[c] + b[c]` : `(x[base + c] * st.y) * ${gainOf(mode)}`;
  return `
struct U { D: u32, rows: u32, eps: f32, onePlus: u32 };
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
${mode === 'ln' ? '@group(0) @binding(2) var<storage, read> b: array<f32>;' : ''}
@group(0) @binding(${mode === 'ln' ? 3 : 2}) var<storage, read_write> y: array<f32>;
@group(0) @binding(${mode === 'ln' ? 4 : 3}) var<uniform> u: U;
${REDUCE}
${statsWgsl(mode)}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  ${FLAT_WORKGROUP}
  let row = min(wgIndex, u.rows - 1u);
  let base = row * u.D;
  let st = rowStats(base, li);
  if (wgIndex >= u.rows) { return; }
  for (var c = li; c < u.D; c += ${WG}u) { y[base + c] = ${y}; }
}`;
}

const size = (t: TensorInfo) => t.shape.reduce((a, d) => a * d, 1);

function normForward(mode: Mode, args: { inputs: NamedTensorInfoMap; backend: unknown; attrs: NamedAttrMap }): TensorInfo {
  const b = asWebGpu(args.backend);
  const { x, gamma, beta, weight } = args.inputs as Record<string, TensorInfo>;
  const g = mode === 'ln' ? gamma! : weight!;
  const D = x!.shape[x!.shape.length - 1]!;
  const rows = size(x!) / D;
  const y = allocOutput(b, x!.shape);
  const bindings = [
    { info: x!, access: 'read' as const },
    { info: g, access: 'read' as const },
    ...(mode === 'ln' ? [{ info: beta!, access: 'read' as const }] : []),
    { info: y, access: 'read_write' as const },
  ];
  runRaw(b, {
    name: mode === 'ln' ? 'LayerNorm' : 'RmsNorm',
    key: `RLNorm/${mode}`,
    wgsl: () => forwardWgsl(mode),
    workgroups: grid(rows),
    bindings,
    uniforms: [words('uufu', [D, rows, Number(args.attrs['eps']), args.attrs['onePlus'] ? 1 : 0])],
  });
  return y;
}

/**
 * Backward, pass 1's loop over the rows of a block: dx of each live row, and its dy·x̂ (and dy) added into the
 * thread's column accumulators accG (and accB). A fragment of main, like REDUCE, so backwardRowsWgsl reads as the
 * shader's outline; it uses main's block, li, accG and accB.
 */
function rowGradsWgsl(mode: Mode): string {
  const ln = mode === 'ln';
  return `for (var r = 0u; r < u.rpb; r++) {
    let row = min(block * u.rpb + r, u.rows - 1u);
    let live = block * u.rpb + r < u.rows;
    let base = row * u.D;
    let st = rowStats(base, li);
    var s1 = 0.0;
    var s2 = 0.0;
    for (var c = li; c < u.D; c += ${WG}u) {
      let xh = (x[base + c] - st.x) * st.y;
      let dh = dy[base + c] * ${gainOf(mode)};
      s1 += dh;
      s2 += dh * xh;
    }
    let m1 = wgSum(s1, li) / f32(u.D);
    let m2 = wgSum(s2, li) / f32(u.D);
    if (live) {
      var j = 0u;
      for (var c = li; c < u.D; c += ${WG}u) {
        let xh = (x[base + c] - st.x) * st.y;
        let d = dy[base + c];
        dx[base + c] = st.y * (d * ${gainOf(mode)} - ${ln ? 'm1 - ' : ''}xh * m2);
        accG[j] += d * xh;
        accB[j] += d;
        j++;
      }
    }
  }`;
}

/**
 * Backward, pass 1: dx for each row of a block, and the block's column partials of dγ (and dβ); with `direct` (one
 * block holding every row) the sums themselves, into dγ and dβ.
 */
function backwardRowsWgsl(mode: Mode, direct: boolean): string {
  const ln = mode === 'ln';
  const outs = direct
    ? `@group(0) @binding(4) var<storage, read_write> dg: array<f32>;\n${ln ? '@group(0) @binding(5) var<storage, read_write> db: array<f32>;' : ''}`
    : '@group(0) @binding(4) var<storage, read_write> part: array<f32>;';
  const write = direct
    ? `dg[c] = accG[j];\n    ${ln ? 'db[c] = accB[j];' : ''}`
    : `part[block * u.D + c] = accG[j];\n    ${ln ? 'part[(u.blocks + block) * u.D + c] = accB[j];' : ''}`;
  return `
struct U { D: u32, rows: u32, eps: f32, onePlus: u32, blocks: u32, rpb: u32 };
@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
${outs}
@group(0) @binding(${direct && ln ? 6 : 5}) var<uniform> u: U;
${REDUCE}
${statsWgsl(mode)}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  ${FLAT_WORKGROUP}
  let block = min(wgIndex, u.blocks - 1u);
  var accG: array<f32, ${MAX_PER_THREAD}>;
  var accB: array<f32, ${MAX_PER_THREAD}>;
  ${rowGradsWgsl(mode)}
  if (wgIndex >= u.blocks) { return; }
  var j = 0u;
  for (var c = li; c < u.D; c += ${WG}u) {
    ${write}
    j++;
  }
}`;
}

/** Backward, pass 2: dγ (and dβ) per column, the sum of the blocks' partials. */
function backwardColumnsWgsl(mode: Mode): string {
  const ln = mode === 'ln';
  return `
struct U { D: u32, blocks: u32 };
@group(0) @binding(0) var<storage, read> part: array<f32>;
@group(0) @binding(1) var<storage, read_write> dg: array<f32>;
${ln ? '@group(0) @binding(2) var<storage, read_write> db: array<f32>;' : ''}
@group(0) @binding(${ln ? 3 : 2}) var<uniform> u: U;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= u.D) { return; }
  var sg = 0.0;
  ${ln ? 'var sb = 0.0;' : ''}
  for (var k = 0u; k < u.blocks; k++) {
    sg += part[k * u.D + c];
    ${ln ? 'sb += part[(u.blocks + k) * u.D + c];' : ''}
  }
  dg[c] = sg;
  ${ln ? 'db[c] = sb;' : ''}
}`;
}

function normBackward(mode: Mode, args: { inputs: NamedTensorInfoMap; backend: unknown; attrs: NamedAttrMap }): TensorInfo[] {
  const b: WebGpuBackendLike = asWebGpu(args.backend);
  const { dy, x, gamma, weight } = args.inputs as Record<string, TensorInfo>;
  const g = mode === 'ln' ? gamma! : weight!;
  const D = x!.shape[x!.shape.length - 1]!;
  const rows = size(x!) / D;
  const direct = rows <= SINGLE_BLOCK_ROWS;
  const rpb = direct ? rows : ROWS_PER_BLOCK;
  const blocks = Math.ceil(rows / rpb);
  const dx = allocOutput(b, x!.shape);
  const dg = allocOutput(b, [D]);
  const db = mode === 'ln' ? allocOutput(b, [D]) : null;
  const name = mode === 'ln' ? 'LayerNorm' : 'RmsNorm';
  const part = direct ? null : allocOutput(b, [mode === 'ln' ? 2 : 1, blocks, D]);
  const sums = part ? [part] : [dg, ...(db ? [db] : [])];
  runRaw(b, {
    name: `${name}Grad`,
    key: `RLNormGrad/${mode}/${direct}`,
    wgsl: () => backwardRowsWgsl(mode, direct),
    workgroups: grid(blocks),
    bindings: [
      { info: dy!, access: 'read' },
      { info: x!, access: 'read' },
      { info: g, access: 'read' },
      { info: dx, access: 'read_write' },
      ...sums.map((t) => ({ info: t, access: 'read_write' as const })),
    ],
    uniforms: [words('uufuuu', [D, rows, Number(args.attrs['eps']), args.attrs['onePlus'] ? 1 : 0, blocks, rpb])],
  });
  if (part) {
    runRaw(b, {
      name: `${name}GradWeights`,
      key: `RLNormGradW/${mode}`,
      wgsl: () => backwardColumnsWgsl(mode),
      workgroups: [Math.ceil(D / WG), 1, 1],
      bindings: [
        { info: part, access: 'read' },
        { info: dg, access: 'read_write' },
        ...(db ? [{ info: db, access: 'read_write' as const }] : []),
      ],
      uniforms: [words('uu', [D, blocks])],
    });
    b.disposeData(part.dataId);
  }
  return db ? [dx, dg, db] : [dx, dg];
}

const cfg = (kernelName: string, f: (args: never) => TensorInfo | TensorInfo[]): KernelConfig => ({
  kernelName,
  backendName: 'webgpu',
  kernelFunc: f as unknown as KernelFunc,
});

export const webgpuNormConfigs: readonly KernelConfig[] = [
  cfg(LAYER_NORM, (a) => normForward('ln', a)),
  cfg(LAYER_NORM_GRAD, (a) => normBackward('ln', a)),
  cfg(RMS_NORM, (a) => normForward('rms', a)),
  cfg(RMS_NORM_GRAD, (a) => normBackward('rms', a)),
];
