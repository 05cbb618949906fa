// The longest synchronous stretch of the extension's own host-thread work, for the latency suite. The event-loop
// probe (perfProbe.ts) sees every task on the thread: VS Code's (reading a 100,000-line document, the merge-conflict
// scan), other extensions', garbage collection, and the time the OS leaves the thread without a core on a busy
// machine. This meter times only the extension's hot paths (worker messages, storing a scored chunk, the CodeLens,
// Problems and decoration updates, panel pushes), so the two can be told apart. Off unless the probe turns it on: a
// flag check per call. No vscode import.

interface Longest {
  ms: number;
  label: string;
}

let on = false;
let longest: Longest = { ms: 0, label: '' };

/** Runs `fn`, and while the meter is on, keeps the longest run's duration and label. */
export function timed<T>(label: string, fn: () => T): T {
  if (!on) return fn();
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    const ms = performance.now() - t0;
    if (ms > longest.ms) longest = { ms, label };
  }
}

export function startTaskMeter(): void {
  on = true;
  longest = { ms: 0, label: '' };
}

/** Stops the meter; the longest extension task since start (ms rounded to 0.01). */
export function stopTaskMeter(): { readonly ms: number; readonly label: string } {
  on = false;
  return { ms: Math.round(longest.ms * 100) / 100, label: longest.label };
}
