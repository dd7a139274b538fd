import type { Kafka } from 'kafkajs';
import {
  createSlotTransactions,
  mergeCommits,
  sendBatchOf,
  type PartitionCommit,
} from './transactional-producers';

const record = (topic: string, key: string) => ({ topic, key, value: Buffer.from(key) });

const commitOf = (topic: string, partition: number, offset: string, keys: string[] = []) =>
  ({
    records: keys.map((k) => record('out', k)),
    offset: { topic, partition, offset },
  }) satisfies PartitionCommit;

describe('mergeCommits', () => {
  it('sends each topic once with its records in commit order, and every partition offset', () => {
    const merged = mergeCommits([
      commitOf('in', 0, '11', ['k1', 'k2']),
      { records: [record('dlq', 'bad')], offset: { topic: 'in', partition: 2, offset: '7' } },
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
          { partition: 2, offset: '7' },
        ],
      },
      { topic: 'other', partitions: [{ partition: 0, offset: '5' }] },
    ]);
  });
});

describe('sendBatchOf', () => {
  it('sends every topic with acks from all replicas, each record with its own headers', () => {
    const headers = { 'bgs-trace': 't1' };
    const batch = sendBatchOf([
      { topic: 'out', messages: [{ topic: 'out', key: 'k1', value: null, headers }] },
      { topic: 'dlq', messages: [{ topic: 'dlq', key: null, value: Buffer.from('v') }] },
    ]);
    expect(batch).toEqual({
      acks: -1,
      topicMessages: [
        { topic: 'out', messages: [{ key: 'k1', value: null, headers: { 'bgs-trace': 't1' } }] },
        { topic: 'dlq', messages: [{ key: null, value: Buffer.from('v'), headers: {} }] },
      ],
    });
    // a copy: kafkajs may add to a message's headers, the caller's record stays as it was
    expect(batch.topicMessages?.[0]?.messages[0]?.headers).not.toBe(headers);
  });
});

/** A kafkajs stand-in that records each transaction by id; sends wait while the gate is held. */
function recordingKafka() {
  const log: string[] = [];
  let gate: Promise<void> = Promise.resolve();
  const kafka = {
    producer: ({ transactionalId }: { transactionalId: string }) => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      transaction: async () => ({
        sendBatch: async ({ topicMessages }: { topicMessages: { messages: unknown[] }[] }) => {
          await gate;
          log.push(
            `${transactionalId} send ${topicMessages.reduce((n, t) => n + t.messages.length, 0)}`,
          );
        },
        sendOffsets: async ({ topics }: { topics: { partitions: { partition: number }[] }[] }) => {
          const partitions = topics.flatMap((t) => t.partitions.map((p) => p.partition));
          log.push(`${transactionalId} offsets ${partitions.join(',')}`);
        },
        commit: async () => undefined,
        abort: async () => undefined,
      }),
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

describe('createSlotTransactions', () => {
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it("commits the partitions of one slot that wait at the same time in one transaction under the slot's id", async () => {
    const { kafka, log, hold } = recordingKafka();
    const transactions = createSlotTransactions(kafka, { groupId: 'g', partitionsPerSlot: 3 });
    const release = hold();
    const first = transactions.commit(commitOf('in', 0, '2', ['a']));
    await nextTurn();
    const waiting = [
      transactions.commit(commitOf('in', 1, '9', ['b', 'c'])),
      transactions.commit(commitOf('in', 2, '4', ['d'])),
    ];
    release();
    await Promise.all([first, ...waiting]);
    expect(log).toEqual([
      'bgs.g.slot-0 send 1',
      'bgs.g.slot-0 offsets 0',
      'bgs.g.slot-0 send 3',
      'bgs.g.slot-0 offsets 1,2',
    ]);
  });

  it('commits different slots in parallel, never in one transaction', async () => {
    const { kafka, log, hold } = recordingKafka();
    const transactions = createSlotTransactions(kafka, { groupId: 'g', partitionsPerSlot: 3 });
    const release = hold();
    const both = [
      transactions.commit(commitOf('in', 2, '1', ['a'])),
      transactions.commit(commitOf('in', 3, '1', ['b'])),
    ];
    await nextTurn();
    expect(log).toEqual([]);
    release();
    await Promise.all(both);
    expect(log.filter((l) => l.includes('offsets')).sort()).toEqual([
      'bgs.g.slot-0 offsets 2',
      'bgs.g.slot-1 offsets 3',
    ]);
  });

  it('aborts a failed transaction, rejects its commits, and starts the next on a fresh producer', async () => {
    const log: string[] = [];
    let producers = 0;
    let failNext = true;
    const kafka = {
      producer: () => {
        const producer = (producers += 1);
        return {
          connect: async () => undefined,
          disconnect: async () => void log.push(`producer ${producer} disconnected`),
          transaction: async () => ({
            sendBatch: async () => void log.push(`producer ${producer} send`),
            sendOffsets: async () => {
              if (!failNext) return;
              failNext = false;
              throw new Error('fenced');
            },
            commit: async () => void log.push(`producer ${producer} commit`),
            abort: async () => void log.push(`producer ${producer} abort`),
          }),
        };
      },
    } as unknown as Kafka;
    const transactions = createSlotTransactions(kafka, { groupId: 'g', partitionsPerSlot: 1 });
    await expect(transactions.commit(commitOf('in', 0, '1', ['a']))).rejects.toThrow('fenced');
    // no records: only the offset is committed
    await transactions.commit(commitOf('in', 0, '1'));
    await transactions.disconnectAll();
    expect(log).toEqual([
      'producer 1 send',
      'producer 1 abort',
      'producer 1 disconnected',
      'producer 2 commit',
      'producer 2 disconnected',
    ]);
  });
});
