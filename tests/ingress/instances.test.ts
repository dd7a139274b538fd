/**
 * Two ingress instances (`./bgs scale ingress 2`), two processes with their own ports sharing
 * only Postgres and Kafka, take 50 concurrent deliveries of one event: the duplicate guarantee
 * lives in Postgres, so exactly one is accepted and exactly one record reaches the topic.
 */
import { randomUUID } from 'node:crypto';
import { Topics } from '@bgs/platform';
import { confirmation, postWebhook } from '../helpers/pipeline';
import { instanceUrl, requireStack, scale } from '../helpers/stack';
import { readTopic } from '../helpers/topic-reader';

const DELIVERIES = 50;

describe('two ingress instances', () => {
  beforeAll(async () => {
    await requireStack();
    await scale('ingress', 2);
  });
  afterAll(() => scale('ingress', 1));

  it('accept 50 concurrent deliveries of one event once, with one record on the topic', async () => {
    const event = confirmation(`co-instances-${randomUUID().slice(0, 8)}`);
    const doors = [instanceUrl('ingress', 1), instanceUrl('ingress', 2)];
    const answers = await Promise.all(
      Array.from({ length: DELIVERIES }, async (_, i) => {
        const response = await postWebhook(event, event.id, doors[i % doors.length]);
        return response.status;
      }),
    );
    // One owner; every other delivery waits for it and hears the event was already taken.
    expect(answers.filter((status) => status === 202)).toHaveLength(1);
    expect(answers.filter((status) => status === 200)).toHaveLength(DELIVERIES - 1);

    // Counted on the topic itself, by the event-id header ingress sets.
    const reader = await readTopic(Topics.personChanges, (value) => value);
    try {
      await reader.caughtUp(60_000);
      const records = reader.records.filter((r) => r.headers['event-id'] === event.id);
      expect(records).toHaveLength(1);
    } finally {
      await reader.stop();
    }
  });
});
