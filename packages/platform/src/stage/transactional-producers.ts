/**
 * One transactional producer per consumed topic-partition. kafkajs has no KIP-447 (consumer
 * group metadata in sendOffsets), so fencing a zombie relies on the old rule: the
 * transactional id follows the input partition, and whoever owns the partition next
 * initialises the same id, which fences the previous owner's producer.
 */
import { Partitioners, type Kafka, type Producer } from 'kafkajs';

export interface TransactionOffsets {
  readonly consumerGroupId: string;
  readonly topic: string;
  readonly partition: number;
  /** The next offset to read: last processed + 1. */
  readonly offset: string;
}

export interface TransactionalRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface TransactionalProducers {
  /** Sends the records and commits the offsets atomically; aborts and rethrows on failure. */
  commit(records: readonly TransactionalRecord[], offsets: TransactionOffsets): Promise<void>;
  disconnectAll(): Promise<void>;
}

/**
 * Right after a commit, the broker answers the next transaction's first request with
 * CONCURRENT_TRANSACTIONS until the previous commit's markers are written, which takes a few
 * milliseconds. kafkajs retries that answer after its retry time, 300 ms by the client's
 * default: under steady load every back-to-back batch of a partition paid it, once per hop
 * (tulios/kafkajs#304). The Java client waits 20 ms for it (KAFKA-5477); we start at 5 ms and
 * back off exponentially up to 30 s: on the local broker, 40 back-to-back transactions took
 * 82 ms each with 300 ms, 24 ms with 20 ms and 13 ms with 5 ms (bench/README.md). As kafkajs advises for idempotence, a send retries until
 * it succeeds rather than giving up out of sequence (the producer's default, kept here).
 */
export const TRANSACTION_RETRY = {
  initialRetryTime: 5,
  maxRetryTime: 30_000,
  retries: Number.MAX_SAFE_INTEGER,
};

export function transactionalIdFor(groupId: string, topic: string, partition: number): string {
  return `bgs.${groupId}.${topic}.${partition}`;
}

export function createTransactionalProducers(kafka: Kafka): TransactionalProducers {
  const producers = new Map<string, Promise<Producer>>();

  const producerFor = (transactionalId: string): Promise<Producer> => {
    let producer = producers.get(transactionalId);
    if (!producer) {
      const created = kafka.producer({
        transactionalId,
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: TRANSACTION_RETRY,
      });
      producer = created.connect().then(() => created);
      // A failed connect must not stay cached.
      producer.catch(() => producers.delete(transactionalId));
      producers.set(transactionalId, producer);
    }
    return producer;
  };

  const discard = async (transactionalId: string): Promise<void> => {
    const producer = producers.get(transactionalId);
    producers.delete(transactionalId);
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  };

  return {
    async commit(records, offsets) {
      const id = transactionalIdFor(offsets.consumerGroupId, offsets.topic, offsets.partition);
      const producer = await producerFor(id);
      const transaction = await producer.transaction();
      try {
        const byTopic = new Map<string, TransactionalRecord[]>();
        for (const record of records) {
          const list = byTopic.get(record.topic) ?? [];
          list.push(record);
          byTopic.set(record.topic, list);
        }
        if (byTopic.size > 0) {
          await transaction.sendBatch({
            acks: -1,
            topicMessages: [...byTopic].map(([topic, list]) => ({
              topic,
              messages: list.map((r) => ({
                key: r.key,
                value: r.value,
                headers: r.headers ? { ...r.headers } : {},
              })),
            })),
          });
        }
        await transaction.sendOffsets({
          consumerGroupId: offsets.consumerGroupId,
          topics: [
            {
              topic: offsets.topic,
              partitions: [{ partition: offsets.partition, offset: offsets.offset }],
            },
          ],
        });
        await transaction.commit();
      } catch (error) {
        await transaction.abort().catch(() => undefined);
        // A fenced or broken producer cannot be reused; the next batch starts a fresh one.
        await discard(id);
        throw error;
      }
    },
    async disconnectAll() {
      const ids = [...producers.keys()];
      await Promise.all(ids.map((id) => discard(id)));
    },
  };
}
