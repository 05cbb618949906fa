// Dense layers for WebGPU as grouped GEMMs: one dispatch computes several independent products ("jobs"), each a sum
// of terms op(A)·op(B) with optional transposes, an operand optionally scaled by an activation's derivative, and an
// epilogue (an activation, keeping the pre-activation for the backward; or a residual added). Per layer this makes
//   forward:  q, k, v = x·Wq, x·Wk, x·Wv             one dispatch (tfjs: 3)
//             y = gelu(x·W) or y = r + x·W            one dispatch (tfjs: 2)
//   backward: dx = dy·Wᵀ and dW = xᵀ·dy               one dispatch (tfjs: 2), dy·act'(z) folded into the loads
//             dx = Σ dyᵢ·Wᵢᵀ, dWᵢ = xᵀ·dyᵢ (q, k, v)  one dispatch when the bindings fit, else two (tfjs: 6 + 2 adds)
// Tiles: 64×64 outputs per workgroup of 16×16 threads (4×4 each), 16-deep slices of A and B in workgroup memory.
import type { TensorInfo } from '@tensorflow/tfjs';
import { ACTIVATION_MATH } from './webgpuSmall';
import { FLAT_WORKGROUP, grid, runRaw, words, type RawBinding, type WebGpuBackendLike } from './webgpuRaw';

const TILE = 64;
const DEPTH = 16;

/** One operand of a term: a 2-D row-major tensor, used as is or transposed, optionally ∘ act'(z) elementwise. */
export interface Operand {
  readonly t: TensorInfo;
  readonly transpose: boolean;
  /** The pre-activation z (same shape as t): the operand is t ∘ act'(z), the gradient through the activation. */
  readonly dact?: TensorInfo;
}

export interface Job {
  /** out[M, N] = Σ terms op(A)·op(B). */
  readonly terms: readonly { readonly a: Operand; readonly b: Operand }[];
  readonly out: TensorInfo;
  readonly M: number;
  readonly N: number;
  /** act: out = act(Σ), z = Σ; residual: out = r + Σ. */
  readonly epilogue?: { readonly act: number; readonly z: TensorInfo } | { readonly residual: TensorInfo };
}

/** The inner dimension of a term: columns of op(A). */
function innerOf(a: Operand): number {
  const [r, c] = a.t.shape.length === 2 ? a.t.shape : [a.t.shape.slice(0, -1).reduce((x, d) => x * d, 1), a.t.shape[a.t.shape.length - 1]!];
  return a.transpose ? r! : c!;
}

/** Columns of the stored (untransposed) 2-D view of t. */
function colsOf(t: TensorInfo): number {
  return t.shape[t.shape.length - 1]!;
}

/** Binding slots, each tensor once (read-only unless written). */
class Bindings {
  readonly list: RawBinding[] = [];
  private readonly slot = new Map<object, number>();
  use(t: TensorInfo, write = false): number {
    const hit = this.slot.get(t.dataId);
    if (hit !== undefined) return hit;
    this.slot.set(t.dataId, this.list.length);
    this.list.push({ info: t, access: write ? 'read_write' : 'read' });
    return this.list.length - 1;
  }
}

/** WGSL expression for element (row, col) of op(X), X bound at slot s with `cols` columns (uniform `c`). */
function loadExpr(o: Operand, slots: Bindings, c: string, row: string, col: string): string {
  const idx = o.transpose ? `${col} * ${c} + ${row}` : `${row} * ${c} + ${col}`;
  const v = `b${slots.use(o.t)}[${idx}]`;
  return o.dact ? `(${v} * dact(b${slots.use(o.dact)}[${idx}]))` : v;
}

/** Loads one DEPTH-deep slice of op(A) (rows of the tile) and op(B) (columns of the tile) into workgroup memory. */
function sliceLoadWgsl(term: Job['terms'][number], slots: Bindings, j: number, p: string): string {
  return `for (var r = 0u; r < ${(TILE * DEPTH) / 256}u; r++) {
        let e = li + r * 256u;
        let kk = e / ${TILE}u;
        let mm = e % ${TILE}u;
        let gk = k0 + kk;
        let gm = tm * ${TILE}u + mm;
        var va = 0.0;
        if (gm < u.j${j}M && gk < ${p}K) { va = ${loadExpr(term.a, slots, `${p}ca`, 'gm', 'gk')}; }
        As[kk][mm] = va;
        let gn = tn * ${TILE}u + mm;
        var vb = 0.0;
        if (gn < u.j${j}N && gk < ${p}K) { vb = ${loadExpr(term.b, slots, `${p}cb`, 'gk', 'gn')}; }
        Bs[kk][mm] = vb;
      }`;
}

/** The tile routine of job j: its terms' slices loaded and multiplied, then its epilogue. */
function jobWgsl(job: Job, j: number, slots: Bindings): string {
  const terms = job.terms
    .map(
      (term, t) => `for (var k0 = 0u; k0 < u.j${j}t${t}K; k0 += ${DEPTH}u) {
      ${sliceLoadWgsl(term, slots, j, `u.j${j}t${t}`)}
      workgroupBarrier();
      for (var kk = 0u; kk < ${DEPTH}u; kk++) {
        let bv = vec4<f32>(Bs[kk][tx * 4u], Bs[kk][tx * 4u + 1u], Bs[kk][tx * 4u + 2u], Bs[kk][tx * 4u + 3u]);
        for (var i = 0u; i < 4u; i++) { acc[i] += As[kk][ty * 4u + i] * bv; }
      }
      workgroupBarrier();
    }`,
    )
    .join('\n    ');
  return `fn job${j}(tm: u32, tn: u32, tx: u32, ty: u32, li: u32) {
  var acc: array<vec4<f32>, 4>;
  ${terms}
  for (var i = 0u; i < 4u; i++) {
    for (var c = 0u; c < 4u; c++) {
      let m = tm * ${TILE}u + ty * 4u + i;
      let n = tn * ${TILE}u + tx * 4u + c;
      if (m < u.j${j}M && n < u.j${j}N) { let s = acc[i][c]; ${epilogueWgsl(job, j, slots)} }
    }
  }
}`;
}

