// Our own WebGPU programs inside tfjs's webgpu backend, for the fused kernels. tfjs's runWebGPUProgram gives a
// program one output and read-only inputs, builds its WGSL header from the shapes, creates a bind group and writes a
// uniform buffer per dispatch; a fused kernel needs several outputs (LayerNorm's gradient: dx, dγ, dβ), in-place
// updates (Adam) and, to cut host cost, bind groups and uniform buffers built once and reused across steps.
//
// So a RawProgram brings its complete WGSL and its bindings (storage buffers read or read-write, then uniforms), and
// runRaw encodes it into the compute pass tfjs has open, with the same bookkeeping as tfjs's recordAndSubmit (inputs
// and outputs marked as owned by the command queue, a submit every WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE dispatches,
// timestamp queries under tf.profile). Pipelines are cached by key; uniform buffers by content; bind groups by
// (pipeline, buffers, uniforms) — tfjs's buffer pool hands the same buffers to the same step, so they recur.
import type { TensorInfo } from '@tensorflow/tfjs';
import { tf } from '../tf';

// biome-ignore lint/suspicious/noExplicitAny: tfjs keeps its WebGPU backend's fields private and Dawn's objects untyped here.
type Gpu = any;

/** The parts of tfjs 4.22's WebGPUBackend used here (all present on the instance, some TypeScript-private). */
export interface WebGpuBackendLike {
  readonly device: Gpu;
  readonly queue: Gpu;
  readonly tensorMap: {
    get(dataId: object): { resource: Gpu; values: unknown; refCount: number; shape: number[]; dtype: string } | undefined;
  };
  commandEncoder: Gpu | null;
  computePassEncoder: Gpu | null;
  commandQueueOwnedIds: WeakSet<object>;
  dispatchCountInPass: number;
  activeTimers: { name: string; query: Promise<number> }[] | null;
  readonly supportTimestampQuery: boolean;
  querySet: Gpu | null;
  readonly querySetCount: number;
  makeTensorInfo(shape: number[], dtype: string, values?: unknown): TensorInfo;
  uploadToGPU(dataId: object): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  getQueryTime(): Promise<number>;
  refCount(dataId: object): number;
  disposeData(dataId: object, force?: boolean): boolean;
}

export type Access = 'read' | 'read_write';

export interface RawBinding {
  readonly info: TensorInfo;
  readonly access: Access;
}

export interface RawProgram {
  /** Label for profiles and errors. */
  readonly name: string;
  /** Pipeline cache key: everything the WGSL depends on (binding layout, workgroup size, compile-time constants). */
  readonly key: string;
  /** The complete WGSL; storage bindings 0..n-1 in the order of `bindings`, then one binding per uniform block. */
  readonly wgsl: () => string;
  readonly bindings: readonly RawBinding[];
  /**
   * Uniform blocks, bound after the storage buffers: 4-byte words (i32/u32/f32 written through views), cached by
   * content; or a StepUniform, one buffer rewritten per step for values that change every step.
   */
  readonly uniforms: readonly (ArrayBuffer | StepUniform)[];
  readonly workgroups: readonly [number, number, number];
}

/** Bind groups and uniform buffers kept per device; past this many the oldest are dropped (a shape-churning run). */
const CACHE_LIMIT = 4096;
const UNIFORM = 0x0040,
  COPY_DST = 0x0008,
  STORAGE = 0x0080,
  COPY_SRC = 0x0004;
const COMPUTE = 0x4;

interface Caches {
  readonly pipelines: Map<string, { pipeline: Gpu; layout: Gpu }>;
  readonly uniforms: Map<string, Gpu>;
  readonly bindGroups: Map<string, Gpu>;
  readonly ids: WeakMap<object, number>;
  nextId: number;
}

const perDevice = new WeakMap<object, Caches>();

function caches(device: Gpu): Caches {
  let c = perDevice.get(device);
  if (!c) {
    c = { pipelines: new Map(), uniforms: new Map(), bindGroups: new Map(), ids: new WeakMap(), nextId: 1 };
    perDevice.set(device, c);
  }
  return c;
}

/** A stable small id per GPU object, for cache keys. */
function idOf(c: Caches, o: object): number {
  let id = c.ids.get(o);
  if (id === undefined) {
    id = c.nextId++;
    c.ids.set(o, id);
  }
  return id;
}

