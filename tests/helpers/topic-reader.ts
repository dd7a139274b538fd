/**
 * An independent consumer for assertions about what a topic holds: it reads from the
 * beginning with its own group, decodes every record, and can wait until it has read
 * everything the topic held at a given moment, so "exactly one" can be asserted without sleeps.
 */
import type { Consumer, IHeaders } from 'kafkajs';
import { kafka, uniqueName } from './stack';
import { waitFor } from './wait';

export interface TopicRecord<T> {
  readonly key: string | null;
  readonly value: T;
  readonly headers: Readonly<Record<string, string>>;
  readonly partition: number;
  readonly offset: string;
}

export interface TopicReader<T> {
  readonly records: readonly TopicRecord<T>[];
  /** Resolves once every record the topic holds now has been read (bounded wait). */
  caughtUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const headerText = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [name, value?.toString() ?? '']),
  );

export async function readTopic<T>(
  topic: string,
  decode: (value: Buffer) => Promise<T> | T,
): Promise<TopicReader<T>> {
  const client = kafka(uniqueName('reader'));
  const consumer: Consumer = client.consumer({ groupId: uniqueName('reader') });
  const records: TopicRecord<T>[] = [];
  const nextOffset = new Map<number, bigint>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  // Progress comes from each batch's last offset, which also covers commit markers of
  // transactional topics (never handed to eachMessage).
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const next = BigInt(payload.lastOffset) + 1n;
    if (next > (nextOffset.get(payload.partition) ?? 0n)) nextOffset.set(payload.partition, next);
  });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      if (message.value) {
        let value: T;
        try {
          value = await decode(message.value);
        } catch {
          // Other tests write poison on purpose; it is not ours to assert on.
          return;
        }
        records.push({
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
      const admin = client.admin();
      await admin.connect();
      const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
      await waitFor(
        () =>
          ends.every(
            ({ partition, high, low }) =>
              high === low || (nextOffset.get(partition) ?? 0n) >= BigInt(high),
          ) || undefined,
        { timeoutMs, description: `the reader to reach the end of ${topic}` },
      );
    },
    stop: () => consumer.disconnect(),
  };
}
