import type { Admin } from 'kafkajs';
import type { TopicDeclaration } from '@bgs/platform';
import type { Progress } from './progress';

export class TopicDriftError extends Error {
  override readonly name = 'TopicDriftError';
}

/**
 * Creates every declared topic that is missing and brings the configs of existing ones in
 * line. It never changes a partition count: adding partitions to a keyed topic moves keys
 * to other partitions and breaks per-company order, so drift there is an error to resolve
 * by hand.
 */
export async function provisionTopics(
  admin: Admin,
  declarations: readonly TopicDeclaration[],
  progress: Progress,
): Promise<{ created: string[]; updated: string[] }> {
  const existing = new Set(await admin.listTopics());
  const missing = declarations.filter((t) => !existing.has(t.name));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: 1,
        configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
      })),
    });
  }
  for (const t of missing) progress(`created topic ${t.name} (${t.partitions} partitions)`);

  const present = declarations.filter((t) => existing.has(t.name));
  const updated: string[] = [];
  if (present.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
    for (const topic of metadata.topics) {
      const want = present.find((t) => t.name === topic.name);
      if (want && topic.partitions.length !== want.partitions) {
        throw new TopicDriftError(
          `topic ${topic.name} has ${topic.partitions.length} partitions, the catalogue declares ${want.partitions}; ` +
            'changing it would reorder keyed events, so recreate it deliberately',
        );
      }
    }
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((t) => ({ type: 2 /* TOPIC */, name: t.name })),
    });
    for (const resource of described.resources) {
      const want = present.find((t) => t.name === resource.resourceName);
      if (!want) continue;
      const actual = new Map(resource.configEntries.map((e) => [e.configName, e.configValue]));
      const differs = Object.entries(want.config).filter(([k, v]) => actual.get(k) !== v);
      if (differs.length === 0) continue;
      // kafkajs's alterConfigs replaces the whole set, so send every declared entry.
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: 2,
            name: want.name,
            configEntries: Object.entries(want.config).map(([name, value]) => ({ name, value })),
          },
        ],
      });
      updated.push(want.name);
      progress(`updated config of ${want.name}: ${differs.map(([k]) => k).join(', ')}`);
    }
  }
  if (missing.length === 0 && updated.length === 0) {
    progress(`all ${declarations.length} topics present and configured`);
  }
  return { created: missing.map((t) => t.name), updated };
}
