/**
 * Publishes Avro records and resolves only once the broker holds them (acks=all), or rejects
 * within a bounded time. Callers that answer someone (ingress) must not say "done" before this
 * resolves.
 *
 * Publishes that arrive while a send is in flight are gathered into the next send: the
 * idempotent producer allows one request in flight, so one send per record would cap
 * throughput at one broker round trip per record. Records keep their call order, so a
 * company's records keep theirs. That gathering is `createCoalescingBatcher`
 * (../coalescing-batcher.ts), which ingress also uses for its Postgres claims. One send names
 * every topic its records go to (`sendBatch`), so records for several topics cost one request.
 */
import {
  CompressionTypes,
  type IHeaders,
  type Message,
  type Producer,
  type TopicMessages,
} from 'kafkajs';
import { createCoalescingBatcher } from '../coalescing-batcher';
import type { SchemaCodec } from './schema-codec';

export interface AvroPublisher<T> {
  /** The topic's record key decides the partition; use the company id. */
  publish(key: string, value: T, headers?: IHeaders): Promise<void>;
}

/** One record for `AvroSender.send`: encoded with the latest schema of `<topic>-value`. */
export interface AvroOutput {
  readonly topic: string;
  readonly key: string;
  readonly value: unknown;
  readonly headers?: IHeaders;
}

export interface AvroSender {
  /** Resolves once the broker holds every one of `outputs`; they travel in one request. */
  send(outputs: readonly AvroOutput[]): Promise<void>;
}

export interface AvroSenderOptions {
  readonly producer: Pick<Producer, 'sendBatch'>;
  readonly codec: Pick<SchemaCodec, 'encode' | 'latestId'>;
  /** A send not acknowledged by then rejects with PublishTimeoutError. */
  readonly timeoutMs: number;
  /** The most sends gathered into one request (default 500). */
  readonly maxBatch?: number;
  /** Record batch compression (default none; docs/ingress.md says what GZIP measured). */
  readonly compression?: RecordCompression;
}

export interface AvroPublisherOptions extends AvroSenderOptions {
  readonly topic: string;
}

export class PublishTimeoutError extends Error {
  constructor(topics: string, timeoutMs: number) {
    super(`Kafka did not acknowledge the record on ${topics} within ${timeoutMs} ms`);
    this.name = 'PublishTimeoutError';
  }
}

/** The codecs kafkajs ships without a plug-in. */
export const RECORD_COMPRESSIONS = ['none', 'gzip'] as const;
export type RecordCompression = (typeof RECORD_COMPRESSIONS)[number];

const KAFKAJS_COMPRESSION: Record<RecordCompression, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
};

interface TopicMessage {
  readonly topic: string;
  readonly message: Message;
}

/** Groups messages by topic for one request, each topic's in their order. */
export function topicMessagesOf(items: readonly (readonly TopicMessage[])[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const { topic, message } of items.flat()) {
    const messages = byTopic.get(topic);
    if (messages) messages.push(message);
    else byTopic.set(topic, [message]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

export function createAvroSender(options: AvroSenderOptions): AvroSender {
  const { producer, codec, timeoutMs } = options;
  // Looked up once per subject and kept; a failed lookup is retried on the next send.
  const schemaIds = new Map<string, Promise<number>>();
  const idOf = (subject: string): Promise<number> => {
    let id = schemaIds.get(subject);
    if (id === undefined) {
      id = codec.latestId(subject).catch((error: unknown) => {
        schemaIds.delete(subject);
        throw error;
      });
      schemaIds.set(subject, id);
    }
    return id;
  };

  const sendBatch = createCoalescingBatcher<readonly TopicMessage[], void>({
    maxBatch: options.maxBatch ?? 500,
    run: async (items) => {
      await producer.sendBatch({
        acks: -1,
        topicMessages: topicMessagesOf(items),
        compression: KAFKAJS_COMPRESSION[options.compression ?? 'none'],
      });
      return items.map(() => undefined);
    },
  });

  const encoded = async (output: AvroOutput): Promise<TopicMessage> => {
    const { topic, key, value, headers } = output;
    const bytes = await codec.encode(await idOf(`${topic}-value`), value);
    return { topic, message: { key, value: bytes, ...(headers ? { headers } : {}) } };
  };

  return {
    async send(outputs) {
      const topics = [...new Set(outputs.map((output) => output.topic))].join(', ');
      // At the deadline the records are withdrawn if they still wait for a request: a caller
      // told "not published" (ingress answers 503, and the provider retries) must not find
      // them written later. Records already in a request may still land: the one window for
      // a duplicate, which the stages absorb; never a loss.
      const deadline = new AbortController();
      const timer = setTimeout(
        () => deadline.abort(new PublishTimeoutError(topics, timeoutMs)),
        timeoutMs,
      );
      const expired = new Promise<never>((_, reject) =>
        deadline.signal.addEventListener('abort', () => reject(deadline.signal.reason as Error)),
      );
      const work = (async () =>
        sendBatch(await Promise.all(outputs.map(encoded)), deadline.signal))();
      work.catch(() => undefined);
      expired.catch(() => undefined);
      try {
        await Promise.race([work, expired]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export function createAvroPublisher<T>(options: AvroPublisherOptions): AvroPublisher<T> {
  const sender = createAvroSender(options);
  return {
    publish: (key, value, headers) =>
      sender.send([{ topic: options.topic, key, value, ...(headers ? { headers } : {}) }]),
  };
}
