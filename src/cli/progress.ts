// Terminal progress: a redrawn bar on a TTY, a line every ~10% otherwise (CI logs stay readable).
export class Progress {
  private lastPct = -1;
  private readonly tty = Boolean(process.stderr.isTTY);
  constructor(
    private readonly label: string,
    private readonly quiet = false,
  ) {}

  update(done: number, total: number, detail = ''): void {
    if (this.quiet) return;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    if (this.tty) {
      const width = 28;
      const fill = Math.round(frac * width);
      process.stderr.write(`\r${this.label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} ${detail}\x1b[K`);
      if (done >= total) process.stderr.write('\n');
    } else {
      const pct = Math.floor(frac * 10) * 10;
      if (pct !== this.lastPct || done >= total) {
        this.lastPct = pct;
        process.stderr.write(`${this.label} ${done}/${total} (${pct}%) ${detail}\n`);
      }
    }
  }
}
