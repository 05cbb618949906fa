// tfjs-backend-wasm: XNNPACK with 128-bit SIMD. In Node it runs on one thread (the threaded build needs
// cross-origin-isolated browser workers), so one instance uses one core.
import type { BackendProbe } from '../../protocol/trainer';
import { tf } from '../tf';
import { registerCustomKernels } from '../kernels';
import fs from 'node:fs';
import path from 'node:path';
import { errorText, packageDir } from './load';
import { activateAndCheck } from './smoke';

const PKG = '@tensorflow/tfjs-backend-wasm';

interface WasmPackage {
  setWasmPaths(prefix: string): void;
  getThreadsCount?(): number;
}

let loaded: Promise<WasmPackage> | null = null;

/**
 * Where the .wasm binaries are: next to the bundle (dist/wasm/, copied by esbuild.mjs, which is all a VSIX has),
 * else in the installed package's dist/ (tests under tsx).
 */
function wasmDir(): string {
  const bundled = path.join(__dirname, 'wasm');
  if (fs.existsSync(path.join(bundled, 'tfjs-backend-wasm-simd.wasm'))) return bundled + path.sep;
  const dir = packageDir(PKG);
  if (!dir) throw new Error(`the ${PKG} binaries are missing (neither ${bundled} nor node_modules/${PKG})`);
  return path.join(dir, 'dist') + path.sep;
}

async function loadWasmPackage(): Promise<WasmPackage> {
  const where = wasmDir();
  // Bundled (not external): one tfjs-core in the process, and nothing to resolve from node_modules at run time.
  const pkg = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmPackage;
  pkg.setWasmPaths(where);
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
    name: 'wasm',
    available: true,
    details,
    reason: `XNNPACK ${simd ? 'with SIMD' : 'WITHOUT SIMD (slow: update Node)'}, ${threads} thread${threads === 1 ? '' : 's'}; custom kernels: fast BatchMatMul, UnsortedSegmentSum`,
  };
}

/** The active backend's name without initialising one (tf.getBackend() would pick and start a default). */
export function safeBackend(): string | null {
  return (tf.engine() as unknown as { backendName: string | null }).backendName ?? null;
}
