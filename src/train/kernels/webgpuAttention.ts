// Attention for WebGPU: y = softmax(q·kᵀ·scale + mask)·v in one program forward and two backward, instead of the
// stock composition (3 head transposes, the scale, a batched matmul, the mask add, softmax, a second matmul, a
// transpose back: ~10 programs forward, ~20 backward per layer).
//
// q, k, v, y are read and written through strides (n, t, head; the head dimension is contiguous), so the kernel
// takes the projections as they come out of the matmul ([N, T, H·d], no transposes) or split into heads
// ([N, H, T, d]). Masking: causal (key j visible from query position p when j ≤ p, p = the query's row or, for a
// single query per sequence, its position from `aux`), and/or an additive float mask broadcast over heads (`aux`).
// Grouped-query attention: H query heads share KVH key/value heads, consecutive query heads per kv head.
//
// Forward: a workgroup per (sequence, head, query): an online softmax over chunks of 64 keys; it also writes the
// row's log-sum-exp for the backward. Backward (FlashAttention-2's equations): per query row dq (and D = Σⱼ pⱼ·dpⱼ,
// = dy·y, computed from the keys so that no pass needs y), then per key row dk and dv over the queries that see it.
// Every program binds ≤ 8 storage buffers (WebGPU's default limit).
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { allocOutput, asWebGpu, FLAT_WORKGROUP, grid, runRaw, words } from './webgpuRaw';

export const ATTENTION = 'RLAttention';
/** The same kernel with an `aux` input (query positions or a mask): tfjs saves inputs for the gradient by name. */
export const ATTENTION_AUX = 'RLAttentionAux';
export const ATTENTION_GRAD = 'RLAttentionGrad';

const WG = 64;
/** Head dimension ≤ WG · ACC (accumulators per thread). */
const ACC = 4;
export const ATTENTION_MAX_HEAD_DIM = WG * ACC;

export interface AttentionAttrs {
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly scale: number;
  readonly causal: boolean;
  /** aux holds int32 query positions [N] (causal with one query per sequence). */
  readonly queryPos: boolean;
  /** aux holds an additive float mask; its strides over (sequence, query), the key stride being 1. */
  readonly mask: boolean;
  readonly maskStrides: readonly [number, number];
  /** Element strides (sequence, position, head) of q/y/dq and of k/v/dk/dv. */
  readonly qStrides: readonly [number, number, number];
  readonly kvStrides: readonly [number, number, number];
}

/** Uniform layout shared by the three programs. */
const UNIFORM_WGSL = `struct U {
  N: u32, Tq: u32, Tk: u32, H: u32, KVH: u32, dh: u32,
  qsn: u32, qst: u32, qsh: u32, ksn: u32, kst: u32, ksh: u32,
  scale: f32, causal: u32, hasQpos: u32, hasMask: u32, msn: u32, mst: u32 };`;

function uniformWords(a: AttentionAttrs, q: TensorInfo, k: TensorInfo): ArrayBuffer {
  const N = q.shape[0]!;
  const Tq = q.shape.reduce((x, d) => x * d, 1) / (N * a.heads * a.headDim);
  const Tk = k.shape.reduce((x, d) => x * d, 1) / (N * a.kvHeads * a.headDim);
  return words('uuuuuuuuuuuufuuuuu', [
    N,
    Tq,
    Tk,
    a.heads,
    a.kvHeads,
    a.headDim,
    ...a.qStrides,
    ...a.kvStrides,
    a.scale,
    a.causal ? 1 : 0,
    a.queryPos ? 1 : 0,
    a.mask ? 1 : 0,
    ...a.maskStrides,
  ]);
}

const HELPERS = `
var<workgroup> red: array<f32, ${WG}>;
fn wgReduce(v: f32, li: u32, isMax: bool) -> f32 {
  red[li] = v;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (li < s) { red[li] = select(red[li] + red[li + s], max(red[li], red[li + s]), isMax); }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}
/** The position of query row i of sequence n: its row, or aux's position for a single query per sequence. */
fn queryPos(n: u32, i: u32) -> u32 { return select(i, u32(bitcast<i32>(aux[n])), u.hasQpos != 0u); }
/** Keys 0..end are visible from a query at position p. */
fn keyEnd(p: u32) -> u32 { return select(u.Tk, min(u.Tk, p + 1u), u.causal != 0u); }
fn maskAt(n: u32, i: u32, j: u32) -> f32 { return select(0.0, bitcast<f32>(aux[n * u.msn + i * u.mst + j]), u.hasMask != 0u); }`;

