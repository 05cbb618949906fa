// Test-only probe of the extension host's event loop: how long the host thread was blocked during a workload
// (the latency target "no extension-host task over 50 ms"). Registered only when REWARD_LENS_PERF_PROBE=1, so users
// never see the command; test/host/latency.cjs starts it before a workload (scoring a 100,000-line file, training)
// and stops it after. A histogram of timer delays (perf_hooks.monitorEventLoopDelay) sees every blocking task,
// ours or another extension's, at a cost of one timer per RESOLUTION_MS. With REWARD_LENS_PERF_CPUPROFILE=<dir>, each
// window also records a CPU profile of the host thread (node:inspector), written there as <label>.cpuprofile, to find
// what a long task was.
import fs from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { constants, monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { startTaskMeter, stopTaskMeter } from './taskMeter';

export const PERF_PROBE_COMMAND = 'rewardLens.test.eventLoopDelay';
const RESOLUTION_MS = 5;

/** What `stop` returns: delays of the host's event loop over the probed window, in milliseconds. */
export interface EventLoopDelay {
  readonly maxMs: number;
  readonly p99Ms: number;
  readonly p50Ms: number;
  readonly meanMs: number;
  /** Timer samples taken (Node ≥ 17.4; the extension host's Node has it): a window of N s has about N·1000/RESOLUTION_MS. */
  readonly samples: number;
  readonly windowMs: number;
  /** Garbage-collection pauses in the window (they block the thread too): the longest, and their sum. */
  readonly gcMaxMs: number;
  readonly gcTotalMs: number;
  /** The longest pause's kind (major: mark-compact of the whole heap), and the largest heap seen after a pause. */
  readonly gcMaxKind: string;
  readonly heapMaxMb: number;
  /** The extension's own longest synchronous task in the window (taskMeter.ts), and what it was. */
  readonly extensionMaxMs: number;
  readonly extensionMaxTask: string;
}

/** perf_hooks' NODE_PERFORMANCE_GC_* flags, by name. */
function gcKind(kind: number | undefined): string {
  const names: [number, string][] = [
    [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
    [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
    [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weak callbacks'],
  ];
  return names.find(([flag]) => kind !== undefined && (kind & flag) !== 0)?.[1] ?? String(kind);
}

interface Probe {
  readonly histogram: IntervalHistogram;
  readonly gc: PerformanceObserver;
  readonly startedMs: number;
  gcMaxMs: number;
  gcTotalMs: number;
  gcMaxKind: string;
  heapMaxMb: number;
  readonly profiler?: Session;
}

/** Starts the inspector's CPU profiler when REWARD_LENS_PERF_CPUPROFILE names a folder. */
function startProfiler(): Session | undefined {
  if (!process.env.REWARD_LENS_PERF_CPUPROFILE) return undefined;
  const s = new Session();
  s.connect();
  s.post('Profiler.enable', () => s.post('Profiler.setSamplingInterval', { interval: 1000 }, () => s.post('Profiler.start')));
  // With REWARD_LENS_PERF_HEAPPROFILE=1 also what the window allocated, collected or not (what keeps the GC busy).
  if (process.env.REWARD_LENS_PERF_HEAPPROFILE === '1')
    s.post('HeapProfiler.startSampling', {
      samplingInterval: 16384,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    } as never);
  return s;
}

const reportWriteError = (e: unknown) => console.error(`perf probe: writing a profile failed: ${String(e)}`);

/** Writes the window's profiles asynchronously: the write must not block the thread being measured. */
function saveProfile(s: Session, label: string): void {
  const file = (ext: string) => path.join(process.env.REWARD_LENS_PERF_CPUPROFILE!, `${label.replace(/[^\w.-]/g, '_')}.${ext}`);
  s.post('Profiler.stop', (err, res) => {
    if (!err) void fs.promises.writeFile(file('cpuprofile'), JSON.stringify(res.profile)).catch(reportWriteError);
    if (process.env.REWARD_LENS_PERF_HEAPPROFILE !== '1') return s.disconnect();
    s.post('HeapProfiler.stopSampling', (e, heap) => {
      if (!e) void fs.promises.writeFile(file('heapprofile'), JSON.stringify(heap.profile)).catch(reportWriteError);
      s.disconnect();
    });
  });
}

function startProbe(): Probe {
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration > probe.gcMaxMs) probe.gcMaxKind = gcKind((e as { detail?: { kind?: number } }).detail?.kind);
      probe.gcMaxMs = Math.max(probe.gcMaxMs, e.duration);
      probe.gcTotalMs += e.duration;
      probe.heapMaxMb = Math.max(probe.heapMaxMb, process.memoryUsage().heapUsed / 2 ** 20);
    }
  });
  const probe: Probe = {
    histogram: monitorEventLoopDelay({ resolution: RESOLUTION_MS }),
    gc,
    startedMs: performance.now(),
    gcMaxMs: 0,
    gcTotalMs: 0,
    gcMaxKind: '',
    heapMaxMb: process.memoryUsage().heapUsed / 2 ** 20,
    profiler: startProfiler(),
  };
  gc.observe({ entryTypes: ['gc'] });
  probe.histogram.enable();
  startTaskMeter();
  return probe;
}

export function registerPerfProbe(): vscode.Disposable {
  if (process.env.REWARD_LENS_PERF_PROBE !== '1') return new vscode.Disposable(() => undefined);
  let probe: Probe | undefined;
  return vscode.commands.registerCommand(PERF_PROBE_COMMAND, (action: unknown, label?: unknown): EventLoopDelay | undefined => {
    if (action === 'start') {
      probe?.histogram.disable();
      probe?.gc.disconnect();
      probe?.profiler?.disconnect();
      probe = startProbe();
      return undefined;
    }
    if (action !== 'stop' || !probe)
      throw new Error(`${PERF_PROBE_COMMAND}: expected 'start', or 'stop' after 'start'; got ${String(action)}`);
    const { histogram: h, startedMs, gcMaxMs, gcTotalMs, gcMaxKind, heapMaxMb } = probe;
    const own = stopTaskMeter();
    probe.gc.disconnect();
    if (probe.profiler) saveProfile(probe.profiler, typeof label === 'string' ? label : `window-${Date.now()}`);
    probe = undefined;
    h.disable();
    // Samples are the intervals between ticks of the RESOLUTION_MS timer, in nanoseconds: an idle loop reads about
    // RESOLUTION_MS, and a task that holds the thread for T ms (T > RESOLUTION_MS) reads about T.
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    const samples = (h as IntervalHistogram & { readonly count?: number }).count ?? NaN;
    return {
      maxMs: ms(h.max),
      p99Ms: ms(h.percentile(99)),
      p50Ms: ms(h.percentile(50)),
      meanMs: ms(h.mean),
      samples,
      windowMs: Math.round(performance.now() - startedMs),
      gcMaxMs: ms(gcMaxMs * 1e6),
      gcTotalMs: ms(gcTotalMs * 1e6),
      gcMaxKind,
      heapMaxMb: Math.round(heapMaxMb),
      extensionMaxMs: own.ms,
      extensionMaxTask: own.label,
    };
  });
}
