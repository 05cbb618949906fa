// The parity fixture: a small model's initial weights and one fixed batch, shared by the PyTorch reference
// (parity_torch.py) and the test (parity.test.ts). Weights are float32 little-endian, concatenated in
// parameterSpecs order (names and shapes in parity-fixture.json), so both sides start from identical bits.
import fs from 'node:fs';
import path from 'node:path';
import type { ModelConfig } from '../../src/core/config';

export const DIR = __dirname;
export const FIXTURE_JSON = path.join(DIR, 'parity-fixture.json');
export const WEIGHTS_BIN = path.join(DIR, 'parity-weights.bin');
export const EXPECTED_JSON = path.join(DIR, 'parity-expected.json');

export interface ParityFixture {
  readonly config: ModelConfig;
  readonly params: readonly { readonly name: string; readonly shape: readonly number[] }[];
  /** [2·pairs][T] token ids (chosen rows first), right-padded with PAD = 0. */
  readonly ids: readonly (readonly number[])[];
  readonly lastIdx: readonly number[];
  readonly pairs: number;
  readonly lambda: number;
  readonly lr: number;
  readonly gradClip: number;
  readonly adamEps: number;
  readonly steps: number;
}

export interface ParityExpected {
  readonly command: string;
  readonly torch: string;
  readonly losses: readonly number[];
  readonly gradNorms: readonly number[];
}

export function readFixture(): { fixture: ParityFixture; weights: Map<string, Float32Array> } {
  const fixture = JSON.parse(fs.readFileSync(FIXTURE_JSON, 'utf8')) as ParityFixture;
  const buf = fs.readFileSync(WEIGHTS_BIN);
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const weights = new Map<string, Float32Array>();
  let off = 0;
  for (const p of fixture.params) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    weights.set(p.name, all.slice(off, off + n));
    off += n;
  }
  if (off !== all.length) throw new Error(`${WEIGHTS_BIN}: ${all.length} floats, the fixture's shapes need ${off}`);
  return { fixture, weights };
}
