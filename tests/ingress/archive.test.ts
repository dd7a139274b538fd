/**
 * The archive of verified deliveries on the real stack: what the claim statement keeps (and
 * never keeps), the retention sweep, and the operator's replay through the deliveries CLI,
 * counted on `person-changes` itself.
 */
import { gunzipSync } from 'node:zlib';
import { Headers, Topics, type PersonChangeRecord } from '@bgs/platform';
import { retentionCutoff } from '../../services/ingress/src/archive/retention';
import { sweepExpiredDeliveries } from '../../services/ingress/src/archive/sweeper';
import { main as deliveries } from '../../services/ingress/src/cli/deliveries';
import { roleChange, startIngress, type RunningIngress } from '../helpers/ingress';
import { standardWebhooksHeaders } from '../helpers/signers';
import { requireStack, stack, uniqueName, withDatabase } from '../helpers/stack';
import { readTopic, type TopicReader } from '../helpers/topic-reader';

const SECRET = 'whsec_' + Buffer.from('archive-secret-for-tests-0001').toString('base64');
const source = uniqueName('archive');
/** In every event id and company id of this file, so the topic reader can skip the rest. */
const tag = uniqueName('arch');
const startedAt = new Date(Date.now() - 60_000);

let ingress: RunningIngress;
let topic: TopicReader<PersonChangeRecord>;

const cliEnv = {
  DATABASE_URL: stack.databaseUrl,
  KAFKA_BROKERS: stack.kafkaBrokers.join(','),
  SCHEMA_REGISTRY_URL: stack.registryUrl,
};

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await deliveries(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, cliEnv);
  return { code, out, err };
}

function event(name: string) {
  return roleChange({
    id: `${tag}-${name}`,
    company: { id: `${tag}-co-${name}`, name: 'Acme' },
  });
}

