// Writes parity-fixture.json and parity-weights.bin from the project's own createModel (cpu backend, seeded).
// Run once (the outputs are committed):  npx tsx test/reference/export-fixture.ts
// Then regenerate the expected numbers:  /usr/bin/python3 test/reference/parity_torch.py
import fs from 'node:fs';
import { tf } from '../../src/train/tf';
import { createModel, parameterSpecs } from '../../src/train/model';
import { FIXTURE_JSON, WEIGHTS_BIN, type ParityFixture } from './fixture';

async function main() {
  await tf.setBackend('cpu');
  const config = { vocabSize: 64, dModel: 32, nLayers: 2, nHeads: 2, dFF: 128, maxLen: 16 };
  const model = createModel(config, 3);
  const specs = parameterSpecs(config);
  const parts = specs.map((s) => model.params.get(s.name)!.dataSync() as Float32Array);
  const pairs = 4,
    T = config.maxLen;
  // Deterministic rows of varied length (padding exercises the mask and lastIdx), ids in [4, vocab).
  const ids: number[][] = [],
    lastIdx: number[] = [];
  let s = 12345;
  for (let r = 0; r < 2 * pairs; r++) {
    const len = 8 + ((r * 5) % (T - 7));
    const row = new Array<number>(T).fill(0);
    for (let t = 0; t < len; t++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      row[t] = 4 + (s % (config.vocabSize - 4));
    }
    ids.push(row);
    lastIdx.push(len - 1);
  }
  const fixture: ParityFixture = {
    config,
    params: specs.map((p) => ({ name: p.name, shape: [...p.shape] })),
    ids,
    lastIdx,
    pairs,
    lambda: 1e-3,
    lr: 1e-4,
    gradClip: 1.0,
    adamEps: 1e-8,
    steps: 10,
  };
  const floats = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    floats.set(p, off);
    off += p.length;
  }
  const bytes = new Uint8Array(floats.buffer); // little-endian on every platform we run
  fs.writeFileSync(WEIGHTS_BIN, bytes);
  fs.writeFileSync(FIXTURE_JSON, `${JSON.stringify(fixture)}\n`);
  console.log(`wrote ${WEIGHTS_BIN} (${bytes.length} bytes) and ${FIXTURE_JSON}`);
}
main();