function epilogueWgsl(job: Job, j: number, slots: Bindings): string {
  const at = (t: TensorInfo) => `b${slots.use(t)}[m * u.j${j}N + n]`;
  const e = job.epilogue;
  if (!e) return `${at(job.out)} = s;`;
  if ('residual' in e) return `${at(job.out)} = ${at(e.residual)} + s;`;
  return `${at(e.z)} = s; ${at(job.out)} = act(s);`;
}

/** Uniform fields of job j: M, N, tiles across N, first workgroup; per term K and the operands' stored columns. */
function jobFields(job: Job, j: number): { decl: string; values: number[] } {
  const names = [`j${j}M`, `j${j}N`, `j${j}tilesN`, `j${j}start`];
  const values: number[] = [job.M, job.N, Math.ceil(job.N / TILE), 0];
  job.terms.forEach((t, k) => {
    names.push(`j${j}t${k}K`, `j${j}t${k}ca`, `j${j}t${k}cb`);
    values.push(innerOf(t.a), colsOf(t.a.t), colsOf(t.b.t));
  });
  return { decl: names.map((n) => `${n}: u32,`).join(' '), values };
}

const tilesOf = (job: Job) => Math.ceil(job.M / TILE) * Math.ceil(job.N / TILE);

function gemmWgsl(jobs: readonly Job[], slots: Bindings, decl: string, act: boolean): string {
  const routines = jobs.map((job, j) => jobWgsl(job, j, slots));
  const binds = slots.list.map((x, i) => `@group(0) @binding(${i}) var<storage, ${x.access}> b${i}: array<f32>;`).join('\n');
  const dispatch = jobs
    .map(
      (_, j) => `if (wgIndex < ${j + 1 < jobs.length ? `u.j${j + 1}start` : 'u.total'}) {
    let tile = wgIndex - u.j${j}start;
    job${j}(tile / u.j${j}tilesN, tile % u.j${j}tilesN, tx, ty, li);
  }`,
    )
    .join(' else ');
  return `
struct U { total: u32, kind: u32, ${decl} };
${binds}
@group(0) @binding(${slots.list.length}) var<uniform> u: U;
var<workgroup> As: array<array<f32, ${TILE}>, ${DEPTH}>;
var<workgroup> Bs: array<array<f32, ${TILE}>, ${DEPTH}>;
${act ? ACTIVATION_MATH : ''}
${routines.join('\n')}
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32, @builtin(local_invocation_id) lid: vec3<u32>) {
  ${FLAT_WORKGROUP}
  let tx = lid.x;
  let ty = lid.y;
  ${dispatch}
}`;
}

/** A structural key for the pipeline: everything jobWgsl reads, none of the sizes (those are uniforms). */
function keyOf(jobs: readonly Job[], slots: Bindings): string {
  const slot = (t?: TensorInfo) => (t ? slots.use(t) : '-');
  return `RLGemm/${jobs.map((job) => `${job.terms.map((t) => `${slot(t.a.t)}${t.a.transpose ? 'T' : ''}${slot(t.a.dact)}.${slot(t.b.t)}${t.b.transpose ? 'T' : ''}${slot(t.b.dact)}`).join('+')}>${slot(job.out)}${job.epilogue ? ('residual' in job.epilogue ? `r${slot(job.epilogue.residual)}` : `a${slot(job.epilogue.z)}`) : ''}`).join('|')}/${slots.list.map((b) => b.access[5] ?? 'r').join('')}`;
}

/**
 * Runs the jobs in one dispatch. `act` is the activation kind (webgpuSmall ACTIVATIONS) of every epilogue and dact
 * operand in the dispatch.
 */
export function runGemm(b: WebGpuBackendLike, jobs: readonly Job[], act = 0): void {
  const slots = collect(jobs);
  const fields = jobs.map((job, j) => jobFields(job, j));
  let start = 0;
  fields.forEach((f, j) => {
    f.values[3] = start;
    start += tilesOf(jobs[j]!);
  });
  const usesAct = jobs.some((job) => (job.epilogue && 'z' in job.epilogue) || job.terms.some((t) => t.a.dact || t.b.dact));
  const values = [start, act, ...fields.flatMap((f) => f.values)];
  runRaw(b, {
    name: 'Gemm',
    key: keyOf(jobs, slots),
    wgsl: () => gemmWgsl(jobs, slots, fields.map((f) => f.decl).join(' '), usesAct),
    workgroups: grid(start),
    bindings: slots.list,
    uniforms: [words('u'.repeat(values.length), values)],
  });
}

/** Every tensor the jobs touch, once each; outputs first so that they are the read-write ones. */
function collect(jobs: readonly Job[]): Bindings {
  const slots = new Bindings();
  for (const job of jobs) {
    slots.use(job.out, true);
    if (job.epilogue && 'z' in job.epilogue) slots.use(job.epilogue.z, true);
  }
  for (const job of jobs) {
    if (job.epilogue && 'residual' in job.epilogue) slots.use(job.epilogue.residual);
    for (const t of job.terms)
      for (const o of [t.a, t.b]) {
        slots.use(o.t);
        if (o.dact) slots.use(o.dact);
      }
  }
  return slots;
}

/** Storage buffers the jobs bind (each tensor once), to split work across dispatches under the device limit. */
export function bindingCount(jobs: readonly Job[]): number {
  return collect(jobs).list.length;
}
