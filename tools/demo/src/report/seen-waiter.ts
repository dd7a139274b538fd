/**
 * Waits, with a bound, until every change made has been seen: woken by the watcher after each
 * saved group, instead of polling.
 */
export type WaitOutcome = 'seen' | 'timeout' | 'aborted';

export interface SeenWaiter {
  /** Call when something arrived that may complete the set. */
  notify(): void;
  wait(timeoutMs: number, signal: AbortSignal): Promise<WaitOutcome>;
}

export function createSeenWaiter(allSeen: () => boolean): SeenWaiter {
  let wake: (() => void) | undefined;
  return {
    notify() {
      if (wake && allSeen()) wake();
    },
    wait(timeoutMs, signal) {
      if (allSeen()) return Promise.resolve('seen');
      if (signal.aborted) return Promise.resolve('aborted');
      return new Promise((resolve) => {
        const finish = (outcome: WaitOutcome) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          wake = undefined;
          resolve(outcome);
        };
        const onAbort = () => finish('aborted');
        const timer = setTimeout(() => finish('timeout'), timeoutMs);
        signal.addEventListener('abort', onAbort, { once: true });
        wake = () => finish('seen');
      });
    },
  };
}
