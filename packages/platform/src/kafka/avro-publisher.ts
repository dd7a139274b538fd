/**
 * Publishes Avro records to one topic and resolves only once the broker holds them (acks=all),
 * or rejects within a bounded time. Callers that answer someone (ingress) must not say "done"
 * before this resolves.
 *
 * Publishes that arrive while a send is in flight are gathered into the next send: the
 * idempotent producer allows one request in flight, so one send per record would cap
 * throughput at one broker round trip per record. Records keep their call order, so a
 * company's records keep theirs. That gathering is `createCoalescingBatcher`
 * (../coalescing-batcher.ts), which ingress also uses for its Postgres claims.
 */
import type { IHeaders, Message, Producer } from 'kafkajs';
import { createCoalescingBatcher } from '../coalescing-batcher';
import type { SchemaCodec } from './schema-codec';

export interface AvroPublisher<T> {
  /** The topic's record key decides the partition; use the company id. */
  publish(key: string, value: T, headers?: IHeaders): Promise<void>;
}

export interface AvroPublisherOptions {
  readonly producer: Pick<Producer, 'send'>;
  readonly codec: Pick<SchemaCodec, 'encode' | 'latestId'>;
  readonly topic: string;
  /** Defaults to `<topic>-value`, the subject provisioning registers. */
  readonly subject?: string;
  /** A publish not acknowledged by then rejects with PublishTimeoutError. */
  readonly timeoutMs: number;
  /** The most records in one send (default 500). */
  readonly maxBatch?: number;
}

export class PublishTimeoutError extends Error {
  constructor(topic: string, timeoutMs: number) {
    super(`Kafka did not acknowledge the record on ${topic} within ${timeoutMs} ms`);
    this.name = 'PublishTimeoutError';
  }
}

export function createAvroPublisher<T>(options: AvroPublisherOptions): AvroPublisher<T> {
  const { producer, codec, topic, timeoutMs } = options;
  const subject = options.subject ?? `${topic}-value`;
  const maxBatch = options.maxBatch ?? 500;
  // Looked up once and kept; a failed lookup is retried on the next publish.
  let schemaId: Promise<number> | undefined;
  const idOf = (): Promise<number> => {
    schemaId ??= codec.latestId(subject).catch((error: unknown) => {
      schemaId = undefined;
      throw error;
    });
    return schemaId;
  };

  const send = createCoalescingBatcher<Message, void>({
    maxBatch,
    run: async (messages) => {
      await producer.send({ topic, acks: -1, messages: [...messages] });
      return messages.map(() => undefined);
    },
  });

  return {
    async publish(key, value, headers) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new PublishTimeoutError(topic, timeoutMs)), timeoutMs);
      });
      const work = (async () => {
        const encoded = await codec.encode(await idOf(), value);
        const message: Message = { key, value: encoded, ...(headers ? { headers } : {}) };
        await send(message);
      })();
      // After a timeout the record may still be sent: a duplicate the stages absorb, never a loss.
      work.catch(() => undefined);
      try {
        await Promise.race([work, deadline]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
