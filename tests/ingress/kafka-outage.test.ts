/**
 * Kafka dies under ingress (SIGKILL, with deliveries in flight): ingress answers 503 with
 * Retry-After and never a 2xx it cannot stand behind, because nothing is durable. Kafka comes
 * back: the refused deliveries are accepted on retry, and an independent consumer finds every
 * accepted event on the topic, counted record by record.
 *
 * One duplicate is possible and allowed: a delivery in flight at the very moment of the kill may
 * have been written by the broker without its acknowledgement reaching ingress, which then
 * answered 503; the provider's retry publishes it again (the stages absorb it). A delivery
 * refused only after Kafka was dead cannot have been written, so its event is on the topic once.
 */
import { Topics, type PersonChangeRecord } from '@bgs/platform';
import {
  postSignedWebhook,
  roleChange,
  startIngress,
  type RunningIngress,
} from '../helpers/ingress';
import { killPart, requireStack, stack, stackCommand, uniqueName } from '../helpers/stack';
import { readTopic } from '../helpers/topic-reader';
import { waitFor } from '../helpers/wait';

const SECRET = 'whsec_' + Buffer.from('outage-secret-for-tests-01').toString('base64');
const source = uniqueName('outage');
const EVENTS = 48;
const CONCURRENCY = 8;
let ingress: RunningIngress;

interface Attempt {
  readonly eventId: string;
  readonly startedAt: number;
  readonly status: number;
  readonly retryAfter: string | null;
}

async function deliver(event: Record<string, unknown>): Promise<Attempt> {
  const startedAt = Date.now();
  const { status, headers } = await postSignedWebhook(ingress, source, SECRET, event);
  return { eventId: String(event.id), startedAt, status, retryAfter: headers.get('retry-after') };
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

it('503 for deliveries in flight and during the outage, accepted after it, each accepted event on the topic', async () => {
  const events = Array.from({ length: EVENTS }, () => roleChange());
  const attempts: Attempt[] = [];
  let killedAt = Number.POSITIVE_INFINITY;
  let kill: Promise<void> | undefined;

  // Eight providers deliver the events; once a quarter are in, Kafka is killed under them.
  const queue = [...events];
  const worker = async (): Promise<void> => {
    for (let event = queue.shift(); event; event = queue.shift()) {
      attempts.push(await deliver(event));
      if (!kill && attempts.filter((a) => a.status === 202).length >= EVENTS / 4) {
        kill = killPart('kafka').then(() => {
          killedAt = Date.now();
        });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await kill;

  // While Kafka was dead, every answer was a 503 with Retry-After; nothing else was ever said.
  const refused = attempts.filter((a) => a.status !== 202);
  expect(refused.length).toBeGreaterThan(0);
  for (const attempt of refused) expect(attempt).toMatchObject({ status: 503, retryAfter: '5' });
  for (const attempt of attempts.filter((a) => a.startedAt > killedAt)) {
    expect(attempt.status).toBe(503);
  }

  await stackCommand('start', 'kafka');
  // The providers retry: the same events, now accepted (the claim was released on failure).
  for (const eventId of new Set(refused.map((a) => a.eventId))) {
    const event = events.find((e) => e.id === eventId) as Record<string, unknown>;
    attempts.push(
      await waitFor(
        async () => {
          const attempt = await deliver(event);
          return attempt.status === 202 ? attempt : undefined;
        },
        { timeoutMs: 60_000, description: `event ${eventId} accepted after Kafka is back` },
      ),
    );
  }
  const accepted = attempts.filter((a) => a.status === 202).map((a) => a.eventId);
  expect([...accepted].sort()).toEqual(events.map((e) => String(e.id)).sort());

  const topic = await readTopic<PersonChangeRecord>(
    Topics.personChanges,
    async (value) => (await ingress.codec.decode(value)) as PersonChangeRecord,
  );
  try {
    await topic.caughtUp(60_000);
    const copies = new Map<string, number>();
    for (const { value } of topic.records.filter((r) => r.value.source === source)) {
      copies.set(value.eventId, (copies.get(value.eventId) ?? 0) + 1);
    }
    // Counted, not deduplicated: once, or twice only for a delivery in flight at the kill.
    const miscounted = events.flatMap((event) => {
      const eventId = String(event.id);
      const count = copies.get(eventId) ?? 0;
      const inFlightAtKill = refused.some((a) => a.eventId === eventId && a.startedAt <= killedAt);
      if (count === 1 || (count === 2 && inFlightAtKill)) return [];
      const tried = attempts.filter((a) => a.eventId === eventId);
      return [
        `${eventId}: ${count} records; ${tried.map((a) => `${a.status} at kill${a.startedAt - killedAt >= 0 ? '+' : ''}${a.startedAt - killedAt} ms`).join(', ')}`,
      ];
    });
    expect(miscounted).toEqual([]);
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
    { timeoutMs: 90_000, description: 'the Debezium connector to run again' },
  );
});
