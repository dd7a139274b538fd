/**
 * Consumer groups as the broker sees them: who is in a group, and what it has yet to process,
 * read with the admin API (committed offsets against end offsets).
 */
import { kafka } from './stack';

/** Members of a consumer group as the broker sees them. */
export async function groupMembers(groupId: string): Promise<number> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return groups[0]?.members.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Records a group has yet to process on its inputs: end offset minus committed offset, per
 * partition, less the one transaction marker an input written transactionally ends with.
 */
export async function unprocessed(groupId: string, topics: readonly string[]): Promise<number> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    let behind = 0;
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      for (const end of ends) {
        const mine = committed?.partitions.find((p) => p.partition === end.partition);
        const at = Number(mine?.offset ?? -1);
        const from = at < 0 ? Number(end.low) : at;
        behind += Math.max(0, Number(end.high) - from - 1);
      }
    }
    return behind;
  } finally {
    await admin.disconnect();
  }
}
