/**
 * One transactional producer per transaction slot of a consumer group (`slots.ts`): the
 * partition batches of one slot that are ready at once commit together, in one transaction,
 * under the slot's id; different slots commit in parallel. Whoever owns a slot next
 * initialises the same id, which fences the previous owner's producer (kafkajs has no KIP-447).
 */
import {
  Partitioners,
  type Kafka,
  type Producer,
  type ProducerBatch,
  type Transaction,
} from 'kafkajs';
import { createCoalescingBatcher, type CoalescingBatcher } from '../coalescing-batcher';
import { slotOf, transactionalIdForSlot } from './slots';

export interface PartitionOffset {
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

/** What one partition batch commits: its outputs and where its partition resumes. */
export interface PartitionCommit {
  readonly records: readonly TransactionalRecord[];
  readonly offset: PartitionOffset;
}

export interface SlotTransactions {
  /**
   * Sends the records and commits the offset atomically, in one transaction with the other
   * partitions of the same slot waiting at the same time; rejects if the transaction failed.
   */
  commit(commit: PartitionCommit): Promise<void>;
  disconnectAll(): Promise<void>;
}

/**
 * Right after a commit, the broker answers the next transaction's first request with
 * CONCURRENT_TRANSACTIONS until the previous commit's markers are written, which takes a few
 * milliseconds. kafkajs retries that answer after its retry time, 300 ms by the client's
 * default: under steady load every back-to-back batch of a partition paid it, once per hop
 * (tulios/kafkajs#304). The Java client waits 20 ms for it (KAFKA-5477); we start at 5 ms and
 * back off exponentially up to 30 s: on the local broker, 40 back-to-back transactions took
 * 82 ms each with 300 ms, 24 ms with 20 ms and 13 ms with 5 ms (bench/README.md). As kafkajs
 * advises for idempotence, a send retries until it succeeds rather than giving up out of
 * sequence (the producer's default, kept here).
 */
export const TRANSACTION_RETRY = {
  initialRetryTime: 5,
  maxRetryTime: 30_000,
  retries: Number.MAX_SAFE_INTEGER,
};

/**
 * The rest a slot takes between two transactions. Started at once, the next transaction's
 * first request met CONCURRENT_TRANSACTIONS while the broker wrote the previous one's markers;
 * kafkajs then retried it and refreshed the metadata: 200 back-to-back transactions on the
 * local broker made 386 AddPartitionsToTxn and 188 Metadata requests, 17 ms and 5.2 ms of
 * client CPU each. 3 ms apart they made 207 and 9, 11.7 ms and 3.7 ms. The commits that arrive
 * meanwhile join the next transaction.
 */
export const TRANSACTION_SETTLE_MS = 5;

/** The partition commits as one transaction's sends (by topic, in order) and offsets. */
export function mergeCommits(commits: readonly PartitionCommit[]): {
  topicMessages: { topic: string; messages: TransactionalRecord[] }[];
  offsetTopics: { topic: string; partitions: { partition: number; offset: string }[] }[];
} {
  const byTopic = new Map<string, TransactionalRecord[]>();
  const offsets = new Map<string, { partition: number; offset: string }[]>();
  for (const { records, offset } of commits) {
    for (const record of records) {
      const list = byTopic.get(record.topic) ?? [];
      list.push(record);
      byTopic.set(record.topic, list);
    }
    const partitions = offsets.get(offset.topic) ?? [];
    partitions.push({ partition: offset.partition, offset: offset.offset });
    offsets.set(offset.topic, partitions);
  }
  return {
    topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    offsetTopics: [...offsets].map(([topic, partitions]) => ({ topic, partitions })),
  };
}

/** The merged records as one `sendBatch` (every broker acknowledging); headers are copied. */
export function sendBatchOf(
  topicMessages: ReturnType<typeof mergeCommits>['topicMessages'],
): ProducerBatch {
  return {
    acks: -1,
    topicMessages: topicMessages.map(({ topic, messages }) => ({
      topic,
      messages: messages.map((r) => ({
        key: r.key,
        value: r.value,
        headers: r.headers ? { ...r.headers } : {},
      })),
    })),
  };
}

/** A group's slot producers by transactional id: each connected once, dropped once broken. */
function slotProducers(kafka: Kafka): {
  producerFor(transactionalId: string): Promise<Producer>;
  discard(transactionalId: string): Promise<void>;
  discardAll(): Promise<void>;
} {
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
    producerFor,
    discard,
    async discardAll() {
      await Promise.all([...producers.keys()].map((id) => discard(id)));
    },
  };
}

/** The commits' records and offsets, sent and committed in `transaction`. */
async function sendAndCommit(
  transaction: Transaction,
  groupId: string,
  commits: readonly PartitionCommit[],
): Promise<void> {
  const { topicMessages, offsetTopics } = mergeCommits(commits);
  if (topicMessages.length > 0) await transaction.sendBatch(sendBatchOf(topicMessages));
  await transaction.sendOffsets({ consumerGroupId: groupId, topics: offsetTopics });
  await transaction.commit();
}

export function createSlotTransactions(
  kafka: Kafka,
  options: { readonly groupId: string; readonly partitionsPerSlot: number },
): SlotTransactions {
  const { groupId, partitionsPerSlot } = options;
  const producers = slotProducers(kafka);
  const batchers = new Map<number, CoalescingBatcher<PartitionCommit, void>>();

  const transact = async (slot: number, commits: readonly PartitionCommit[]): Promise<void[]> => {
    const id = transactionalIdForSlot(groupId, slot);
    const producer = await producers.producerFor(id);
    const transaction = await producer.transaction();
    try {
      await sendAndCommit(transaction, groupId, commits);
      return commits.map(() => undefined);
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      // A fenced or broken producer cannot be reused; the next batch starts a fresh one.
      await producers.discard(id);
      throw error;
    }
  };

  /** One transaction at a time per slot (one id); the commits that wait meanwhile share the next. */
  const batcherOf = (slot: number): CoalescingBatcher<PartitionCommit, void> => {
    let batcher = batchers.get(slot);
    if (!batcher) {
      batcher = createCoalescingBatcher<PartitionCommit, void>({
        run: (commits) => transact(slot, commits),
        maxBatch: Number.MAX_SAFE_INTEGER,
        startOnNextTurn: true,
        pauseBetweenBatchesMs: TRANSACTION_SETTLE_MS,
      });
      batchers.set(slot, batcher);
    }
    return batcher;
  };

  return {
    commit: (commit) => batcherOf(slotOf(commit.offset.partition, partitionsPerSlot))(commit),
    disconnectAll: () => producers.discardAll(),
  };
}
