/**
 * Reading and replaying a stage's dead-letter topic. A replay sends the original key, value
 * and headers (without the runtime's bookkeeping) back to the topic the message was first
 * consumed from, where it starts over as a first delivery. `replayAll` remembers how far it
 * got in the consumer group `dlq-replay.<stage>`, so running it twice replays nothing twice.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { createConsumer } from '../kafka/client';
import { deadLetterTopic, type Stage } from '../kafka/topics';
import { Headers, passThroughHeaders, readHeaders, type HeaderMap } from './headers';

export interface DeadLetter {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: HeaderMap;
  readonly originalTopic: string;
  readonly attempts: number;
  readonly error: string;
  readonly failedAt: number;
  /** Below the replay group's committed offset: `replayAll` already sent it back. */
  readonly replayed: boolean;
}

export const replayGroupId = (stage: Stage): string => `dlq-replay.${stage}`;

async function committedReplayOffsets(kafka: Kafka, stage: Stage): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [topic] = await admin.fetchOffsets({
      groupId: replayGroupId(stage),
      topics: [deadLetterTopic(stage)],
    });
    return new Map(
      (topic?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset === '-1' ? 0 : p.offset)]),
    );
  } finally {
    await admin.disconnect();
  }
}

/** Every dead letter of the stage, oldest first per partition. */
export async function readDeadLetters(
  kafka: Kafka,
  stage: Stage,
  timeoutMs = 30_000,
): Promise<DeadLetter[]> {
  const topic = deadLetterTopic(stage);
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const replayedUpTo = await committedReplayOffsets(kafka, stage);
  const remaining = new Map(
    ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]),
  );
  const letters: DeadLetter[] = [];
  if (remaining.size === 0) return letters;

  // A throwaway group that never commits: reading must not move anyone's position.
  const consumer = createConsumer(kafka, { groupId: `dlq-reader.${stage}.${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`reading ${topic} took longer than ${timeoutMs} ms`)),
        timeoutMs,
      );
      // The topic is written in transactions: its end is a commit marker, which is never
      // handed to eachMessage but is counted in each batch's last offset.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const end = remaining.get(payload.partition);
        if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) {
          remaining.delete(payload.partition);
        }
        if (remaining.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const headers = readHeaders(message.headers);
            letters.push({
              partition,
              offset: message.offset,
              key: message.key?.toString('utf8') ?? null,
              value: message.value,
              headers,
              originalTopic: headers[Headers.originalTopic] ?? '',
              attempts: Number(headers[Headers.attempt] ?? 0),
              error: headers[Headers.error] ?? '',
              failedAt: Number(headers[Headers.failedAt] ?? 0),
              replayed: BigInt(message.offset) < (replayedUpTo.get(partition) ?? 0n),
            });
            const end = remaining.get(partition);
            if (end !== undefined && BigInt(message.offset) + 1n >= end)
              remaining.delete(partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return letters.sort((a, b) =>
    a.partition !== b.partition
      ? a.partition - b.partition
      : Number(BigInt(a.offset) - BigInt(b.offset)),
  );
}

export async function replayDeadLetters(
  producer: Producer,
  letters: readonly DeadLetter[],
): Promise<void> {
  for (const letter of letters) {
    if (letter.originalTopic === '') {
      throw new Error(`dead letter ${letter.partition}:${letter.offset} names no original topic`);
    }
    await producer.send({
      topic: letter.originalTopic,
      acks: -1,
      messages: [
        { key: letter.key, value: letter.value, headers: passThroughHeaders(letter.headers) },
      ],
    });
  }
}

/** Replays every dead letter not replayed yet, then records how far it got. */
export async function replayAll(
  kafka: Kafka,
  producer: Producer,
  stage: Stage,
): Promise<DeadLetter[]> {
  const pending = (await readDeadLetters(kafka, stage)).filter((l) => !l.replayed);
  await replayDeadLetters(producer, pending);
  const next = new Map<number, string>();
  for (const letter of pending) next.set(letter.partition, (BigInt(letter.offset) + 1n).toString());
  if (next.size > 0) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.setOffsets({
        groupId: replayGroupId(stage),
        topic: deadLetterTopic(stage),
        partitions: [...next].map(([partition, offset]) => ({ partition, offset })),
      });
    } finally {
      await admin.disconnect();
    }
  }
  return pending;
}
