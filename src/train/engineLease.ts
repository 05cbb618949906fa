// Who may run tfjs ops in the worker right now. tfjs has ONE active backend per process, and the worker trains and
// scores in the same process, each on the backend it was asked for: a score request that switched tfjs to its
// backend while a training step was in flight would run the rest of that step there (and move the model's tensors).
// So every user of the engine holds this lease: one at a time, first come first served. A long holder (a training
// run) hands the engine over at its step boundaries and, when it gets it back, makes its own backend active again.
// Each holder makes its backend active when it starts (initBackend), so nobody inherits another's choice.

/** The one piece of tfjs the lease needs (injected: the lease is tested without tfjs). */
export interface EngineBackend {
  /** The active backend's registry name, or null before any. */
  active(): string | null;
  /** Makes an already initialised backend active again. */
  activate(name: string): Promise<void>;
}

export class EngineLease {
  private held = false;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly engine: EngineBackend) {}

  /** Runs `work` with the engine to itself; work queued meanwhile waits for it (or for its next yieldToWaiters). */
  async hold<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  /**
   * Called by a holder at a point where none of its ops are in flight (a training step boundary): lets every queued
   * holder run first, then continues on the backend it had.
   */
  async yieldToWaiters(): Promise<void> {
    if (this.waiting.length === 0) return;
    const mine = this.engine.active();
    this.release();
    await this.acquire();
    if (mine !== null && this.engine.active() !== mine) await this.engine.activate(mine);
  }

  /** Holders waiting for the engine (tests, logs). */
  get queued(): number {
    return this.waiting.length;
  }

  private acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hands the engine straight to the next waiter (it stays held), or frees it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }
}
