/**
 * A claim left behind by a crashed ingress, through the real stack: once older than
 * CLAIM_TIMEOUT_MS the provider's retry takes it over and Kafka gets the event once; before
 * that the retry is told to come back later; and two instances racing for one expired claim
 * publish it once between them.
 */
import { Topics, type PersonChangeRecord } from '@bgs/platform';
import type { Client } from 'pg';
import { archiveOf } from '../../services/ingress/src/archive/archive';
import { roleChange, startIngress, type RunningIngress } from '../helpers/ingress';
import { standardWebhooksHeaders } from '../helpers/signers';
import { requireStack, stack, uniqueName, withDatabase } from '../helpers/stack';
import { readTopic, type TopicReader } from '../helpers/topic-reader';
import { waitFor } from '../helpers/wait';

const SECRET = 'whsec_' + Buffer.from('claims-secret-for-tests-0001').toString('base64');
const source = uniqueName('claims');
const declaration = {
  sources: { [source]: { scheme: 'standard-webhooks', secrets: [{ value: SECRET }] } },
};
/** Small, so an hour-old claim is long expired and a fresh one is well inside it. */
const CLAIM_TIMEOUT_MS = 10_000;

let ingress: RunningIngress;
let topic: TopicReader<PersonChangeRecord>;

beforeAll(async () => {
  await requireStack();
  ingress = await startIngress(declaration, { CLAIM_TIMEOUT_MS });
  topic = await readTopic<PersonChangeRecord>(
    Topics.personChanges,
    async (value) => (await ingress.codec.decode(value)) as PersonChangeRecord,
  );
});

afterAll(async () => {
  await topic?.stop();
  await ingress?.close();
});

interface Delivery {
  readonly event: Record<string, unknown>;
  readonly eventId: string;
  readonly companyId: string;
  readonly body: string;
}

function delivery(): Delivery {
  const event = roleChange();
  return {
    event,
    eventId: String(event.id),
    companyId: (event.company as { id: string }).id,
    body: JSON.stringify(event),
  };
}

