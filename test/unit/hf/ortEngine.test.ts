// The onnxruntime engine against the tfjs engine, on small random checkpoints of every family written here (both
// engines run the same decoder.ts, so this checks graphOps.ts against tfOps.ts op for op), for right and left
// padding and both ways of passing weights. Skips, with the reason, when onnxruntime-node cannot load.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tf } from '../../../src/train/tf';
import { loadHfModel } from '../../../src/train/hf/hfModel';
import { hfScorer } from '../../../src/train/hf/hfScorer';
import { openOrtScorer } from '../../../src/train/ort/ortScorer';
import type { RewardScorer } from '../../../src/train/scorer';
import { maxRelError, ortSkipReason, randomSeqs, RANDOM_MODELS, rowRelError, tempDir, writeRandomModel } from '../onnx/hfTestModels';

const TOL = 1e-4;
const LENGTHS = [3, 11, 17, 6, 9];

test('onnxruntime engine matches the tfjs engine on every family', async (t) => {
  const skip = await ortSkipReason();
  if (skip) return void t.skip(skip);
  await tf.setBackend('cpu');
  const root = tempDir('rl-ort-');
  const cacheDir = path.join(root, 'cache');
  try {
    for (const [i, m] of RANDOM_MODELS.entries()) {
      await t.test(m.name, async () => {
        const dir = writeRandomModel(root, m, 100 + i);
        const tfjs = hfScorer(await loadHfModel(dir, { seed: 3 }));
        const seqs = randomSeqs(LENGTHS);
        try {
          for (const weights of ['external', 'inputs'] as const) {
            const ort = await openOrtScorer(dir, { weights, cacheDir, seed: 3, threads: 1 });
            try {
              assert.equal(ort.info.headTrained, tfjs.info.headTrained);
              assert.ok(Math.abs(ort.wpNorm() - tfjs.wpNorm()) < 1e-5 * tfjs.wpNorm(), 'same head (fresh heads drawn from the same seed)');
              for (const padding of ['right', 'left'] as const) await compare(tfjs, ort, seqs, padding, `${weights}, ${padding} padding`);
            } finally {
              ort.dispose();
            }
          }
        } finally {
          tfjs.dispose();
        }
      });
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

async function compare(
  tfjs: RewardScorer,
  ort: RewardScorer,
  seqs: ReturnType<typeof randomSeqs>,
  padding: 'left' | 'right',
  what: string,
): Promise<void> {
  const want = await tfjs.score(seqs, 4, seqs.length, padding);
  const got = await ort.score(seqs, 4, seqs.length, padding);
  const r = maxRelError(got.rewards, want.rewards);
  const h = rowRelError(got.hidden, want.hidden, want.dim);
  assert.ok(r <= TOL, `${what}: rewards differ by ${r.toExponential(2)} (relative): ${[...got.rewards]} vs ${[...want.rewards]}`);
  assert.ok(h <= TOL, `${what}: hidden states differ by ${h.toExponential(2)} (relative)`);
  assert.ok(maxRelError(got.hNorm, want.hNorm) <= TOL, `${what}: ‖h‖ differs`);
}

test('the generated graph file is cached by content: same key reused, a changed config gives a new file', async (t) => {
  const skip = await ortSkipReason();
  if (skip) return void t.skip(skip);
  const root = tempDir('rl-ort-cache-');
  try {
    const cacheDir = path.join(root, 'cache');
    const dir = writeRandomModel(root, RANDOM_MODELS[0]!, 1);
    (await openOrtScorer(dir, { cacheDir })).dispose();
    const first = fs.readdirSync(cacheDir);
    assert.equal(first.length, 1);
    assert.match(first[0]!, /^llama-external-[0-9a-f]{32}\.onnx$/);
    (await openOrtScorer(dir, { cacheDir })).dispose();
    assert.deepEqual(fs.readdirSync(cacheDir), first, 'reopening reuses the file');
    const cfgFile = path.join(dir, 'config.json');
    fs.writeFileSync(cfgFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(cfgFile, 'utf8')), rms_norm_eps: 1e-3 }));
    (await openOrtScorer(dir, { cacheDir })).dispose();
    assert.equal(fs.readdirSync(cacheDir).length, 2);
    assert.deepEqual(
      fs.readdirSync(dir).sort(),
      ['config.json', 'model.safetensors', 'tokenizer.json'],
      'nothing is written next to the model',
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a Hugging Face hub snapshot loads: shards symlinked into ../../blobs, outside the folder onnxruntime is given', async (t) => {
  const skip = await ortSkipReason();
  if (skip) return void t.skip(skip);
  const root = tempDir('rl-ort-hub-');
  try {
    const src = path.join(__dirname, '..', '..', 'fixtures', 'hf', 'qwen2-sharded');
    const blobs = path.join(root, 'blobs'),
      snap = path.join(root, 'snapshots', 'abc123');
    fs.mkdirSync(blobs, { recursive: true });
    fs.mkdirSync(snap, { recursive: true });
    try {
      fs.readdirSync(src).forEach((f, i) => {
        fs.copyFileSync(path.join(src, f), path.join(blobs, `blob${i}`));
        fs.symlinkSync(path.join('..', '..', 'blobs', `blob${i}`), path.join(snap, f));
      });
    } catch (e) {
      return void t.skip(`symlinks unavailable here: ${(e as Error).message}`);
    }
    const seqs = randomSeqs([4, 7]);
    const opts = { cacheDir: path.join(root, 'cache'), threads: 1 };
    const [plain, hub] = [await openOrtScorer(src, opts), await openOrtScorer(snap, opts)];
    try {
      assert.deepEqual([...(await hub.score(seqs, 2)).rewards], [...(await plain.score(seqs, 2)).rewards]);
    } finally {
      plain.dispose();
      hub.dispose();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
