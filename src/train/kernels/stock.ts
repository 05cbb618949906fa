// The stock kernels our custom ones replaced, kept so a custom kernel can delegate to its stock version and tests
// can compare the two in one process.
import type { KernelConfig } from '@tensorflow/tfjs';

const stock = new Map<string, KernelConfig>();
const key = (backendName: string, kernelName: string) => `${backendName}/${kernelName}`;

export function rememberStock(cfg: KernelConfig): void {
  if (!stock.has(key(cfg.backendName, cfg.kernelName))) stock.set(key(cfg.backendName, cfg.kernelName), cfg);
}

export function stockKernel(backendName: string, kernelName: string): KernelConfig | undefined {
  return stock.get(key(backendName, kernelName));
}
