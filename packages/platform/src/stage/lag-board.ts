/**
 * The board the lag gauges read (`lag-gauges.ts`): one entry per group and topic-partition with
 * its progress. Each stage instance writes only the partitions its groups are assigned now;
 * which those are, and how a rejoin or a committed offset changes them, is decided here.
 */
import {
  assignedPartitions,
  progressFromCommitted,
  revokedPartitions,
  type PartitionProgress,
  type TopicPartition,
} from './lag';

export type LagLabels = 'stage' | 'group' | 'topic' | 'partition';

export interface Entry {
  readonly labels: Record<LagLabels, string>;
  progress?: PartitionProgress;
}

/** The partitions of every stage consumer of a service, behind its one pair of gauges. */
export type Board = Map<string, Entry>;

/** A group's current assignment in this instance, and how many it has had. */
export interface GroupAssignment {
  readonly generation: number;
  readonly assigned: ReadonlyMap<string, TopicPartition>;
}

const partitionKey = (topic: string, partition: number): string => `${topic}|${partition}`;

const entryKey = (groupId: string, topic: string, partition: number): string =>
  `${groupId}|${partitionKey(topic, partition)}`;

/**
 * A group's next assignment after a GROUP_JOIN (or, with an empty assignment, after its
 * consumer is gone): the next generation, the partitions it now holds, and those it lost.
 */
export function rejoinedGroup(
  previous: GroupAssignment | undefined,
  assignment: Readonly<Record<string, readonly number[]>>,
): {
  readonly next: GroupAssignment;
  readonly assigned: TopicPartition[];
  readonly revoked: TopicPartition[];
} {
  const assigned = assignedPartitions(assignment);
  return {
    next: {
      generation: (previous?.generation ?? 0) + 1,
      assigned: new Map(assigned.map((p) => [partitionKey(p.topic, p.partition), p])),
    },
    assigned,
    revoked: revokedPartitions(previous?.assigned.values() ?? [], assignment),
  };
}

/** A partition's committed offset, as the admin client's fetchOffsets answers it. */
export interface CommittedOffsets {
  readonly topic: string;
  readonly partitions: readonly { readonly partition: number; readonly offset: string }[];
}

/** A topic's partition ends, as the admin client's fetchTopicOffsets answers them. */
export interface TopicEnds {
  readonly topic: string;
  readonly ends: readonly {
    readonly partition: number;
    readonly high: string;
    readonly low: string;
  }[];
}

/**
 * Where each of `partitions` resumes, from the group's committed offsets and the partitions'
 * ends; a partition missing from either answer is left out.
 */
export function resumeProgress(
  partitions: readonly TopicPartition[],
  committed: readonly CommittedOffsets[],
  ends: readonly TopicEnds[],
): { readonly topic: string; readonly partition: number; readonly progress: PartitionProgress }[] {
  return partitions.flatMap(({ topic, partition }) => {
    const end = ends.find((e) => e.topic === topic)?.ends.find((e) => e.partition === partition);
    const offset = committed
      .find((c) => c.topic === topic)
      ?.partitions.find((p) => p.partition === partition)?.offset;
    if (!end || offset === undefined) return [];
    const progress = progressFromCommitted({ committed: offset, high: end.high, low: end.low });
    return [{ topic, partition, progress }];
  });
}

/** One stage instance's share of the board: its groups' assigned partitions. */
export interface StageBoard {
  /** Records a partition's progress, if this instance is still assigned the partition. */
  record(
    groupId: string,
    topic: string,
    partition: number,
    progress: PartitionProgress,
    onlyIfUnseen?: boolean,
  ): void;
  /** Takes a new assignment; resolves to its generation and the partitions without progress. */
  join(
    groupId: string,
    assignment: Readonly<Record<string, readonly number[]>>,
  ): { readonly generation: number; readonly unseen: TopicPartition[] };
  /** Whether `generation` is still the group's current assignment. */
  isCurrent(groupId: string, generation: number): boolean;
  /** The group's consumer is gone: none of its partitions are ours now. */
  forget(groupId: string): void;
  /** Drops every partition and records nothing more. */
  stop(): void;
  readonly stopped: boolean;
}

export function stageBoard(stage: string, board: Board): StageBoard {
  const groups = new Map<string, GroupAssignment>();
  let stopped = false;

  const rejoin = (groupId: string, assignment: Readonly<Record<string, readonly number[]>>) => {
    const { next, assigned, revoked } = rejoinedGroup(groups.get(groupId), assignment);
    for (const { topic, partition } of revoked) board.delete(entryKey(groupId, topic, partition));
    groups.set(groupId, next);
    return { generation: next.generation, assigned };
  };

  return {
    record(groupId, topic, partition, progress, onlyIfUnseen = false) {
      if (stopped || !groups.get(groupId)?.assigned.has(partitionKey(topic, partition))) return;
      const key = entryKey(groupId, topic, partition);
      if (board.get(key)?.progress && onlyIfUnseen) return;
      board.set(key, {
        labels: { stage, group: groupId, topic, partition: String(partition) },
        progress,
      });
    },
    join(groupId, assignment) {
      const { generation, assigned } = rejoin(groupId, assignment);
      const unseen = assigned.filter(
        ({ topic, partition }) => !board.get(entryKey(groupId, topic, partition))?.progress,
      );
      return { generation, unseen };
    },
    isCurrent: (groupId, generation) => groups.get(groupId)?.generation === generation,
    forget(groupId) {
      rejoin(groupId, {});
    },
    stop() {
      stopped = true;
      for (const groupId of groups.keys()) rejoin(groupId, {});
    },
    get stopped() {
      return stopped;
    },
  };
}
