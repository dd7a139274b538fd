/**
 * The pure half of the archive's retention: which deliveries are expired, and when to sweep
 * next. The statement and the loop are in sweeper.ts.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** Deliveries received before this instant are expired. */
export function retentionCutoff(nowMs: number, retentionDays: number): Date {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new RangeError(`retention must be a whole number of days, at least 1: ${retentionDays}`);
  }
  return new Date(nowMs - retentionDays * DAY_MS);
}

export interface SweepPacing {
  /** The most deliveries one statement removes, so that it holds few locks, briefly. */
  readonly batchSize: number;
  /** Between sweeps once nothing more is expired. */
  readonly intervalMs: number;
  /** Between batches while a backlog drains: the door's statements go in between. */
  readonly backlogPauseMs: number;
}

/** A full batch means more may be waiting: come back soon. Fewer: all is swept until later. */
export function nextSweepDelayMs(removed: number, pacing: SweepPacing): number {
  return removed >= pacing.batchSize ? pacing.backlogPauseMs : pacing.intervalMs;
}
