import type { TopicDeclaration } from '@bgs/platform';
import type { DescribeConfigResponse, ITopicConfig } from 'kafkajs';
import { isWarning } from './progress';
import { TopicDriftError } from './topic-plan';
import { provisionTopics, type TopicAdmin } from './topics';

interface FakeTopic {
  partitions: number;
  replicas: number;
  /** The topic's overrides; what alterConfigs replaces whole, as Kafka does. */
  overrides: Record<string, string>;
}

/** A cluster in memory: describeConfigs answers overrides over broker defaults, like Kafka. */
function fakeCluster(topics: Record<string, FakeTopic>, brokerDefaults: Record<string, string>) {
  const altered: { name: string; entries: Record<string, string> }[] = [];
  const admin: TopicAdmin = {
    listTopics: () => Promise.resolve(Object.keys(topics)),
    createTopics: ({ topics: created }: { topics: ITopicConfig[] }) => {
      for (const t of created) {
        topics[t.topic] = {
          partitions: t.numPartitions ?? 1,
          replicas: t.replicationFactor ?? 1,
          overrides: Object.fromEntries((t.configEntries ?? []).map((e) => [e.name, e.value])),
        };
      }
      return Promise.resolve(true);
    },
    fetchTopicMetadata: (options?: { topics: string[] }) =>
      Promise.resolve({
        topics: (options?.topics ?? []).map((name) => ({
          name,
          partitions: Array.from({ length: topics[name]!.partitions }, (_, partitionId) => ({
            partitionErrorCode: 0,
            partitionId,
            leader: 1,
            replicas: Array.from({ length: topics[name]!.replicas }, (_, i) => i + 1),
            isr: [],
          })),
        })),
      }),
    describeConfigs: ({ resources }) =>
      Promise.resolve({
        throttleTime: 0,
        resources: resources.map(({ name }) => ({
          resourceName: name!,
          resourceType: 2,
          errorCode: 0,
          errorMessage: '',
          configEntries: Object.entries({ ...brokerDefaults, ...topics[name!]!.overrides }).map(
            ([configName, configValue]) => ({ configName, configValue }),
          ),
        })),
      } as unknown as DescribeConfigResponse),
    alterConfigs: ({ resources }) => {
      for (const { name, configEntries } of resources) {
        const entries = Object.fromEntries(configEntries.map((e) => [e.name, e.value as string]));
        topics[name]!.overrides = entries;
        altered.push({ name, entries });
      }
      return Promise.resolve(undefined);
    },
  };
  return { admin, topics, altered };
}

const declared = (name: string): TopicDeclaration => ({
  name,
  partitions: 6,
  config: { 'cleanup.policy': 'delete', 'retention.ms': '1000' },
  description: name,
});

const THREE = { replicationFactor: 3, minInsyncReplicas: 2 };

describe('provisionTopics', () => {
  it('creates missing topics with the replication factor and min ISR', async () => {
    const cluster = fakeCluster({}, { 'min.insync.replicas': '1' });
    const lines: string[] = [];
    const result = await provisionTopics(cluster.admin, [declared('a')], THREE, (l) =>
      lines.push(l),
    );
    expect(result).toEqual({ created: ['a'], updated: [] });
    expect(cluster.topics.a).toEqual({
      partitions: 6,
      replicas: 3,
      overrides: { 'cleanup.policy': 'delete', 'retention.ms': '1000', 'min.insync.replicas': '2' },
    });
    expect(lines).toEqual(['created topic a (6 partitions, 3 replicas)']);
  });

  it('sends the whole wanted set, min ISR included, when anything differs', async () => {
    const cluster = fakeCluster(
      {
        a: {
          partitions: 6,
          replicas: 3,
          overrides: {
            'cleanup.policy': 'delete',
            'retention.ms': '5',
            'min.insync.replicas': '2',
          },
        },
      },
      { 'min.insync.replicas': '1' },
    );
    const lines: string[] = [];
    const result = await provisionTopics(cluster.admin, [declared('a')], THREE, (l) =>
      lines.push(l),
    );
    expect(result.updated).toEqual(['a']);
    // retention.ms alone differed, yet min.insync.replicas is sent and so kept
    expect(cluster.altered).toEqual([
      {
        name: 'a',
        entries: { 'cleanup.policy': 'delete', 'retention.ms': '1000', 'min.insync.replicas': '2' },
      },
    ]);
    expect(lines).toEqual(['updated config of a: retention.ms']);
  });

  it('leaves a topic alone whose effective config is what it wants', async () => {
    const cluster = fakeCluster(
      { a: { partitions: 6, replicas: 3, overrides: { 'retention.ms': '1000' } } },
      { 'cleanup.policy': 'delete', 'min.insync.replicas': '2' },
    );
    const lines: string[] = [];
    const result = await provisionTopics(cluster.admin, [declared('a')], THREE, (l) =>
      lines.push(l),
    );
    expect(result).toEqual({ created: [], updated: [] });
    expect(cluster.altered).toEqual([]);
    expect(lines).toEqual(['all 1 topics present and configured']);
  });

  it('warns about an under-replicated topic and caps its min ISR at its replicas', async () => {
    const cluster = fakeCluster(
      { a: { partitions: 6, replicas: 1, overrides: { 'cleanup.policy': 'delete' } } },
      { 'min.insync.replicas': '2' },
    );
    const lines: string[] = [];
    await provisionTopics(cluster.admin, [declared('a')], THREE, (l) => lines.push(l));
    expect(cluster.topics.a!.overrides['min.insync.replicas']).toBe('1');
    expect(lines.filter(isWarning)).toEqual([
      expect.stringContaining('topic a has 1 replica(s), 3 wanted'),
    ]);
    expect(lines).toContain('updated config of a: retention.ms, min.insync.replicas');
  });

  it('refuses a topic whose partition count drifted, before changing anything', async () => {
    const cluster = fakeCluster({ a: { partitions: 3, replicas: 3, overrides: {} } }, {});
    await expect(
      provisionTopics(cluster.admin, [declared('a')], THREE, () => undefined),
    ).rejects.toThrow(TopicDriftError);
    expect(cluster.altered).toEqual([]);
  });
});
