/**
 * One Kafka transaction for every partition a consumer has ready at once.
 *
 * Concurrent partition batches of one consumer group commit together: their outputs and their
 * offsets go in one transaction (group commit), so under load the broker writes one set of
 * transaction markers for many records instead of one per record per partition.
 *
 * Fencing a zombie. kafkajs has no KIP-447 (the consumer's generation in sendOffsets), so a
 * producer is fenced by the old rule: whoever initialises a transactional id fences the
 * previous holder of that id. The id space is one id per input topic-partition
 * (`transactionalIdFor`); a member transacts with the ids of its assigned partitions, and
 * after every new assignment, before its first commit, it initialises every id of its
 * subscription. An instance that lost its partitions without knowing it (frozen past the
 * session timeout) held one of those ids, so its next commit is refused. A live instance that
 * a rebalance fenced this way gets one refused commit, whose partition batch is read again.
 */
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { createCoalescingBatcher } from '../coalescing-batcher';

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

/** The partitions assigned to this member, by topic, as kafkajs reports them. */
export type Assignment = Readonly<Record<string, readonly number[]>>;

/** A commit for a partition this member no longer owns: its batch is read again by the owner. */
export class RevokedPartitionError extends Error {
  constructor(topic: string, partition: number) {
    super(`${topic}[${partition}] is no longer assigned to this member`);
    this.name = 'RevokedPartitionError';
  }
}

export interface GroupTransactions {
  /** Sends the records and commits the offset atomically, sharing the transaction with other
   * partitions' commits waiting at the same time; rejects if the transaction failed. */
  commit(commit: PartitionCommit): Promise<void>;
  /** Records a new assignment: the next transaction first fences every id of the subscription. */
  assigned(assignment: Assignment): void;
  disconnectAll(): Promise<void>;
}

export interface GroupTransactionsOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  /** The partition count of each subscribed topic (the ids to fence). */
  readonly partitionCounts: () => Promise<Readonly<Record<string, number>>>;
  /** Partition commits in one transaction at most. */
  readonly maxPartitionsPerTransaction?: number;
  /**
   * Transactions in flight at once (default 2): under light load a partition's commit need not
   * wait for another's, under load the waiting commits share the next transaction.
   */
  readonly transactionsInFlight?: number;
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

export function transactionalIdFor(groupId: string, topic: string, partition: number): string {
  return `bgs.${groupId}.${topic}.${partition}`;
}

/**
 * The ids this member transacts with: its assigned topic-partitions' ids, in order. Each
 * transaction in flight holds one, and there are never more transactions in flight than
 * partitions waiting to commit, so one is always free.
 */
export function assignedTransactionalIds(groupId: string, assignment: Assignment): string[] {
  return Object.keys(assignment)
    .sort()
    .flatMap((topic) =>
      [...(assignment[topic] ?? [])]
        .sort((a, b) => a - b)
        .map((partition) => transactionalIdFor(groupId, topic, partition)),
    );
}

/** Every id of the subscription: whoever held one of them before this assignment is fenced. */
export function fencingIds(
  groupId: string,
  partitionCounts: Readonly<Record<string, number>>,
): string[] {
  return Object.entries(partitionCounts).flatMap(([topic, count]) =>
    Array.from({ length: count }, (_, partition) => transactionalIdFor(groupId, topic, partition)),
  );
}

export function isAssigned(assignment: Assignment, topic: string, partition: number): boolean {
  return assignment[topic]?.includes(partition) ?? false;
}

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

export function createGroupTransactions(options: GroupTransactionsOptions): GroupTransactions {
  const { kafka, groupId } = options;
  let assignment: Assignment = {};
  /** The fencing of the current assignment, started by its first transaction. */
  let fencing: Promise<void> | undefined;
  const producers = new Map<string, Promise<Producer>>();
  const busy = new Set<string>();

  const newProducer = (transactionalId: string): Producer =>
    kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: TRANSACTION_RETRY,
    });

  /** Initialising an id fences its previous holder; an empty transaction does it in kafkajs. */
  const fence = async (transactionalId: string): Promise<void> => {
    const producer = newProducer(transactionalId);
    await producer.connect();
    try {
      await (await producer.transaction()).abort();
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  };

  const discard = async (transactionalId: string): Promise<void> => {
    const producer = producers.get(transactionalId);
    producers.delete(transactionalId);
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  };

  const producerFor = (transactionalId: string): Promise<Producer> => {
    let producer = producers.get(transactionalId);
    if (!producer) {
      const created = newProducer(transactionalId);
      producer = created.connect().then(() => created);
      // A failed connect must not stay cached.
      producer.catch(() => producers.delete(transactionalId));
      producers.set(transactionalId, producer);
    }
    return producer;
  };

  const fenceAll = async (): Promise<void> => {
    await Promise.all([...producers.keys()].map(discard));
    await Promise.all(fencingIds(groupId, await options.partitionCounts()).map(fence));
  };

  /** Once per assignment, before its first transaction: every earlier holder is fenced. */
  const fenceOnce = (): Promise<void> => {
    if (!fencing) {
      const started = fenceAll();
      fencing = started;
      // A failed fencing is tried again by the next transaction.
      started.catch(() => {
        if (fencing === started) fencing = undefined;
      });
    }
    return fencing;
  };

  const send = async (producer: Producer, commits: readonly PartitionCommit[]): Promise<void> => {
    const { topicMessages, offsetTopics } = mergeCommits(commits);
    const transaction = await producer.transaction();
    try {
      if (topicMessages.length > 0) {
        await transaction.sendBatch({
          acks: -1,
          topicMessages: topicMessages.map(({ topic, messages }) => ({
            topic,
            messages: messages.map((r) => ({
              key: r.key,
              value: r.value,
              headers: r.headers ? { ...r.headers } : {},
            })),
          })),
        });
      }
      await transaction.sendOffsets({ consumerGroupId: groupId, topics: offsetTopics });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  };

  const transact = async (commits: readonly PartitionCommit[]): Promise<void> => {
    await fenceOnce();
    const id = assignedTransactionalIds(groupId, assignment).find((i) => !busy.has(i));
    if (id === undefined) throw new Error(`no free transactional id in ${groupId}`);
    busy.add(id);
    try {
      await send(await producerFor(id), commits);
    } catch (error) {
      // A fenced or broken producer cannot be reused; the next transaction starts a fresh one.
      await discard(id);
      throw error;
    } finally {
      busy.delete(id);
    }
  };

  const batcher = createCoalescingBatcher<PartitionCommit, RevokedPartitionError | undefined>({
    maxBatch: options.maxPartitionsPerTransaction ?? 64,
    startOnNextTurn: true,
    concurrency: options.transactionsInFlight ?? 2,
    run: async (commits) => {
      // A partition revoked while its batch waited is not committed here: its new owner reads
      // it again from the last committed offset.
      const owned = commits.filter((c) =>
        isAssigned(assignment, c.offset.topic, c.offset.partition),
      );
      if (owned.length > 0) await transact(owned);
      return commits.map((c) =>
        owned.includes(c)
          ? undefined
          : new RevokedPartitionError(c.offset.topic, c.offset.partition),
      );
    },
  });

  return {
    async commit(commit) {
      const revoked = await batcher(commit);
      if (revoked) throw revoked;
    },
    assigned(next) {
      assignment = next;
      fencing = undefined;
    },
    async disconnectAll() {
      await Promise.all([...producers.keys()].map(discard));
    },
  };
}
