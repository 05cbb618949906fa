// Synthetic, separable preference data: the chosen answer always contains a "good" word, the rejected one a "bad"
// word. A reward model that learns anything learns this.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULTS, type TrainConfig } from '../../../src/core/config';

const GOOD = ['great', 'helpful', 'correct', 'clear', 'kind'];
const BAD = ['wrong', 'rude', 'useless', 'vague', 'false'];
const TOPICS = ['apples', 'rivers', 'engines', 'poems', 'stars', 'taxes', 'bread', 'chess'];

export function separablePairs(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = TOPICS[i % TOPICS.length]!;
    lines.push(
      JSON.stringify({
        prompt: `Tell me about ${t} number ${i}.`,
        chosen: `Here is a ${GOOD[i % GOOD.length]} answer about ${t}.`,
        rejected: `Here is a ${BAD[(i * 3) % BAD.length]} answer about ${t}.`,
      }),
    );
  }
  return lines.join('\n') + '\n';
}

export function tempDir(prefix = 'rl-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeSeparable(dir: string, n: number, name = 'pairs.jsonl'): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, separablePairs(n));
  return f;
}

/** Small and fast on the cpu backend: a few hundred ms per step at most. */
export const testConfig = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  ...DEFAULTS,
  preset: 'tiny',
  backend: 'wasm',
  batchSize: 8,
  lr: 3e-3,
  logEvery: 1,
  warmupFrac: 0.1,
  seed: 3,
  ...over,
});

/** sha256 of every file under `dir` (links and other entries marked), by relative path: "nothing changed" is an equality. */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile())
        out[path.relative(dir, p)] = createHash('sha256')
          .update(new Uint8Array(fs.readFileSync(p)))
          .digest('hex');
      else out[path.relative(dir, p)] = e.isSymbolicLink() ? `<symlink to ${fs.readlinkSync(p)}>` : '<other>';
    }
  };
  walk(dir);
  return out;
}
