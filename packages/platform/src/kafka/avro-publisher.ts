/**
 * Publishes Avro records to one topic and resolves only once the broker holds them (acks=all),
 * or rejects within a bounded time. Callers that answer someone (ingress) must not say "done"
 * before this resolves.
 */
import type { IHeaders, Producer } from 'kafkajs';
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
  /** A send that has not been acknowledged by then rejects with PublishTimeoutError. */
  readonly timeoutMs: number;
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
  // Looked up once and kept; a failed lookup is retried on the next publish.
  let schemaId: Promise<number> | undefined;
  const idOf = (): Promise<number> => {
    schemaId ??= codec.latestId(subject).catch((error: unknown) => {
      schemaId = undefined;
      throw error;
    });
    return schemaId;
  };

  return {
    async publish(key, value, headers) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new PublishTimeoutError(topic, timeoutMs)), timeoutMs);
      });
      try {
        await Promise.race([
          (async () => {
            const encoded = await codec.encode(await idOf(), value);
            await producer.send({
              topic,
              acks: -1,
              messages: [{ key, value: encoded, ...(headers ? { headers } : {}) }],
            });
          })(),
          timeout,
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