/** Decomposes a row index over [N, H, Tq] (query rows) into (n, h, i). */
const QUERY_ROW = `let total = u.N * u.H * u.Tq;
  let row = min(wgIndex, total - 1u);
  let live = wgIndex < total;
  let i = row % u.Tq;
  let h = (row / u.Tq) % u.H;
  let n = row / (u.Tq * u.H);
  let kh = h / (u.H / u.KVH);
  let qb = n * u.qsn + i * u.qst + h * u.qsh;
  let kEnd = keyEnd(queryPos(n, i));`;

const MAIN = `@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  ${FLAT_WORKGROUP}`;

/** Score of key j for the query row in qv (shared memory). */
const SCORE = `fn score(n: u32, kh: u32, i: u32, j: u32) -> f32 {
  let kb = n * u.ksn + j * u.kst + kh * u.ksh;
  var s = 0.0;
  for (var d = 0u; d < u.dh; d++) { s += qv[d] * k[kb + d]; }
  return s * u.scale + maskAt(n, i, j);
}`;

const FORWARD_WGSL = `${UNIFORM_WGSL}
@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> aux: array<u32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<storage, read_write> lse: array<f32>;
@group(0) @binding(6) var<uniform> u: U;
var<workgroup> qv: array<f32, ${WG * ACC}>;
var<workgroup> pc: array<f32, ${WG}>;
${HELPERS}
${SCORE}
${MAIN}
  ${QUERY_ROW}
  for (var d = li; d < u.dh; d += ${WG}u) { qv[d] = q[qb + d]; }
  workgroupBarrier();
  var m = -3.0e38;
  var l = 0.0;
  var acc: array<f32, ${ACC}>;
  for (var c0 = 0u; c0 < kEnd; c0 += ${WG}u) {
    let j = c0 + li;
    var s = -3.0e38;
    if (j < kEnd) { s = score(n, kh, i, j); }
    let mNew = max(m, wgReduce(s, li, true));
    let p = select(0.0, exp(s - mNew), j < kEnd);
    pc[li] = p;
    let corr = exp(m - mNew);
    l = l * corr + wgReduce(p, li, false);
    let cEnd = min(${WG}u, kEnd - c0);
    for (var a = 0u; a < ${ACC}u; a++) {
      let d = li + a * ${WG}u;
      if (d < u.dh) {
        var t = acc[a] * corr;
        for (var c = 0u; c < cEnd; c++) { t += pc[c] * v[n * u.ksn + (c0 + c) * u.kst + kh * u.ksh + d]; }
        acc[a] = t;
      }
    }
    m = mNew;
    workgroupBarrier();
  }
  if (!live) { return; }
  for (var a = 0u; a < ${ACC}u; a++) {
    let d = li + a * ${WG}u;
    if (d < u.dh) { y[qb + d] = acc[a] / l; }
  }
  if (li == 0u) { lse[row] = m + log(l); }
}`;

function attentionForward(args: { inputs: NamedTensorInfoMap; backend: unknown; attrs: NamedAttrMap }): TensorInfo[] {
  const b = asWebGpu(args.backend);
  const a = args.attrs as unknown as AttentionAttrs;
  const { q, k, v } = args.inputs as Record<string, TensorInfo>;
  // Without positions or a mask, aux is never read (its flags are off): q stands in for the binding.
  const aux = args.inputs['aux'] ?? q;
  const uw = uniformWords(a, q!, k!);
  const rows = new Uint32Array(uw)[0]! * a.heads * new Uint32Array(uw)[1]!;
  const y = allocOutput(b, q!.shape);
  const lse = allocOutput(b, [rows]);
  runRaw(b, {
    name: 'Attention',
    key: 'RLAttention',
    wgsl: () => FORWARD_WGSL,
    workgroups: grid(rows),
    uniforms: [uw],
    bindings: [
      { info: q!, access: 'read' },
      { info: k!, access: 'read' },
      { info: v!, access: 'read' },
      { info: aux!, access: 'read' },
      { info: y, access: 'read_write' },
      { info: lse, access: 'read_write' },
    ],
  });
  return [y, lse];
}

