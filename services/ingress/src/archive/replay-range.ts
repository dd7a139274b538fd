/**
 * Replaying a time range of archived deliveries: one implementation for the deliveries CLI and
 * the operator API. The range is fixed when it starts (deliveryIdsInRange), replayed oldest
 * first, 100 at a time: the claims of a chunk share a statement and their records a send.
 * A `limit` takes only the first deliveries; the answer says how many remain and which was the
 * last, so the next call goes on `after` it.
 */
import { replayDelivery, type ReplayDeps, type ReplayIdentity, type ReplayResult } from './replay';
import { tally, type ReplayTally } from './replay-tally';
import {
  deliveryIdsInRange,
  findDeliveries,
  type ArchivedDelivery,
  type Queryable,
  type RangeSelection,
} from './store';

/** Deliveries replayed together. */
export const REPLAY_CHUNK = 100;

export interface RangeReplayRequest extends RangeSelection {
  readonly identity: ReplayIdentity;
}

export interface ReplayedDelivery {
  readonly delivery: ArchivedDelivery;
  readonly result: ReplayResult;
}

export interface RangeReplayObserver {
  /** Once the range is fixed: how many deliveries it holds (after `after`). */
  started?(matched: number): void;
  /** After each chunk, with the tally so far. */
  replayed?(chunk: readonly ReplayedDelivery[], sofar: ReplayTally): void;
}

export interface RangeReplayOutcome {
  /** Deliveries in the range after `after`, whether this call reached them or not. */
  readonly matched: number;
  readonly tally: ReplayTally;
  /** Those beyond the limit, for a next call with `after: lastId`. */
  readonly remaining: number;
  /** The last delivery this call took; null when it took none. */
  readonly lastId: string | null;
}

export async function replayRange(
  db: Queryable,
  request: RangeReplayRequest,
  deps: ReplayDeps,
  observer: RangeReplayObserver = {},
): Promise<RangeReplayOutcome> {
  const { ids, matched } = await deliveryIdsInRange(db, request);
  observer.started?.(matched);
  let counts = tally([]);
  for (let start = 0; start < ids.length; start += REPLAY_CHUNK) {
    const chunk = await findDeliveries(db, ids.slice(start, start + REPLAY_CHUNK));
    const results = await Promise.all(
      chunk.map((delivery) => replayDelivery(delivery, request.identity, deps)),
    );
    counts = tally(results, counts);
    observer.replayed?.(
      chunk.map((delivery, index) => ({ delivery, result: results[index] as ReplayResult })),
      counts,
    );
  }
  return {
    matched,
    tally: counts,
    remaining: matched - ids.length,
    lastId: ids.at(-1) ?? null,
  };
}
