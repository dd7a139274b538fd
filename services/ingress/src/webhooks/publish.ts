/**
 * How a webhook leaves ingress: its record on `person-changes` (the log of accepted deliveries)
 * and, in the same Kafka request, its touches on `company-touches`, after what it reports is
 * recorded in Postgres (which also tells where a moved person was known to be, for the touches).
 * One home for all of it, shared by the router (a delivery as it arrives) and the operator's
 * replay (a delivery from the archive), so a replay is the same records with one more header.
 */
import {
  createAvroSender,
  Headers,
  Topics,
  type AvroPublisher,
  type PersonChangeRecord,
  type Producer,
  type RecordCompression,
  type SchemaCodec,
} from '@bgs/platform';
import { deliveryTouches, readDelivery } from './effects';
import type { ObservationStore } from './observations';

/** `publish(key, record, headers)`: the key is the record's company id. */
export type PersonChangePublisher = AvroPublisher<PersonChangeRecord>;

export interface PersonChangePublisherDeps {
  readonly producer: Pick<Producer, 'sendBatch'>;
  readonly codec: SchemaCodec;
  readonly observations: ObservationStore;
  readonly timeoutMs: number;
  readonly compression?: RecordCompression;
}

export function createPersonChangePublisher(
  deps: PersonChangePublisherDeps,
): PersonChangePublisher {
  const sender = createAvroSender(deps);
  return {
    async publish(key, record, headers) {
      const delivery = readDelivery(record);
      const known = await deps.observations.record(delivery.observations);
      const touches = deliveryTouches(
        delivery,
        record.personId === null ? [] : (known.get(record.personId) ?? []),
      );
      await sender.send([
        { topic: Topics.personChanges, key, value: record, ...(headers ? { headers } : {}) },
        ...touches.map((touch) => ({
          topic: Topics.companyTouches,
          key: touch.companyId,
          value: touch,
          ...(headers ? { headers } : {}),
        })),
      ]);
    },
  };
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
