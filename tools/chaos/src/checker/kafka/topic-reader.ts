/**
 * Reads topics from their beginning to the end offsets they had when the read started, with a
 * consumer group of its own (never committed, deleted afterwards), read_committed: what the
 * pipeline published is what its transactions committed, not what a killed instance half wrote.
 * The end is fixed up front so the check sees one snapshot even while the pipeline still writes.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';

export interface RawRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

export interface TopicRequest {
  readonly topic: string;
  /** Which records to keep (the rest are read past without being held in memory). */
  readonly keep: (record: RawRecord) => boolean;
}

export interface PartitionEnd {
  readonly topic: string;
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}

export interface TopicsRead {
  readonly records: ReadonlyMap<string, readonly RawRecord[]>;
  /** Partitions not read to their end before the timeout, as `topic:partition at x of y`. */
  readonly incomplete: readonly string[];
}

const positionKey = (topic: string, partition: number): string => `${topic}:${partition}`;

/** Header values as text (kafkajs hands Buffers, strings or arrays of them). */
export function headerText(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    text[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return text;
}

/**
 * The partitions not read to their end yet: `next` is the offset after the last one read
 * (markers of transactions included). An empty partition is read as soon as it is asked for.
 */
export function unreadPartitions(
  ends: readonly PartitionEnd[],
  next: ReadonlyMap<string, bigint>,
): string[] {
  return ends
    .filter(({ topic, partition, low, high }) => {
      if (BigInt(high) <= BigInt(low)) return false;
      return (next.get(positionKey(topic, partition)) ?? 0n) < BigInt(high);
    })
    .map(({ topic, partition, high }) => {
      const at = next.get(positionKey(topic, partition)) ?? 0n;
      return `${topic}:${partition} at ${at} of ${high}`;
    });
}

/** Within the snapshot: a record written after the read started is not part of it. */
export function withinEnd(ends: readonly PartitionEnd[]): (record: RawRecord) => boolean {
  const highs = new Map(ends.map((e) => [positionKey(e.topic, e.partition), BigInt(e.high)]));
  return (record) =>
    BigInt(record.offset) < (highs.get(positionKey(record.topic, record.partition)) ?? 0n);
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function endOffsets(kafka: Kafka, topics: readonly string[]): Promise<PartitionEnd[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends: PartitionEnd[] = [];
    for (const topic of topics) {
      for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) {
        ends.push({ topic, partition, low, high });
      }
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}

async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // Only tidiness: an empty group without offsets expires on its own.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function readTopicsToEnd(
  brokers: readonly string[],
  requests: readonly TopicRequest[],
  timeoutMs: number,
): Promise<TopicsRead> {
  const kafka = new Kafka({
    clientId: 'bgs-chaos-checker',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const topics = requests.map((r) => r.topic);
  const ends = await endOffsets(kafka, topics);
  const inSnapshot = withinEnd(ends);
  const keepOf = new Map(requests.map((r) => [r.topic, r.keep]));
  const records = new Map<string, RawRecord[]>(topics.map((t) => [t, []]));
  const next = new Map<string, bigint>();
  // The offset after the last record kept per partition: a consumer that rejoins without a
  // committed offset starts over, and must not count a record twice.
  const kept = new Map<string, bigint>();

  const groupId = `bgs-chaos-checker-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, readUncommitted: false });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const key = positionKey(payload.topic, payload.partition);
    const after = BigInt(payload.lastOffset) + 1n;
    if (after > (next.get(key) ?? 0n)) next.set(key, after);
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const record: RawRecord = {
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value,
          headers: headerText(message.headers),
        };
        const position = positionKey(topic, partition);
        const offset = BigInt(message.offset);
        if (offset < (kept.get(position) ?? 0n)) return;
        kept.set(position, offset + 1n);
        if (inSnapshot(record) && (keepOf.get(topic) ?? (() => false))(record)) {
          records.get(topic)?.push(record);
        }
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (unreadPartitions(ends, next).length > 0 && Date.now() < deadline) await delay(200);
    return { records, incomplete: unreadPartitions(ends, next) };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await deleteGroup(kafka, groupId);
  }
}
