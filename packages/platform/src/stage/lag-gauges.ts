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
  oldestWaitingSeconds,
  partitionLag,
  progressOfBatch,
  progressOfFetched,
  progressPastEmptyBatch,
  type FetchedBatch,
  type TopicPartition,
} from './lag';
import { resumeProgress, stageBoard, type Board, type StageBoard } from './lag-board';

export const LAG_GAUGE = 'bgs_stage_consumer_lag';
export const OLDEST_AGE_GAUGE = 'bgs_stage_oldest_unprocessed_age_seconds';

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

const fetchedBatch = (batch: Batch): FetchedBatch => ({
  highWatermark: batch.highWatermark,
  messages: batch.messages,
  firstOffset: batch.firstOffset(),
});

/** An admin client connected on first use; a failed connect is not kept. */
function lazyAdmin(kafka: Kafka): { get(): Promise<Admin>; close(): Promise<void> } {
  let admin: Promise<Admin> | undefined;
  return {
    get() {
      if (!admin) {
        const client = kafka.admin();
        admin = client.connect().then(
          () => client,
          (error: unknown) => {
            admin = undefined;
            throw error;
          },
        );
      }
      return admin;
    },
    async close() {
      const client = await admin?.catch(() => undefined);
      await client?.disconnect().catch(() => undefined);
    },
  };
}

/**
 * Newly assigned partitions the stage has not fetched yet start at the group's committed
 * offset: an idle partition gets its 0 (or its backlog) without waiting for traffic. A fetch
 * that lands first wins; an answer for an older assignment is dropped.
 */
async function seedFromCommitted(
  into: {
    readonly board: StageBoard;
    readonly admin: () => Promise<Admin>;
    readonly logger: Logger;
  },
  groupId: string,
  generation: number,
  partitions: readonly TopicPartition[],
): Promise<void> {
  try {
    const client = await into.admin();
    const topics = [...new Set(partitions.map((p) => p.topic))];
    const [committed, ends] = await Promise.all([
      client.fetchOffsets({ groupId, topics }),
      Promise.all(
        topics.map(async (topic) => ({ topic, ends: await client.fetchTopicOffsets(topic) })),
      ),
    ]);
    if (!into.board.isCurrent(groupId, generation)) return;
    for (const { topic, partition, progress } of resumeProgress(partitions, committed, ends)) {
      into.board.record(groupId, topic, partition, progress, true);
    }
  } catch (error) {
    if (into.board.stopped) return;
    into.logger.warn(
      'could not read where newly assigned partitions resume; their lag shows from their first fetch',
      {
        groupId,
        error: describeError(error),
      },
    );
  }
}

export function stageLag(options: StageLagOptions): StageLag {
  const now = options.now ?? Date.now;
  const board = stageBoard(options.stage, boardOf(options.registry, now));
  const admin = lazyAdmin(options.kafka);
  const seeding = { board, admin: () => admin.get(), logger: options.logger };

  const joined = (groupId: string, assignment: Readonly<Record<string, readonly number[]>>) => {
    const { generation, unseen } = board.join(groupId, assignment);
    if (unseen.length > 0 && !board.stopped) {
      void seedFromCommitted(seeding, groupId, generation, unseen);
    }
  };

  return {
    watch(consumer, groupId) {
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
        joined(groupId, payload.memberAssignment),
      );
      // Batches of only markers or aborted records never reach eachBatch (`lag.ts`).
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        if (payload.batchSize !== 0) return;
        board.record(groupId, payload.topic, payload.partition, progressPastEmptyBatch(payload));
      });
    },
    fetched(groupId, batch) {
      board.record(groupId, batch.topic, batch.partition, progressOfFetched(fetchedBatch(batch)));
    },
    processed(groupId, batch, position) {
      board.record(
        groupId,
        batch.topic,
        batch.partition,
        progressOfBatch(fetchedBatch(batch), position),
      );
    },
    forget: (groupId) => board.forget(groupId),
    async stop() {
      board.stop();
      await admin.close();
    },
  };
}
