/**
 * Kafka goes away: ingress answers 503 with Retry-After and never a 2xx, because nothing is
 * durable. Kafka comes back: the same deliveries are accepted, and every accepted event is on
 * the topic, counted by an independent consumer.
 */
import { Topics } from '@bgs/platform';
import type { PersonChangeRecord } from '../../services/ingress/src/webhooks/events';
import {
  postSignedWebhook,
  roleChange,
  startIngress,
  type RunningIngress,
} from '../helpers/ingress';
import { requireStack, stack, stackCommand, uniqueName } from '../helpers/stack';
import { readTopic } from '../helpers/topic-reader';
import { waitFor } from '../helpers/wait';

const SECRET = 'whsec_' + Buffer.from('outage-secret-for-tests-01').toString('base64');
const source = uniqueName('outage');
let ingress: RunningIngress;

async function deliver(event: object): Promise<{ status: number; retryAfter: string | null }> {
  const { status, headers } = await postSignedWebhook(ingress, source, SECRET, event);
  return { status, retryAfter: headers.get('retry-after') };
}

beforeAll(async () => {
  await requireStack();
  ingress = await startIngress(
    { sources: { [source]: { scheme: 'standard-webhooks', secrets: [{ value: SECRET }] } } },
    { PRODUCE_TIMEOUT_MS: 2_000 },
  );
});

afterAll(async () => {
  // Whatever happened above, leave the stack as the other tests expect it.
  await stackCommand('start', 'kafka');
  await ingress?.close();
});

it('503 while Kafka is down, accepted once it is back, and nothing accepted is missing', async () => {
  const before = Array.from({ length: 5 }, () => roleChange());
  const accepted: string[] = [];
  for (const event of before) {
    expect((await deliver(event)).status).toBe(202);
    accepted.push(String(event.id));
  }

  await stackCommand('stop', 'kafka');
  const during = Array.from({ length: 5 }, () => roleChange());
  for (const event of during) {
    const reply = await deliver(event);
    expect(reply).toEqual({ status: 503, retryAfter: '5' });
  }

  await stackCommand('start', 'kafka');
  // The providers retry: the same events, now accepted (the claim was released on failure).
  for (const event of during) {
    const reply = await waitFor(
      async () => {
        const attempt = await deliver(event);
        return attempt.status === 202 ? attempt : undefined;
      },
      {
        timeoutMs: 60_000,
        description: `event ${String(event.id)} to be accepted after Kafka is back`,
      },
    );
    expect(reply.status).toBe(202);
    accepted.push(String(event.id));
  }

  const topic = await readTopic<PersonChangeRecord>(
    Topics.personChanges,
    async (value) => (await ingress.codec.decode(value)) as PersonChangeRecord,
  );
  try {
    await topic.caughtUp(60_000);
    const onTopic = topic.records
      .filter((r) => r.value.source === source)
      .map((r) => r.value.eventId);
    expect([...new Set(onTopic)].sort()).toEqual([...accepted].sort());
  } finally {
    await topic.stop();
  }

  // The connector and the services reconnect on their own.
  await waitFor(
    async () => {
      const status = (await (
        await fetch(`${stack.connectUrl}/connectors/bgs-upstream-postgres/status`)
      ).json()) as { tasks: { state: string }[] };
      return status.tasks.every((t) => t.state === 'RUNNING') || undefined;
    },
    { timeoutMs: 60_000, description: 'the Debezium connector to run again' },
  );
});
