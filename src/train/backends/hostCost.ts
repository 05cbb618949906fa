// Host time per WebGPU dispatch, with the GPU's work taken out: programs that do nothing (one workgroup, no loads),
// dispatched many times, timed from the first encode to the last (submits included, the GPU's execution not waited
// for). On the H100 a step cost ~0.8 ms of host time per program (shared/reference/README.md); this says how much of
// that is tfjs's bookkeeping, how much Dawn's JavaScript binding, and what the cached path (our programs, and tfjs's
// with src/train/kernels/webgpuBindCache.ts) costs. `npm run bench -- --backends webgpu --host-cost`.
import { tf } from '../tf';
import { allocOutput, asWebGpu, runRaw, words, type WebGpuBackendLike } from '../kernels/webgpuRaw';
import { installBindGroupCache, uninstallBindGroupCache } from '../kernels/webgpuBindCache';
import { unregisterCustomKernels } from '../kernels';
import { webgpuAddNConfig } from '../kernels/webgpuAddN';

export interface HostCostRow {
  readonly what: string;
  readonly usPerDispatch: number;
  /** Time inside Dawn's createBindGroup, writeBuffer and the pass encoder calls, per dispatch. */
  readonly dawnUs?: number;
}

const NOOP_WGSL = `
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> u: vec4<u32>;
@compute @workgroup_size(1)
fn main() { if (u.x == 12345u) { y[0] = a[0]; } }`;

type Fn = (...a: unknown[]) => unknown;

/** Wraps the Dawn calls a dispatch makes with timers; returns the total ms spent in them and the undo. */
function timeDawn(b: WebGpuBackendLike): { ms: () => number; undo: () => void } {
  let ms = 0;
  const undo: (() => void)[] = [];
  const timed = (obj: Record<string, unknown>, name: string, after?: (r: unknown) => void) => {
    const orig = obj[name] as Fn;
    obj[name] = function (this: unknown, ...a: unknown[]) {
      const t = performance.now();
      const r = orig.apply(this, a);
      ms += performance.now() - t;
      after?.(r);
      return r;
    };
    undo.push(() => {
      delete obj[name];
    });
  };
  timed(b.device, 'createBindGroup');
  timed(b.queue, 'writeBuffer');
  timed(b.queue, 'submit');
  timed(b.device, 'createCommandEncoder', (enc) =>
    timed(enc as Record<string, unknown>, 'beginComputePass', (pass) => {
      for (const m of ['setPipeline', 'setBindGroup', 'dispatchWorkgroups']) timed(pass as Record<string, unknown>, m);
    }),
  );
  return { ms: () => ms, undo: () => undo.reverse().forEach((u) => u()) };
}

/** Submits what tfjs has encoded and waits for the GPU, so the next measurement starts idle. */
async function drain(b: WebGpuBackendLike): Promise<void> {
  if (b.commandEncoder) {
    b.endComputePassEncoder();
    b.submitQueue();
  }
  await b.queue.onSubmittedWorkDone();
}

async function timeLoop(b: WebGpuBackendLike, what: string, n: number, body: () => void): Promise<HostCostRow> {
  body(); // warm-up: pipeline, caches
  await drain(b);
  const dawn = timeDawn(b);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) body();
  if (b.commandEncoder) {
    b.endComputePassEncoder();
    b.submitQueue();
  }
  const ms = performance.now() - t0;
  dawn.undo();
  await drain(b);
  return { what, usPerDispatch: (1000 * ms) / n, dawnUs: (1000 * dawn.ms()) / n };
}

/** The same no-op program straight through Dawn: one pass, one bind group, n dispatches (the binding's floor). */
async function dawnFloor(b: WebGpuBackendLike, n: number, a: tf.Tensor, y: tf.TensorInfo): Promise<HostCostRow> {
  const d = b.device;
  const pipeline = d.createComputePipeline({
    layout: 'auto',
    compute: { module: d.createShaderModule({ code: NOOP_WGSL }), entryPoint: 'main' },
  });
  const u = d.createBuffer({ size: 16, usage: 0x0040 | 0x0008 });
  const buf = (t: tf.TensorInfo) => {
    b.uploadToGPU(t.dataId);
    return b.tensorMap.get(t.dataId)!.resource;
  };
  const group = d.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: buf(a) } },
      { binding: 1, resource: { buffer: buf(y) } },
      { binding: 2, resource: { buffer: u } },
    ],
  });
  await drain(b);
  const t0 = performance.now();
  const enc = d.createCommandEncoder();
  const pass = enc.beginComputePass();
  for (let i = 0; i < n; i++) {
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(1);
  }
  pass.end();
  d.queue.submit([enc.finish()]);
  const ms = performance.now() - t0;
  await d.queue.onSubmittedWorkDone();
  u.destroy();
  return { what: 'Dawn directly (one pass, bind group reused)', usPerDispatch: (1000 * ms) / n };
}

