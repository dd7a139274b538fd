/**
 * Publishes Avro records to one topic and resolves only once the broker holds them (acks=all),
 * or rejects within a bounded time. Callers that answer someone (ingress) must not say "done"
 * before this resolves.
 *
 * Publishes that arrive while a send is in flight are gathered into the next send: the
 * idempotent producer allows one request in flight, so one send per record would cap
 * throughput at one broker round trip per record. Records keep their call order, so a
 * company's records keep theirs. That gathering is `createCoalescingBatcher`, which ingress
 * also uses for its Postgres claims: one home for the pattern.
 */
import type { IHeaders, Message, Producer } from 'kafkajs';
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

export interface CoalescingBatcherOptions<Item, Result> {
  /**
   * One round trip for the whole batch, resolving with one result per item, in item order.
   * A rejection fails every item of the batch with that error.
   */
  readonly run: (items: readonly Item[]) => Promise<readonly Result[]>;
  /** The most items in one batch. */
  readonly maxBatch: number;
  /**
   * When nothing is in flight, start on the next event-loop turn instead of at once, so that
   * calls made in the same turn share the first batch. A turn, not a timer: no added latency.
   */
  readonly startOnNextTurn?: boolean;
}

/** Submits one item; resolves with its own result once its batch has run. */
export type CoalescingBatcher<Item, Result> = (item: Item) => Promise<Result>;

interface Pending<Item, Result> {
  readonly item: Item;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers the calls made while a batch is in flight into the next batch, with one batch in
 * flight at a time: under load each round trip serves everyone who waited for it; when idle a
 * call goes out at once (or on the next turn). A failed batch never rejects the batcher itself.
 */
export function createCoalescingBatcher<Item, Result>(
  options: CoalescingBatcherOptions<Item, Result>,
): CoalescingBatcher<Item, Result> {
  const { run, maxBatch } = options;
  const queue: Pending<Item, Result>[] = [];
  let state: 'idle' | 'scheduled' | 'running' = 'idle';

  const settle = async (batch: readonly Pending<Item, Result>[]): Promise<void> => {
    try {
      const results = await run(batch.map((pending) => pending.item));
      if (results.length !== batch.length) {
        throw new Error(`a batch of ${batch.length} items gave ${results.length} results`);
      }
      batch.forEach((pending, index) => pending.resolve(results[index] as Result));
    } catch (error) {
      batch.forEach((pending) => pending.reject(error));
    }
  };
  const drain = async (): Promise<void> => {
    state = 'running';
    while (queue.length > 0) await settle(queue.splice(0, maxBatch));
    state = 'idle';
  };

  return (item) =>
    new Promise<Result>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (state !== 'idle') return;
      if (options.startOnNextTurn) {
        state = 'scheduled';
        setImmediate(() => void drain());
      } else {
        void drain();
      }
    });
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
