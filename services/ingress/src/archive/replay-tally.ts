/** Counts a range replay's results by outcome, for its progress lines and its summary. */
import type { ReplayResult } from '../archive/replay';

export interface ReplayTally {
  readonly done: number;
  readonly enqueued: number;
  readonly alreadyEnqueued: number;
  readonly inFlight: number;
  readonly noArchive: number;
  readonly invalidId: number;
  readonly failed: number;
}

const ZERO: ReplayTally = {
  done: 0,
  enqueued: 0,
  alreadyEnqueued: 0,
  inFlight: 0,
  noArchive: 0,
  invalidId: 0,
  failed: 0,
};

const KEY_OF = {
  already_enqueued: 'alreadyEnqueued',
  in_flight: 'inFlight',
  no_archive: 'noArchive',
  invalid_event_id: 'invalidId',
} as const;

export function tally(results: readonly ReplayResult[], from: ReplayTally = ZERO): ReplayTally {
  const next = { ...from };
  for (const result of results) {
    next.done += 1;
    if (result.kind === 'enqueued') next.enqueued += 1;
    else if (result.kind === 'failed') next.failed += 1;
    else next[KEY_OF[result.reason]] += 1;
  }
  return next;
}