/** Host µs per dispatch for each path; the active backend must be webgpu. */
export async function measureHostCost(n = 2000): Promise<HostCostRow[]> {
  const b = asWebGpu(tf.backend());
  const [a, c] = [tf.fill([4], 1), tf.fill([4], 2)];
  for (const t of [a, c]) b.uploadToGPU(t.dataId); // on the GPU, so tfjs does not run the op on the CPU instead
  const y = allocOutput(b, [4]);
  const rows: HostCostRow[] = [await dawnFloor(b, n, a, y)];
  const raw = () =>
    runRaw(b, {
      name: 'Noop',
      key: 'RLNoop',
      wgsl: () => NOOP_WGSL,
      workgroups: [1, 1, 1],
      bindings: [
        { info: a, access: 'read' },
        { info: y, access: 'read_write' },
      ],
      uniforms: [words('uuuu', [0, 0, 0, 0])],
    });
  rows.push(await timeLoop(b, 'our raw program (runRaw: cached pipeline, uniforms, bind group)', n, raw));
  const add = () =>
    tf.tidy(() => {
      tf.add(a, c);
    });
  uninstallBindGroupCache(b);
  rows.push(await timeLoop(b, 'tfjs op tf.add, stock recordAndSubmit (bind group + uniform buffer per dispatch)', n, add));
  installBindGroupCache(b);
  rows.push(await timeLoop(b, 'tfjs op tf.add, cached bind groups and uniforms (webgpuBindCache)', n, add));
  b.disposeData(y.dataId);
  tf.dispose([a, c]);
  return rows;
}

export function formatHostCost(rows: readonly HostCostRow[]): string {
  return rows
    .map(
      (r) =>
        `  ${r.usPerDispatch.toFixed(1).padStart(7)} µs/dispatch${r.dawnUs !== undefined ? ` (${r.dawnUs.toFixed(1)} in Dawn calls)` : ''}  ${r.what}`,
    )
    .join('\n');
}

/**
 * Host ms to encode one training step of the workload (returning from the step call, pending work submitted; the
 * GPU's execution not waited for), after warm-up steps, and the programs it dispatched.
 */
export async function stepHostMs(step: () => tf.Tensor, warmup = 3): Promise<{ ms: number; programs: number }> {
  const b = asWebGpu(tf.backend());
  for (let i = 0; i < warmup; i++) {
    const m = step();
    await m.data();
    m.dispose();
  } // Sync point: warm-up ends idle.
  let programs = 0;
  const orig = b.device.createCommandEncoder;
  b.device.createCommandEncoder = function (this: unknown, ...a: unknown[]) {
    const enc = (orig as Fn).apply(this, a) as Record<string, unknown>;
    const begin = enc['beginComputePass'] as Fn;
    enc['beginComputePass'] = function (this: unknown, ...p: unknown[]) {
      const pass = begin.apply(this, p) as Record<string, unknown>;
      const d = pass['dispatchWorkgroups'] as Fn;
      pass['dispatchWorkgroups'] = function (this: unknown, ...x: unknown[]) {
        programs++;
        return d.apply(this, x);
      };
      return pass;
    };
    return enc;
  };
  const t0 = performance.now();
  const m = step();
  if (b.commandEncoder) {
    b.endComputePassEncoder();
    b.submitQueue();
  }
  const ms = performance.now() - t0;
  delete (b.device as Record<string, unknown>)['createCommandEncoder'];
  await m.data(); // Sync point: the next measurement starts idle.
  m.dispose();
  return { ms, programs };
}

/**
 * tfjs's stock webgpu kernels and its stock recordAndSubmit, except the chunked AddN: stock AddN binds every input at
 * once, past the device's storage-buffer limit for the step's gradient sums, and its pipeline is then invalid (Dawn
 * skips the dispatch with a validation error), which would time an error path rather than tfjs's.
 */
export function useStockKernels(): void {
  unregisterCustomKernels('webgpu');
  tf.registerKernel(webgpuAddNConfig);
}