async function deliver(body: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(`${ingress.url}/webhooks/${source}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

function signed(payload: object) {
  const body = JSON.stringify(payload);
  return { body, headers: standardWebhooksHeaders(SECRET, uniqueName('msg'), body) };
}

interface StoredDelivery {
  id: string;
  status: string;
  payload: Record<string, unknown>;
  headers: Record<string, string> | null;
  body: Buffer | null;
  replay_of: string | null;
}

async function stored(eventId: string): Promise<StoredDelivery | undefined> {
  const { rows } = await withDatabase((db) =>
    db.query<StoredDelivery>(
      `SELECT w.id, w.status, w.payload, d.headers, d.body, d.replay_of
         FROM webhook_events w LEFT JOIN webhook_deliveries d ON d.id = w.id
        WHERE w.source = $1 AND w.event_id = $2`,
      [source, eventId],
    ),
  );
  return rows[0];
}

async function recordsOf(eventId: string) {
  await topic.caughtUp();
  return topic.records.filter((r) => r.value.eventId === eventId);
}

beforeAll(async () => {
  await requireStack();
  ingress = await startIngress({
    sources: { [source]: { scheme: 'standard-webhooks', secrets: [{ value: SECRET }] } },
  });
  // person-changes holds every test's and demo's records: decode only this file's.
  topic = await readTopic<PersonChangeRecord>(Topics.personChanges, async (value) => {
    if (!value.includes(tag)) throw new Error('not this test file’s record');
    return (await ingress.codec.decode(value)) as PersonChangeRecord;
  });
});

afterAll(async () => {
  await topic?.stop();
  await ingress?.close();
});

describe('the archive of verified deliveries', () => {
  const kept = event('kept');
  const replayed = event('replayed');

  it('keeps the raw body and the allowed headers of a verified delivery, never its signature', async () => {
    const { body, headers } = signed(kept);
    const status = await deliver(body, {
      ...headers,
      authorization: 'Bearer not-for-the-archive',
      cookie: 'session=not-for-the-archive',
      'user-agent': 'archive-test/1.0',
    });
    expect(status).toBe(202);
    const row = await stored(String(kept.id));
    expect(row?.status).toBe('enqueued');
    expect(gunzipSync(row?.body as Buffer).toString('utf8')).toBe(body);
    expect(row?.headers).toEqual({
      'content-type': 'application/json',
      'user-agent': 'archive-test/1.0',
      'webhook-id': headers['webhook-id'],
      'webhook-timestamp': headers['webhook-timestamp'],
    });
    expect(JSON.stringify(row?.headers)).not.toMatch(/v1,|not-for-the-archive/);
  });

  it('never archives an unverified request', async () => {
    const forged = event('forged');
    const { body, headers } = signed(forged);
    const tampered = body.replace('CRO', 'CEO');
    expect(await deliver(tampered, headers)).toBe(401);
    expect(await stored(String(forged.id))).toBeUndefined();
    const { rows } = await withDatabase((db) =>
      db.query(
        `SELECT 1 FROM webhook_deliveries d JOIN webhook_events w ON w.id = d.id
          WHERE w.source = $1 AND w.event_id = $2`,
        [source, forged.id],
      ),
    );
    expect(rows).toEqual([]);
  });

  it('sweeps an expired archive and its payload, and keeps the dedup key', async () => {
    const before = await stored(String(kept.id));
    await withDatabase((db) =>
      db.query(
        `UPDATE webhook_deliveries SET received_at = now() - interval '8 days' WHERE id = $1`,
        [before?.id],
      ),
    );
    const cutoff = retentionCutoff(Date.now(), 7);
    // Oldest first, in batches: whatever else has expired in the stack's database goes first.
    for (let batch = 0; batch < 100 && (await stored(String(kept.id)))?.body; batch += 1) {
      await sweepExpiredDeliveries(ingress.pool, cutoff, 500);
    }
    const after = await stored(String(kept.id));
    expect(after).toMatchObject({ id: before?.id, status: 'enqueued', payload: {}, body: null });
    // The dedup key holds: a redelivery is still a duplicate, and is not archived again.
    const { body, headers } = signed(kept);
    expect(await deliver(body, headers)).toBe(200);
    expect((await stored(String(kept.id)))?.body).toBeNull();
    // A delivery inside the retention is untouched by the same sweep.
    const fresh = signed(replayed);
    expect(await deliver(fresh.body, fresh.headers)).toBe(202);
    await sweepExpiredDeliveries(ingress.pool, cutoff, 500);
    expect((await stored(String(replayed.id)))?.body).not.toBeNull();
  });

  it('lists and shows deliveries for an operator', async () => {
    const row = await stored(String(replayed.id));
    const listed = await cli('list', '--source', source, '--json');
    expect(listed.code).toBe(0);
    const found = JSON.parse(listed.out.join('')) as { eventId: string; archive: unknown }[];
    expect(found.map((d) => [d.eventId, d.archive === null])).toEqual([
      [replayed.id, false],
      [kept.id, true],
    ]);
    const shown = await cli('show', row?.id as string, '--json');
    expect(shown.code).toBe(0);
    const delivery = JSON.parse(shown.out.join('')) as { body: string; headers: object };
    expect(JSON.parse(delivery.body)).toEqual(replayed);
    expect(delivery.headers).not.toHaveProperty('webhook-signature');
  });

  it('replays: nothing for an enqueued delivery, exactly one record under a new id, and nothing more on repeat', async () => {
    const row = await stored(String(replayed.id));
    const id = row?.id as string;
    const newId = `${replayed.id}-fix`;
    expect(await recordsOf(String(replayed.id))).toHaveLength(1);

    const same = await cli('replay', id);
    expect(same.code).toBe(0);
    expect(same.out.join('\n')).toContain('already enqueued');
    expect(await recordsOf(String(replayed.id))).toHaveLength(1);

    const renamed = await cli('replay', id, '--as', newId);
    expect(renamed).toMatchObject({ code: 0, err: [] });
    const [record, ...more] = await recordsOf(newId);
    expect(more).toEqual([]);
    expect(record?.headers).toMatchObject({
      [Headers.replay]: replayed.id,
      'event-id': newId,
      source,
    });
    expect(record?.key).toBe((replayed.company as { id: string }).id);
    expect(record?.value).toMatchObject({
      eventId: newId,
      source,
      changes: [{ field: 'title', before: 'VP Sales', after: 'CRO' }],
    });
    expect(await stored(newId)).toMatchObject({ status: 'enqueued', replay_of: id });

    const again = await cli('replay', id, '--as', newId);
    expect(again.code).toBe(0);
    expect(again.out.join('\n')).toContain('already enqueued');
    expect(await recordsOf(newId)).toHaveLength(1);
  });

  it('replays a time range under a prefix once, skipping what the retention removed and earlier replays', async () => {
    const range = [
      'replay',
      '--since',
      startedAt.toISOString(),
      '--until',
      new Date(Date.now() + 60_000).toISOString(),
      '--source',
      source,
      '--as-prefix',
      'fix1.',
    ];
    const first = await cli(...range);
    expect(first.code).toBe(0);
    expect(first.out.at(-1)).toBe(
      'replayed 2 deliveries: 1 enqueued, 0 already enqueued, 0 in flight, 1 without archive, ' +
        '0 invalid new id, 0 failed',
    );
    expect(await recordsOf(`fix1.${replayed.id}`)).toHaveLength(1);

    const repeat = await cli(...range);
    expect(repeat.out.at(-1)).toContain('replayed 2 deliveries: 0 enqueued, 1 already enqueued');
    expect(await recordsOf(`fix1.${replayed.id}`)).toHaveLength(1);
  });
});
