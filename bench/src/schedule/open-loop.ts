/**
 * The open-loop load generator. Task k is due at start + k / rate and is started then, however
 * long earlier tasks take: the schedule never waits for answers, so a slow system under test
 * sees the same arrivals a real population of clients would send (no coordinated omission).
 *
 * Only a large in-flight cap bounds it. A slot that cannot start on time is counted, never
 * silently shifted: a slot due while the cap is reached is dropped (`droppedAtCap`), and a slot
 * started more than `lateToleranceMs` after it was due (the event loop was busy) is a late
 * start. Either makes `generatorFellBehind` true: the figures then describe a lower, uneven
 * offered load, and the report must say so.
 *
 * Throughput: timers fire with ~1 ms granularity (later under load), so the loop never sleeps
 * once per task. Each time it wakes it starts, in one burst, every slot that is due by now, then
 * sleeps until the next slot is due. At 2,000 slots/s that is a burst of 2–3 starts per wake-up,
 * and the loop's own cost is a few microseconds per start, well within one core.
 */
import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises';

export interface OpenLoopClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface OpenLoopProgress {
  readonly elapsedMs: number;
  /** Slots due so far. */
  readonly offered: number;
  readonly started: number;
  readonly inFlight: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly droppedAtCap: number;
  readonly lateStarts: number;
  /** A slot was dropped or started late so far. */
  readonly behind: boolean;
}

export interface OpenLoopOptions {
  /** Tasks per second offered. */
  readonly rate: number;
  /** Schedule length: slots k with k / rate < durationMs are offered. */
  readonly durationMs: number;
  /** Large, e.g. 10_000: a bound on memory, not a pacing device. */
  readonly maxInFlight: number;
  /** Stops scheduling; tasks already started are still awaited. */
  readonly signal?: AbortSignal;
  /** Injectable for tests; default performance.now() and timers. */
  readonly clock?: OpenLoopClock;
  /** A start later than this after its slot counts as late. Default 50 ms. */
  readonly lateToleranceMs?: number;
  /** Called about every `progressEveryMs` (default 1 s) of schedule time, from the loop. */
  readonly onProgress?: (progress: OpenLoopProgress) => void;
  readonly progressEveryMs?: number;
}

export interface OpenLoopReport {
  /** Slots scheduled in the duration (up to the abort, if aborted). */
  readonly offered: number;
  readonly started: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Slots not started because maxInFlight tasks were running. */
  readonly droppedAtCap: number;
  /** Slots started more than lateToleranceMs after they were due. */
  readonly lateStarts: number;
  readonly maxStartDelayMs: number;
  /** From the first slot to the last completion. */
  readonly elapsedMs: number;
  /** offered / schedule seconds. */
  readonly offeredRate: number;
  /**
   * succeeded / schedule seconds: tasks of the schedule that succeeded, including those that
   * completed after the schedule ended, over the schedule's length (not `elapsedMs`, so the
   * latency of the last tasks does not lower it). Equal to offeredRate when every slot started
   * and succeeded. The schedule's length is durationMs, or the time to the abort if aborted.
   */
  readonly achievedRate: number;
  readonly errorsByKind: Readonly<Record<string, number>>;
  readonly generatorFellBehind: boolean;
}

export const DEFAULT_LATE_TOLERANCE_MS = 50;
const DEFAULT_PROGRESS_EVERY_MS = 1000;

/** error.code, else error.name, else 'error'. */
export function defaultErrorKind(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && code !== '') return code;
    if (typeof name === 'string' && name !== '') return name;
  }
  return 'error';
}

/** Real time; the sleep ends early when the signal aborts. A zero wait yields one turn. */
export function realClock(signal?: AbortSignal): OpenLoopClock {
  return {
    now: () => performance.now(),
    sleep: (ms) => (ms <= 0 ? nextTurn() : delay(ms, undefined, { signal }).catch(() => undefined)),
  };
}

/** Number of slots of a schedule: k / rate < duration. */
export function slotsIn(rate: number, durationMs: number): number {
  return Math.max(0, Math.ceil((rate * durationMs) / 1000 - 1e-9));
}

function validate(options: OpenLoopOptions): void {
  if (!(options.rate > 0 && Number.isFinite(options.rate))) {
    throw new RangeError(`rate must be a positive number, got ${options.rate}`);
  }
  if (!(options.durationMs >= 0 && Number.isFinite(options.durationMs))) {
    throw new RangeError(`durationMs must be a non-negative number, got ${options.durationMs}`);
  }
  if (!(options.maxInFlight >= 1)) {
    throw new RangeError(`maxInFlight must be at least 1, got ${options.maxInFlight}`);
  }
}

export async function runOpenLoop(
  options: OpenLoopOptions,
  task: (index: number) => Promise<void>,
  classifyError: (error: unknown) => string = defaultErrorKind,
): Promise<OpenLoopReport> {
  validate(options);
  const run = new OpenLoopRun(options, task, classifyError);
  return run.execute();
}

