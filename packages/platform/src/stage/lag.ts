/**
 * How far behind a stage is on each partition it reads, as the stage itself knows it: the lag
 * (records written but not yet processed) and the age of the oldest record it has fetched and
 * not yet processed. `lag-gauges.ts` exports them; the decisions are here.
 *
 * The rule for commit markers. The stages' inputs are written in Kafka transactions, so the
 * last offset of a partition is usually a commit (or abort) marker: a control record that takes
 * an offset but is never delivered as a message. Lag counted from the last *message* processed,
 * `highWatermark - (lastProcessed + 1)`, would read 1 forever on an idle, caught-up partition
 * (and that is what external tools reading committed offsets show, `docs/operations.md`).
 * Guessing how many markers trail a partition cannot work either: they are unknowable without
 * fetching them. So the lag is counted from the stage's *position*, the next offset it will
 * read, which kafkajs moves past the markers it fetched:
 *
 *     lag = max(0, highWatermark - position)
 *
 * - After a batch is processed to its end, the position is `batch.lastOffset() + 1`, where
 *   kafkajs's `lastOffset()` counts the control records and aborted records fetched after the
 *   last message (the offset `nextOffsetToCommit` commits). A marker fetched with its records
 *   is passed at once.
 * - A marker that arrives on its own (the records were fetched before their transaction's
 *   marker was written, or the group restarted from an offset just before it) makes a batch
 *   with no message, which kafkajs never hands to `eachBatch`: it resolves it itself and
 *   reports it as a batch of size 0 (the END_BATCH_PROCESS event) whose `lastOffset` is the
 *   marker. Its position is then `lastOffset + 1`: the partition reads 0.
 * - A fetch that returns nothing at all changes nothing: the position is already the end.
 * - Before the stage has fetched a partition since it was assigned, its position is the group's
 *   committed offset (`progressFromCommitted`), corrected by the first fetch.
 *
 * `highWatermark` is the one the partition had at the stage's last fetch of it (kafkajs's fetch
 * response): the lag is as of that fetch. While the stage is busy with a partition's batch or the
 * partition is paused (a record not due yet, a dependency down), records written meanwhile are
 * not counted until it is fetched again; the age of the oldest waiting record keeps growing, so
 * the two together show a stuck partition. The high watermark also counts records of
 * transactions still open: work on its way, not yet readable.
 */

/** Where a stage stands on one partition, as it last saw it. */
export interface PartitionProgress {
  /** The offset the partition's next record will take, at the stage's last fetch of it. */
  readonly highWatermark: string;
  /** The next offset the stage will read: every offset before it is processed or skipped. */
  readonly position: string;
  /** The Kafka timestamp (ms) of the oldest record fetched and not yet processed, if any. */
  readonly oldestWaitingMs?: number;
}

/** A record kafkajs fetched, as far as lag cares. */
export interface FetchedRecord {
  readonly offset: string;
  readonly timestamp: string;
}

/** A fetched partition batch, as kafkajs gives it to `eachBatch`. */
export interface FetchedBatch {
  readonly highWatermark: string;
  readonly messages: readonly FetchedRecord[];
  /** The first offset fetched, control records included (kafkajs `batch.firstOffset()`). */
  readonly firstOffset: string | null;
}

/** Records written to the partition that the stage has not processed yet; never negative. */
export function partitionLag(progress: PartitionProgress): number {
  const lag = BigInt(progress.highWatermark) - BigInt(progress.position);
  return lag > 0n ? Number(lag) : 0;
}

/** Seconds since the oldest fetched, unprocessed record was written; 0 when none waits. */
export function oldestWaitingSeconds(progress: PartitionProgress, nowMs: number): number {
  if (progress.oldestWaitingMs === undefined) return 0;
  return Math.max(0, nowMs - progress.oldestWaitingMs) / 1000;
}

/**
 * A partition once the stage has processed its fetched batch up to `position` (`position` at the
 * batch's first offset: just fetched, nothing processed yet). The batch's records from
 * `position` on are waiting.
 */
export function progressOfBatch(batch: FetchedBatch, position: string): PartitionProgress {
  const from = BigInt(position);
  let oldest: number | undefined;
  for (const message of batch.messages) {
    if (BigInt(message.offset) < from) continue;
    const timestamp = Number(message.timestamp);
    if (Number.isFinite(timestamp) && (oldest === undefined || timestamp < oldest)) {
      oldest = timestamp;
    }
  }
  return {
    highWatermark: batch.highWatermark,
    position,
    ...(oldest === undefined ? {} : { oldestWaitingMs: oldest }),
  };
}

/** A batch just fetched: everything in it waits. */
export function progressOfFetched(batch: FetchedBatch): PartitionProgress {
  const position = batch.firstOffset ?? batch.messages[0]?.offset ?? batch.highWatermark;
  return progressOfBatch(batch, position);
}

/**
 * A batch that held no message to process: only control records (commit or abort markers) or
 * aborted records. kafkajs resolves it itself, never calling `eachBatch`, and reports it as a
 * batch of size 0 ending at `lastOffset`: the stage has read past it.
 */
export function progressPastEmptyBatch(batch: {
  readonly highWatermark: string;
  readonly lastOffset: string;
}): PartitionProgress {
  return {
    highWatermark: batch.highWatermark,
    position: (BigInt(batch.lastOffset) + 1n).toString(),
  };
}

/**
 * A partition newly assigned, before the stage's first fetch of it: it resumes at the group's
 * committed offset (`-1`: none, so at the start of the log, as the stages subscribe
 * `fromBeginning`; below the log's start: at its start, where Kafka resets it).
 */
export function progressFromCommitted(offsets: {
  readonly committed: string;
  readonly high: string;
  readonly low: string;
}): PartitionProgress {
  const committed = BigInt(offsets.committed);
  const low = BigInt(offsets.low);
  return {
    highWatermark: offsets.high,
    position: (committed < 0n || committed < low ? low : committed).toString(),
  };
}

/** A topic-partition a consumer group reads. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** kafkajs's GROUP_JOIN assignment (topic → partitions) as a list. */
export function assignedPartitions(
  assignment: Readonly<Record<string, readonly number[]>>,
): TopicPartition[] {
  return Object.entries(assignment).flatMap(([topic, partitions]) =>
    partitions.map((partition) => ({ topic, partition })),
  );
}

/**
 * The partitions a member held that a new assignment no longer gives it (a rebalance moved them
 * to another instance): their lag is that instance's to report, so this one drops them.
 */
export function revokedPartitions(
  held: Iterable<TopicPartition>,
  assignment: Readonly<Record<string, readonly number[]>>,
): TopicPartition[] {
  return [...held].filter(({ topic, partition }) => !assignment[topic]?.includes(partition));
}
