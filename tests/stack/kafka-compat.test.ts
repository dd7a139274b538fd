/**
 * kafkajs 2.2.4 speaks old protocol versions and Kafka 4 removed some (KIP-896). These are
 * the calls the pipeline depends on, proved against the stack's broker.
 */
import type { Kafka } from 'kafkajs';
import { kafka, requireStack, uniqueName, producerDefaults } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

async function createTopic(client: Kafka, topic: string, partitions = 3): Promise<void> {
  const admin = client.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: partitions,
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

async function readAll(
  client: Kafka,
  topic: string,
  expected: number,
  isolation: 'committed' | 'uncommitted',
) {
  const consumer = client.consumer({
    groupId: uniqueName('compat'),
    readUncommitted: isolation === 'uncommitted',
  });
  const seen: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
  try {
    await waitFor(() => seen.length >= expected, {
      description: `${expected} records on ${topic}`,
    });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

describe('kafkajs 2.2.4 against the stack broker', () => {
  beforeAll(requireStack);

  it('does the admin calls provisioning uses', async () => {
    const client = kafka();
    const topic = uniqueName('compat-admin');
    await createTopic(client, topic);
    const admin = client.admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).toContain(topic);
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(meta.topics[0]?.partitions).toHaveLength(3);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: topic }],
      });
      const policy = configs.resources[0]?.configEntries.find(
        (e) => e.configName === 'cleanup.policy',
      );
      expect(policy?.configValue).toBe('compact');
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.length).toBeGreaterThan(0);
    } finally {
      await admin.disconnect();
    }
  });

  it('commits consumer-group offsets and resumes after them', async () => {
    const client = kafka();
    const topic = uniqueName('compat-group');
    const groupId = uniqueName('group');
    await createTopic(client, topic, 1);
    const producer = client.producer({ idempotent: true, ...producerDefaults });
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: ['a', 'b', 'c'].map((v) => ({ key: 'k', value: v })),
    });

    const first = client.consumer({ groupId });
    const seen: string[] = [];
    await first.connect();
    await first.subscribe({ topic, fromBeginning: true });
    await first.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
    await waitFor(() => seen.length === 3, { description: 'the first three records' });
    await first.disconnect(); // commits what it consumed

    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'd' }] });
    await producer.disconnect();

    const second = client.consumer({ groupId });
    const resumed: string[] = [];
    await second.connect();
    await second.subscribe({ topic, fromBeginning: true });
    await second.run({
      eachMessage: async ({ message }) => void resumed.push(String(message.value)),
    });
    await waitFor(() => resumed.length >= 1, {
      description: 'the record after the committed offset',
    });
    await second.disconnect();
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(resumed).toEqual(['d']);
  });

  it('runs transactions: committed records and offsets are visible, aborted ones are not', async () => {
    const client = kafka();
    const input = uniqueName('compat-tx-in');
    const output = uniqueName('compat-tx-out');
    const groupId = uniqueName('tx-group');
    await createTopic(client, input, 1);
    await createTopic(client, output, 1);

    const producer = client.producer({
      transactionalId: uniqueName('tx'),
      idempotent: true,
      maxInFlightRequests: 1,
      ...producerDefaults,
    });
    await producer.connect();

    const aborted = await producer.transaction();
    await aborted.send({ topic: output, messages: [{ key: 'k', value: 'aborted' }] });
    await aborted.abort();

    const committed = await producer.transaction();
    await committed.send({ topic: output, messages: [{ key: 'k', value: 'committed' }] });
    // consume-transform-produce: the input offset commits atomically with the output
    await committed.sendOffsets({
      consumerGroupId: groupId,
      topics: [{ topic: input, partitions: [{ partition: 0, offset: '5' }] }],
    });
    await committed.commit();
    await producer.disconnect();

    // A read_committed consumer sees only the committed record (the abort marker is skipped).
    expect(await readAll(client, output, 1, 'committed')).toEqual(['committed']);
    expect((await readAll(client, output, 2, 'uncommitted')).sort()).toEqual([
      'aborted',
      'committed',
    ]);

    const admin = client.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId, topics: [input] });
    await admin.disconnect();
    expect(offsets[0]?.partitions[0]?.offset).toBe('5');
  });
});
