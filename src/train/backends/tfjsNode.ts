// libtensorflow through @tensorflow/tfjs-node (CPU) or @tensorflow/tfjs-node-gpu (CUDA). Neither is a required
// dependency: their install downloads libtensorflow and fails offline. Both register a backend named 'tensorflow'.
//
// The GPU check is the point of this file: tfjs-node-gpu silently falls back to the CPU when CUDA 11.2 / cuDNN 8.1
// are missing, which is its most reported problem. We (1) try to dlopen each library it needs and name the missing
// ones, (2) load the binding, and (3) ask the binding whether a GPU device was actually created.
import type { BackendProbe } from '../../protocol/trainer';
import { tf } from '../tf';
import { errorText, loadPackage, packageDir, packageVersion } from './load';
import { activateAndCheck } from './smoke';

/** Libraries libtensorflow 2.9 (tfjs-node-gpu 4.x) opens at start: CUDA 11.2 and cuDNN 8.1, plus the driver. */
export const CUDA_LIBS = [
  'libcuda.so.1',
  'libcudart.so.11.0',
  'libcublas.so.11',
  'libcublasLt.so.11',
  'libcufft.so.10',
  'libcurand.so.10',
  'libcusolver.so.11',
  'libcusparse.so.11',
  'libcudnn.so.8',
] as const;

/**
 * Whether the dynamic loader can open a shared library (honours LD_LIBRARY_PATH, unlike `ldconfig -p`).
 * process.dlopen opens the file first and only then looks for a Node module in it, so "did not self-register"
 * (or a missing symbol) means the library itself was found.
 */
export function canDlopen(lib: string): { ok: boolean; error?: string } {
  try {
    (process as unknown as { dlopen(m: { exports: object }, file: string): void }).dlopen({ exports: {} }, lib);
    return { ok: true };
  } catch (e) {
    const msg = errorText(e);
    if (/cannot open shared object|no such file|image not found|not found/i.test(msg) && !/self-register|symbol/i.test(msg))
      return { ok: false, error: msg };
    return { ok: true };
  }
}

export function missingCudaLibs(open: (lib: string) => { ok: boolean } = canDlopen): string[] {
  if (process.platform !== 'linux') return [];
  return CUDA_LIBS.filter((l) => !open(l).ok);
}

interface NodeBackendLike {
  binding?: { isUsingGpuDevice?: () => boolean };
}

export async function probeTfjsNode(gpu: boolean, activate: boolean): Promise<BackendProbe> {
  const name = gpu ? 'tensorflow-gpu' : 'tensorflow';
  const pkg = gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  if (!packageDir(pkg)) return notInstalled(name, pkg, gpu);
  const version = packageVersion(pkg) ?? '?';
  // Checked before the binding loads: once loaded, a missing library only shows as the silent CPU fallback.
  const cudaProblem = gpu ? missingCudaProbe(name, pkg, version) : null;
  if (cudaProblem) return cudaProblem;
  try {
    await loadPackage(pkg);
  } catch (e) {
    return {
      name,
      available: false,
      details: { version },
      reason: `the ${pkg} binding failed to load: ${errorText(e)}`,
      fix: `npm rebuild ${pkg}`,
    };
  }
  if (!activate && !gpu) return { name, available: true, details: { version }, reason: 'libtensorflow CPU kernels (multithreaded)' };
  const check = await activateAndCheck('tensorflow');
  if (!check.ok) return { name, available: false, details: { version }, reason: check.reason };
  if (gpu) return gpuDeviceProbe(name, version);
  return { name, available: true, details: { version }, reason: 'libtensorflow CPU kernels (multithreaded)' };
}

function notInstalled(name: BackendProbe['name'], pkg: string, gpu: boolean): BackendProbe {
  return {
    name,
    available: false,
    reason: `${pkg} is not installed (optional: its install downloads libtensorflow)`,
    fix: `npm install --no-save ${pkg}@4.22.0${gpu ? '   # needs the NVIDIA driver, CUDA 11.2 and cuDNN 8.1 on the loader path' : ''}`,
  };
}

/** The probe when a CUDA library tfjs-node-gpu needs cannot be opened; null when all of them can. */
function missingCudaProbe(name: BackendProbe['name'], pkg: string, version: string): BackendProbe | null {
  const missing = missingCudaLibs();
  if (!missing.length) return null;
  return {
    name,
    available: false,
    details: { version, missing: missing.join(' ') },
    reason: `${pkg} is installed but ${missing.join(', ')} cannot be loaded, so it would silently run on the CPU`,
    fix: missing.includes('libcuda.so.1')
      ? 'install the NVIDIA driver'
      : 'install CUDA 11.2 and cuDNN 8.1 and add their lib64 folders to LD_LIBRARY_PATH (tfjs-node-gpu 4.x is built against exactly these)',
  };
}

/** Asks the activated binding whether TensorFlow created a GPU device, which is the only proof there is no CPU fallback. */
function gpuDeviceProbe(name: BackendProbe['name'], version: string): BackendProbe {
  const usingGpu = (tf.backend() as unknown as NodeBackendLike).binding?.isUsingGpuDevice?.();
  if (usingGpu !== true) {
    return {
      name,
      available: false,
      details: { version, gpuDevice: false },
      reason:
        'the binding loaded but TensorFlow created no GPU device (silent CPU fallback); check `nvidia-smi` and the CUDA/cuDNN versions',
      fix: 'install CUDA 11.2 + cuDNN 8.1 matching libtensorflow 2.9; or use backend "tensorflow" (CPU) knowingly',
    };
  }
  return { name, available: true, details: { version, gpuDevice: true }, reason: 'libtensorflow with a CUDA GPU device' };
}