/** A new delivery of the event (new webhook-id and signature), as a provider's retry is. */
async function send(
  to: Pick<RunningIngress, 'url'>,
  { body }: Delivery,
): Promise<{ status: number; body: Record<string, unknown>; retryAfter: string | null }> {
  const response = await fetch(`${to.url}/webhooks/${source}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...standardWebhooksHeaders(SECRET, uniqueName('msg'), body),
    },
    body,
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    retryAfter: response.headers.get('retry-after'),
  };
}

/**
 * What a crashed ingress leaves: the claim statement's row (status `claimed`, with its archived
 * delivery) claimed `ageSeconds` ago, and nothing on the topic.
 */
async function leaveClaim(db: Client, { event, body, companyId }: Delivery, ageSeconds: number) {
  const archive = await archiveOf(Buffer.from(body), { 'content-type': 'application/json' });
  const row = await db.query<{ id: string }>(
    `INSERT INTO webhook_events
       (source, event_id, event_type, company_id, payload, signature_scheme, status, claimed_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, 'standard-webhooks', 'claimed',
             now() - make_interval(secs => $6))
     RETURNING id`,
    [source, event.id, event.type, companyId, body, ageSeconds],
  );
  const id = row.rows[0]?.id as string;
  await db.query(
    `INSERT INTO webhook_deliveries (id, received_at, headers, body, body_bytes)
     VALUES ($1, now() - make_interval(secs => $2), $3::jsonb, $4, $5)`,
    [id, ageSeconds, JSON.stringify(archive.headers), archive.body, archive.bodyBytes],
  );
  return id;
}

const statusOf = async (eventId: string): Promise<string | undefined> =>
  withDatabase(async (db) => {
    const found = await db.query<{ status: string }>(
      `SELECT status FROM webhook_events WHERE source = $1 AND event_id = $2`,
      [source, eventId],
    );
    return found.rows[0]?.status;
  });

const recordsOf = (eventId: string) => topic.records.filter((r) => r.value.eventId === eventId);

describe('an expired claim', () => {
  it("is taken over by the provider's retry: 202, one record on the topic, the row enqueued", async () => {
    const crashed = delivery();
    await withDatabase((db) => leaveClaim(db, crashed, 3_600));

    expect(await send(ingress, crashed)).toMatchObject({
      status: 202,
      body: { status: 'enqueued', eventId: crashed.eventId },
    });
    await topic.caughtUp();
    const records = recordsOf(crashed.eventId);
    expect(records).toHaveLength(1);
    expect(records[0]?.key).toBe(crashed.companyId);
    expect(records[0]?.headers).toMatchObject({ source, 'event-id': crashed.eventId });
    expect(await statusOf(crashed.eventId)).toBe('enqueued');

    // The next retry finds it done: 200, and still one record.
    expect((await send(ingress, crashed)).status).toBe(200);
    await topic.caughtUp();
    expect(recordsOf(crashed.eventId)).toHaveLength(1);
  });

  it('taken over by two instances at once is published once', async () => {
    const other = await startIngress(declaration, { CLAIM_TIMEOUT_MS });
    try {
      const crashed = delivery();
      await withDatabase(async (holder) => {
        const id = await leaveClaim(holder, crashed, 3_600);
        // Hold the row so both instances' claim statements take their snapshot, find the claim
        // expired and queue behind the lock: the race is certain, not left to timing.
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM webhook_events WHERE id = $1 FOR UPDATE', [id]);
        const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))
          .rows[0]?.pid;
        const replies = Promise.all([send(ingress, crashed), send(other, crashed)]);
        await waitFor(() => claimsBlockedBehind(holderPid as number).then((n) => n === 2), {
          timeoutMs: 15_000,
          description: 'both claim statements to wait for the held row',
        });
        await holder.query('ROLLBACK');

        const statuses = (await replies).map((reply) => reply.status).sort();
        expect(statuses).toEqual([200, 202]);
      });
      await topic.caughtUp();
      expect(recordsOf(crashed.eventId)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});

describe('a claim that has not expired', () => {
  it('is not taken over: the retry gets 503 with Retry-After and nothing is published', async () => {
    const inFlight = delivery();
    await withDatabase((db) => leaveClaim(db, inFlight, 0));

    // Its owner may still publish it: the retry waits for it (PRODUCE_TIMEOUT_MS + 1 s), then
    // asks to be sent again rather than publish a second copy.
    const reply = await send(ingress, inFlight);
    expect(reply).toMatchObject({ status: 503, body: { error: 'unavailable' } });
    expect(Number(reply.retryAfter)).toBeGreaterThanOrEqual(1);
    await topic.caughtUp();
    expect(recordsOf(inFlight.eventId)).toHaveLength(0);
    expect(await statusOf(inFlight.eventId)).toBe('claimed');
  });
});

/**
 * How many claim statements wait, directly or behind another waiter, for the lock `holder`
 * holds. Matched on their opening: pg_stat_activity keeps only a statement's first kilobyte.
 */
async function claimsBlockedBehind(holder: number): Promise<number> {
  return withDatabase(async (db) => {
    const found = await db.query<{ n: number }>(
      `WITH waiting AS (
         SELECT pid, pg_blocking_pids(pid) AS blockers FROM pg_stat_activity
         WHERE wait_event_type = 'Lock' AND query LIKE '%WITH input AS%INSERT INTO webhook_events%'
       )
       SELECT count(*)::int AS n FROM waiting w
       WHERE $1 = ANY(w.blockers)
          OR EXISTS (SELECT 1 FROM waiting o WHERE o.pid = ANY(w.blockers) AND $1 = ANY(o.blockers))`,
      [holder],
    );
    return found.rows[0]?.n ?? 0;
  }, stack.databaseUrl);
}
