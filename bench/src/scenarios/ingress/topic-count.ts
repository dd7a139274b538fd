/**
 * The independent count behind ours' figures: every 2xx ours answered must be exactly one
 * record on `person-changes`. Read with a consumer of its own from the end offsets taken before
 * ours' first request (warm-ups included) to those after its last, and matched by the
 * `event-id` header ingress sets to the body's id, which carries this run's tag.
 */
import { Topics } from '@bgs/platform';
import type { Kafka } from 'kafkajs';
import { headerText, readRange, type PartitionOffsets } from '../../kafka/topic-range';
import type { DoorRun } from './door';

const READ_TIMEOUT_MS = 60_000;

export interface TopicCount {
  readonly topic: string;
  readonly eventIdPrefix: string;
  /** 2xx answers ours gave over all its runs, warm-ups included. */
  readonly accepted: number;
  /** Records whose `event-id` starts with the prefix. */
  readonly records: number;
  /** Distinct event ids among them. */
  readonly events: number;
  /** Records beyond the first of their event id. */
  readonly duplicates: number;
  /** Accepted deliveries without a record (by count: accepted − events, when more). */
  readonly missing: number;
  /** Events on the topic beyond the accepted ones: published, but the answer was not a 2xx. */
  readonly unanswered: number;
  readonly exactlyOnce: boolean;
}

/** ours' 2xx answers: every run's, and the warm-up's before each closed loop. */
export function acceptedBy(runs: readonly DoorRun[]): number {
  return runs
    .filter((run) => run.system === 'ours')
    .reduce((sum, run) => sum + run.ok2xx + run.warmupOk2xx, 0);
}

/** Compares the records per event id with the accepted count. Pure. */
export function compareCounts(
  perEvent: ReadonlyMap<string, number>,
  accepted: number,
  eventIdPrefix: string,
): TopicCount {
  const records = [...perEvent.values()].reduce((sum, count) => sum + count, 0);
  const events = perEvent.size;
  const duplicates = records - events;
  return {
    topic: Topics.personChanges,
    eventIdPrefix,
    accepted,
    records,
    events,
    duplicates,
    missing: Math.max(0, accepted - events),
    unanswered: Math.max(0, events - accepted),
    exactlyOnce: records === accepted && duplicates === 0,
  };
}

export async function countOnTopic(
  kafka: Kafka,
  range: { readonly from: PartitionOffsets; readonly to: PartitionOffsets },
  eventIdPrefix: string,
  accepted: number,
): Promise<TopicCount> {
  const perEvent = new Map<string, number>();
  await readRange(
    kafka,
    { topic: Topics.personChanges, ...range },
    (message) => {
      const eventId = headerText(message, 'event-id');
      if (eventId?.startsWith(eventIdPrefix)) {
        perEvent.set(eventId, (perEvent.get(eventId) ?? 0) + 1);
      }
    },
    READ_TIMEOUT_MS,
  );
  return compareCounts(perEvent, accepted, eventIdPrefix);
}

/** `topic: N records for M accepted deliveries (exactly once: yes)`, then the details. */
export function topicCountLines(count: TopicCount): string[] {
  return [
    `topic: ${count.records} records for ${count.accepted} accepted deliveries ` +
      `(exactly once: ${count.exactlyOnce ? 'yes' : 'no'})`,
    `· ${count.topic}, event ids ${count.eventIdPrefix}*: ${count.events} distinct, ` +
      `${count.duplicates} duplicates, ${count.missing} missing, ` +
      `${count.unanswered} published without a 2xx`,
  ];
}
