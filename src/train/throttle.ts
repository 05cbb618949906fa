/** A gate that opens at most every `ms` (or when forced): progress messages on log steps without flooding the host. */
export function throttle(ms: number): (force: boolean) => boolean {
  let last = -Infinity;
  return (force: boolean) => {
    const now = performance.now();
    if (!force && now - last < ms) return false;
    last = now;
    return true;
  };
}