/** dq per query row; also writes [lse, D] per row for the key pass. */
const GRAD_Q_WGSL = `${UNIFORM_WGSL}
@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> aux: array<u32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read> lse: array<f32>;
@group(0) @binding(6) var<storage, read_write> dq: array<f32>;
@group(0) @binding(7) var<storage, read_write> stats: array<f32>;
@group(0) @binding(8) var<uniform> u: U;
var<workgroup> qv: array<f32, ${WG * ACC}>;
var<workgroup> dyv: array<f32, ${WG * ACC}>;
var<workgroup> pc: array<f32, ${WG}>;
${HELPERS}
${SCORE}
fn dpOf(n: u32, kh: u32, j: u32) -> f32 {
  let vb = n * u.ksn + j * u.kst + kh * u.ksh;
  var s = 0.0;
  for (var d = 0u; d < u.dh; d++) { s += dyv[d] * v[vb + d]; }
  return s;
}
${MAIN}
  ${QUERY_ROW}
  for (var d = li; d < u.dh; d += ${WG}u) { qv[d] = q[qb + d]; dyv[d] = dy[qb + d]; }
  workgroupBarrier();
  let L = lse[row];
  // D = Σⱼ pⱼ·(dy·vⱼ) = dy·y.
  var dsum = 0.0;
  for (var c0 = 0u; c0 < kEnd; c0 += ${WG}u) {
    let j = c0 + li;
    if (j < kEnd) { dsum += exp(score(n, kh, i, j) - L) * dpOf(n, kh, j); }
  }
  let D = wgReduce(dsum, li, false);
  var acc: array<f32, ${ACC}>;
  for (var c0 = 0u; c0 < kEnd; c0 += ${WG}u) {
    let j = c0 + li;
    var ds = 0.0;
    if (j < kEnd) { ds = exp(score(n, kh, i, j) - L) * (dpOf(n, kh, j) - D); }
    pc[li] = ds;
    workgroupBarrier();
    let cEnd = min(${WG}u, kEnd - c0);
    for (var a = 0u; a < ${ACC}u; a++) {
      let d = li + a * ${WG}u;
      if (d < u.dh) {
        var t = acc[a];
        for (var c = 0u; c < cEnd; c++) { t += pc[c] * k[n * u.ksn + (c0 + c) * u.kst + kh * u.ksh + d]; }
        acc[a] = t;
      }
    }
    workgroupBarrier();
  }
  if (!live) { return; }
  for (var a = 0u; a < ${ACC}u; a++) {
    let d = li + a * ${WG}u;
    if (d < u.dh) { dq[qb + d] = acc[a] * u.scale; }
  }
  if (li == 0u) { stats[2u * row] = L; stats[2u * row + 1u] = D; }
}`;

