/**
 * Lets the event loop run (signal handlers, timers, I/O) during a long
 * compute loop, at most every `intervalMs`. Without this an engine that
 * computes on the calling thread never gives a SIGINT handler a turn, and
 * Ctrl-C would wait for the whole fit.
 */
export function eventLoopYielder(intervalMs = 50): () => Promise<void> {
  let last = performance.now();
  return async () => {
    const now = performance.now();
    if (now - last < intervalMs) return;
    last = now;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  };
}
