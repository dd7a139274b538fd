/**
 * How a webhook becomes a record on `person-changes`: the publisher and the record's headers.
 * One home for both, shared by the router (a delivery as it arrives) and the operator's replay
 * (a delivery from the archive), so a replay is the same record with one more header.
 */
import {
  createAvroPublisher,
  Headers,
  Topics,
  type AvroPublisher,
  type Producer,
  type SchemaCodec,
} from '@bgs/platform';
import type { PersonChangeRecord } from './events';

export type PersonChangePublisher = AvroPublisher<PersonChangeRecord>;

export function createPersonChangePublisher(
  producer: Pick<Producer, 'send'>,
  codec: SchemaCodec,
  timeoutMs: number,
): PersonChangePublisher {
  return createAvroPublisher<PersonChangeRecord>({
    producer,
    codec,
    topic: Topics.personChanges,
    timeoutMs,
  });
}

export interface PersonChangeHeaderInput {
  readonly traceparent: string;
  readonly eventId: string;
  readonly source: string;
  /** The event id of the archived delivery this record replays; absent on a live delivery. */
  readonly replayOf?: string;
}

export function personChangeHeaders(input: PersonChangeHeaderInput): Record<string, string> {
  return {
    [Headers.traceparent]: input.traceparent,
    'event-id': input.eventId,
    source: input.source,
    ...(input.replayOf === undefined ? {} : { [Headers.replay]: input.replayOf }),
  };
}
