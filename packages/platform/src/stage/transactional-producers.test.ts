import type { Kafka } from 'kafkajs';
import {
  createGroupTransactions,
  fencingIds,
  mergeCommits,
  assignedTransactionalIds,
  RevokedPartitionError,
  type PartitionCommit,
} from './transactional-producers';

const record = (topic: string, key: string) => ({ topic, key, value: Buffer.from(key) });

const commitOf = (topic: string, partition: number, offset: string, keys: string[] = []) =>
  ({
    records: keys.map((k) => record('out', k)),
    offset: { topic, partition, offset },
  }) satisfies PartitionCommit;

describe('assignedTransactionalIds', () => {
  it('are the assigned topic-partitions ids in order, whatever order kafkajs lists them in', () => {
    expect(assignedTransactionalIds('sink', { b: [3, 1], a: [5, 4] })).toEqual([
      'bgs.sink.a.4',
      'bgs.sink.a.5',
      'bgs.sink.b.1',
      'bgs.sink.b.3',
    ]);
    expect(assignedTransactionalIds('sink', { a: [] })).toEqual([]);
  });
});

describe('fencingIds', () => {
  it('names every partition of every subscribed topic, so any earlier holder is fenced', () => {
    expect(fencingIds('g', { a: 2, b: 1 })).toEqual(['bgs.g.a.0', 'bgs.g.a.1', 'bgs.g.b.0']);
  });
});

describe('mergeCommits', () => {
  it('sends each topic once with its records in commit order, and every partition offset', () => {
    const merged = mergeCommits([
      commitOf('in', 0, '11', ['k1', 'k2']),
      { records: [record('dlq', 'bad')], offset: { topic: 'in', partition: 3, offset: '7' } },
      commitOf('other', 0, '5', ['k3']),
    ]);
    expect(merged.topicMessages.map((t) => [t.topic, t.messages.map((m) => m.key)])).toEqual([
      ['out', ['k1', 'k2', 'k3']],
      ['dlq', ['bad']],
    ]);
    expect(merged.offsetTopics).toEqual([
      {
        topic: 'in',
        partitions: [
          { partition: 0, offset: '11' },
          { partition: 3, offset: '7' },
        ],
      },
      { topic: 'other', partitions: [{ partition: 0, offset: '5' }] },
    ]);
  });
});

/** A kafkajs stand-in that records what each transactional id did, in order. */
function recordingKafka() {
  const log: string[] = [];
  let gate: Promise<void> = Promise.resolve();
  const kafka = {
    producer: ({ transactionalId }: { transactionalId: string }) => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      transaction: async () => {
        log.push(`init-or-begin ${transactionalId}`);
        return {
          sendBatch: async ({ topicMessages }: { topicMessages: { messages: unknown[] }[] }) => {
            await gate;
            log.push(`send ${topicMessages.reduce((n, t) => n + t.messages.length, 0)}`);
          },
          sendOffsets: async ({ topics }: { topics: { partitions: unknown[] }[] }) => {
            log.push(`offsets ${topics.reduce((n, t) => n + t.partitions.length, 0)}`);
          },
          commit: async () => void log.push(`commit ${transactionalId}`),
          abort: async () => void log.push(`abort ${transactionalId}`),
        };
      },
    }),
  } as unknown as Kafka;
  return {
    kafka,
    log,
    hold() {
      let release!: () => void;
      gate = new Promise<void>((resolve) => (release = resolve));
      return () => release();
    },
  };
}

describe('createGroupTransactions', () => {
  const counts = async () => ({ in: 2 });

  it('fences every id of the subscription once per assignment, before its first commit', async () => {
    const { kafka, log } = recordingKafka();
    const transactions = createGroupTransactions({ kafka, groupId: 'g', partitionCounts: counts });
    transactions.assigned({ in: [1] });
    await transactions.commit(commitOf('in', 1, '3', ['a']));
    await transactions.commit(commitOf('in', 1, '4', ['b']));
    // The fences run concurrently; all of them end before the first transaction begins.
    expect(log.slice(0, 4).sort()).toEqual([
      'abort bgs.g.in.0',
      'abort bgs.g.in.1',
      'init-or-begin bgs.g.in.0',
      'init-or-begin bgs.g.in.1',
    ]);
    expect(log.slice(4)).toEqual([
      'init-or-begin bgs.g.in.1',
      'send 1',
      'offsets 1',
      'commit bgs.g.in.1',
      'init-or-begin bgs.g.in.1',
      'send 1',
      'offsets 1',
      'commit bgs.g.in.1',
    ]);
  });

  it('commits the partitions that wait at the same time in one transaction', async () => {
    const { kafka, log, hold } = recordingKafka();
    const transactions = createGroupTransactions({
      kafka,
      groupId: 'g',
      partitionCounts: counts,
      transactionsInFlight: 1,
    });
    transactions.assigned({ in: [0, 1] });
    await transactions.commit(commitOf('in', 0, '1', ['warm']));
    log.length = 0;
    const release = hold();
    const first = transactions.commit(commitOf('in', 0, '2', ['a']));
    await new Promise((resolve) => setImmediate(resolve));
    const waiting = [
      transactions.commit(commitOf('in', 1, '9', ['b', 'c'])),
      transactions.commit(commitOf('in', 0, '3', ['d'])),
    ];
    release();
    await Promise.all([first, ...waiting]);
    expect(log.filter((l) => l.startsWith('send') || l.startsWith('offsets'))).toEqual([
      'send 1',
      'offsets 1',
      'send 3',
      'offsets 2',
    ]);
  });

  it('refuses a commit for a partition revoked while it waited, and commits the others', async () => {
    const { kafka, log } = recordingKafka();
    const transactions = createGroupTransactions({ kafka, groupId: 'g', partitionCounts: counts });
    transactions.assigned({ in: [0, 1] });
    const revoked = transactions.commit(commitOf('in', 1, '9', ['b']));
    const kept = transactions.commit(commitOf('in', 0, '2', ['a']));
    transactions.assigned({ in: [0] });
    await expect(revoked).rejects.toBeInstanceOf(RevokedPartitionError);
    await expect(kept).resolves.toBeUndefined();
    expect(log.filter((l) => l.startsWith('offsets'))).toEqual(['offsets 1']);
  });

  it('runs two transactions at once under two different ids of its own partitions', async () => {
    const { kafka, log, hold } = recordingKafka();
    const transactions = createGroupTransactions({ kafka, groupId: 'g', partitionCounts: counts });
    transactions.assigned({ in: [0, 1] });
    await transactions.commit(commitOf('in', 0, '1', ['warm']));
    log.length = 0;
    const release = hold();
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    const first = transactions.commit(commitOf('in', 0, '2', ['a']));
    await nextTurn();
    const second = transactions.commit(commitOf('in', 1, '9', ['b']));
    await nextTurn();
    const waiting = transactions.commit(commitOf('in', 0, '3', ['c']));
    release();
    await Promise.all([first, second, waiting]);
    expect(log.filter((l) => l.startsWith('commit'))).toEqual([
      'commit bgs.g.in.0',
      'commit bgs.g.in.1',
      'commit bgs.g.in.0',
    ]);
  });
});
