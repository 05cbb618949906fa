// Where a training step's time goes: tf.profile per-kernel times, grouped by kernel and by matmul shape.
// On wasm and cpu kernels run synchronously, so kernelTimeMs is wall time inside the kernel; on webgpu it is the
// GPU time from timestamp queries when available.
import { tf } from '../tf';

export interface KernelRow {
  readonly name: string;
  readonly ms: number;
  readonly count: number;
}

export interface StepProfile {
  readonly wallMs: number;
  readonly kernelMs: number;
  readonly kernels: number;
  readonly byKernel: readonly KernelRow[];
  /** BatchMatMul grouped by input shapes and transposes ("[4096,256]·[256,256] tA=0 tB=1"). */
  readonly byMatMul: readonly KernelRow[];
}

function group(rows: Iterable<{ key: string; ms: number }>): KernelRow[] {
  const m = new Map<string, { ms: number; count: number }>();
  for (const r of rows) {
    const e = m.get(r.key) ?? { ms: 0, count: 0 };
    e.ms += r.ms;
    e.count++;
    m.set(r.key, e);
  }
  return [...m].map(([name, v]) => ({ name, ...v })).sort((a, b) => b.ms - a.ms);
}

export async function profileStep(run: () => tf.Tensor): Promise<StepProfile> {
  const t0 = performance.now();
  const info = await tf.profile(() => {
    const y = run();
    y.dispose();
  });
  const wallMs = performance.now() - t0;
  const kernels = await Promise.all(
    info.kernels.map(async (k) => ({
      name: k.name,
      ms: Number(await k.kernelTimeMs) || 0,
      shapes: k.inputShapes,
      attrs: (k as { extraInfo?: string }).extraInfo ?? '',
    })),
  );
  const byKernel = group(kernels.map((k) => ({ key: k.name, ms: k.ms })));
  const byMatMul = group(
    kernels
      .filter((k) => k.name === 'BatchMatMul' || k.name === '_FusedMatMul')
      .map((k) => ({ key: k.shapes.map((s) => `[${s?.join(',')}]`).join('·'), ms: k.ms })),
  );
  return { wallMs, kernelMs: kernels.reduce((a, k) => a + k.ms, 0), kernels: kernels.length, byKernel, byMatMul };
}

export function formatProfile(p: StepProfile, top = 15): string {
  const pct = (ms: number) => `${((100 * ms) / Math.max(p.kernelMs, 1e-9)).toFixed(1)}%`;
  // On webgpu kernelMs is GPU time (timestamp queries): its share of the wall time is how busy the GPU was.
  const lines = [
    `one step: ${p.wallMs.toFixed(0)} ms wall, ${p.kernelMs.toFixed(0)} ms in ${p.kernels} kernels (${((100 * p.kernelMs) / Math.max(p.wallMs, 1e-9)).toFixed(0)}% of the wall time)`,
  ];
  for (const r of p.byKernel.slice(0, top))
    lines.push(`  ${r.name.padEnd(22)} ${r.ms.toFixed(1).padStart(9)} ms ${pct(r.ms).padStart(6)} ×${r.count}`);
  lines.push('matmuls by input shapes:');
  for (const r of p.byMatMul.slice(0, top))
    lines.push(`  ${r.name.padEnd(34)} ${r.ms.toFixed(1).padStart(9)} ms ${pct(r.ms).padStart(6)} ×${r.count}`);
  return lines.join('\n');
}
