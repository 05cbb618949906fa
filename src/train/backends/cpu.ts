// tfjs-backend-cpu: plain JavaScript kernels, one thread, ~1 GFLOP/s matmuls. Always present; the last resort.
import type { BackendProbe } from '../../protocol/trainer';
import { tf } from '../tf';
import { registerCustomKernels } from '../kernels';
import { activateAndCheck } from './smoke';
import { safeBackend } from './wasm';

export async function probeCpu(activate: boolean): Promise<BackendProbe> {
  const kernels = registerCustomKernels('cpu');
  const previous = activate ? null : safeBackend();
  const check = await activateAndCheck('cpu');
  if (previous && previous !== 'cpu') await tf.setBackend(previous);
  const details = { threads: 1, customKernels: kernels.join(' ') || 'already registered' };
  if (!check.ok) return { name: 'cpu', available: false, reason: check.reason, details };
  return {
    name: 'cpu',
    available: true,
    details,
    reason: 'pure JavaScript, 1 thread (~30× slower than wasm on the reference workload); custom kernel: UnsortedSegmentSum',
  };
}
