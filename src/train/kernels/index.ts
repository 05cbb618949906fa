// Custom kernels, registered per backend before the first op runs there. Each one replaces a missing or slow stock
// kernel; each is tested against the stock kernel (or a reference) in test/unit/backends/.
import type { KernelConfig } from '@tensorflow/tfjs';
import { tf } from '../tf';
import { wasmBatchMatMulConfig } from './wasmBatchMatMul';
import { cpuSegmentSumConfig, wasmSegmentSumConfig } from './segmentSum';
import { webgpuAddNConfig } from './webgpuAddN';
import { webgpuFusedAdamConfig, webgpuPrivateCopyConfig } from './webgpuAdam';
import { webgpuNormConfigs } from './webgpuNorm';
import { webgpuAttentionConfigs } from './webgpuAttention';
import { webgpuPairLossConfigs } from './webgpuLoss';
import { webgpuSmallConfigs } from './webgpuSmall';
import { webgpuLinearConfigs } from './webgpuLinear';
import { webgpuEmbedConfigs } from './webgpuEmbed';
import { installBindGroupCache, settlePool, uninstallBindGroupCache } from './webgpuBindCache';
import { registerFusedGradients } from './fusedGradients';
import { rememberStock, stockKernel } from './stock';

const BY_BACKEND: Readonly<Record<string, readonly KernelConfig[]>> = {
  wasm: [wasmSegmentSumConfig, wasmBatchMatMulConfig],
  cpu: [cpuSegmentSumConfig],
  webgpu: [
    webgpuAddNConfig,
    webgpuFusedAdamConfig,
    webgpuPrivateCopyConfig,
    ...webgpuNormConfigs,
    ...webgpuAttentionConfigs,
    ...webgpuPairLossConfigs,
    ...webgpuSmallConfigs,
    ...webgpuLinearConfigs,
    ...webgpuEmbedConfigs,
  ],
};

/** What registerCustomKernels(name) installs, for the doctor and the docs. */
export function customKernelNames(backendName: string): string[] {
  return (BY_BACKEND[backendName] ?? []).map((k) => k.kernelName);
}

/**
 * Installs the custom kernels for a backend (replacing any stock kernel of the same name). Idempotent.
 * Stock kernels are kept so tests can compare against them: see stockKernel().
 */
export function registerCustomKernels(backendName: string): string[] {
  registerFusedGradients();
  const installed: string[] = [];
  for (const cfg of BY_BACKEND[backendName] ?? []) {
    const current = tf.getKernel(cfg.kernelName, backendName);
    if (current?.kernelFunc === cfg.kernelFunc) continue;
    if (current) {
      rememberStock(current);
      tf.unregisterKernel(cfg.kernelName, backendName);
    }
    tf.registerKernel(cfg);
    installed.push(cfg.kernelName);
  }
  const instance = backendName === 'webgpu' ? tf.findBackend('webgpu') : null;
  if (instance) installBindGroupCache(instance);
  return installed;
}

/** Puts the stock kernels back (tests compare custom against stock in one process). */
export function unregisterCustomKernels(backendName: string): void {
  const webgpu = backendName === 'webgpu' ? tf.findBackend('webgpu') : null;
  if (webgpu) uninstallBindGroupCache(webgpu);
  for (const cfg of BY_BACKEND[backendName] ?? []) {
    const current = tf.getKernel(cfg.kernelName, backendName);
    if (current?.kernelFunc !== cfg.kernelFunc) continue;
    tf.unregisterKernel(cfg.kernelName, backendName);
    const original = stockKernel(cfg.backendName, cfg.kernelName);
    if (!original) continue;
    tf.registerKernel(original);
    // A stock kernel replaced before its backend started never ran its setup (it binds its wasm function there).
    const instance = tf.findBackend(backendName);
    if (instance && original.setupFunc) original.setupFunc(instance);
  }
}

/**
 * Called at the start of a training step and of a forward pass: on webgpu with our kernels, settles tfjs's buffer
 * pool so that the step gets the same buffers as the last one (and the cached bind groups hit). Elsewhere a no-op.
 */
export function stepBoundary(): void {
  if (tf.getBackend() !== 'webgpu' || !tf.getKernel(webgpuFusedAdamConfig.kernelName, 'webgpu')) return;
  settlePool(tf.backend());
}
