// `npm run bench`: the reference workload (shared/reference: 2-layer d=256 transformer RM, vocab 8192, T=128,
// B pairs, BT+BSR, Adam) with the project's own model/loss/step code on every available backend, and the PyTorch
// twin (scripts/bench_torch.py) in the same run, before and after, so the ratio is taken under the same load.
//
//   node dist/bench.js [--steps 3] [--batch 16] [--backends wasm,cpu] [--torch-threads 2] [--no-torch]
//                      [--profile] [--small] [--json] [--compare-stock] [--count]
// --compare-stock adds a row per wasm/cpu backend with tfjs's stock kernels (before/after for src/train/kernels).
// --count (webgpu) prints what one training step and one scoring pass dispatch (src/train/backends/gpuCount.ts):
// deterministic, independent of the GPU's speed, so it runs on SwiftShader; B defaults to 2 there (the counts do not
// depend on B, the time does). --host-cost (webgpu) measures host µs per dispatch with the GPU's work taken out
// (no-op programs through Dawn, our raw path, tfjs's stock and cached paths) and the host time to encode one step.
// Each backend runs in its own child process (clean heap, its own peak RSS). Benchmarks are never timed tests.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BackendName } from '../core/config';
import { AUTO_ORDER, initBackend, probeBackends, type ConcreteBackend } from '../train/backends';
import { makeWorkload, scoreOnce, stepOnce } from '../train/backends/workload';
import { formatProfile, profileStep } from '../train/backends/profile';
import { countReference, WARMUP_STEPS } from '../train/backends/countWorkload';
import { formatCounts } from '../train/backends/gpuCount';
import { countQwenLoraStep, countQwenScore } from '../train/backends/countHf';
import { formatHostCost, measureHostCost, stepHostMs, useStockKernels } from '../train/backends/hostCost';
import { unregisterCustomKernels } from '../train/kernels';

interface Args {
  hostCost: boolean;
  count: boolean;
  batchGiven: boolean;
  stock: boolean;
  compareStock: boolean;
  steps: number;
  batch: number;
  backends: ConcreteBackend[] | null;
  torchThreads: number;
  torch: boolean;
  profile: boolean;
  small: boolean;
  json: boolean;
  child: ConcreteBackend | null;
}

export interface BenchRow {
  readonly backend: string;
  readonly trainPairsPerS: number;
  readonly scorePairsPerS: number;
  readonly trainMsPerStep: number;
  readonly peakRssMb: number;
  readonly steps: number;
  readonly note?: string;
  readonly loss?: number;
}

/**
 * `npm run bench -- --hf [args]` / `-- --hf-train [args]`: the Hugging Face rows (a Qwen2.5-0.5B-shaped model
 * generated at bench time; scoring on onnxruntime and tfjs, a LoRA training step on tfjs, each against PyTorch in the
 * same run) live in scripts/bench-hf-score.mjs, which this hands the remaining arguments to.
 */
function runHfBench(argv: string[]): never {
  const train = argv.includes('--hf-train');
  const rest = argv.filter((a) => a !== '--hf' && a !== '--hf-train');
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join('scripts', 'bench-hf-score.mjs'), ...(train ? ['--train'] : []), ...rest],
    { stdio: 'inherit' },
  );
  process.exit(r.status ?? 1);
}

function defaultArgs(): Args {
  return {
    hostCost: false,
    count: false,
    batchGiven: false,
    stock: false,
    compareStock: false,
    steps: 3,
    batch: 16,
    backends: null,
    torchThreads: 2,
    torch: true,
    profile: false,
    small: false,
    json: false,
    child: null,
  };
}

/** The flags that take no value, and what each one sets. */
const FLAGS: Readonly<Record<string, Partial<Args>>> = {
  '--no-torch': { torch: false },
  '--stock-kernels': { stock: true },
  '--compare-stock': { compareStock: true },
  '--profile': { profile: true },
  '--count': { count: true },
  '--host-cost': { hostCost: true, count: true },
  '--small': { small: true },
  '--json': { json: true },
};

function parseArgs(argv: string[]): Args {
  const a = defaultArgs();
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    // hasOwn, not a plain lookup: "constructor" or "toString" must stay unknown arguments.
    if (Object.hasOwn(FLAGS, k)) Object.assign(a, FLAGS[k]);
    else {
      setValuedOption(a, k, argv[i + 1]);
      i++; // every option that is not a flag consumes the next argument as its value
    }
  }
  return a;
}

