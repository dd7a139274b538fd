/**
 * What the stage runtime's own tests (tests/stage/) set up on the real broker: fresh input and
 * output topics with a group id, keyed records on the input, and a logger that keeps quiet.
 */
import { Writable } from 'node:stream';
import { createLogger } from '@bgs/platform';
import type { Kafka } from 'kafkajs';
import { producerDefaults, uniqueName } from './stack';

/** A logger for a stage under test: its records would only bury the test's output. */
export const quietLogger = (service: string) =>
  createLogger({
    service,
    stream: new Writable({ write: (_chunk, _encoding, done) => done() }),
  });

/** A new input and output topic of `partitions` partitions each, and a new consumer group id. */
export async function stageTopics(
  client: Kafka,
  partitions: number,
): Promise<{ input: string; output: string; groupId: string }> {
  const [input, output, groupId] = [uniqueName('in'), uniqueName('out'), uniqueName('grp')];
  const admin = client.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [input, output].map((topic) => ({ topic, numPartitions: partitions })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
  return { input, output, groupId };
}

/** One record per key on `topic`, its value the key. */
export async function produceKeys(
  client: Kafka,
  topic: string,
  keys: readonly string[],
): Promise<void> {
  const producer = client.producer(producerDefaults);
  await producer.connect();
  try {
    await producer.send({ topic, messages: keys.map((key) => ({ key, value: key })) });
  } finally {
    await producer.disconnect();
  }
}
