// Rotary position embeddings as transformers computes them (modeling_rope_utils.py), including the fp32 rounding:
// torch builds inv_freq, the angles and cos/sin in float32, so every step here is rounded with Math.fround. With
// HF's half-split layout, cos/sin for head dim d are [freqs, freqs] (rotate_half pairs dim i with dim i + d/2).

export type RopeScaling =
  | { readonly type: 'default' }
  | { readonly type: 'linear'; readonly factor: number }
  | {
      readonly type: 'llama3';
      readonly factor: number;
      readonly lowFreqFactor: number;
      readonly highFreqFactor: number;
      readonly originalMaxPositions: number;
    };

const f = Math.fround;

/** inv_freq[i] = 1 / θ^(2i/d) for i < d/2, then the scaling rule. */
export function invFrequencies(theta: number, headDim: number, scaling: RopeScaling): Float32Array {
  const half = headDim / 2;
  const inv = new Float32Array(half);
  // torch: 1.0 / (base ** (arange(0, dim, 2).float() / dim)): the exponent is fp32, pow and the division in fp32.
  for (let i = 0; i < half; i++) inv[i] = f(1 / f(theta ** f((2 * i) / headDim)));
  if (scaling.type === 'linear') for (let i = 0; i < half; i++) inv[i] = f(inv[i]! / scaling.factor);
  if (scaling.type === 'llama3') llama3Scale(inv, scaling);
  return inv;
}

/** _compute_llama3_parameters: long wavelengths are divided by `factor`, short ones kept, the middle interpolated. */
function llama3Scale(inv: Float32Array, s: Extract<RopeScaling, { type: 'llama3' }>): void {
  const lowFreqWavelen = s.originalMaxPositions / s.lowFreqFactor;
  const highFreqWavelen = s.originalMaxPositions / s.highFreqFactor;
  for (let i = 0; i < inv.length; i++) {
    const freq = inv[i]!;
    const wavelen = f((2 * Math.PI) / freq);
    let v = wavelen > lowFreqWavelen ? f(freq / s.factor) : freq;
    if (!(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen)) {
      const smooth = f((s.originalMaxPositions / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor));
      v = f(f(f(1 - smooth) * v) / s.factor + f(smooth * v));
    }
    inv[i] = v;
  }
}

/**
 * cos and sin tables for a batch: position ids [N·T] (row-major) → two Float32Arrays [N, 1, T, d] (the layout the
 * attention heads broadcast against). `scale` is the rope type's attention scaling (1 for the supported types).
 */
export function ropeTables(positions: Int32Array, invFreq: Float32Array, scale = 1): { cos: Float32Array; sin: Float32Array } {
  const half = invFreq.length;
  const d = 2 * half;
  const cos = new Float32Array(positions.length * d);
  const sin = new Float32Array(positions.length * d);
  for (let p = 0; p < positions.length; p++) {
    const pos = positions[p]!;
    const base = p * d;
    for (let i = 0; i < half; i++) {
      const angle = f(pos * invFreq[i]!);
      const c = f(Math.cos(angle) * scale);
      const s = f(Math.sin(angle) * scale);
      cos[base + i] = c;
      cos[base + half + i] = c;
      sin[base + i] = s;
      sin[base + half + i] = s;
    }
  }
  return { cos, sin };
}
