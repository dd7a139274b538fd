/**
 * The operator API (/api/v1/operator) on the real stack, through an in-process ingress wired
 * as in production: operator keys and workspace keys refused on each other's routes, the
 * archive listed and shown, replays counted on `person-changes` itself, and a replay after a
 * fix producing the refresh the original delivery could not, seen in the company's refresh log
 * as the running pipeline writes it.
 */
import { createDataSource } from '@bgs/db';
import { deadLetterTopic, Headers, Topics, type PersonChangeRecord } from '@bgs/platform';
import { generateApiKey } from '../../services/ingress/src/api/api-keys';
import { createPgApiKeyAdminStore } from '../../services/ingress/src/api/store';
import { main as apiKeysCli } from '../../services/ingress/src/cli/api-keys';
import {
  postSignedWebhook,
  roleChange,
  startIngress,
  type RunningIngress,
} from '../helpers/ingress';
import { createCompany, createWorkspace, waitForIncludedChanges } from '../helpers/pipeline';
import { requireStack, stack, uniqueName, withDatabase } from '../helpers/stack';
import { readTopic, type TopicReader } from '../helpers/topic-reader';
import { waitFor } from '../helpers/wait';

const SECRET = 'whsec_' + Buffer.from('operator-api-secret-for-tests-01').toString('base64');
const source = uniqueName('ops');
/** In every event id and company id of this file, so the topic reader can skip the rest. */
const tag = uniqueName('opapi');
const startedAt = new Date(Date.now() - 60_000);

