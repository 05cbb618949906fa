// HF reward-model scoring benchmark: onnxruntime (both weight-passing modes), PyTorch and optionally tfjs-wasm on
// the same random Qwen2.5-0.5B-shaped checkpoint, generated into a temp folder at bench time (never committed).
//
//   node --import tsx scripts/bench-hf-score.mjs [--batch 8] [--tokens 256] [--runs 2] [--rounds 2] [--threads 2]
//        [--engines ort-external,ort-inputs,torch,tfjs-wasm] [--dtype bfloat16|float32] [--dir DIR] [--keep] [--json]
//   node --import tsx scripts/bench-hf-score.mjs --train [--train-pairs 2] [--train-tokens 128] [--train-steps 2]
//        (the LoRA training row: tfjs-wasm with activation checkpointing vs PyTorch + peft, plain and checkpointed)
//
// Each engine runs in its own child process (its own peak RSS), rounds interleave the engines so that every ratio
// is taken under the same load, and each engine's best batch counts (the machine is shared; the load average is
// printed beside every row). tfjs-wasm is single-threaded and ~10× slower: it runs once, on --tfjs-batch rows.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const TOKENIZER = path.join(root, 'test', 'fixtures', 'hf', 'qwen2', 'tokenizer.json');

function parseArgs(argv) {
  const a = {
    batch: 8,
    tokens: 256,
    runs: 2,
    rounds: 2,
    threads: 2,
    engines: ['ort-external', 'ort-inputs', 'torch'],
    dtype: 'bfloat16',
    dir: '',
    keep: false,
    json: false,
    child: '',
    tfjsBatch: 1,
    trainPairs: 2,
    trainTokens: 128,
    trainSteps: 2,
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i],
      v = argv[i + 1];
    const int = () => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${k} needs an integer ≥ 1, got ${v}`);
      i++;
      return n;
    };
    if (k === '--batch') a.batch = int();
    else if (k === '--tokens') a.tokens = int();
    else if (k === '--runs') a.runs = int();
    else if (k === '--rounds') a.rounds = int();
    else if (k === '--threads') a.threads = int();
    else if (k === '--tfjs-batch') a.tfjsBatch = int();
    else if (k === '--train-pairs') a.trainPairs = int();
    else if (k === '--train-tokens') a.trainTokens = int();
    else if (k === '--train-steps') a.trainSteps = int();
    else if (k === '--train') {
      a.engines = ['tfjs-lora-train', 'torch-lora-train', 'torch-lora-train-ckpt'];
      a.rounds = 1;
    } else if (k === '--engines') {
      a.engines = (v ?? '').split(',').filter(Boolean);
      i++;
    } else if (k === '--dtype') {
      a.dtype = v;
      i++;
    } else if (k === '--dir') {
      a.dir = v;
      i++;
    } else if (k === '--child') {
      a.child = v;
      i++;
    } else if (k === '--keep') a.keep = true;
    else if (k === '--json') a.json = true;
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

/** Child mode: one engine, one JSON line on stdout. */
async function child(a) {
  if (a.child.startsWith('tfjs-lora-train')) {
    const { benchLoraTrain } = await import('../src/train/hf/benchTrain.ts');
    const row = await benchLoraTrain(a.dir, {
      pairs: a.trainPairs,
      tokens: a.trainTokens,
      steps: a.trainSteps,
      checkpointing: a.child !== 'tfjs-lora-train-plain',
    });
    process.stdout.write(JSON.stringify(row) + '\n');
    return;
  }
  const { benchOrt, benchTfjs } = await import('../src/train/ort/benchHf.ts');
  const o = { batch: a.batch, tokens: a.tokens, runs: a.runs, threads: a.threads };
  const cache = path.join(os.tmpdir(), 'reward-lens-bench-onnx-cache'); // never next to the model in --dir
  const row =
    a.child === 'tfjs-wasm'
      ? await benchTfjs(a.dir, 'wasm', o)
      : await benchOrt(a.dir, a.child === 'ort-inputs' ? 'inputs' : 'external', o, cache);
  process.stdout.write(JSON.stringify(row) + '\n');
}

function runChild(a, engine) {
  const load = os.loadavg()[0];
  const batch = engine === 'tfjs-wasm' ? a.tfjsBatch : a.batch;
  const runs = engine === 'tfjs-wasm' ? 1 : a.runs;
  const common = ['--batch', String(batch), '--tokens', String(a.tokens), '--runs', String(runs), '--threads', String(a.threads)];
  const train = [
    '--pairs',
    String(a.trainPairs),
    '--tokens',
    String(a.trainTokens),
    '--steps',
    String(a.trainSteps),
    '--threads',
    String(a.threads),
  ];
  if (engine.startsWith('torch-lora-train')) {
    const r = spawnSync(
      'python3',
      [path.join(root, 'scripts', 'bench_hf_train_torch.py'), a.dir, ...train, ...(engine.endsWith('-ckpt') ? ['--checkpointing'] : [])],
      { encoding: 'utf8', cwd: path.join(root, 'scripts'), env: { ...process.env, OMP_NUM_THREADS: String(a.threads) } },
    );
    const line = (r.stdout ?? '')
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .pop();
    if (r.status !== 0 || !line)
      return { engine, error: ((r.stderr ?? '').trim().split('\n').pop() ?? `exit ${r.status}`).slice(0, 300), loadAvg: load };
    return {
      ...JSON.parse(line),
      batch: 2 * a.trainPairs,
      tokens: a.trainTokens,
      loadAvg: load,
      loadAvgAfter: os.loadavg()[0],
      training: true,
    };
  }
  if (engine.startsWith('tfjs-lora-train')) {
    const r = spawnSync(
      process.execPath,
      [
        '--max-old-space-size=8192',
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--child',
        engine,
        '--dir',
        a.dir,
        '--train-pairs',
        String(a.trainPairs),
        '--train-tokens',
        String(a.trainTokens),
        '--train-steps',
        String(a.trainSteps),
      ],
      { encoding: 'utf8', cwd: root },
    );
    const line = (r.stdout ?? '')
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .pop();
    if (r.status !== 0 || !line)
      return { engine, error: ((r.stderr ?? '').trim().split('\n').pop() ?? `exit ${r.status}`).slice(0, 300), loadAvg: load };
    return {
      ...JSON.parse(line),
      batch: 2 * a.trainPairs,
      tokens: a.trainTokens,
      loadAvg: load,
      loadAvgAfter: os.loadavg()[0],
      training: true,
    };
  }
  const r =
    engine === 'torch'
      ? spawnSync('python3', [path.join(root, 'scripts', 'bench_hf_torch.py'), a.dir, ...common], {
          encoding: 'utf8',
          env: { ...process.env, OMP_NUM_THREADS: String(a.threads) },
        })
      : spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', engine, '--dir', a.dir, ...common], {
          encoding: 'utf8',
          cwd: root,
        });
  const line = (r.stdout ?? '')
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (r.status !== 0 || !line)
    return { engine, error: ((r.stderr ?? '').trim().split('\n').pop() ?? `exit ${r.status}`).slice(0, 300), loadAvg: load };
  return {
    ...JSON.parse(line),
    engine: engine === 'torch' ? 'pytorch' : JSON.parse(line).engine,
    batch,
    loadAvg: load,
    loadAvgAfter: os.loadavg()[0],
  };
}

/** The LoRA training rows, each against both PyTorch rows (plain and with gradient checkpointing, which we do). */
function trainTable(rows) {
  const ok = rows.filter((r) => r.training && !r.error);
  const best = new Map();
  for (const r of ok) if (!best.has(r.engine) || r.msPerBatch < best.get(r.engine).msPerBatch) best.set(r.engine, r);
  const torch = [...best.values()].filter((r) => r.engine.startsWith('pytorch'));
  const lines = [
    `| engine (LoRA training step) | seqs×tokens | tokens/s (best) | ${torch.map((t) => `× ${t.engine}`).join(' | ')} | s/step (all) | trained params | peak RSS (MB) | load avg |`,
    `|---|---|---|${torch.map(() => '---|').join('')}---|---|---|---|`,
  ];
  for (const r of best.values()) {
    const all = ok
      .filter((x) => x.engine === r.engine)
      .flatMap((x) => x.msPerBatchAll)
      .map((ms) => (ms / 1000).toFixed(1))
      .join(' ');
    lines.push(
      `| ${r.engine} | ${r.batch}×${r.tokens} | ${r.tokensPerS.toFixed(1)} | ${torch.map((t) => (r.tokensPerS / t.tokensPerS).toFixed(2)).join(' | ')} | ${all} | ${r.trainedParameters ?? '—'} | ${Math.round(r.peakRssMb)} | ${r.loadAvg.toFixed(2)} |`,
    );
  }
  for (const r of rows.filter((x) => x.training && x.error)) lines.push(`| ${r.engine} | failed: ${r.error} |`);
  return lines.join('\n');
}

function table(rows, a) {
  if (rows.some((r) => r.training)) return trainTable(rows);
  const torch = rows.filter((r) => r.engine === 'pytorch' && !r.error).sort((x, y) => x.msPerBatch - y.msPerBatch)[0];
  const best = new Map();
  for (const r of rows) if (!r.error && (!best.has(r.engine) || r.msPerBatch < best.get(r.engine).msPerBatch)) best.set(r.engine, r);
  const lines = [
    `| engine | batch×tokens | tokens/s (best) | × PyTorch | all batches (s) | load (s) | peak RSS (MB) | load avg |`,
    `|---|---|---|---|---|---|---|---|`,
  ];
  for (const r of best.values()) {
    const all = rows
      .filter((x) => x.engine === r.engine && !x.error)
      .flatMap((x) => x.msPerBatchAll)
      .map((ms) => (ms / 1000).toFixed(2))
      .join(' ');
    const loads = rows
      .filter((x) => x.engine === r.engine)
      .map((x) => x.loadAvg.toFixed(2))
      .join(' ');
    const ratio = torch ? (r.tokensPerS / torch.tokensPerS).toFixed(2) : '—';
    lines.push(
      `| ${r.engine} | ${r.batch}×${a.tokens} | ${r.tokensPerS.toFixed(0)} | ${ratio} | ${all} | ${(r.loadS ?? 0).toFixed(1)} | ${Math.round(Math.max(...rows.filter((x) => x.engine === r.engine && !x.error).map((x) => x.peakRssMb)))} | ${loads} |`,
    );
  }
  for (const r of rows.filter((x) => x.error)) lines.push(`| ${r.engine} | failed: ${r.error} |`);
  if (torch) {
    for (const r of best.values()) {
      if (r === torch || r.rewards.length !== torch.rewards.length) continue;
      const d = Math.max(...r.rewards.map((v, i) => Math.abs(v - torch.rewards[i])));
      lines.push(`\n${r.engine}: max |Δreward| vs PyTorch ${d.toExponential(2)}`);
    }
  }
  return lines.join('\n');
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  if (a.child) return child(a);
  const generated = !a.dir;
  if (a.dir) a.dir = path.resolve(a.dir); // children run in other working directories
  if (generated) {
    a.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reward-lens-bench-'));
    const { writeBenchCheckpoint, QWEN25_05B } = await import('../src/train/ort/benchCheckpoint.ts');
    const t0 = performance.now();
    const bytes = writeBenchCheckpoint(a.dir, QWEN25_05B, a.dtype, TOKENIZER);
    console.error(`checkpoint: ${(bytes / 1e9).toFixed(2)} GB ${a.dtype} in ${a.dir} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const rows = [];
  const before = fs.readFileSync('/proc/loadavg', 'utf8').trim();
  try {
    for (let round = 0; round < a.rounds; round++) {
      for (const e of a.engines) {
        if (e === 'tfjs-wasm' && round > 0) continue;
        const row = runChild(a, e);
        console.error(
          `round ${round + 1} ${row.engine}: ${row.error ?? `${row.tokensPerS.toFixed(0)} tokens/s, peak ${row.peakRssMb.toFixed(0)} MB`} (load ${row.loadAvg.toFixed(2)})`,
        );
        rows.push(row);
      }
    }
  } finally {
    if (generated && !a.keep) fs.rmSync(a.dir, { recursive: true, force: true });
  }
  const after = fs.readFileSync('/proc/loadavg', 'utf8').trim();
  if (a.json) console.log(JSON.stringify({ rows, loadavgBefore: before, loadavgAfter: after, cpus: os.cpus().length }, null, 2));
  else console.log(`${table(rows, a)}\n\n/proc/loadavg before: ${before}; after: ${after}; ${os.cpus().length} CPUs`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
