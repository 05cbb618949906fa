// The extension's worker shares the machine with the editor. On a 2-core machine, scoring a 100,000-line file kept
// both cores busy (the worker, the workbench painting lenses) and the extension host's thread waited up to 75 ms for
// a core: idle gaps in its CPU profile that the event-loop probe counts as a blocked host. So the worker runs at a
// lower scheduling priority (nice 10): it still gets every core nobody else wants, and yields to the editor at once.
// Linux gives each thread its own nice value (setpriority on the thread id), and threads the worker starts later
// (onnxruntime's pool) inherit it. A forked worker process is lowered whole. macOS and Windows keep one priority per
// process, which would slow the editor too, so a worker thread there is left as it is.
import fs from 'node:fs';
import os from 'node:os';

export const BACKGROUND_NICE = 10;

/** Lowers the calling thread's (or, in a child process, the process's) priority; says what it did, for the log. */
export function lowerWorkerPriority(inThread: boolean): string {
  try {
    if (!inThread) {
      os.setPriority(process.pid, BACKGROUND_NICE);
      return `worker process at nice ${os.getPriority(process.pid)}`;
    }
    if (process.platform !== 'linux') return 'worker thread priority unchanged (per-thread priority needs Linux)';
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return 'worker thread priority unchanged (no thread id)';
    os.setPriority(tid, BACKGROUND_NICE);
    return `worker thread ${tid} at nice ${os.getPriority(tid)}`;
  } catch (e) {
    return `worker priority unchanged (${(e as Error).message})`;
  }
}
