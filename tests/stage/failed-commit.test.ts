/**
 * A stage's transaction failing after its offsets were sent, on the real broker: when a
 * broker dies, EndTxn can fail after TxnOffsetCommit was answered, and the broker then aborts
 * the transaction. kafkajs already counts those offsets as committed in its client (sendOffsets
 * marks them so); the stage must still read the slice again, since its consumer resumes from
 * the offset it resolved, and publish each record once. The failure is injected at the one
 * place the broker cannot be made to fail on cue (the commit call); the transaction it aborts,
 * the offsets and the topics are the broker's own.
 */
import { KafkaJSError, type Kafka, type Producer, type ProducerConfig } from 'kafkajs';
import { Registry } from 'prom-client';
import { startStageConsumer, type StageRecord } from '@bgs/platform';
import { kafka, requireStack, uniqueName } from '../helpers/stack';
import { produceKeys, quietLogger, stageTopics } from '../helpers/stage-topics';
import { readTopic } from '../helpers/topic-reader';
import { waitFor } from '../helpers/wait';

const quiet = quietLogger('failed-commit-test');

const client = kafka(uniqueName('failed-commit'));

/**
 * The client, except that the first transaction of `groupId`'s own slots fails at its commit
 * as when its coordinator went away: aborted on the broker, rejected to the caller.
 */
function failingFirstCommit(groupId: string): { kafka: Kafka; failures: () => number } {
  let failures = 0;
  const withFailingCommit = (producer: Producer): Producer => ({
    ...producer,
    transaction: async () => {
      const transaction = await producer.transaction();
      return {
        ...transaction,
        commit: async () => {
          if (failures > 0) return transaction.commit();
          failures += 1;
          await transaction.abort();
          throw new KafkaJSError('the transaction coordinator went away', { retriable: true });
        },
      };
    },
  });
  const faulty: Kafka = Object.create(client);
  faulty.producer = (config?: ProducerConfig) => {
    const producer = client.producer(config);
    const ownSlot = config?.transactionalId?.startsWith(`bgs.${groupId}.slot-`) ?? false;
    return ownSlot ? withFailingCommit(producer) : producer;
  };
  return { kafka: faulty, failures: () => failures };
}

const produce = (topic: string, keys: readonly string[]) => produceKeys(client, topic, keys);

describe('a stage transaction that fails after sending its offsets', () => {
  beforeAll(requireStack);

  it('reads the slice again: every record published once, none skipped', async () => {
    const { input, output, groupId } = await stageTopics(client, 1);
    const keys = Array.from({ length: 5 }, (_, i) => `${groupId}-${i}`);
    // Waiting before the stage starts: its first slice is all of them, on a partition its
    // consumer has not resolved an offset of yet.
    await produce(input, keys);

    const injected = failingFirstCommit(groupId);
    const stage = startStageConsumer<string>({
      stage: 'sink',
      groupId,
      kafka: injected.kafka,
      logger: quiet,
      registry: new Registry(),
      inputs: { [input]: (message) => message.value?.toString('utf8') },
      concurrency: 1,
      handle: async (records: readonly StageRecord<string>[]) =>
        records.map((r) => ({ topic: output, key: r.key, value: Buffer.from(r.value) })),
    });
    const outputs = await readTopic(output, (value) => value.toString('utf8'));
    try {
      await stage.start();
      await waitFor(
        () => keys.every((k) => outputs.records.some((r) => r.key === k)) || undefined,
        {
          description: 'every record published after the failed commit',
          timeoutMs: 30_000,
        },
      );
      await produce(input, [`${groupId}-after`]);
      await waitFor(() => outputs.records.some((r) => r.key === `${groupId}-after`) || undefined, {
        description: 'a later record published',
        timeoutMs: 30_000,
      });
      await outputs.caughtUp();
      expect(injected.failures()).toBe(1);
      // The aborted attempt is invisible to a read-committed reader; the second counts once.
      expect(outputs.records.map((r) => r.key)).toEqual([...keys, `${groupId}-after`]);
    } finally {
      await stage.stop();
      await outputs.stop();
    }
  }, 90_000);
});
