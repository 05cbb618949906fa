// The workspace's runs for every feature of the extension: the one RunStore (fed by the training service) and the
// asynchronous catalog that reads the run directories into it. Directories are scanned on demand (the panel opens or
// is shown, a run or request ends, a picker lists runs), never on a panel push, and each is re-read only when changed.
import { RunStore } from '../core/runs/runStore';
import type { RunView } from '../core/runs/runView';
import { RunCatalog, type RunRoots } from '../node/runCatalog';
import { errorMessage, type Log } from './log';

export class WorkspaceRuns {
  readonly store = new RunStore();
  private readonly catalog = new RunCatalog();
  private wanted: ReadonlySet<string> = new Set();
  private scanning?: Promise<void>;
  private queued?: Promise<void>;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly roots: () => RunRoots,
    private readonly log: Log,
  ) {
    // A finished run has a summary.json and its last evaluation on disk now: read its directory again.
    this.unsubscribe = this.store.subscribe((c) => {
      if (c.kind === 'finished' || c.kind === 'settled') void this.refresh();
    });
  }

  /** The runs whose curves are needed (the panel's selection). True when that changed (a refresh then reads them). */
  want(runIds: readonly string[]): boolean {
    const next = new Set(runIds);
    if (next.size === this.wanted.size && runIds.every((id) => this.wanted.has(id))) return false;
    this.wanted = next;
    return true;
  }

  /** Scans the run directories into the store. Calls during a scan share one more scan after it (it sees their writes). */
  refresh(): Promise<void> {
    if (!this.scanning) {
      this.scanning = this.scan().finally(() => (this.scanning = undefined));
      return this.scanning;
    }
    this.queued ??= this.scanning.then(() => {
      this.queued = undefined;
      return this.refresh();
    });
    return this.queued;
  }

  /** Every run, after a scan (the pickers: Select Active Model…, Compare Runs…, Export Run…). */
  async list(): Promise<RunView[]> {
    await this.refresh();
    return this.store.runs();
  }

  private async scan(): Promise<void> {
    const mark = this.store.mark();
    const t0 = performance.now();
    try {
      const runs = await this.catalog.list(this.roots(), this.wanted);
      this.store.setStored(runs, mark);
      this.log.debug(`run directories: ${runs.length} runs scanned in ${(performance.now() - t0).toFixed(0)} ms`);
    } catch (e) {
      this.log.error(`reading the run directories failed: ${errorMessage(e)}`);
    }
  }

  dispose(): void {
    this.unsubscribe();
  }
}
