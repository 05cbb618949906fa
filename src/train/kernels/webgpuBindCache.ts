// Bind groups and uniform buffers reused across steps for tfjs's own programs, and a buffer pool that hands a step
// the same buffers every time.
//
// tfjs 4.22's recordAndSubmit creates a bind group, acquires a uniform buffer and writes it for every dispatch. A
// training step runs the same programs on the same shapes each time, so both recur once the buffers do: the
// replacement below (installed on the backend instance, same encoding otherwise) keeps uniform buffers by content
// and bind groups by (pipeline, buffers). Buffers recur when tfjs's pool is in the same state at the start of each
// step: its free lists are stacks, popped in release order, which drifts from step to step; settlePool sorts them.
import { tf } from '../tf';
import type { WebGpuBackendLike } from './webgpuRaw';

// biome-ignore lint/suspicious/noExplicitAny: tfjs keeps its WebGPU backend's fields private and Dawn's objects untyped here.
type Gpu = any;
interface ProgramUniform {
  type: string;
  data: number[];
}
interface TfProgram {
  pipeline: Gpu;
  pixelsOpType?: number | null;
  size?: boolean;
  outputShape: number[];
  outputComponent?: number;
  dispatch: [number, number, number];
  constructor: { name: string };
}
interface Info {
  dataId: object;
  shape: number[];
}

const CACHE_LIMIT = 4096;
const UNIFORM = 0x0040,
  COPY_DST = 0x0008;
const PIXELS_DRAW = 1;

interface Caches {
  ids: WeakMap<object, number>;
  next: number;
  layouts: WeakMap<object, Gpu>;
  uniforms: Map<string, Gpu>;
  groups: Map<string, Gpu>;
}
const perDevice = new WeakMap<object, Caches>();

function cachesOf(device: Gpu): Caches {
  let c = perDevice.get(device);
  if (!c) perDevice.set(device, (c = { ids: new WeakMap(), next: 1, layouts: new WeakMap(), uniforms: new Map(), groups: new Map() }));
  return c;
}

function idOf(c: Caches, o: object): number {
  let id = c.ids.get(o);
  if (id === undefined) c.ids.set(o, (id = c.next++));
  return id;
}

function remember<V>(m: Map<string, V>, key: string, make: () => V): V {
  let v = m.get(key);
  if (v === undefined) {
    m.set(key, (v = make()));
    if (m.size > CACHE_LIMIT) m.delete(m.keys().next().value as string);
  }
  return v;
}

/** tfjs's makeUniforms layout (WGSL alignment of scalars and vectors up to 6 components), as bytes. */
export function uniformBytes(fields: ProgramUniform[]): ArrayBuffer {
  let offset = 0,
    preLength = 0,
    maxAlign = 1;
  const offsets: number[] = [];
  for (const d of fields) {
    if (d.data.length === 0) d.data = [1];
    const n = d.data.length;
    let align = n === 1 ? 4 : n === 2 ? 8 : 16;
    if (n > 6) throw new Error(`Unsupported ${n}D shape`);
    if (preLength === 5 || preLength === 6) align = 16;
    maxAlign = Math.max(maxAlign, align);
    offset = Math.ceil(offset / align) * align;
    preLength = n;
    offsets.push(offset);
    offset += n * 4;
  }
  const buf = new ArrayBuffer(Math.ceil(offset / maxAlign) * maxAlign);
  fields.forEach((d, i) => {
    const View = d.type === 'int32' ? Int32Array : d.type === 'uint32' ? Uint32Array : Float32Array;
    new View(buf, offsets[i], d.data.length).set(d.data);
  });
  return buf;
}

/** The uniform fields tfjs 4.22 gives a program: NaN, ∞, every shape and its strides, the size, the program's own. */
function programUniforms(program: TfProgram, inputs: Info[], output: Info, own?: ProgramUniform[]): ProgramUniform[] {
  const u: ProgramUniform[] = [];
  if (program.pixelsOpType == null) {
    u.push({ type: 'float32', data: [NaN] }, { type: 'float32', data: [Infinity] });
    for (const shape of [...inputs, output].map((d) => d.shape))
      u.push({ type: 'int32', data: shape }, { type: 'int32', data: tf.util.computeStrides(shape) });
  } else {
    u.push({ type: 'int32', data: tf.util.computeStrides(output.shape) });
  }
  if (program.size) {
    const size = tf.util.sizeFromShape(program.outputShape);
    u.push({ type: 'int32', data: [program.outputComponent ? size / program.outputComponent : size] });
  }
  return own ? [...u, ...own] : u;
}