let ingress: RunningIngress;
let topic: TopicReader<PersonChangeRecord>;
let operatorKey: string;
let workspaceKey: string;
let ownCompany: string;
const keyIds: string[] = [];

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function call(
  method: 'GET' | 'POST',
  path: string,
  key: string | undefined,
  json?: unknown,
): Promise<Answer> {
  const response = await fetch(`${ingress.url}/api/v1${path}`, {
    method,
    headers: {
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      ...(json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : JSON.parse(text) };
}

const deliver = async (payload: object): Promise<number> =>
  (await postSignedWebhook(ingress, source, SECRET, payload)).status;

/** The delivery id (`webhook_events` id) of an event of this file's source. */
async function deliveryId(eventId: string): Promise<string> {
  const { rows } = await withDatabase((db) =>
    db.query<{ id: string }>(`SELECT id FROM webhook_events WHERE source = $1 AND event_id = $2`, [
      source,
      eventId,
    ]),
  );
  if (!rows[0]) throw new Error(`no delivery of ${eventId}`);
  return rows[0].id;
}

async function recordsOf(eventId: string) {
  await topic.caughtUp();
  return topic.records.filter((r) => r.value.eventId === eventId);
}

const event = (name: string) =>
  roleChange({ id: `${tag}-${name}`, company: { id: `${tag}-co-${name}`, name: 'Acme' } });

beforeAll(async () => {
  await requireStack();
  ingress = await startIngress({
    sources: { [source]: { scheme: 'standard-webhooks', secrets: [{ value: SECRET }] } },
  });
  topic = await readTopic<PersonChangeRecord>(Topics.personChanges, async (value) => {
    if (!value.includes(tag)) throw new Error('not this test file’s record');
    return (await ingress.codec.decode(value)) as PersonChangeRecord;
  });

  // The operator key as an operator makes it: with the CLI.
  const out: string[] = [];
  const io = { out: (line: string) => out.push(line), err: () => undefined };
  const env = { DATABASE_URL: stack.databaseUrl };
  expect(await apiKeysCli(['create', '--operator', '--name', tag, '--json'], io, env)).toBe(0);
  const created = JSON.parse(out.join('')) as { id: string; key: string; scope: string };
  expect(created).toMatchObject({ scope: 'operator', workspaceId: null });
  keyIds.push(created.id);
  operatorKey = created.key;

  const workspaceId = uniqueName('ws');
  const generated = generateApiKey();
  const keysDb = await createDataSource(stack.databaseUrl, { poolSize: 1 }).initialize();
  const record = await createPgApiKeyAdminStore(keysDb)
    .createKey({ workspaceId, name: tag, prefix: generated.prefix, hash: generated.hash })
    .finally(() => keysDb.destroy());
  keyIds.push(record.id);
  workspaceKey = generated.key;
  ownCompany = `${tag}-own`;
  await ingress.pool.query(`INSERT INTO companies (id, workspace_id, name) VALUES ($1, $2, 'A')`, [
    ownCompany,
    workspaceId,
  ]);
});

afterAll(async () => {
  await topic?.stop();
  if (ingress) {
    await ingress.pool.query(`DELETE FROM refresh_requests WHERE api_key_id = ANY($1)`, [keyIds]);
    await ingress.pool.query(`DELETE FROM api_keys WHERE id = ANY($1)`, [keyIds]);
    await ingress.close();
  }
});

describe('operator keys', () => {
  it('are listed with their scope by the CLI', async () => {
    const out: string[] = [];
    const io = { out: (line: string) => out.push(line), err: () => undefined };
    expect(await apiKeysCli(['list', '--operator'], io, { DATABASE_URL: stack.databaseUrl })).toBe(
      0,
    );
    const line = out.find((l) => l.startsWith(keyIds[0] as string));
    expect(line?.split('\t').slice(1, 3)).toEqual(['operator', '-']);
    expect(out.join('\n')).not.toContain(operatorKey);
  });

  it('refuse a workspace key on operator routes, and an operator key on workspace routes', async () => {
    const delivery = await call('GET', '/operator/deliveries', workspaceKey);
    expect(delivery).toEqual({
      status: 403,
      body: { error: 'operator_key_required', message: expect.any(String) },
    });
    const range = { since: startedAt.toISOString(), until: new Date().toISOString() };
    expect(await call('POST', '/operator/deliveries/replay', workspaceKey, range)).toMatchObject({
      status: 403,
      body: { error: 'operator_key_required' },
    });

    // The operator key sees no workspace's companies, and asks for no refresh.
    const group = await call('GET', `/buyer-groups/${ownCompany}`, operatorKey);
    expect(group).toEqual({
      status: 403,
      body: { error: 'workspace_key_required', message: expect.any(String) },
    });
    const refresh = await call('POST', `/buyer-groups/${ownCompany}/refresh`, operatorKey);
    expect(refresh.body).toMatchObject({ error: 'workspace_key_required' });
    const { rows } = await ingress.pool.query(
      `SELECT 1 FROM refresh_requests WHERE company_id = $1`,
      [ownCompany],
    );
    expect(rows).toEqual([]);
    // The workspace key still works where it belongs; no key at all is a 401.
    expect((await call('GET', `/buyer-groups/${ownCompany}/refreshes`, workspaceKey)).status).toBe(
      200,
    );
    expect((await call('GET', '/operator/deliveries', undefined)).status).toBe(401);
  });
});

describe('the archive through the operator API', () => {
  const first = event('first');
  const second = event('second');

  it('lists deliveries with the CLI’s filters and shows one, body and allowed headers', async () => {
    expect(await deliver(first)).toBe(202);
    expect(await deliver(second)).toBe(202);
    const listed = await call('GET', `/operator/deliveries?source=${source}&limit=5`, operatorKey);
    expect(listed.status).toBe(200);
    const deliveries = listed.body.deliveries as { id: string; eventId: string }[];
    expect(deliveries.map((d) => d.eventId)).toEqual([second.id, first.id]);
    const one = await call(
      'GET',
      `/operator/deliveries?source=${source}&type=person.role_change&status=enqueued&limit=1`,
      operatorKey,
    );
    expect((one.body.deliveries as unknown[]).length).toBe(1);

    const shown = await call('GET', `/operator/deliveries/${deliveries[1]?.id}`, operatorKey);
    expect(shown.status).toBe(200);
    expect(JSON.parse(shown.body.body as string)).toEqual(first);
    expect(shown.body).toMatchObject({ source, eventId: first.id, replayOf: null });
    expect(shown.body.headers).toHaveProperty('webhook-id');
    expect(shown.body.headers).not.toHaveProperty('webhook-signature');
  });

  it('answers 400 naming the field, and 404 for an unknown delivery', async () => {
    expect(await call('GET', '/operator/deliveries?since=yesterday', operatorKey)).toEqual({
      status: 400,
      body: { error: 'invalid_query', field: 'since', message: expect.any(String) },
    });
    expect(await call('GET', '/operator/deliveries/evt-1', operatorKey)).toMatchObject({
      status: 400,
      body: { error: 'invalid_path', field: 'id' },
    });
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await call('GET', `/operator/deliveries/${unknown}`, operatorKey)).status).toBe(404);
    expect(
      (await call('POST', `/operator/deliveries/${unknown}/replay`, operatorKey, {})).status,
    ).toBe(404);
  });

  it('replays one: nothing under its own id, exactly one record under a new one, nothing on repeat', async () => {
    const id = await deliveryId(String(first.id));
    const newId = `${first.id}.fix`;
    const same = await call('POST', `/operator/deliveries/${id}/replay`, operatorKey);
    expect(same).toMatchObject({ status: 200, body: { status: 'already_enqueued' } });
    expect(await recordsOf(String(first.id))).toHaveLength(1);

    const renamed = await call('POST', `/operator/deliveries/${id}/replay`, operatorKey, {
      as: newId,
    });
    expect(renamed).toEqual({
      status: 202,
      body: { status: 'enqueued', deliveryId: id, eventId: newId },
    });
    const [record, ...more] = await recordsOf(newId);
    expect(more).toEqual([]);
    expect(record?.headers).toMatchObject({ [Headers.replay]: first.id, 'event-id': newId });

    const again = await call('POST', `/operator/deliveries/${id}/replay`, operatorKey, {
      as: newId,
    });
    expect(again).toMatchObject({ status: 200, body: { status: 'already_enqueued' } });
    expect(await recordsOf(newId)).toHaveLength(1);
  });

  it('replays a range a limit at a time, going on after the last, each delivery once', async () => {
    const range = {
      since: startedAt.toISOString(),
      until: new Date(Date.now() + 60_000).toISOString(),
      source,
      asPrefix: 'r1.',
      limit: 1,
    };
    // The copy made under `.fix` is a replay itself and is left out: two deliveries match.
    const firstCall = await call('POST', '/operator/deliveries/replay', operatorKey, range);
    expect(firstCall).toEqual({
      status: 200,
      body: {
        matched: 2,
        tally: expect.objectContaining({ done: 1, enqueued: 1, failed: 0 }),
        remaining: 1,
        continueAfter: await deliveryId(String(first.id)),
        failures: [],
      },
    });
    const rest = await call('POST', '/operator/deliveries/replay', operatorKey, {
      ...range,
      after: firstCall.body.continueAfter,
    });
    expect(rest.body).toMatchObject({
      matched: 1,
      tally: { done: 1, enqueued: 1 },
      remaining: 0,
      continueAfter: null,
    });
    const repeat = await call('POST', '/operator/deliveries/replay', operatorKey, {
      ...range,
      limit: 10,
    });
    expect(repeat.body).toMatchObject({ matched: 2, tally: { done: 2, alreadyEnqueued: 2 } });
    expect(await recordsOf(`r1.${first.id}`)).toHaveLength(1);
    expect(await recordsOf(`r1.${second.id}`)).toHaveLength(1);
  });
});

interface LogRow {
  generation: number;
  triggered_by: string;
  origin_count: number;
}

async function completedLogs(companyId: string): Promise<LogRow[]> {
  const { rows } = await withDatabase((db) =>
    db.query<{ generation: string; triggered_by: string; origin_count: number }>(
      `SELECT generation, triggered_by, (changes->>'originCount')::int AS origin_count
         FROM buyer_group_refresh_logs WHERE company_id = $1 AND status = 'completed'
        ORDER BY generation`,
      [companyId],
    ),
  );
  return rows.map((r) => ({ ...r, generation: Number(r.generation) }));
}

describe('a replay after a fix', () => {
  it('produces the refresh the delivery could not, and a repeated replay no second one', async () => {
    const deadLetters = await readTopic(deadLetterTopic('refresher'), () => true);
    try {
      // A provider reports a change at a company we do not have yet: discovery cannot run, and
      // after the retry tiers the touch is dead-lettered.
      const companyId = `${tag}-co-late`;
      const original = roleChange({
        id: `${tag}-late`,
        company: { id: companyId },
        person: { id: `${companyId}-eng`, oldTitle: 'Staff Engineer', newTitle: 'CTO' },
        changes: { title: { old: 'Staff Engineer', new: 'CTO' } },
      });
      expect(await deliver(original)).toBe(202);
      const dead = await waitFor(() => deadLetters.records.find((r) => r.key === companyId), {
        timeoutMs: 45_000,
        description: `${companyId} dead-lettered by the refresher`,
      });
      expect(dead.headers[Headers.error]).toContain(`company not found: ${companyId}`);
      expect(await completedLogs(companyId)).toEqual([]);

      // The fix: the company arrives upstream, and the pipeline saves its first groups.
      await withDatabase(async (db) =>
        createCompany(db, await createWorkspace(db), undefined, companyId),
      );
      await waitForIncludedChanges(companyId, 8);

      // The operator replays the delivery under a new id: a refresh triggered by it.
      const id = await deliveryId(String(original.id));
      const newId = `${original.id}.fix`;
      const replay = (): Promise<Answer> =>
        call('POST', `/operator/deliveries/${id}/replay`, operatorKey, { as: newId });
      expect((await replay()).status).toBe(202);
      const triggeredBy = `webhook:${source}:${newId}`;
      const refreshed = await waitFor(
        async () => (await completedLogs(companyId)).find((l) => l.triggered_by === triggeredBy),
        { timeoutMs: 30_000, description: `${companyId}: the refresh of ${newId}` },
      );
      expect(refreshed.origin_count).toBe(1);

      // Again: nothing is sent, so nothing is refreshed. A marker behind it on the same company
      // (same partition, so in order) shows when anything the repeat caused would have landed.
      expect(await replay()).toMatchObject({
        status: 200,
        body: { status: 'already_enqueued' },
      });
      expect(await recordsOf(newId)).toHaveLength(1);
      const marker = {
        id: `${tag}-marker`,
        type: 'company.restructuring',
        timestamp: new Date().toISOString(),
        company: { id: companyId },
      };
      expect(await deliver(marker)).toBe(202);
      const after = await waitFor(
        async () => {
          const later = (await completedLogs(companyId)).filter(
            (l) => l.generation > refreshed.generation,
          );
          return later.length > 0 ? later : undefined;
        },
        { timeoutMs: 30_000, description: `${companyId}: the marker's refresh` },
      );
      expect(after.map((l) => [l.triggered_by, l.origin_count])).toEqual([
        [`webhook:${source}:${marker.id}`, 1],
      ]);
      const byReplay = (await completedLogs(companyId)).filter((l) =>
        l.triggered_by.includes(newId),
      );
      expect(byReplay).toHaveLength(1);
    } finally {
      await deadLetters.stop();
    }
  });
});