function backendArg(s: string): ConcreteBackend {
  if (!(AUTO_ORDER as readonly string[]).includes(s)) throw new Error(`unknown backend ${s}; one of ${AUTO_ORDER.join(', ')}`);
  return s as ConcreteBackend;
}

/** Sets option `k` from its value `v`; throws on an unknown option or a bad value. */
function setValuedOption(a: Args, k: string, v: string | undefined): void {
  const num = (name: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs an integer ≥ 1, got ${v}`);
    return n;
  };
  switch (k) {
    case '--steps':
      a.steps = num(k);
      break;
    case '--batch':
      a.batch = num(k);
      a.batchGiven = true;
      break;
    case '--torch-threads':
      a.torchThreads = num(k);
      break;
    case '--backends':
      a.backends = (v ?? '').split(',').filter(Boolean).map(backendArg);
      break;
    case '--child':
      a.child = backendArg(v ?? '');
      break;
    default:
      throw new Error(`unknown argument ${k}`);
  }
}

/** Child mode with --host-cost: host time per dispatch and per encoded step, fused and with tfjs's stock kernels. */
async function runHostCostChild(a: Args): Promise<void> {
  console.log(
    `host time per dispatch, GPU work excluded (no-op programs, 2000 each), ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg()[0]!.toFixed(1)}:`,
  );
  console.log(formatHostCost(await measureHostCost()));
  for (const stock of [false, true]) {
    if (stock) useStockKernels();
    const w = makeWorkload(a.batch, a.small);
    const s = await stepHostMs(() => stepOnce(w));
    w.dispose();
    console.log(
      `one train step encoded (reference${a.small ? ', small' : ''}, B=${a.batch}, ${stock ? 'tfjs stock kernels, chunked AddN' : 'fused kernels'}): ${s.ms.toFixed(0)} ms host for ${s.programs} programs, ${((1000 * s.ms) / Math.max(1, s.programs)).toFixed(0)} µs per program`,
    );
  }
}

/** Child mode with --count: the dispatch counts of one training step and one scoring pass, as text lines. */
async function runCountChild(a: Args): Promise<void> {
  const choice = await initBackend(a.child as BackendName);
  if (choice.name !== 'webgpu') throw new Error(`--count needs the webgpu backend (got ${choice.name})`);
  if (a.hostCost) return runHostCostChild(a);
  const t0 = performance.now();
  const c = await countReference(a.batch, a.small);
  console.log(
    `reference workload${a.small ? ' (small)' : ''}, B=${a.batch} pairs, adapter ${String(choice.probes[0]?.details?.['adapter'] ?? '?')}; after ${WARMUP_STEPS} warm-up steps`,
  );
  console.log(`webgpu train step: ${c.train.programs} programs`);
  console.log(`webgpu score pass: ${c.score.programs} programs`);
  console.log(formatCounts('  train step', c.train));
  console.log(formatCounts('  score pass', c.score));
  console.log(
    `  (${((performance.now() - t0) / 1000).toFixed(0)} s; the train step leaves its metrics on the GPU, the score pass reads its rewards)`,
  );
  // The Hugging Face path at Qwen2.5-0.5B's structure (24 layers), widths /16: the count is the full model's (countHf.ts).
  const t1 = performance.now();
  const q = await countQwenScore({ shrink: 16, sequences: 2, tokens: 16 });
  console.log(`webgpu qwen2.5-0.5b-shaped score pass: ${q.programs} programs`);
  console.log(formatCounts('  Qwen2.5-0.5B-shaped score pass (24 layers, widths /16, 2 × 16 tokens)', q));
  const l = await countQwenLoraStep({ shrink: 16, pairs: 1, tokens: 16 });
  console.log(`webgpu qwen2.5-0.5b-shaped lora train step: ${l.programs} programs`);
  console.log(formatCounts('  Qwen2.5-0.5B-shaped LoRA train step (r 8, checkpointed, 1 pair × 16 tokens)', l));
  console.log(`  (${((performance.now() - t1) / 1000).toFixed(0)} s)`);
}

/** Child mode: one backend, one JSON line on stdout. */
async function runChild(a: Args): Promise<void> {
  if (a.count) return runCountChild(a);
  const choice = await initBackend(a.child as BackendName);
  // Before/after evidence for the custom kernels: the same run with tfjs's stock kernels put back.
  if (a.stock) unregisterCustomKernels(choice.name);
  const w = makeWorkload(a.batch, a.small);
  // Warm-up step: compiles shaders / packs weights / grows the wasm heap once.
  let m = stepOnce(w);
  await m.data();
  m.dispose();
  if (a.profile) process.stderr.write(`${choice.name}:\n${formatProfile(await profileStep(() => stepOnce(w)))}\n`);
  const t0 = performance.now();
  for (let i = 0; i < a.steps; i++) {
    m.dispose();
    m = stepOnce(w);
  }
  const metrics = await m.data(); // Sync point: the only read, after the timed steps.
  const trainMs = (performance.now() - t0) / a.steps;
  m.dispose();
  let r = scoreOnce(w);
  await r.data();
  const s0 = performance.now();
  for (let i = 0; i < a.steps; i++) {
    r.dispose();
    r = scoreOnce(w);
  }
  await r.data();
  const scoreMs = (performance.now() - s0) / a.steps;
  r.dispose();
  w.dispose();
  const row: BenchRow = {
    backend: `${choice.name}${a.stock ? ' (stock kernels)' : ''}`,
    trainMsPerStep: round(trainMs),
    trainPairsPerS: round((a.batch / trainMs) * 1000),
    scorePairsPerS: round((a.batch / scoreMs) * 1000),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    steps: a.steps,
    loss: metrics[0],
    note: choice.why.split(';')[0],
  };
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

const round = (x: number) => Math.round(x * 100) / 100;

function python(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return py;
  }
  return null;
}

function torchRow(a: Args, py: string): BenchRow & { blas?: string } {
  const script = path.join(__dirname, '..', 'scripts', 'bench_torch.py');
  if (!fs.existsSync(script)) throw new Error(`missing ${script}`);
  const device = process.env['BENCH_TORCH_DEVICE'] ?? 'cpu';
  const r = spawnSync(
    py,
    [
      script,
      '--device',
      device,
      '--steps',
      String(a.steps),
      '--batch',
      String(a.batch),
      '--threads',
      String(a.torchThreads),
      ...(a.small ? ['--small'] : []),
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`bench_torch.py failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return {
    backend: `${j.backend} ×${j.threads}`,
    trainPairsPerS: j.train_pairs_per_s,
    scorePairsPerS: j.score_pairs_per_s,
    trainMsPerStep: j.train_ms_per_step,
    peakRssMb: j.peak_rss_mb,
    steps: a.steps,
    blas: j.blas,
    loss: j.loss,
  };
}