/** The state of one run; `execute` is the loop, the rest its bookkeeping. */
class OpenLoopRun {
  private readonly clock: OpenLoopClock;
  private readonly intervalMs: number;
  private readonly total: number;
  private readonly toleranceMs: number;
  private readonly progressEveryMs: number;
  private startedAt = 0;
  private next = 0;
  private started = 0;
  private succeeded = 0;
  private failed = 0;
  private droppedAtCap = 0;
  private lateStarts = 0;
  private maxStartDelayMs = 0;
  private inFlight = 0;
  private readonly errorsByKind: Record<string, number> = {};
  private drained: (() => void) | undefined;

  constructor(
    private readonly options: OpenLoopOptions,
    private readonly task: (index: number) => Promise<void>,
    private readonly classifyError: (error: unknown) => string,
  ) {
    this.clock = options.clock ?? realClock(options.signal);
    this.intervalMs = 1000 / options.rate;
    this.total = slotsIn(options.rate, options.durationMs);
    this.toleranceMs = options.lateToleranceMs ?? DEFAULT_LATE_TOLERANCE_MS;
    this.progressEveryMs = options.progressEveryMs ?? DEFAULT_PROGRESS_EVERY_MS;
  }

  async execute(): Promise<OpenLoopReport> {
    const { signal } = this.options;
    this.startedAt = this.clock.now();
    let nextProgressAt = this.startedAt + this.progressEveryMs;
    let abortedAt: number | undefined;
    while (this.next < this.total) {
      if (signal?.aborted) {
        abortedAt = this.clock.now();
        break;
      }
      const now = this.clock.now();
      this.startDueSlots(now);
      if (now >= nextProgressAt) {
        this.options.onProgress?.(this.progress(now));
        while (nextProgressAt <= now) nextProgressAt += this.progressEveryMs;
      }
      if (this.next >= this.total) break;
      const dueAt = this.startedAt + this.next * this.intervalMs;
      await this.clock.sleep(Math.min(dueAt, nextProgressAt) - this.clock.now());
    }
    await this.drain();
    return this.report(abortedAt);
  }

  /** Starts, in one burst, every slot due at `now` (slot k is due at start + k × interval). */
  private startDueSlots(now: number): void {
    const dueCount = Math.min(this.total, Math.floor((now - this.startedAt) / this.intervalMs) + 1);
    for (; this.next < dueCount; this.next++) {
      const startDelayMs = now - (this.startedAt + this.next * this.intervalMs);
      if (this.inFlight >= this.options.maxInFlight) {
        this.droppedAtCap++;
        continue;
      }
      if (startDelayMs > this.maxStartDelayMs) this.maxStartDelayMs = startDelayMs;
      if (startDelayMs > this.toleranceMs) this.lateStarts++;
      this.start(this.next);
    }
  }

  private start(index: number): void {
    this.started++;
    this.inFlight++;
    let pending: Promise<void>;
    try {
      pending = this.task(index);
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      () => this.settle(undefined, true),
      (error: unknown) => this.settle(error, false),
    );
  }

  private settle(error: unknown, ok: boolean): void {
    if (ok) this.succeeded++;
    else {
      this.failed++;
      const kind = this.classifyError(error);
      this.errorsByKind[kind] = (this.errorsByKind[kind] ?? 0) + 1;
    }
    this.inFlight--;
    if (this.inFlight === 0) this.drained?.();
  }

  private drain(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.drained = resolve;
    });
  }

  private progress(now: number): OpenLoopProgress {
    return {
      elapsedMs: now - this.startedAt,
      offered: this.next,
      started: this.started,
      inFlight: this.inFlight,
      succeeded: this.succeeded,
      failed: this.failed,
      droppedAtCap: this.droppedAtCap,
      lateStarts: this.lateStarts,
      behind: this.droppedAtCap > 0 || this.lateStarts > 0,
    };
  }

  private report(abortedAt: number | undefined): OpenLoopReport {
    const scheduleMs =
      abortedAt === undefined ? this.options.durationMs : Math.max(0, abortedAt - this.startedAt);
    const perSecond = (n: number): number => (scheduleMs > 0 ? n / (scheduleMs / 1000) : 0);
    return {
      offered: this.next,
      started: this.started,
      succeeded: this.succeeded,
      failed: this.failed,
      droppedAtCap: this.droppedAtCap,
      lateStarts: this.lateStarts,
      maxStartDelayMs: this.maxStartDelayMs,
      elapsedMs: this.clock.now() - this.startedAt,
      offeredRate: perSecond(this.next),
      achievedRate: perSecond(this.succeeded),
      errorsByKind: { ...this.errorsByKind },
      generatorFellBehind: this.droppedAtCap > 0 || this.lateStarts > 0,
    };
  }
}
