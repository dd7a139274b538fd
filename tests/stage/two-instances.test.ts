/**
 * The stage runtime run as two instances of one consumer group, on the real broker: the
 * group is split by transaction slot (`slots.ts`), every record is published exactly once
 * while both run, and when one instance stops the other takes over its slot without losing or
 * repeating a record. Effects are counted in the output topic itself.
 */
import { AssignerProtocol } from 'kafkajs';
import { Registry } from 'prom-client';
import { startStageConsumer, type StageRecord } from '@bgs/platform';
import { kafka, requireStack, uniqueName } from '../helpers/stack';
import { produceKeys, quietLogger, stageTopics } from '../helpers/stage-topics';
import { readTopic } from '../helpers/topic-reader';
import { waitFor } from '../helpers/wait';

const quiet = quietLogger('two-instances-test');

const client = kafka(uniqueName('two-instances'));

/** One instance of a forwarding stage, remembering which input partitions it handled. */
function startInstance(groupId: string, input: string, output: string) {
  const handled = new Set<number>();
  const stage = startStageConsumer<string>({
    stage: 'sink',
    groupId,
    kafka: client,
    logger: quiet,
    registry: new Registry(),
    inputs: { [input]: (message) => message.value?.toString('utf8') },
    concurrency: 6,
    handle: async (records: readonly StageRecord<string>[]) =>
      records.map((r) => {
        handled.add(r.partition);
        return { topic: output, key: r.key, value: Buffer.from(r.value) };
      }),
  });
  return { stage, handled };
}

/** Each member's assigned partitions of `topic`, once the group is stable with `members`. */
async function stableAssignment(groupId: string, topic: string, members: number) {
  const admin = client.admin();
  await admin.connect();
  try {
    return await waitFor(
      async () => {
        const { groups } = await admin.describeGroups([groupId]);
        const group = groups[0];
        if (group?.state !== 'Stable' || group.members.length !== members) return undefined;
        return group.members.map(
          (m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic],
        );
      },
      { description: `${groupId} stable with ${members} members`, timeoutMs: 60_000 },
    );
  } finally {
    await admin.disconnect();
  }
}

const produce = (topic: string, keys: readonly string[]) => produceKeys(client, topic, keys);

const keysFrom = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `k-${from + i}`);

/** How many times each key is in the output topic: every key must be there exactly once. */
const countsOf = (records: readonly { value: string }[]) => {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.value, (counts.get(r.value) ?? 0) + 1);
  return counts;
};

describe('a stage run as two instances of one consumer group', () => {
  beforeAll(requireStack);

  it('splits by slot, publishes each record once, and survives one instance stopping', async () => {
    const { input, output, groupId } = await stageTopics(client, 6);
    const reader = await readTopic(output, (value) => value.toString('utf8'));
    const first = startInstance(groupId, input, output);
    const second = startInstance(groupId, input, output);
    try {
      await first.stage.start();
      await second.stage.start();
      // Each instance owns one whole slot: partitions 0-2 or 3-5, never a mix.
      const assigned = await stableAssignment(groupId, input, 2);
      expect(assigned.map((ps) => [...(ps ?? [])].sort()).sort()).toEqual([
        [0, 1, 2],
        [3, 4, 5],
      ]);

      await produce(input, keysFrom(0, 600));
      await waitFor(() => reader.records.length >= 600, {
        description: '600 records forwarded by two instances',
        timeoutMs: 60_000,
      });
      // Every partition was worked by one instance only.
      expect([...first.handled].filter((p) => second.handled.has(p))).toEqual([]);
      expect([...first.handled, ...second.handled].sort()).toEqual([0, 1, 2, 3, 4, 5]);

      await second.stage.stop();
      await stableAssignment(groupId, input, 1);
      await produce(input, keysFrom(600, 300));
      await waitFor(() => reader.records.length >= 900, {
        description: '900 records forwarded after one instance stopped',
        timeoutMs: 60_000,
      });
      await reader.caughtUp();
      expect(first.handled).toEqual(new Set([0, 1, 2, 3, 4, 5]));
      const counts = countsOf(reader.records);
      expect(counts.size).toBe(900);
      expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
    } finally {
      await Promise.all([first.stage.stop(), second.stage.stop()]);
      await reader.stop();
    }
  }, 180_000);
});
