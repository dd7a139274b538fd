/**
 * A dependency outage through the stage runtime, on the real broker. A record whose handler
 * keeps failing because a dependency does not answer goes through the retry tiers, each one
 * waited out (2, 4 and 8 s), and then waits on its partition, tried again after 1 s, then 2 s,
 * and so on, for as long as the outage lasts: it is never dead-lettered. Other records keep
 * flowing meanwhile, and the held one is published exactly once when the dependency is back.
 * Effects are counted in the output and dead-letter topics themselves.
 */
import { Registry } from 'prom-client';
import {
  DependencyUnavailableError,
  Headers,
  RETRY_DELAYS_MS,
  deadLetterTopic,
  startStageConsumer,
  type StageRecord,
} from '@bgs/platform';
import { kafka, requireStack, uniqueName } from '../helpers/stack';
import { produceKeys, quietLogger, stageTopics } from '../helpers/stage-topics';
import { readTopic } from '../helpers/topic-reader';
import { waitFor } from '../helpers/wait';

const quiet = quietLogger('dependency-hold-test');

const client = kafka(uniqueName('dependency-hold'));

const produce = (topic: string, keys: readonly string[]) => produceKeys(client, topic, keys);

/** `bgs_stage_records_total{outcome}` of the stage, as the service would export it. */
async function recordsWith(registry: Registry, outcome: string): Promise<number> {
  const metric = registry.getSingleMetric('bgs_stage_records_total');
  const values = (await metric?.get())?.values ?? [];
  return values.filter((v) => v.labels.outcome === outcome).reduce((sum, v) => sum + v.value, 0);
}

const gapsOf = (times: readonly number[]): number[] =>
  times.slice(1).map((time, index) => time - (times[index] as number));

describe('a dependency outage in the stage runtime', () => {
  beforeAll(requireStack);

  it('retries through the tiers, then holds the record until the dependency answers: never a dead letter', async () => {
    const { input, output, groupId } = await stageTopics(client, 3);

    const heldKey = uniqueName('held');
    const heldAttempts: number[] = [];
    let dependencyDown = true;
    const registry = new Registry();
    const stage = startStageConsumer<string>({
      stage: 'sink',
      groupId,
      kafka: client,
      logger: quiet,
      registry,
      inputs: { [input]: (message) => message.value?.toString('utf8') },
      concurrency: 3,
      handle: async (records: readonly StageRecord<string>[]) =>
        records.map((r) => {
          if (r.key === heldKey) {
            heldAttempts.push(Date.now());
            if (dependencyDown) {
              throw new DependencyUnavailableError('postgres', 'connect ECONNREFUSED');
            }
          }
          return { topic: output, key: r.key, value: Buffer.from(r.value) };
        }),
    });
    const outputs = await readTopic(output, (value) => value.toString('utf8'));
    const deadLetters = await readTopic(deadLetterTopic('sink'), (value) => value.toString('utf8'));
    try {
      await stage.start();
      await produce(input, [heldKey]);

      // Past the three tiers, the record is held on its partition, and held again.
      await waitFor(async () => (await recordsWith(registry, 'held')) >= 2 || undefined, {
        description: 'the record held twice after its retry tiers',
        timeoutMs: 60_000,
      });
      expect(await recordsWith(registry, 'retried')).toBe(RETRY_DELAYS_MS.length);

      // Other records flow while it is held.
      const flowing = Array.from({ length: 12 }, (_, i) => `${heldKey}-other-${i}`);
      await produce(input, flowing);
      await waitFor(
        () => flowing.every((k) => outputs.records.some((r) => r.key === k)) || undefined,
        {
          description: 'the other records published while one is held',
          timeoutMs: 30_000,
        },
      );
      expect(outputs.records.filter((r) => r.key === heldKey)).toEqual([]);

      dependencyDown = false;
      await waitFor(() => outputs.records.some((r) => r.key === heldKey) || undefined, {
        description: 'the held record published once the dependency answers',
        timeoutMs: 60_000,
      });
      await outputs.caughtUp();
      await deadLetters.caughtUp();

      expect(outputs.records.filter((r) => r.key === heldKey)).toHaveLength(1);
      expect(deadLetters.records.filter((r) => r.headers[Headers.originalTopic] === input)).toEqual(
        [],
      );
      // Each tier was waited out, and each hold waited longer than the one before.
      const gaps = gapsOf(heldAttempts);
      RETRY_DELAYS_MS.forEach((delay, tier) => {
        expect(gaps[tier]).toBeGreaterThanOrEqual(delay - 50);
      });
      expect(gaps[RETRY_DELAYS_MS.length]).toBeGreaterThanOrEqual(1_000 - 50);
      expect(gaps[RETRY_DELAYS_MS.length + 1]).toBeGreaterThanOrEqual(2_000 - 50);
    } finally {
      await stage.stop();
      await Promise.all([outputs.stop(), deadLetters.stop()]);
    }
  }, 120_000);
});
