/**
 * Transaction slots: the unit a stage's consumer group is assigned and commits in.
 *
 * kafkajs has no KIP-447 (the consumer's generation in TxnOffsetCommit), so a zombie instance
 * is fenced by the old rule: whoever initialises a transactional id fences its previous
 * holder, and every commit of a partition goes through the one id its current owner
 * initialised. One id per partition made every partition batch its own transaction. A slot is
 * a fixed block of partition numbers (`partitionsPerSlot` of them, across every topic the group
 * reads): the group is assigned whole slots, and the batches of one slot's partitions that are
 * ready at once share one transaction under the slot's id. The slot's next owner initialises
 * that id and so fences the previous one, as before. The price: a group has at most as many
 * busy members as slots.
 */
import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/** Partitions per slot by default: 6 partitions make 2 slots, so 2 instances of a stage. */
export const DEFAULT_PARTITIONS_PER_SLOT = 3;

export const slotOf = (partition: number, partitionsPerSlot: number): number =>
  Math.floor(partition / partitionsPerSlot);

export function transactionalIdForSlot(groupId: string, slot: number): string {
  return `bgs.${groupId}.slot-${slot}`;
}

export type TopicPartitions = Readonly<Record<string, readonly number[]>>;

/**
 * Whole slots to members, round robin over the members in id order: every partition of a
 * slot, in every topic, goes to the same member. Members left without a slot get nothing.
 */
export function assignSlots(
  memberIds: readonly string[],
  partitionsByTopic: TopicPartitions,
  partitionsPerSlot: number,
): Map<string, Record<string, number[]>> {
  const members = [...memberIds].sort();
  const slots = [
    ...new Set(
      Object.values(partitionsByTopic).flatMap((ps) => ps.map((p) => slotOf(p, partitionsPerSlot))),
    ),
  ].sort((a, b) => a - b);
  const ownerOf = new Map(slots.map((slot, index) => [slot, members[index % members.length]]));
  const assignment = new Map<string, Record<string, number[]>>();
  for (const [topic, partitions] of Object.entries(partitionsByTopic)) {
    for (const partition of [...partitions].sort((a, b) => a - b)) {
      const owner = ownerOf.get(slotOf(partition, partitionsPerSlot));
      if (owner === undefined) continue;
      const byTopic = assignment.get(owner) ?? {};
      (byTopic[topic] ??= []).push(partition);
      assignment.set(owner, byTopic);
    }
  }
  return assignment;
}

/**
 * The kafkajs assigner for slots. Its protocol name carries the slot size, so members that
 * disagree on it cannot form a group (the broker refuses the odd one) instead of splitting a
 * slot between two of them.
 */
export function slotAssigner(partitionsPerSlot: number): PartitionAssigner {
  if (!Number.isInteger(partitionsPerSlot) || partitionsPerSlot < 1) {
    throw new Error(`partitions per slot must be a positive integer, not ${partitionsPerSlot}`);
  }
  const name = `bgs-slots-${partitionsPerSlot}`;
  const version = 0;
  return ({ cluster }) => ({
    name,
    version,
    async assign({ members, topics }) {
      const partitionsByTopic = Object.fromEntries(
        topics.map((topic) => [
          topic,
          cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId),
        ]),
      );
      const assignment = assignSlots(
        members.map((m) => m.memberId),
        partitionsByTopic,
        partitionsPerSlot,
      );
      return [...assignment].map(([memberId, byTopic]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version,
          assignment: byTopic,
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version,
          topics,
          userData: Buffer.alloc(0),
        }),
      };
    },
  });
}
