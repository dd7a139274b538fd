/**
 * Runs tasks at a steady rate: task k starts at start + k / rate, a few at a time, until a
 * count of successes, an abort, or a run of failures (the stack is not answering: more of the
 * same would only add noise).
 */
import { setTimeout as delay } from 'node:timers/promises';

export interface PacerOptions {
  /** Tasks per second. */
  readonly rate: number;
  /** Stop after this many successes; undefined: until aborted. */
  readonly successes: number | undefined;
  readonly signal: AbortSignal;
  /** Started tasks not finished yet; past it the pacer waits (and falls behind its rate). */
  readonly maxInFlight: number;
  /** Consecutive failures after which the pacer gives up. */
  readonly maxConsecutiveFailures: number;
}

/** A task resolves true when it did its work, false when there was nothing to do. */
export type PacedTask = () => Promise<boolean>;

export interface PacerResult {
  readonly succeeded: number;
  readonly failed: number;
  readonly stoppedBecause: 'done' | 'aborted' | 'failing';
}

export async function runPaced(options: PacerOptions, next: PacedTask): Promise<PacerResult> {
  const { signal } = options;
  const intervalMs = 1000 / options.rate;
  const startedAt = performance.now();
  const inFlight = new Set<Promise<void>>();
  // One waiter for "a task finished", rather than Promise.race over every task in flight each
  // time: with hundreds in flight, each race would add a handler to every one of them.
  let taskFinished: (() => void) | undefined;
  const untilATaskFinishes = (): Promise<void> =>
    new Promise((resolve) => {
      taskFinished = resolve;
    });
  let slots = 0;
  let succeeded = 0;
  let failed = 0;
  let consecutiveFailures = 0;

  const done = (): boolean =>
    options.successes !== undefined && succeeded + inFlight.size >= options.successes;

  while (!signal.aborted && consecutiveFailures < options.maxConsecutiveFailures) {
    if (done()) {
      if (inFlight.size === 0) break;
      // A task in flight may still fail and leave room for another.
      await untilATaskFinishes();
      continue;
    }
    const waitMs = startedAt + slots * intervalMs - performance.now();
    if (waitMs > 0) await delay(waitMs, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) break;
    if (inFlight.size >= options.maxInFlight) {
      await untilATaskFinishes();
      continue;
    }
    slots++;
    const task: Promise<void> = next()
      .then(
        (didWork) => {
          if (didWork) succeeded++;
          consecutiveFailures = 0;
        },
        () => {
          failed++;
          consecutiveFailures++;
        },
      )
      .finally(() => {
        inFlight.delete(task);
        taskFinished?.();
        taskFinished = undefined;
      });
    inFlight.add(task);
  }
  await Promise.allSettled(inFlight);
  const stoppedBecause = signal.aborted
    ? 'aborted'
    : consecutiveFailures >= options.maxConsecutiveFailures
      ? 'failing'
      : 'done';
  return { succeeded, failed, stoppedBecause };
}