/** Map as an LRU: a hit moves the entry to the end, an insert past the limit drops the oldest. */
function lruGet<V>(m: Map<string, V>, key: string, make: () => V): V {
  const hit = m.get(key);
  if (hit !== undefined) {
    m.delete(key);
    m.set(key, hit);
    return hit;
  }
  const v = make();
  m.set(key, v);
  if (m.size > CACHE_LIMIT) m.delete(m.keys().next().value as string);
  return v;
}

function pipelineFor(b: WebGpuBackendLike, c: Caches, p: RawProgram): { pipeline: Gpu; layout: Gpu } {
  const hit = c.pipelines.get(p.key);
  if (hit) return hit;
  const entries = [
    ...p.bindings.map((x, i) => ({
      binding: i,
      visibility: COMPUTE,
      buffer: { type: x.access === 'read' ? 'read-only-storage' : 'storage' },
    })),
    ...p.uniforms.map((_u, j) => ({ binding: p.bindings.length + j, visibility: COMPUTE, buffer: { type: 'uniform' } })),
  ];
  const layout = b.device.createBindGroupLayout({ label: p.name, entries });
  const module = b.device.createShaderModule({ label: p.name, code: p.wgsl() });
  const pipeline = b.device.createComputePipeline({
    label: p.name,
    layout: b.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
    compute: { module, entryPoint: 'main' },
  });
  const made = { pipeline, layout };
  c.pipelines.set(p.key, made);
  return made;
}

/** A uniform buffer with these bytes: created and written once, then shared by every dispatch that needs them. */
function uniformFor(b: WebGpuBackendLike, c: Caches, words: ArrayBuffer): Gpu {
  const size = Math.max(16, Math.ceil(words.byteLength / 16) * 16);
  const key = `${size}:${Array.from(new Uint32Array(words)).join(',')}`;
  return lruGet(c.uniforms, key, () => {
    const buf = b.device.createBuffer({ size, usage: UNIFORM | COPY_DST });
    const padded = new Uint8Array(size);
    padded.set(new Uint8Array(words));
    b.queue.writeBuffer(buf, 0, padded);
    return buf;
  });
}

/** A uniform buffer whose contents change between steps (Adam's bias corrections), rewritten by writeStepUniform. */
export interface StepUniform {
  readonly gpuBuffer: Gpu;
}

const stepUniforms = new WeakMap<object, Map<string, StepUniform>>();

/**
 * Writes this step's words into the uniform buffer named `key` (created once). queue.writeBuffer takes effect before
 * the next submit, so work tfjs has encoded but not submitted yet (which may read the previous step's words) is
 * submitted first.
 */
export function writeStepUniform(b: WebGpuBackendLike, key: string, data: ArrayBuffer): StepUniform {
  let m = stepUniforms.get(b.device);
  if (!m) stepUniforms.set(b.device, (m = new Map()));
  const size = Math.max(16, Math.ceil(data.byteLength / 16) * 16);
  let u = m.get(key);
  if (!u || u.gpuBuffer.size !== size)
    m.set(key, (u = { gpuBuffer: b.device.createBuffer({ label: key, size, usage: UNIFORM | COPY_DST }) }));
  if (b.commandEncoder) {
    b.endComputePassEncoder();
    b.submitQueue();
  }
  const padded = new Uint8Array(size);
  padded.set(new Uint8Array(data));
  b.queue.writeBuffer(u.gpuBuffer, 0, padded);
  return u;
}

function bufferOf(b: WebGpuBackendLike, info: TensorInfo): Gpu {
  b.uploadToGPU(info.dataId);
  const data = b.tensorMap.get(info.dataId);
  if (!data?.resource) throw new Error('webgpu raw program: a tensor has no GPU buffer');
  return data.resource;
}

function bindGroupFor(b: WebGpuBackendLike, c: Caches, p: RawProgram, layout: Gpu, buffers: Gpu[]): Gpu {
  const ids = buffers.map((x) => idOf(c, x)).join(',');
  return lruGet(c.bindGroups, `${p.key}|${ids}`, () =>
    b.device.createBindGroup({
      label: p.name,
      layout,
      entries: buffers.map((buffer, i) => ({ binding: i, resource: { buffer } })),
    }),
  );
}

