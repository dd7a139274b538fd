/**
 * SIGTERM with a webhook delivery in flight: the real ingress process (dist/main.js) against the
 * stack. The delivery is held in its claim statement by a row lock the test owns (an uncommitted
 * claim of the same event id), so it is provably in flight when shutdown begins and is released
 * only once shutdown has reached the HTTP server. Its Postgres pool and Kafka producer must still
 * be open then: the delivery is answered 202 and its event is on the topic once. Were they closed
 * before the server, the claim would be published with no pool to mark it enqueued, answered as
 * a failure, and the provider's retry would put the event on the topic twice.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createSchemaCodec, Topics, type PersonChangeRecord } from '@bgs/platform';
import { postSignedWebhook, roleChange } from '../helpers/ingress';
import { spawnIngress, type IngressProcess } from '../helpers/service-process';
import { requireStack, stack, uniqueName } from '../helpers/stack';
import { readTopic, type TopicReader } from '../helpers/topic-reader';
import { waitFor } from '../helpers/wait';

const SECRET = 'whsec_' + Buffer.from('ingress-shutdown-test-secret-01').toString('base64');
const source = uniqueName('shutdown');

let dir: string;
let ingress: IngressProcess;
let topic: TopicReader<PersonChangeRecord>;
let lockHolder: Client;
/** Reads pg_stat_activity beside the lock holder. */
let observer: Client;
let lockHolderPid: number;

/** The parts in the order shutdown began stopping them. */
const stopping = (): string[] =>
  ingress.lines.filter((l) => l.event === 'part_stopping').map((l) => String(l.part));

/** An uncommitted claim of `eventId`: ingress's claim of the same id waits on it. */
async function holdClaim(eventId: string): Promise<void> {
  await lockHolder.query('BEGIN');
  await lockHolder.query(
    `INSERT INTO webhook_events (source, event_id, event_type, payload, signature_scheme, status)
     VALUES ($1, $2, 'person.role_change', '{}', 'standard-webhooks', 'claimed')`,
    [source, eventId],
  );
}

/** Whether some session (ingress's claim statement) is waiting on the lock holder's row lock. */
async function someoneWaitsOnClaim(): Promise<boolean> {
  const { rows } = await observer.query<{ waiting: string }>(
    `SELECT count(*) AS waiting FROM pg_stat_activity
     WHERE $1 = ANY (pg_blocking_pids(pid))`,
    [lockHolderPid],
  );
  return Number(rows[0]?.waiting) > 0;
}

beforeAll(async () => {
  await requireStack();
  dir = mkdtempSync(path.join(tmpdir(), 'bgs-shutdown-'));
  const sourcesFile = path.join(dir, 'webhook-sources.json');
  const declare = { scheme: 'standard-webhooks', secrets: [{ value: SECRET }] };
  writeFileSync(sourcesFile, JSON.stringify({ sources: { [source]: declare } }));
  ingress = await spawnIngress(sourcesFile);
  lockHolder = new Client({ connectionString: stack.databaseUrl });
  observer = new Client({ connectionString: stack.databaseUrl });
  await Promise.all([lockHolder.connect(), observer.connect()]);
  const backend = await lockHolder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  lockHolderPid = backend.rows[0]!.pid;
  const codec = createSchemaCodec({ url: stack.registryUrl });
  topic = await readTopic<PersonChangeRecord>(
    Topics.personChanges,
    async (value) => (await codec.decode(value)) as PersonChangeRecord,
  );
  await ingress.ready();
});

afterAll(async () => {
  await topic?.stop();
  await Promise.all([lockHolder?.end(), observer?.end()]);
  ingress?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('answers a delivery in flight at SIGTERM with 202, its event on the topic once, then exits 0', async () => {
  const event = roleChange();
  const eventId = String(event.id);
  await holdClaim(eventId);
  const answer = postSignedWebhook(ingress, source, SECRET, event);
  await waitFor(someoneWaitsOnClaim, { description: "ingress's claim to wait on the held row" });

  ingress.child.kill('SIGTERM');
  // Shutdown has closed readiness and reached the HTTP server, which waits for the delivery.
  await waitFor(() => stopping().includes('ops-server'), {
    timeoutMs: 20_000,
    description: 'shutdown to reach the HTTP server, with the pool and the producer still open',
  });
  expect(stopping()).not.toContain('postgres');
  expect(stopping()).not.toContain('webhook-producer');
  await lockHolder.query('ROLLBACK');

  expect((await answer).status).toBe(202);
  expect(await ingress.exited).toBe(0);
  await topic.caughtUp();
  expect(topic.records.filter((r) => r.value.eventId === eventId)).toHaveLength(1);
  // The pool and the producer closed last, after the server had answered.
  expect(stopping().slice(-2).sort()).toEqual(['postgres', 'webhook-producer']);
});