function childRow(a: Args, backend: ConcreteBackend, stock = false): BenchRow {
  const args = [
    ...process.execArgv,
    process.argv[1]!,
    '--child',
    backend,
    '--steps',
    String(a.steps),
    '--batch',
    String(a.batch),
    ...(a.small ? ['--small'] : []),
    ...(a.profile ? ['--profile'] : []),
    ...(stock ? ['--stock-kernels'] : []),
  ];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const line = r.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (a.profile)
    process.stderr.write(
      r.stderr
        .split('\n')
        .filter((l) => !/XDG_RUNTIME_DIR|^=+$|Hi, looks like|^$/.test(l))
        .join('\n') + '\n',
    );
  if (r.status !== 0 || !line)
    return {
      backend,
      trainPairsPerS: NaN,
      scorePairsPerS: NaN,
      trainMsPerStep: NaN,
      peakRssMb: NaN,
      steps: 0,
      note: `failed: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`,
    };
  return JSON.parse(line) as BenchRow;
}

function table(rows: readonly BenchRow[], torch: BenchRow | null): string {
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 1) : '—');
  const ratio = (x: number, t: number | undefined) => (t && Number.isFinite(x) ? `${(x / t).toFixed(3)}×` : '—');
  const head = ['backend', 'train pairs/s', 'score pairs/s', 'train ×torch', 'score ×torch', 'peak RSS MB', 'steps', 'note'];
  const body = rows.map((r) => [
    r.backend,
    fmt(r.trainPairsPerS),
    fmt(r.scorePairsPerS),
    ratio(r.trainPairsPerS, torch?.trainPairsPerS),
    ratio(r.scorePairsPerS, torch?.scorePairsPerS),
    fmt(r.peakRssMb),
    String(r.steps),
    r.note ?? '',
  ]);
  return [head, head.map(() => '---'), ...body].map((c) => `| ${c.join(' | ')} |`).join('\n');
}