/** Encodes one dispatch of p into tfjs's command stream. */
export function runRaw(b: WebGpuBackendLike, p: RawProgram): void {
  const c = caches(b.device);
  const { pipeline, layout } = pipelineFor(b, c, p);
  const buffers = [
    ...p.bindings.map((x) => bufferOf(b, x.info)),
    ...p.uniforms.map((u) => (u instanceof ArrayBuffer ? uniformFor(b, c, u) : u.gpuBuffer)),
  ];
  const bindGroup = bindGroupFor(b, c, p, layout, buffers);
  for (const x of p.bindings) b.commandQueueOwnedIds.add(x.info.dataId);
  b.ensureCommandEncoderReady();
  const timed = b.activeTimers != null;
  if (timed && b.supportTimestampQuery) {
    b.endComputePassEncoder();
    b.querySet ??= b.device.createQuerySet({ type: 'timestamp', count: b.querySetCount });
    b.computePassEncoder = b.commandEncoder.beginComputePass({
      timestampWrites: { querySet: b.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 },
    });
  } else if (!b.computePassEncoder) {
    b.computePassEncoder = b.commandEncoder.beginComputePass({});
  }
  b.computePassEncoder.setPipeline(pipeline);
  b.computePassEncoder.setBindGroup(0, bindGroup);
  b.computePassEncoder.dispatchWorkgroups(p.workgroups[0], p.workgroups[1], p.workgroups[2]);
  b.dispatchCountInPass++;
  if (timed || (tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number) <= b.dispatchCountInPass) {
    b.endComputePassEncoder();
    if (timed) b.activeTimers!.push({ name: p.name, query: b.getQueryTime() });
    else b.submitQueue();
  }
}

/** A new float32 tensor's TensorInfo with its GPU buffer allocated (contents undefined until a program writes it). */
export function allocOutput(b: WebGpuBackendLike, shape: readonly number[], dtype = 'float32'): TensorInfo {
  const info = b.makeTensorInfo([...shape], dtype);
  b.uploadToGPU(info.dataId);
  return info;
}

/**
 * A copy of `info` in a buffer of its own (a GPU copy command, no program). For in-place updates of a tensor whose
 * buffer other tensors share: tfjs's reshape, clone and tf.variable(t) all share one buffer between tensors.
 */
export function privateCopy(b: WebGpuBackendLike, info: TensorInfo): TensorInfo {
  const src = bufferOf(b, info);
  const out = allocOutput(b, info.shape, info.dtype);
  const dst = bufferOf(b, out);
  b.commandQueueOwnedIds.add(info.dataId);
  b.commandQueueOwnedIds.add(out.dataId);
  b.ensureCommandEncoderReady();
  b.endComputePassEncoder();
  b.commandEncoder.copyBufferToBuffer(src, 0, dst, 0, src.size);
  return out;
}

/** Uniform words from numbers: `i` for i32, `u` for u32, `f` for f32, one letter per value. */
export function words(types: string, values: readonly number[]): ArrayBuffer {
  if (types.length !== values.length) throw new Error(`words: ${types.length} types for ${values.length} values`);
  const buf = new ArrayBuffer(values.length * 4);
  const dv = new DataView(buf);
  values.forEach((v, i) => {
    const t = types[i];
    if (t === 'f') dv.setFloat32(i * 4, v, true);
    else if (t === 'u') dv.setUint32(i * 4, v, true);
    else dv.setInt32(i * 4, v, true);
  });
  return buf;
}

/** Workgroups for `count` independent workgroup jobs, folded into 2-D past the per-dimension limit. */
export function grid(count: number, limit = 65535): [number, number, number] {
  if (count <= limit) return [Math.max(1, count), 1, 1];
  const y = Math.ceil(count / limit);
  return [Math.ceil(count / y), y, 1];
}

/** WGSL for the flattened workgroup index under grid(): pair with `@builtin(workgroup_id) wg, @builtin(num_workgroups) nwg`. */
export const FLAT_WORKGROUP = 'let wgIndex = wg.x + wg.y * nwg.x;';

export const BUFFER_USAGE = { STORAGE, COPY_SRC, COPY_DST } as const;

/** The active backend as a webgpu backend (kernels receive it as `backend`). */
export function asWebGpu(backend: unknown): WebGpuBackendLike {
  return backend as WebGpuBackendLike;
}
