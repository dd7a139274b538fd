/**
 * Reads one topic between two sets of offsets with a consumer of its own (a new group that
 * commits nothing), so what a run put on the topic is counted independently of the services
 * that wrote it. One home for `./bgs bench ingress` and bench/ingress-webhooks.ts.
 */
import { randomBytes } from 'node:crypto';
import { createConsumer } from '@bgs/platform';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';

/** Partition → offset. */
export type PartitionOffsets = ReadonlyMap<number, bigint>;

export async function endOffsets(
  admin: Pick<Admin, 'fetchTopicOffsets'>,
  topic: string,
): Promise<Map<number, bigint>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map(({ partition, high }) => [partition, BigInt(high)]));
}

export interface TopicRange {
  readonly topic: string;
  /** Where each partition's reading starts: the end offsets taken before the run. */
  readonly from: PartitionOffsets;
  /** Where it stops (exclusive): the end offsets taken after the run. */
  readonly to: PartitionOffsets;
}

/**
 * Where the reading of each partition stands. Positions only move forward, so a fetch from
 * before the seek (the consumer starts at the beginning until the seek takes effect) or a
 * re-read after it hands out nothing twice and nothing outside [from, to).
 */
export class RangePositions {
  private readonly next = new Map<number, bigint>();

  constructor(
    from: PartitionOffsets,
    private readonly to: PartitionOffsets,
  ) {
    for (const partition of to.keys()) this.next.set(partition, from.get(partition) ?? 0n);
  }

  /** True the first time a record in range is offered; it is then behind the position. */
  take(partition: number, offset: string): boolean {
    const at = BigInt(offset);
    const next = this.next.get(partition);
    const end = this.to.get(partition);
    if (next === undefined || end === undefined || at < next || at >= end) return false;
    this.next.set(partition, at + 1n);
    return true;
  }

  /**
   * A fetched batch ended at `lastOffset`. kafkajs reports batches of control records (a
   * transaction's markers) this way only, never to eachBatch: without it a partition ending in
   * a marker would never look read.
   */
  passed(partition: number, lastOffset: string): void {
    const next = this.next.get(partition);
    const after = BigInt(lastOffset) + 1n;
    if (next !== undefined && after > next) this.next.set(partition, after);
  }

  done(): boolean {
    return [...this.to].every(([partition, end]) => (this.next.get(partition) ?? 0n) >= end);
  }
}

const POLL_MS = 100;

/** Hands every record of the range to `visit` once, in partition order; fails at the timeout. */
export async function readRange(
  kafka: Kafka,
  range: TopicRange,
  visit: (message: KafkaMessage, partition: number) => void,
  timeoutMs: number,
): Promise<void> {
  const positions = new RangePositions(range.from, range.to);
  if (positions.done()) return;
  const consumer = createConsumer(kafka, {
    groupId: `bgs-bench-count-${randomBytes(4).toString('hex')}`,
    maxWaitTimeInMs: POLL_MS,
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.topic === range.topic) positions.passed(payload.partition, payload.lastOffset);
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: range.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          if (positions.take(batch.partition, message.offset)) visit(message, batch.partition);
        }
      },
    });
    for (const [partition, offset] of range.from) {
      consumer.seek({ topic: range.topic, partition, offset: offset.toString() });
    }
    const deadline = Date.now() + timeoutMs;
    while (!positions.done()) {
      if (Date.now() > deadline) {
        throw new Error(`reading ${range.topic} did not reach the end offsets in ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    await consumer.disconnect();
  }
}

/** A header's value as text; kafkajs gives a Buffer, a string or (repeated) an array. */
export function headerText(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
