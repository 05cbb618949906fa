// WebGPU through Dawn (the `webgpu` npm package: Vulkan on Linux, Metal on macOS, D3D12 on Windows).
// On Linux Dawn needs a Vulkan loader (libvulkan.so.1) and an ICD (a GPU driver, or SwiftShader in software).
// A software adapter works for correctness tests but is far slower than wasm, so 'auto' never trains on it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BackendProbe } from '../../protocol/trainer';
import { registerCustomKernels } from '../kernels';
import { errorText, loadAddon, packageDir } from './load';
import { activateAndCheck } from './smoke';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|software|basic render|warp/i;

interface AdapterLike {
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  readonly isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(opts?: object): Promise<AdapterLike | null>;
}
interface DawnAddon {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

/** What is known about the adapter once Dawn has been asked for one. */
export interface WebGpuAdapterReport {
  readonly name: string;
  readonly software: boolean;
}

let dawn: { gpu: GpuLike; adapter: AdapterLike | null } | null = null;

function dawnPath(): string | null {
  const dir = packageDir('webgpu');
  if (!dir) return null;
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  const file = path.join(dir, 'dist', `${process.platform}-${arch}`, 'dawn.node');
  return fs.existsSync(file) ? file : null;
}

function describe(adapter: AdapterLike): WebGpuAdapterReport {
  const i = adapter.info ?? {};
  const name = [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' / ') || 'unknown adapter';
  return { name, software: Boolean(adapter.isFallbackAdapter) || SOFTWARE.test(name) };
}

function noAdapterFix(): string {
  if (process.platform !== 'linux') return 'update the GPU driver';
  const loader = fs.existsSync('/usr/lib/x86_64-linux-gnu/libvulkan.so.1') || fs.existsSync('/lib/x86_64-linux-gnu/libvulkan.so.1');
  if (!loader) return 'apt-get install libvulkan1 (the Vulkan loader), plus a GPU driver with a Vulkan ICD';
  if (fs.existsSync(SWIFTSHADER_ICD) && !process.env['VK_ICD_FILENAMES']) {
    return `no hardware Vulkan driver found; for a software adapter (tests only) run with VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`;
  }
  return 'install a GPU driver with a Vulkan ICD (NVIDIA: the driver ships nvidia_icd.json; point VK_DRIVER_FILES at it if it is not under /usr/share/vulkan/icd.d)';
}

/** What a child process found when it asked Dawn for an adapter; its stderr holds Dawn's and Vulkan's warnings. */
interface IsolatedProbe {
  readonly adapter?: AdapterLike;
  readonly error?: string;
  readonly stderr: string;
}

/**
 * Asks Dawn for an adapter in a child process. Dawn and the Vulkan loader print warnings straight to file descriptor 2
 * ("Vulkan shaderUniform*ArrayDynamicIndexing required" for every adapter they reject), which no JavaScript can
 * silence; in a child, that output is captured instead of reaching the user's terminal. Dawn is only loaded in this
 * process when the probe found an adapter that will be used.
 */
function probeInChild(file: string): IsolatedProbe {
  const script = `
    process.env.XDG_RUNTIME_DIR ??= require('os').tmpdir();
    const addon = require(${JSON.stringify(file)});
    Object.assign(globalThis, addon.globals);
    const gpu = addon.create(${JSON.stringify(process.env['DAWN'] ? process.env['DAWN'].split(' ') : [])});
    gpu.requestAdapter({ powerPreference: 'high-performance' }).then(
      (a) => { const i = (a && a.info) || {}; process.stdout.write(JSON.stringify({ adapter: a ? { info: { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description }, isFallbackAdapter: !!a.isFallbackAdapter } : null })); process.exit(0); },
      (e) => { process.stdout.write(JSON.stringify({ error: String(e && e.message || e) })); process.exit(0); });`;
  const r = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr = (r.stderr ?? '').trim();
  try {
    const out = JSON.parse((r.stdout ?? '').trim().split('\n').pop() ?? '') as { adapter?: AdapterLike | null; error?: string };
    return { ...(out.adapter ? { adapter: out.adapter } : {}), ...(out.error ? { error: out.error } : {}), stderr };
  } catch {
    return {
      error: r.error ? r.error.message : `the Dawn probe exited with ${r.status ?? r.signal}${stderr ? `: ${stderr.split('\n')[0]}` : ''}`,
      stderr,
    };
  }
}

interface AdapterWithDevice {
  readonly limits: Record<string, number>;
  requestDevice(d?: { requiredLimits?: Record<string, number> }): Promise<unknown>;
}

/**
 * navigator.gpu for tfjs: Dawn's, except that the device tfjs requests also gets the adapter's maximum of storage
 * buffers per shader stage. tfjs asks for a few limits but not this one, so it gets WebGPU's default of 8, and the
 * fused kernels (src/train/kernels/) bind one buffer per parameter: Adam updates (limit − 1) / 4 parameters per
 * dispatch. Everything else is Dawn's own object.
 */
function withStorageLimit(gpu: GpuLike): GpuLike {
  return {
    requestAdapter: async (opts?: object) => {
      const adapter = (await gpu.requestAdapter(opts)) as unknown as AdapterWithDevice | null;
      if (!adapter) return null;
      const max = adapter.limits['maxStorageBuffersPerShaderStage'];
      return new Proxy(adapter, {
        get(target, key) {
          if (key === 'requestDevice') {
            return (d: { requiredLimits?: Record<string, number> } = {}) =>
              target.requestDevice({
                ...d,
                requiredLimits: { ...d.requiredLimits, ...(max ? { maxStorageBuffersPerShaderStage: max } : {}) },
              });
          }
          const v = Reflect.get(target, key, target) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      }) as unknown as AdapterLike;
    },
  };
}

/** Loads Dawn in this process (once) and points navigator.gpu at it, for tfjs's webgpu backend. */
async function loadDawn(file: string): Promise<NonNullable<typeof dawn>> {
  if (dawn) return dawn;
  // The Vulkan loader complains on stderr ("XDG_RUNTIME_DIR is invalid") when this is unset, as in CI and headless shells.
  process.env['XDG_RUNTIME_DIR'] ??= os.tmpdir();
  const addon = loadAddon<DawnAddon>(file);
  Object.assign(globalThis, addon.globals);
  const gpu = addon.create(process.env['DAWN'] ? process.env['DAWN'].split(' ') : []);
  dawn = { gpu, adapter: await gpu.requestAdapter({ powerPreference: 'high-performance' }) };
  // tfjs's webgpu backend asks navigator.gpu for its adapter. Node ≥ 21 has a read-only navigator.
  const nav = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(nav, 'gpu', { value: withStorageLimit(gpu), configurable: true });
  if (!(globalThis as { navigator?: object }).navigator) Object.defineProperty(globalThis, 'navigator', { value: nav, configurable: true });
  return dawn;
}

/**
 * Probes Dawn for an adapter (in a child process, so its warnings stay off the terminal); with activate, also loads
 * Dawn here, starts tfjs's webgpu backend on it and runs the smoke test.
 */
export async function probeWebGpu(activate: boolean): Promise<BackendProbe> {
  const file = dawnPath();
  if (!file)
    return {
      name: 'webgpu',
      available: false,
      reason: `the webgpu package (Dawn) is not installed for ${process.platform}-${process.arch}`,
      fix: 'npm install --no-save webgpu@0.6.2',
    };
  const found = findAdapter(file);
  if ('probe' in found) return found.probe;
  const adapter = describe(found.adapter);
  const details = { adapter: adapter.name, software: adapter.software };
  if (!activate)
    return { name: 'webgpu', available: true, details, reason: `adapter ${adapter.name}${adapter.software ? ' (software)' : ''}` };
  return activateWebGpu(file, adapter, details);
}

/**
 * The adapter Dawn offers (the one found when Dawn was loaded here, else a child process's), or the failed probe to
 * report, with the first lines of Dawn's stderr as the clue.
 */
function findAdapter(file: string): { adapter: AdapterLike } | { probe: BackendProbe } {
  let adapterLike: AdapterLike | null;
  let dawnStderr: Record<string, string> = {};
  if (dawn) adapterLike = dawn.adapter;
  else {
    const child = probeInChild(file);
    if (child.stderr) dawnStderr = { dawnStderr: child.stderr.split('\n').slice(0, 3).join(' | ') };
    if (child.error)
      return {
        probe: {
          name: 'webgpu',
          available: false,
          reason: `Dawn failed to load: ${child.error}`,
          fix: noAdapterFix(),
          details: dawnStderr,
        },
      };
    adapterLike = child.adapter ?? null;
  }
  if (!adapterLike)
    return {
      probe: { name: 'webgpu', available: false, reason: 'Dawn found no usable WebGPU adapter', fix: noAdapterFix(), details: dawnStderr },
    };
  return { adapter: adapterLike };
}

/** Loads Dawn in this process, starts tfjs's webgpu backend on it with the custom kernels and runs the smoke test. */
async function activateWebGpu(
  file: string,
  adapter: WebGpuAdapterReport,
  details: { adapter: string; software: boolean },
): Promise<BackendProbe> {
  try {
    const d = await loadDawn(file);
    if (!d.adapter)
      return {
        name: 'webgpu',
        available: false,
        details,
        reason: 'Dawn found no usable WebGPU adapter in this process',
        fix: noAdapterFix(),
      };
  } catch (e) {
    return { name: 'webgpu', available: false, reason: `Dawn failed to load: ${errorText(e)}`, fix: noAdapterFix() };
  }
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    return { name: 'webgpu', available: false, details, reason: `@tensorflow/tfjs-backend-webgpu failed to load: ${errorText(e)}` };
  }
  const kernels = registerCustomKernels('webgpu');
  const check = await activateAndCheck('webgpu');
  if (!check.ok) return { name: 'webgpu', available: false, details, reason: check.reason };
  // The backend instance exists now: give it the cached bind groups and uniforms (src/train/kernels/webgpuBindCache.ts).
  registerCustomKernels('webgpu');
  return {
    name: 'webgpu',
    available: true,
    details: { ...details, customKernels: kernels.join(' ') || 'already registered' },
    reason: `adapter ${adapter.name}${adapter.software ? ' (software: slow, for tests)' : ''}`,
  };
}
