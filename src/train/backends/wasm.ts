// tfjs-backend-wasm: XNNPACK with 128-bit SIMD. In Node it runs on one thread (the threaded build needs
// cross-origin-isolated browser workers), so one instance uses one core.
import type { BackendProbe } from '../../protocol/trainer';
import { tf } from '../tf';
import { registerCustomKernels } from '../kernels';
import { errorText, loadPackage, packageDir } from './load';
import { activateAndCheck } from './smoke';

const PKG = '@tensorflow/tfjs-backend-wasm';

interface WasmPackage {
  setWasmPaths(prefix: string): void;
  getThreadsCount?(): number;
}

let loaded: Promise<WasmPackage> | null = null;

async function loadWasmPackage(): Promise<WasmPackage> {
  const dir = packageDir(PKG);
  if (!dir) throw new Error(`${PKG} is not installed`);
  const pkg = await loadPackage<WasmPackage>(PKG);
  // The .wasm binaries sit in the package's dist/; tell the loader where (bundles move the JS away from them).
  pkg.setWasmPaths(`${dir}/dist/`);
  return pkg;
}

export async function probeWasm(activate: boolean): Promise<BackendProbe> {
  let pkg: WasmPackage;
  try {
    pkg = await (loaded ??= loadWasmPackage());
  } catch (e) {
    loaded = null;
    return { name: 'wasm', available: false, reason: errorText(e), fix: `npm install --no-save ${PKG}@4.22.0` };
  }
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threadsSupported = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  const kernels = registerCustomKernels('wasm');
  const previous = activate ? null : safeBackend();
  const check = await activateAndCheck('wasm');
  const threads = check.ok && pkg.getThreadsCount ? pkg.getThreadsCount() : 1;
  if (previous && previous !== 'wasm') await tf.setBackend(previous);
  const details = { simd, threads, threadedBuildSupported: threadsSupported, customKernels: kernels.join(' ') || 'already registered' };
  if (!check.ok) return { name: 'wasm', available: false, reason: check.reason, details };
  return {
    name: 'wasm', available: true, details,
    reason: `XNNPACK ${simd ? 'with SIMD' : 'WITHOUT SIMD (slow: update Node)'}, ${threads} thread${threads === 1 ? '' : 's'}; custom kernels: fast BatchMatMul, UnsortedSegmentSum`,
  };
}

/** The active backend's name without initialising one (tf.getBackend() would pick and start a default). */
export function safeBackend(): string | null {
  return (tf.engine() as unknown as { backendName: string | null }).backendName ?? null;
}
