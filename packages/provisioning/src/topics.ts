import type { Admin } from 'kafkajs';
import type { TopicDeclaration } from '@bgs/platform';
import type { Progress } from './progress';
import { wantedTopicConfig, type Replication } from './replication';
import {
  checkPartitionCount,
  configDifferences,
  configEntries,
  replicaCountOf,
  underReplicationWarning,
} from './topic-plan';

const TOPIC_RESOURCE = 2;

/** The admin calls provisioning makes on topics. */
export type TopicAdmin = Pick<
  Admin,
  'listTopics' | 'createTopics' | 'fetchTopicMetadata' | 'describeConfigs' | 'alterConfigs'
>;

/**
 * Creates every declared topic that is missing, with `replication`, and brings the configs of
 * existing ones in line, min.insync.replicas included. It never changes a partition count
 * (checkPartitionCount) nor an existing topic's replicas: those move data.
 */
export async function provisionTopics(
  admin: TopicAdmin,
  declarations: readonly TopicDeclaration[],
  replication: Replication,
  progress: Progress,
): Promise<{ created: string[]; updated: string[] }> {
  const existing = new Set(await admin.listTopics());
  const missing = declarations.filter((t) => !existing.has(t.name));
  const present = declarations.filter((t) => existing.has(t.name));
  await createTopics(admin, missing, replication, progress);
  const updated = await reconcileConfigs(admin, present, replication, progress);
  if (missing.length === 0 && updated.length === 0) {
    progress(`all ${declarations.length} topics present and configured`);
  }
  return { created: missing.map((t) => t.name), updated };
}

async function createTopics(
  admin: TopicAdmin,
  missing: readonly TopicDeclaration[],
  { replicationFactor, minInsyncReplicas }: Replication,
  progress: Progress,
): Promise<void> {
  if (missing.length === 0) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((t) => ({
      topic: t.name,
      numPartitions: t.partitions,
      replicationFactor,
      configEntries: configEntries(
        wantedTopicConfig(t.config, minInsyncReplicas, replicationFactor),
      ),
    })),
  });
  for (const t of missing) {
    progress(`created topic ${t.name} (${t.partitions} partitions, ${replicationFactor} replicas)`);
  }
}

/** Each present topic's replica count; throws TopicDriftError on a partition count changed. */
async function replicaCounts(
  admin: TopicAdmin,
  present: readonly TopicDeclaration[],
): Promise<Map<string, number>> {
  const metadata = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
  const counts = new Map<string, number>();
  for (const declaration of present) {
    const topic = metadata.topics.find((m) => m.name === declaration.name);
    if (!topic) throw new Error(`the cluster returned no metadata for topic ${declaration.name}`);
    checkPartitionCount(declaration, topic.partitions.length);
    counts.set(declaration.name, replicaCountOf(topic.partitions));
  }
  return counts;
}

/** Each present topic's effective config (overrides and broker defaults alike). */
async function actualConfigs(
  admin: TopicAdmin,
  present: readonly TopicDeclaration[],
): Promise<Map<string, Map<string, string>>> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: present.map((t) => ({ type: TOPIC_RESOURCE, name: t.name })),
  });
  return new Map(
    described.resources.map((r) => [
      r.resourceName,
      new Map(r.configEntries.map((e) => [e.configName, e.configValue])),
    ]),
  );
}

/** The names of the topics whose config it altered. */
async function reconcileConfigs(
  admin: TopicAdmin,
  present: readonly TopicDeclaration[],
  { replicationFactor, minInsyncReplicas }: Replication,
  progress: Progress,
): Promise<string[]> {
  if (present.length === 0) return [];
  const replicas = await replicaCounts(admin, present);
  const actual = await actualConfigs(admin, present);
  const updated: string[] = [];
  for (const { name, config } of present) {
    const replicaCount = replicas.get(name) ?? replicationFactor;
    const warning = underReplicationWarning(name, replicaCount, replicationFactor);
    if (warning) progress(warning);
    const wanted = wantedTopicConfig(config, minInsyncReplicas, replicaCount);
    const differs = configDifferences(wanted, actual.get(name) ?? new Map<string, string>());
    if (differs.length === 0) continue;
    // alterConfigs replaces the topic's whole override set: what is not sent is dropped, so the
    // wanted set goes whole, min.insync.replicas with it.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: TOPIC_RESOURCE, name, configEntries: configEntries(wanted) }],
    });
    updated.push(name);
    progress(`updated config of ${name}: ${differs.join(', ')}`);
  }
  return updated;
}
