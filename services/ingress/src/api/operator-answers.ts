/**
 * What the operator API answers for a replay: pure mappings from the replay's result to an
 * HTTP status and body, so the router only sends them. A skipped replay that changes nothing
 * the operator wants (`already_enqueued`) is a 200; one that could not happen says why with a
 * status the operator can act on: 409 try later, 410 the archive is gone, 503 Kafka is down.
 */
import type { ReplayResult } from '../archive/replay';
import type { RangeReplayOutcome, ReplayedDelivery } from '../archive/replay-range';
import type { ReplayTally } from '../archive/replay-tally';

const RETRY_AFTER_S = '5';

export type ReplayOneBody =
  | {
      readonly status: 'enqueued' | 'already_enqueued';
      readonly deliveryId: string;
      readonly eventId: string;
      readonly message?: string;
      /** Kafka holds the record but the claim was not marked: a later replay may send it again. */
      readonly warning?: string;
    }
  | {
      readonly error: string;
      readonly deliveryId: string;
      readonly eventId: string;
      readonly message: string;
      readonly field?: string;
    };

export interface ReplayOneAnswer {
  readonly status: number;
  readonly body: ReplayOneBody;
  readonly headers?: Record<string, string>;
}

export function replayOneAnswer(deliveryId: string, result: ReplayResult): ReplayOneAnswer {
  const { eventId } = result;
  const refusal = (status: number, error: string, message: string, field?: string) => ({
    status,
    body: { error, deliveryId, eventId, message, ...(field === undefined ? {} : { field }) },
  });
  switch (result.kind) {
    case 'enqueued':
      return {
        status: 202,
        body: {
          status: 'enqueued',
          deliveryId,
          eventId,
          ...(result.warning === undefined ? {} : { warning: result.warning }),
        },
      };
    case 'skipped':
      switch (result.reason) {
        case 'already_enqueued':
          return {
            status: 200,
            body: {
              status: 'already_enqueued',
              deliveryId,
              eventId,
              message: 'Kafka holds this event id already: nothing sent (give "as" for a new id)',
            },
          };
        case 'in_flight':
          return {
            ...refusal(409, 'in_flight', 'another request or replay owns this event id now'),
            headers: { 'retry-after': RETRY_AFTER_S },
          };
        case 'no_archive':
          return refusal(410, 'no_archive', 'the retention removed this delivery’s body');
        case 'invalid_event_id':
          return refusal(400, 'invalid_field', 'the new event id is not a valid one', 'as');
      }
      break;
    case 'failed':
      return result.cause === 'not_published'
        ? {
            ...refusal(503, 'unavailable', result.reason),
            headers: { 'retry-after': RETRY_AFTER_S },
          }
        : refusal(422, 'unreadable_delivery', result.reason);
  }
}

/** The failed replays a range answer lists, at most this many (all may fail alike). */
export const MAX_LISTED_FAILURES = 20;

export interface ReplayFailure {
  readonly deliveryId: string;
  readonly eventId: string;
  readonly reason: string;
}

export interface ReplayRangeBody {
  /** Deliveries in the range (after `after`), reached by this call or not. */
  readonly matched: number;
  readonly tally: ReplayTally;
  /** In the range beyond this call's limit. */
  readonly remaining: number;
  /** Give it as `after` to go on; null when nothing remains. */
  readonly continueAfter: string | null;
  readonly failures: readonly ReplayFailure[];
}

/** The failures of a chunk, added to those kept so far up to MAX_LISTED_FAILURES. */
export function keepFailures(
  kept: readonly ReplayFailure[],
  chunk: readonly ReplayedDelivery[],
): ReplayFailure[] {
  const failures = chunk.flatMap(({ delivery, result }) =>
    result.kind === 'failed'
      ? [{ deliveryId: delivery.id, eventId: result.eventId, reason: result.reason }]
      : [],
  );
  return [...kept, ...failures].slice(0, MAX_LISTED_FAILURES);
}

export function replayRangeBody(
  outcome: RangeReplayOutcome,
  failures: readonly ReplayFailure[],
): ReplayRangeBody {
  return {
    matched: outcome.matched,
    tally: outcome.tally,
    remaining: outcome.remaining,
    continueAfter: outcome.remaining > 0 ? outcome.lastId : null,
    failures,
  };
}
