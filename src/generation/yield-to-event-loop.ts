/**
 * Resolves after pending events (timers, I/O, an abort) had a chance to run, so a long
 * generation never starves the event loop: `scheduler.yield()` where browsers have it,
 * `setImmediate` in Node (no 1 ms timer clamp), else `setTimeout(0)`.
 * @internal
 */
export function yieldToEventLoop(): Promise<void> {
  const scope = globalThis as {
    scheduler?: { yield?: () => Promise<void> };
    setImmediate?: (callback: () => void) => unknown;
  };
  if (typeof scope.scheduler?.yield === 'function') return scope.scheduler.yield();
  const immediate = scope.setImmediate;
  if (typeof immediate === 'function') return new Promise((resolve) => immediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, 0));
}