/** dk and dv per key row (of a kv head), over the query heads of its group and the queries that see the key. */
const GRAD_KV_WGSL = `${UNIFORM_WGSL}
@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> aux: array<u32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read> stats: array<f32>;
@group(0) @binding(6) var<storage, read_write> dk: array<f32>;
@group(0) @binding(7) var<storage, read_write> dv: array<f32>;
@group(0) @binding(8) var<uniform> u: U;
var<workgroup> kv: array<f32, ${WG * ACC}>;
var<workgroup> vv: array<f32, ${WG * ACC}>;
var<workgroup> pp: array<f32, ${WG}>;
var<workgroup> pd: array<f32, ${WG}>;
${HELPERS}
${MAIN}
  let total = u.N * u.KVH * u.Tk;
  let row = min(wgIndex, total - 1u);
  let j = row % u.Tk;
  let kh = (row / u.Tk) % u.KVH;
  let n = row / (u.Tk * u.KVH);
  let kb = n * u.ksn + j * u.kst + kh * u.ksh;
  for (var d = li; d < u.dh; d += ${WG}u) { kv[d] = k[kb + d]; vv[d] = v[kb + d]; }
  workgroupBarrier();
  let group = u.H / u.KVH;
  // With a causal mask and one query per position, queries before j cannot see key j.
  let i0 = select(0u, j, u.causal != 0u && u.hasQpos == 0u);
  var accK: array<f32, ${ACC}>;
  var accV: array<f32, ${ACC}>;
  for (var h = kh * group; h < (kh + 1u) * group; h++) {
    for (var c0 = i0; c0 < u.Tq; c0 += ${WG}u) {
      let i = c0 + li;
      var p = 0.0;
      var ds = 0.0;
      if (i < u.Tq && j < keyEnd(queryPos(n, i))) {
        let qb = n * u.qsn + i * u.qst + h * u.qsh;
        var s = 0.0;
        var dp = 0.0;
        for (var d = 0u; d < u.dh; d++) { s += q[qb + d] * kv[d]; dp += dy[qb + d] * vv[d]; }
        let r = (n * u.H + h) * u.Tq + i;
        p = exp(s * u.scale + maskAt(n, i, j) - stats[2u * r]);
        ds = p * (dp - stats[2u * r + 1u]);
      }
      pp[li] = p;
      pd[li] = ds;
      workgroupBarrier();
      let cEnd = min(${WG}u, u.Tq - c0);
      for (var a = 0u; a < ${ACC}u; a++) {
        let d = li + a * ${WG}u;
        if (d < u.dh) {
          var tk = accK[a];
          var tv = accV[a];
          for (var c = 0u; c < cEnd; c++) {
            let qb = n * u.qsn + (c0 + c) * u.qst + h * u.qsh + d;
            tk += pd[c] * q[qb];
            tv += pp[c] * dy[qb];
          }
          accK[a] = tk;
          accV[a] = tv;
        }
      }
      workgroupBarrier();
    }
  }
  if (wgIndex >= total) { return; }
  for (var a = 0u; a < ${ACC}u; a++) {
    let d = li + a * ${WG}u;
    if (d < u.dh) { dk[kb + d] = accK[a] * u.scale; dv[kb + d] = accV[a]; }
  }
}`;

function attentionBackward(args: { inputs: NamedTensorInfoMap; backend: unknown; attrs: NamedAttrMap }): TensorInfo[] {
  const b = asWebGpu(args.backend);
  const a = args.attrs as unknown as AttentionAttrs;
  const { dy, q, k, v, lse } = args.inputs as Record<string, TensorInfo>;
  const aux = args.inputs['aux'] ?? q;
  const uw = uniformWords(a, q!, k!);
  const [N, Tq, Tk] = Array.from(new Uint32Array(uw).slice(0, 3));
  const read = (info: TensorInfo) => ({ info, access: 'read' as const });
  const dq = allocOutput(b, q!.shape);
  const stats = allocOutput(b, [2 * N! * a.heads * Tq!]);
  runRaw(b, {
    name: 'AttentionGradQ',
    key: 'RLAttentionGradQ',
    wgsl: () => GRAD_Q_WGSL,
    workgroups: grid(N! * a.heads * Tq!),
    uniforms: [uw],
    bindings: [
      read(q!),
      read(k!),
      read(v!),
      read(aux!),
      read(dy!),
      read(lse!),
      { info: dq, access: 'read_write' },
      { info: stats, access: 'read_write' },
    ],
  });
  const dk = allocOutput(b, k!.shape);
  const dv = allocOutput(b, v!.shape);
  runRaw(b, {
    name: 'AttentionGradKV',
    key: 'RLAttentionGradKV',
    wgsl: () => GRAD_KV_WGSL,
    workgroups: grid(N! * a.kvHeads * Tk!),
    uniforms: [uw],
    bindings: [
      read(q!),
      read(k!),
      read(v!),
      read(aux!),
      read(dy!),
      read(stats),
      { info: dk, access: 'read_write' },
      { info: dv, access: 'read_write' },
    ],
  });
  b.disposeData(stats.dataId);
  return [dq, dk, dv];
}

const cfg = (kernelName: string, f: (args: never) => TensorInfo[]): KernelConfig => ({
  kernelName,
  backendName: 'webgpu',
  kernelFunc: f as unknown as KernelFunc,
});

export const webgpuAttentionConfigs: readonly KernelConfig[] = [
  cfg(ATTENTION, attentionForward),
  cfg(ATTENTION_AUX, attentionForward),
  cfg(ATTENTION_GRAD, attentionBackward),
];
