// Backend choice: probe, pick, explain. Loaded only by the worker, the CLI, the benchmark and tests (never the
// extension host): every backend package is loaded lazily inside the probes.
//
// 'auto' tries, in order of measured speed on the reference workload (docs/compute.md), and takes the first that
// loads AND computes a smoke test correctly:
//   tensorflow-gpu  libtensorflow + CUDA, only when a GPU device was really created
//   tensorflow      libtensorflow CPU: multithreaded oneDNN/Eigen kernels, the fastest CPU path
//   webgpu          Dawn on a hardware adapter (software adapters are skipped: slower than wasm)
//   wasm            XNNPACK SIMD, one thread, with our fast BatchMatMul and UnsortedSegmentSum
//   cpu             plain JS, always there
import { BACKEND_NAMES, type BackendName } from '../../core/config';
import { UserError } from '../../core/errors';
import type { BackendProbe, DoctorReport } from '../../protocol/trainer';
import { tf } from '../tf';
import { probeCpu } from './cpu';
import { probeTfjsNode } from './tfjsNode';
import { probeWasm } from './wasm';
import { probeWebGpu } from './webgpu';

export type ConcreteBackend = Exclude<BackendName, 'auto'>;

/** BACKEND_NAMES lists the concrete backends in the order 'auto' tries them. */
export const AUTO_ORDER: readonly ConcreteBackend[] = BACKEND_NAMES.filter((b): b is ConcreteBackend => b !== 'auto');

export interface BackendChoice {
  readonly name: ConcreteBackend;
  readonly why: string;
  readonly probes: BackendProbe[];
}

/** Probes one backend. With activate, it becomes tfjs's active backend when available. */
export async function probeBackend(name: ConcreteBackend, activate: boolean): Promise<BackendProbe> {
  switch (name) {
    case 'tensorflow-gpu':
      return probeTfjsNode(true, activate);
    case 'tensorflow':
      return probeTfjsNode(false, activate);
    case 'webgpu':
      return probeWebGpu(activate);
    case 'wasm':
      return probeWasm(activate);
    case 'cpu':
      return probeCpu(activate);
  }
}

/** Why 'auto' must not train on an otherwise working backend, or null when it may. */
export function autoRejects(p: BackendProbe): string | null {
  if (!p.available) return p.reason;
  if (p.name === 'webgpu' && p.details?.['software'] === true)
    return `software adapter (${String(p.details['adapter'])}): correct, but slower than wasm`;
  return null;
}

function summary(chosen: ConcreteBackend, probes: readonly BackendProbe[]): string {
  const rank = (n: ConcreteBackend) => AUTO_ORDER.indexOf(n);
  const rejected = probes
    .filter((p) => p.name !== chosen)
    .map((p) => `${p.name}: ${autoRejects(p) ?? (rank(p.name) > rank(chosen) ? `works, ranked below ${chosen}` : 'not tried')}`);
  const me = probes.find((p) => p.name === chosen);
  return `${chosen} (${me?.reason ?? 'available'})` + (rejected.length ? `; passed over: ${rejected.join('; ')}` : '');
}

/**
 * What each request resolved to in this process: 'auto' → the pick of the probes below, a name → itself once it
 * passed its probe. Kept per request, not as one "current" backend, so that 'auto' keeps meaning the probe's pick after
 * a training run asked for another backend (the worker scores and trains in one tfjs engine).
 */
const resolved = new Map<BackendName, BackendChoice>();

/**
 * Makes `requested` the active tfjs backend (with its custom kernels) and says why. An explicit request that
 * cannot work throws a UserError with the probe's reason and fix; 'auto' falls through AUTO_ORDER. A request seen
 * before is not probed again: its backend is made active again if something else switched tfjs meanwhile.
 */
export async function initBackend(requested: BackendName): Promise<BackendChoice> {
  const known = resolved.get(requested);
  if (known && (await reactivate(known.name))) return known;
  const choice = requested === 'auto' ? await pickAuto() : await useExplicit(requested);
  resolved.set(requested, choice);
  return choice;
}

/** tfjs keeps every backend it initialised: switching back is a registry lookup, not a new probe. */
async function reactivate(name: ConcreteBackend): Promise<boolean> {
  const tfName = backendTfName(name);
  return tf.engine().backendName === tfName || (await tf.setBackend(tfName));
}

async function useExplicit(requested: ConcreteBackend): Promise<BackendChoice> {
  const p = await probeBackend(requested, true);
  if (!p.available)
    throw new UserError(`backend ${requested} is not usable: ${p.reason}${p.fix ? `. Fix: ${p.fix}` : ''}`, {
      code: 'backend-unavailable',
    });
  const soft = p.details?.['software'] === true ? ' (requested explicitly; software adapter: slow)' : ' (requested explicitly)';
  return { name: requested, why: `${p.reason}${soft}`, probes: [p] };
}

async function pickAuto(): Promise<BackendChoice> {
  const probes: BackendProbe[] = [];
  for (const name of AUTO_ORDER) {
    // A software WebGPU adapter is probed without starting tfjs on it: we only need to know it is software.
    const p = await probeBackend(name, name !== 'webgpu');
    probes.push(p);
    if (autoRejects(p)) continue;
    if (name === 'webgpu') {
      const active = await probeBackend('webgpu', true);
      probes[probes.length - 1] = active;
      if (!active.available) continue;
    }
    return { name, why: summary(name, probes), probes };
  }
  throw new Error(`no backend works: ${probes.map((p) => `${p.name}: ${p.reason}`).join('; ')}`);
}

/**
 * The doctor: probes every backend (each one loaded and smoke-tested), reports what 'auto' picks and why, and
 * leaves the active backend as it was (or on the pick, when none was active).
 */
export async function probeBackends(): Promise<DoctorReport> {
  const before = tf.engine().backendName as string | null;
  const probes: BackendProbe[] = [];
  for (const name of AUTO_ORDER) probes.push(await probeBackend(name, true));
  const chosen = chooseFromProbes(probes);
  const target = before ?? backendTfName(chosen);
  if (tf.engine().backendName !== target) await tf.setBackend(target);
  const ort = await import('../ort/ortRuntime')
    .then((m) => m.probeOnnxRuntime())
    .catch((e: unknown) => ({ available: false, reason: String((e as Error)?.message ?? e), details: {} }));
  return { chosen, why: summary(chosen, probes), probes, onnxruntime: ort };
}

/** The first backend in AUTO_ORDER that 'auto' may train on; cpu when none (it always exists). */
export function chooseFromProbes(probes: readonly BackendProbe[]): ConcreteBackend {
  const ok = probes.filter((p) => autoRejects(p) === null).map((p) => p.name);
  return AUTO_ORDER.find((n) => ok.includes(n)) ?? 'cpu';
}

/** tfjs's registry name for a backend (both libtensorflow packages register 'tensorflow'). */
export function backendTfName(name: ConcreteBackend): string {
  return name === 'tensorflow-gpu' ? 'tensorflow' : name;
}

export { registerCustomKernels, customKernelNames } from '../kernels';
