// Counts what one piece of work costs the WebGPU backend on the host side: GPU programs dispatched, tfjs kernels run,
// pipelines / bind groups / buffers created, bytes uploaded and read back, queue submits. On the H100 the step was
// host-bound (~0.8 ms per dispatched program, shared/reference/README.md), so these counts, not GPU time, say how
// fast a step can be; they are deterministic and need no GPU (SwiftShader counts the same), so a test bounds them.
//
// How: the methods of the GPUDevice tfjs's webgpu backend holds (and of its queue, and of every command encoder and
// compute pass it creates while counting) are wrapped on the instances, and unwrapped afterwards; tfjs's engine is
// wrapped the same way to count kernels. Nothing is wrapped outside a count.
import { tf } from '../tf';

export interface GpuCounts {
  /** dispatchWorkgroups calls: GPU programs run. */
  programs: number;
  /** tfjs kernels run (registered kernels, including no-op ones such as Reshape and Identity). */
  kernels: number;
  pipelines: number;
  bindGroups: number;
  /** Buffers created with UNIFORM usage (tfjs pools them; a steady-state step should create none). */
  uniformBuffers: number;
  /** Every buffer created (uniform, storage, staging). */
  buffers: number;
  /** queue.writeBuffer calls and their bytes (tfjs writes each program's uniforms this way). */
  writes: number;
  bytesWritten: number;
  /** Copies into mappable (MAP_READ) buffers: GPU→CPU reads, and their bytes. */
  readbacks: number;
  bytesRead: number;
  submits: number;
  commandBuffers: number;
}

// Minimal shapes of the WebGPU objects touched here (the project does not load @webgpu/types in src/train).
type Fn = (...args: unknown[]) => unknown;
type Patchable = Record<string, unknown>;
interface BufferLike {
  readonly size: number;
  readonly usage: number;
}
interface DeviceLike extends Patchable {
  readonly queue: Patchable;
}

const MAP_READ = 0x0001;
const UNIFORM = 0x0040;

export function zeroCounts(): GpuCounts {
  return {
    programs: 0,
    kernels: 0,
    pipelines: 0,
    bindGroups: 0,
    uniformBuffers: 0,
    buffers: 0,
    writes: 0,
    bytesWritten: 0,
    readbacks: 0,
    bytesRead: 0,
    submits: 0,
    commandBuffers: 0,
  };
}

/** Replaces obj[name] with a wrapper; returns the undo. The wrapper sees the arguments and the result. */
function wrap(obj: Patchable, name: string, spy: (args: unknown[], result: unknown) => void, undo: (() => void)[]): void {
  const had = Object.hasOwn(obj, name);
  const original = obj[name] as Fn;
  obj[name] = function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    spy(args, result);
    return result;
  };
  undo.push(() => {
    if (had) obj[name] = original;
    else delete obj[name];
  });
}

function wrapEncoder(enc: Patchable, c: GpuCounts, undo: (() => void)[]): void {
  wrap(
    enc,
    'beginComputePass',
    (_a, pass) =>
      wrap(
        pass as Patchable,
        'dispatchWorkgroups',
        () => {
          c.programs++;
        },
        undo,
      ),
    undo,
  );
  wrap(
    enc,
    'copyBufferToBuffer',
    (a) => {
      const dst = a[2] as BufferLike,
        size = Number(a[4] ?? dst.size);
      if (dst.usage & MAP_READ) {
        c.readbacks++;
        c.bytesRead += size;
      }
    },
    undo,
  );
}

/** Counts the device's creations (pipelines, bind groups, buffers, encoders) and everything its queue is given. */
function wrapDevice(device: DeviceLike, c: GpuCounts, undo: (() => void)[]): void {
  const countCalls = (name: string, key: 'pipelines' | 'bindGroups') =>
    wrap(
      device,
      name,
      () => {
        c[key]++;
      },
      undo,
    );
  countCalls('createComputePipeline', 'pipelines');
  countCalls('createComputePipelineAsync', 'pipelines');
  countCalls('createBindGroup', 'bindGroups');
  wrap(
    device,
    'createBuffer',
    (a) => {
      c.buffers++;
      if (((a[0] as BufferLike).usage & UNIFORM) !== 0) c.uniformBuffers++;
    },
    undo,
  );
  wrap(device, 'createCommandEncoder', (_a, enc) => wrapEncoder(enc as Patchable, c, undo), undo);
  wrapQueue(device.queue, c, undo);
}

function wrapQueue(queue: Patchable, c: GpuCounts, undo: (() => void)[]): void {
  wrap(
    queue,
    'submit',
    (a) => {
      c.submits++;
      c.commandBuffers += (a[0] as unknown[]).length;
    },
    undo,
  );
  wrap(
    queue,
    'writeBuffer',
    (a) => {
      c.writes++;
      const data = a[2] as ArrayBufferView | ArrayBuffer;
      c.bytesWritten += a[4] !== undefined ? Number(a[4]) : data.byteLength;
    },
    undo,
  );
}

/** The GPUDevice of tfjs's active webgpu backend, or null when another backend is active. */
export function webgpuDevice(): DeviceLike | null {
  if (tf.getBackend() !== 'webgpu') return null;
  return (tf.backend() as unknown as { device?: DeviceLike }).device ?? null;
}

/**
 * Runs f (which may submit work and read results) with the active webgpu backend's device instrumented; returns what
 * it cost. The command encoder tfjs may hold open from earlier work is flushed first, so every program counted was
 * encoded inside f.
 */
export async function countGpu<T>(f: () => Promise<T>): Promise<{ result: T; counts: GpuCounts }> {
  const device = webgpuDevice();
  if (!device) throw new Error(`countGpu: the active backend is ${tf.getBackend()}, not webgpu`);
  flushPending();
  const c = zeroCounts();
  const undo: (() => void)[] = [];
  wrapDevice(device, c, undo);
  const engine = tf.engine() as unknown as Patchable;
  wrap(
    engine,
    'runKernelFunc',
    (a) => {
      if ((a[0] as { kernelName?: string }).kernelName) c.kernels++;
    },
    undo,
  );
  try {
    const result = await f();
    flushPending();
    return { result, counts: c };
  } finally {
    for (const u of undo.reverse()) u();
  }
}

/** Submits whatever tfjs has encoded but not submitted yet (it batches up to 15 programs per submit). */
function flushPending(): void {
  const b = tf.backend() as unknown as { commandEncoder?: unknown; endComputePassEncoder?: () => void; submitQueue?: () => void };
  if (b.commandEncoder && b.endComputePassEncoder && b.submitQueue) {
    b.endComputePassEncoder();
    b.submitQueue();
  }
}

export function formatCounts(label: string, c: GpuCounts): string {
  return (
    `${label}: ${c.programs} programs, ${c.kernels} kernels, ${c.pipelines} pipelines, ${c.bindGroups} bind groups, ` +
    `${c.uniformBuffers} uniform buffers, ${c.buffers} buffers created, ${c.writes} writes (${c.bytesWritten} B), ` +
    `${c.readbacks} readbacks (${c.bytesRead} B), ${c.submits} submits`
  );
}
