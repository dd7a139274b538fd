/**
 * An independent consumer for assertions about what topics hold: it reads from the beginning
 * (or from the moment it starts) with its own group, decodes every record, and can wait until
 * it has read everything the topics held at a given moment, so "exactly one" (or "none") can
 * be asserted without sleeps.
 */
import type { Consumer, IHeaders } from 'kafkajs';
import { kafka, uniqueName } from './stack';
import { waitFor } from './wait';

export interface TopicRecord<T> {
  readonly topic: string;
  readonly key: string | null;
  readonly value: T;
  readonly headers: Readonly<Record<string, string>>;
  readonly partition: number;
  readonly offset: string;
}

export interface TopicReader<T> {
  readonly records: readonly TopicRecord<T>[];
  /** Resolves once every record the topics hold now has been read (bounded wait). */
  caughtUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface ReadOptions {
  /**
   * `beginning` (the default) keeps everything the topics hold; `now` only what is written
   * after the reader starts: effects during a test, counted in the topics themselves. Both
   * read from the beginning, so `now` is for topics that hold little (dead letters, retries).
   */
  readonly from?: 'beginning' | 'now';
}

const headerText = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [name, value?.toString() ?? '']),
  );

const position = (topic: string, partition: number): string => `${topic}:${partition}`;

export async function readTopic<T>(
  topics: string | readonly string[],
  decode: (value: Buffer) => Promise<T> | T,
  { from = 'beginning' }: ReadOptions = {},
): Promise<TopicReader<T>> {
  const names = typeof topics === 'string' ? [topics] : [...topics];
  const client = kafka(uniqueName('reader'));
  const groupId = uniqueName('reader');
  const consumer: Consumer = client.consumer({ groupId });
  const records: TopicRecord<T>[] = [];
  const nextOffset = new Map<string, bigint>();

  const endOffsets = async () => {
    const admin = client.admin();
    await admin.connect();
    try {
      return await Promise.all(
        names.map(async (topic) => ({ topic, ends: await admin.fetchTopicOffsets(topic) })),
      );
    } finally {
      await admin.disconnect();
    }
  };

  // Where each partition ended when the reader started: with `from: 'now'`, what lies before
  // is read (a consumer group cannot be placed there without a rebalance per topic) but not kept.
  const startOffsets = new Map<string, bigint>();
  if (from === 'now') {
    for (const { topic, ends } of await endOffsets()) {
      for (const { partition, high } of ends) {
        startOffsets.set(position(topic, partition), BigInt(high));
        nextOffset.set(position(topic, partition), BigInt(high));
      }
    }
  }

  await consumer.connect();
  await consumer.subscribe({ topics: names, fromBeginning: true });
  // Progress comes from each batch's last offset, which also covers commit markers of
  // transactional topics (never handed to eachMessage).
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const key = position(payload.topic, payload.partition);
    const next = BigInt(payload.lastOffset) + 1n;
    if (next > (nextOffset.get(key) ?? 0n)) nextOffset.set(key, next);
  });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const startsAt = startOffsets.get(position(topic, partition)) ?? 0n;
      if (message.value && BigInt(message.offset) >= startsAt) {
        let value: T;
        try {
          value = await decode(message.value);
        } catch {
          // Other tests write poison on purpose; it is not ours to assert on.
          return;
        }
        records.push({
          topic,
          key: message.key?.toString() ?? null,
          value,
          headers: headerText(message.headers),
          partition,
          offset: message.offset,
        });
      }
    },
  });

  return {
    records,
    async caughtUp(timeoutMs = 30_000) {
      const ends = await endOffsets();
      await waitFor(
        () =>
          ends.every(({ topic, ends: partitions }) =>
            partitions.every(
              ({ partition, high, low }) =>
                high === low || (nextOffset.get(position(topic, partition)) ?? 0n) >= BigInt(high),
            ),
          ) || undefined,
        { timeoutMs, description: `the reader to reach the end of ${names.join(', ')}` },
      );
    },
    stop: () => consumer.disconnect(),
  };
}
