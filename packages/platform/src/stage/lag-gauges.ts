/**
 * Each stage's lag, from the stage itself, as Prometheus gauges per consumer group and
 * topic-partition (the rules are in `lag.ts`):
 * - `bgs_stage_consumer_lag`: records written to the partition that the stage has not processed,
 *   counted from its position, so the commit marker closing the last transaction is not lag and
 *   an idle, caught-up partition reads 0;
 * - `bgs_stage_oldest_unprocessed_age_seconds`: how long ago the oldest record the stage has
 *   fetched and not yet processed was written; 0 when none waits.
 * Only the partitions this instance is assigned have series: a rebalance drops the ones it lost
 * (GROUP_JOIN's assignment), so a scaled-in or restarted instance leaves no stale lag behind.
 */
import type { Admin, Batch, Consumer, Kafka } from 'kafkajs';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from 'winston';
import { describeError } from '../logger';
import {
  assignedPartitions,
  oldestWaitingSeconds,
  partitionLag,
  progressFromCommitted,
  progressOfBatch,
  progressOfFetched,
  progressPastEmptyBatch,
  revokedPartitions,
  type FetchedBatch,
  type PartitionProgress,
  type TopicPartition,
} from './lag';

export const LAG_GAUGE = 'bgs_stage_consumer_lag';
export const OLDEST_AGE_GAUGE = 'bgs_stage_oldest_unprocessed_age_seconds';

type LagLabels = 'stage' | 'group' | 'topic' | 'partition';

interface Entry {
  readonly labels: Record<LagLabels, string>;
  progress?: PartitionProgress;
}

/** The partitions of every stage consumer of a service, behind its one pair of gauges. */
type Board = Map<string, Entry>;

const boards = new WeakMap<Registry, Board>();

/** One board and one pair of gauges per registry: a service's stage consumers share them. */
function boardOf(registry: Registry, now: () => number): Board {
  const found = boards.get(registry);
  if (found) return found;
  const board: Board = new Map();
  const labelNames = ['stage', 'group', 'topic', 'partition'] as const;
  new Gauge({
    name: LAG_GAUGE,
    help:
      'Records written to a partition that the stage has not processed yet, as of its last fetch ' +
      'of it; transaction markers are not counted, so an idle partition reads 0',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const { labels, progress } of board.values()) {
        if (progress) this.set(labels, partitionLag(progress));
      }
    },
  });
  new Gauge({
    name: OLDEST_AGE_GAUGE,
    help:
      'Seconds since the oldest record the stage fetched and has not processed yet was written ' +
      '(0 when none waits); records not fetched yet are not seen here, the lag counts them',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      const at = now();
      for (const { labels, progress } of board.values()) {
        if (progress) this.set(labels, oldestWaitingSeconds(progress, at));
      }
    },
  });
  boards.set(registry, board);
  return board;
}

export interface StageLagOptions {
  readonly stage: string;
  readonly kafka: Kafka;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly now?: () => number;
}

/** What the stage runtime tells the gauges; `stage-consumer.ts` calls it. */
export interface StageLag {
  /** Follows a group's consumer: its assignments, and the batches kafkajs resolves itself. */
  watch(consumer: Consumer, groupId: string): void;
  /** A partition batch handed to the stage: all of it waits. */
  fetched(groupId: string, batch: Batch): void;
  /** The stage processed the batch up to `position`, the offset it committed. */
  processed(groupId: string, batch: Batch, position: string): void;
  /** The group's consumer is gone (replaced after a crash): its partitions are no longer ours. */
  forget(groupId: string): void;
  stop(): Promise<void>;
}

const partitionKey = (topic: string, partition: number): string => `${topic}|${partition}`;

const fetchedBatch = (batch: Batch): FetchedBatch => ({
  highWatermark: batch.highWatermark,
  messages: batch.messages,
  firstOffset: batch.firstOffset(),
});