/** --count: each requested backend (webgpu by default) in its own child, its lines passed through. */
function runCounts(a: Args): void {
  const pairs = a.batchGiven ? a.batch : 2;
  for (const b of a.backends ?? ['webgpu']) {
    const args = [
      ...process.execArgv,
      process.argv[1]!,
      '--child',
      b,
      a.hostCost ? '--host-cost' : '--count',
      '--batch',
      String(pairs),
      ...(a.small ? ['--small'] : []),
    ];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    process.stdout.write(r.stdout);
    if (r.status !== 0) console.error(`${b}: --count failed: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
  }
}

const loadText = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join('/');

/** The backends to run: the ones asked for, else every available one that is not a software renderer. */
async function chooseBackends(a: Args): Promise<ConcreteBackend[]> {
  if (a.backends) return a.backends;
  const doc = await probeBackends();
  const backends = doc.probes.filter((p) => p.available && p.details?.['software'] !== true).map((p) => p.name);
  for (const p of doc.probes.filter((q) => !backends.includes(q.name)))
    console.error(`skipping ${p.name}: ${p.reason}${p.details?.['software'] ? ' (pass --backends webgpu to run it anyway)' : ''}`);
  return backends;
}

/** One PyTorch row from the runs before and after the backends: means of the rates, the highest RSS. */
function meanTorchRow(torchRuns: readonly (BenchRow & { blas?: string })[], steps: number): BenchRow | null {
  if (!torchRuns.length) return null;
  const mean = (f: (r: BenchRow) => number) => round(torchRuns.reduce((s, r) => s + f(r), 0) / torchRuns.length);
  return {
    backend: `${torchRuns[0]!.backend} (mean of ${torchRuns.length})`,
    trainPairsPerS: mean((r) => r.trainPairsPerS),
    scorePairsPerS: mean((r) => r.scorePairsPerS),
    trainMsPerStep: mean((r) => r.trainMsPerStep),
    peakRssMb: Math.max(...torchRuns.map((r) => r.peakRssMb)),
    steps,
    note: `${torchRuns.map((r) => `${r.trainPairsPerS}/${r.scorePairsPerS}`).join(' then ')} · ${torchRuns[0]!.blas ?? ''}`,
  };
}

async function main(): Promise<void> {
  if (process.argv.includes('--hf') || process.argv.includes('--hf-train')) runHfBench(process.argv.slice(2));
  const a = parseArgs(process.argv.slice(2));
  if (a.child) return runChild(a);
  if (a.count) return runCounts(a);
  const machine = `${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, load ${loadText()}`;
  const backends = await chooseBackends(a);
  const py = a.torch ? python() : null;
  if (a.torch && !py)
    console.error(
      "PyTorch not found (python3 -c 'import torch' failed): no ratios. Debian: apt-get install -y python3-torch libopenblas0-openmp",
    );
  const torchRuns: (BenchRow & { blas?: string })[] = [];
  if (py) torchRuns.push(torchRow(a, py));
  const rows: BenchRow[] = [];
  for (const b of backends) {
    console.error(`running ${b} (${a.steps} steps + 1 warm-up)…`);
    rows.push(childRow(a, b));
    if (a.compareStock && (b === 'wasm' || b === 'cpu')) rows.push(childRow(a, b, true));
  }
  // PyTorch again after the backends: the ratio uses the mean of both runs, so load drift shows and averages out.
  if (py) torchRuns.push(torchRow(a, py));
  const torch = meanTorchRow(torchRuns, a.steps);
  const all = torch ? [...rows, torch] : rows;
  const end = `load at end ${loadText()}`;
  if (a.json) {
    console.log(JSON.stringify({ machine, end, batch: a.batch, small: a.small, rows: all }, null, 1));
    return;
  }
  console.log(`Reference workload${a.small ? ' (SMALL: correctness only)' : ''}: B=${a.batch} pairs, ${machine}; ${end}`);
  console.log(table(all, torch));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