function uniformBuffer(b: WebGpuBackendLike, c: Caches, bytes: ArrayBuffer): Gpu {
  return remember(c.uniforms, `${bytes.byteLength}:${new Uint32Array(bytes).join(',')}`, () => {
    const buf = b.device.createBuffer({ size: bytes.byteLength, usage: UNIFORM | COPY_DST });
    b.queue.writeBuffer(buf, 0, bytes, 0, bytes.byteLength);
    return buf;
  });
}

/** The bind group of a tfjs program, or null when a binding is not a plain buffer (textures: tfjs's own path). */
function bindGroupOf(
  b: WebGpuBackendLike,
  c: Caches,
  program: TfProgram,
  inputs: Info[],
  output: Info,
  own?: ProgramUniform[],
): Gpu | null {
  const buffers = [output, ...inputs].map((t) => b.tensorMap.get(t.dataId)?.resource as Gpu);
  if (buffers.some((x) => !x || typeof x.mapAsync !== 'function')) return null;
  const uniform = uniformBuffer(b, c, uniformBytes(programUniforms(program, inputs, output, own)));
  const all = [...buffers, uniform];
  return remember(c.groups, `${idOf(c, program.pipeline)}|${all.map((x) => idOf(c, x)).join(',')}`, () => {
    let layout = c.layouts.get(program.pipeline);
    if (!layout) c.layouts.set(program.pipeline, (layout = program.pipeline.getBindGroupLayout(0)));
    return b.device.createBindGroup({ layout, entries: all.map((buffer, i) => ({ binding: i, resource: { buffer } })) });
  });
}

/** tfjs 4.22's recordAndSubmit with the bind group and uniforms from the caches; the encoding is tfjs's. */
function recordAndSubmit(
  this: WebGpuBackendLike & { recordAndSubmitStock: Gpu },
  program: TfProgram,
  output: Info,
  inputs: Info[],
  own?: ProgramUniform[],
): void {
  if (program.pipeline instanceof Promise)
    throw new Error('Please call checkCompileCompletionAsync to ensure parallel compilation is done!');
  const c = cachesOf(this.device);
  const bindGroup = this.activeTimers == null ? bindGroupOf(this, c, program, inputs, output, own) : null;
  // Profiling (timestamp queries) and texture bindings keep tfjs's own path.
  if (!bindGroup) {
    this.recordAndSubmitStock(program, output, inputs, own);
    return;
  }
  for (const t of inputs) this.commandQueueOwnedIds.add(t.dataId);
  this.commandQueueOwnedIds.add(output.dataId);
  this.ensureCommandEncoderReady();
  if (!this.computePassEncoder) this.computePassEncoder = this.commandEncoder.beginComputePass({});
  this.computePassEncoder.setPipeline(program.pipeline);
  this.computePassEncoder.setBindGroup(0, bindGroup);
  this.computePassEncoder.dispatchWorkgroups(program.dispatch[0], program.dispatch[1], program.dispatch[2]);
  this.dispatchCountInPass++;
  if ((tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number) <= this.dispatchCountInPass || program.pixelsOpType === PIXELS_DRAW) {
    this.endComputePassEncoder();
    this.submitQueue();
  }
}

/** Installs the caching recordAndSubmit on this backend instance (idempotent). */
export function installBindGroupCache(backend: unknown): void {
  const b = backend as Record<string, unknown>;
  if (typeof b['recordAndSubmit'] !== 'function' || b['recordAndSubmitStock']) return;
  b['recordAndSubmitStock'] = b['recordAndSubmit'];
  b['recordAndSubmit'] = recordAndSubmit;
}

/** Puts tfjs's own recordAndSubmit back (tests compare against the stock backend). */
export function uninstallBindGroupCache(backend: unknown): void {
  const b = backend as Record<string, unknown>;
  if (!b['recordAndSubmitStock']) return;
  delete b['recordAndSubmit'];
  delete b['recordAndSubmitStock'];
}

/**
 * Makes the pool's state at this point depend only on which buffers are free, not on the order they were freed in:
 * submits pending work (so that buffers waiting on it are released) and sorts every free list. Called at the start
 * of each training step and forward pass, so the same step gets the same buffers, and the cached bind groups hit.
 */
export function settlePool(backend: unknown): void {
  const b = backend as WebGpuBackendLike & { bufferManager?: { freeBuffers?: Map<string, object[]> } };
  const free = b.bufferManager?.freeBuffers;
  if (!free || !b.device) return;
  if (b.commandEncoder) {
    b.endComputePassEncoder();
    b.submitQueue();
  }
  const c = cachesOf(b.device);
  for (const list of free.values()) list.sort((x, y) => idOf(c, y) - idOf(c, x));
}