export function stageLag(options: StageLagOptions): StageLag {
  const now = options.now ?? Date.now;
  const board = boardOf(options.registry, now);
  /** Per group of this stage: its current assignment, and how many it has had. */
  const groups = new Map<string, { generation: number; assigned: Map<string, TopicPartition> }>();
  let admin: Promise<Admin> | undefined;
  let stopped = false;

  const entryKey = (groupId: string, topic: string, partition: number) =>
    `${groupId}|${partitionKey(topic, partition)}`;

  /** Records a partition's progress, if this instance is still assigned the partition. */
  const record = (
    groupId: string,
    topic: string,
    partition: number,
    progress: PartitionProgress,
    onlyIfUnseen = false,
  ): void => {
    if (stopped || !groups.get(groupId)?.assigned.has(partitionKey(topic, partition))) return;
    const key = entryKey(groupId, topic, partition);
    const entry = board.get(key);
    if (entry?.progress && onlyIfUnseen) return;
    board.set(key, {
      labels: { stage: options.stage, group: groupId, topic, partition: String(partition) },
      progress,
    });
  };

  const adminClient = (): Promise<Admin> => {
    if (!admin) {
      const client = options.kafka.admin();
      admin = client.connect().then(
        () => client,
        (error: unknown) => {
          admin = undefined;
          throw error;
        },
      );
    }
    return admin;
  };

  /**
   * Newly assigned partitions the stage has not fetched yet start at the group's committed
   * offset: an idle partition gets its 0 (or its backlog) without waiting for traffic. A fetch
   * that lands first wins; an answer for an older assignment is dropped.
   */
  const seed = async (groupId: string, generation: number, partitions: TopicPartition[]) => {
    try {
      const client = await adminClient();
      const topics = [...new Set(partitions.map((p) => p.topic))];
      const [committed, ends] = await Promise.all([
        client.fetchOffsets({ groupId, topics }),
        Promise.all(
          topics.map(async (topic) => ({ topic, ends: await client.fetchTopicOffsets(topic) })),
        ),
      ]);
      if (groups.get(groupId)?.generation !== generation) return;
      for (const { topic, partition } of partitions) {
        const end = ends
          .find((e) => e.topic === topic)
          ?.ends.find((e) => e.partition === partition);
        const offset = committed
          .find((c) => c.topic === topic)
          ?.partitions.find((p) => p.partition === partition)?.offset;
        if (!end || offset === undefined) continue;
        record(
          groupId,
          topic,
          partition,
          progressFromCommitted({ committed: offset, high: end.high, low: end.low }),
          true,
        );
      }
    } catch (error) {
      if (stopped) return;
      options.logger.warn(
        'could not read where newly assigned partitions resume; their lag shows from their first fetch',
        {
          groupId,
          error: describeError(error),
        },
      );
    }
  };

  const dropGroup = (groupId: string, partitions: Iterable<TopicPartition>) => {
    for (const { topic, partition } of partitions)
      board.delete(entryKey(groupId, topic, partition));
  };

  const joined = (groupId: string, assignment: Readonly<Record<string, readonly number[]>>) => {
    const previous = groups.get(groupId);
    dropGroup(groupId, revokedPartitions(previous?.assigned.values() ?? [], assignment));
    const assigned = assignedPartitions(assignment);
    const generation = (previous?.generation ?? 0) + 1;
    groups.set(groupId, {
      generation,
      assigned: new Map(assigned.map((p) => [partitionKey(p.topic, p.partition), p])),
    });
    const unseen = assigned.filter(
      ({ topic, partition }) => !board.get(entryKey(groupId, topic, partition))?.progress,
    );
    if (unseen.length > 0 && !stopped) void seed(groupId, generation, unseen);
  };

  const forget = (groupId: string) => {
    const previous = groups.get(groupId);
    dropGroup(groupId, previous?.assigned.values() ?? []);
    groups.set(groupId, { generation: (previous?.generation ?? 0) + 1, assigned: new Map() });
  };

  return {
    watch(consumer, groupId) {
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
        joined(groupId, payload.memberAssignment),
      );
      // Batches of only markers or aborted records never reach eachBatch (`lag.ts`).
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        if (payload.batchSize !== 0) return;
        record(groupId, payload.topic, payload.partition, progressPastEmptyBatch(payload));
      });
    },
    fetched(groupId, batch) {
      record(groupId, batch.topic, batch.partition, progressOfFetched(fetchedBatch(batch)));
    },
    processed(groupId, batch, position) {
      record(groupId, batch.topic, batch.partition, progressOfBatch(fetchedBatch(batch), position));
    },
    forget,
    async stop() {
      stopped = true;
      for (const groupId of groups.keys()) forget(groupId);
      const client = await admin?.catch(() => undefined);
      await client?.disconnect().catch(() => undefined);
    },
  };
}
