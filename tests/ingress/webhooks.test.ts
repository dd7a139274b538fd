/**
 * POST /webhooks/:source through the real stack: signatures made by independent
 * implementations, every refusal, idempotency under concurrency, and what Kafka holds after.
 */
import { Topics, type PersonChangeRecord } from '@bgs/platform';
import { roleChange, startIngress, type RunningIngress } from '../helpers/ingress';
import { githubSignatures, legacyHeaders, standardWebhooksHeaders } from '../helpers/signers';
import { requireStack, uniqueName, withDatabase } from '../helpers/stack';
import { readTopic, type TopicReader } from '../helpers/topic-reader';

const STANDARD_SECRET = 'whsec_' + Buffer.from('standard-secret-for-tests-0001').toString('base64');
const STANDARD_NEXT = 'whsec_' + Buffer.from('standard-secret-for-tests-0002').toString('base64');
const LEGACY_SECRET = 'legacy-secret-for-tests-0001';
const GITHUB_SECRET = 'github-secret-for-tests-0001';

const std = uniqueName('std');
const legacy = uniqueName('legacy');
const hub = uniqueName('hub');
const slow = uniqueName('slow');

const declaration = (standardSecrets: string[]) => ({
  sources: {
    [std]: { scheme: 'standard-webhooks', secrets: standardSecrets.map((value) => ({ value })) },
    [legacy]: { scheme: 'legacy-hmac', secrets: [{ value: LEGACY_SECRET }] },
    [hub]: {
      scheme: 'github',
      secrets: [{ value: GITHUB_SECRET }],
      eventTypes: ['person.role_change'],
    },
    [slow]: {
      scheme: 'standard-webhooks',
      secrets: [{ value: STANDARD_SECRET }],
      rateLimit: { perSecond: 2 },
    },
  },
});

let ingress: RunningIngress;
let topic: TopicReader<PersonChangeRecord>;

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function post(
  source: string,
  body: string,
  headers: Record<string, string>,
  contentType = 'application/json',
): Promise<Reply> {
  const response = await fetch(`${ingress.url}/webhooks/${source}`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body,
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

function signedStandard(event: object, secret = STANDARD_SECRET, at = new Date()) {
  const body = JSON.stringify(event);
  return { body, headers: standardWebhooksHeaders(secret, uniqueName('msg'), body, at) };
}

const recordsOf = (eventId: string) => topic.records.filter((r) => r.value.eventId === eventId);

beforeAll(async () => {
  await requireStack();
  ingress = await startIngress(declaration([STANDARD_SECRET]));
  topic = await readTopic<PersonChangeRecord>(
    Topics.personChanges,
    async (value) => (await ingress.codec.decode(value)) as PersonChangeRecord,
  );
});

afterAll(async () => {
  await topic?.stop();
  await ingress?.close();
});

describe('accepted webhooks', () => {
  it('Standard Webhooks: 202 only once Kafka holds an Avro record keyed by company, with an audit row', async () => {
    const event = roleChange();
    const { body, headers } = signedStandard(event);
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const reply = await post(std, body, { ...headers, traceparent });
    expect(reply).toMatchObject({ status: 202, body: { status: 'enqueued', eventId: event.id } });

    await topic.caughtUp();
    const [record, ...more] = recordsOf(String(event.id));
    expect(more).toEqual([]);
    const company = event.company as { id: string };
    expect(record?.key).toBe(company.id);
    expect(record?.headers).toMatchObject({ source: std, 'event-id': event.id, traceparent });
    expect(record?.value).toMatchObject({
      eventId: event.id,
      source: std,
      eventType: 'person.role_change',
      companyId: company.id,
      changes: [{ field: 'title', before: 'VP Sales', after: 'CRO' }],
      payload: body,
    });
    const audit = await withDatabase((db) =>
      db.query(
        `SELECT status, event_type, company_id FROM webhook_events WHERE source = $1 AND event_id = $2`,
        [std, event.id],
      ),
    );
    expect(audit.rows).toEqual([
      { status: 'enqueued', event_type: 'person.role_change', company_id: company.id },
    ]);
  });

  it("the predecessor's x-signature scheme (openssl) and GitHub's (octokit) are accepted", async () => {
    const legacyEvent = roleChange();
    const legacyBody = JSON.stringify(legacyEvent);
    expect((await post(legacy, legacyBody, legacyHeaders(LEGACY_SECRET, legacyBody))).status).toBe(
      202,
    );

    const hubEvent = roleChange();
    const hubBody = JSON.stringify(hubEvent);
    const [signature = ''] = githubSignatures([[GITHUB_SECRET, hubBody]]);
    expect((await post(hub, hubBody, { 'x-hub-signature-256': signature })).status).toBe(202);

    await topic.caughtUp();
    expect(recordsOf(String(legacyEvent.id))).toHaveLength(1);
    expect(recordsOf(String(hubEvent.id))).toHaveLength(1);
  });

  it('a person moving company names both companies', async () => {
    const from = uniqueName('co');
    const to = uniqueName('co');
    const event = roleChange({
      type: 'person.company_change',
      company: { id: to, name: 'NewCo' },
      changes: { company: { old: from, new: to } },
    });
    const { body, headers } = signedStandard(event);
    expect((await post(std, body, headers)).status).toBe(202);
    await topic.caughtUp();
    expect(recordsOf(String(event.id))[0]?.value).toMatchObject({
      companyId: to,
      previousCompanyId: from,
    });
  });
});

describe('refused webhooks', () => {
  it('a wrong secret, a tampered body, stale and future timestamps all get one generic 401', async () => {
    const event = roleChange();
    const wrong = signedStandard(event, STANDARD_NEXT);
    const good = signedStandard(event);
    const tampered = good.body.replace('CRO', 'CEO');
    const minutes = (n: number) => new Date(Date.now() + n * 60_000);
    const stale = signedStandard(event, STANDARD_SECRET, minutes(-6));
    const future = signedStandard(event, STANDARD_SECRET, minutes(6));
    const replies = [
      await post(std, wrong.body, wrong.headers),
      await post(std, tampered, good.headers),
      await post(std, stale.body, stale.headers),
      await post(std, future.body, future.headers),
      await post(std, good.body, {}),
    ];
    for (const reply of replies) {
      expect({ status: reply.status, body: reply.body }).toEqual({
        status: 401,
        body: { error: 'unauthorized' },
      });
    }
    // Inside the window either way is accepted.
    const early = signedStandard(roleChange(), STANDARD_SECRET, minutes(-4));
    expect((await post(std, early.body, early.headers)).status).toBe(202);
    await topic.caughtUp();
    expect(recordsOf(String(event.id))).toEqual([]);
  });

  it('rotation: old and new secrets both work while both are listed; the old one fails once removed', async () => {
    ingress.setSources(declaration([STANDARD_SECRET, STANDARD_NEXT]));
    const byOld = signedStandard(roleChange(), STANDARD_SECRET);
    const byNew = signedStandard(roleChange(), STANDARD_NEXT);
    expect((await post(std, byOld.body, byOld.headers)).status).toBe(202);
    expect((await post(std, byNew.body, byNew.headers)).status).toBe(202);

    ingress.setSources(declaration([STANDARD_NEXT]));
    const oldAgain = signedStandard(roleChange(), STANDARD_SECRET);
    const newAgain = signedStandard(roleChange(), STANDARD_NEXT);
    expect((await post(std, oldAgain.body, oldAgain.headers)).status).toBe(401);
    expect((await post(std, newAgain.body, newAgain.headers)).status).toBe(202);
    ingress.setSources(declaration([STANDARD_SECRET]));
  });

  it('400 names the bad field; malformed JSON, oversize bodies, wrong content types and unknown sources are refused', async () => {
    const invalid = async (event: object) => {
      const { body, headers } = signedStandard(event);
      return post(std, body, headers);
    };
    expect((await invalid(roleChange({ type: 'person.haircut' }))).body).toMatchObject({
      error: 'invalid_event',
      field: 'type',
    });
    expect((await invalid(roleChange({ company: { name: 'no id' } }))).body).toMatchObject({
      error: 'invalid_event',
      field: 'company.id',
    });
    expect((await invalid(roleChange({ changes: {} }))).body).toMatchObject({
      field: 'changes.title',
    });
    expect((await invalid(roleChange({ timestamp: 'yesterday' }))).body).toMatchObject({
      field: 'timestamp',
    });
    const departmentWithoutChange = roleChange({ type: 'person.department_change' });
    expect((await invalid(departmentWithoutChange)).body).toMatchObject({
      field: 'changes.department',
    });

    const notJson = '{"id": "evt_1",';
    const malformed = await post(
      std,
      notJson,
      standardWebhooksHeaders(STANDARD_SECRET, 'm1', notJson),
    );
    expect(malformed).toMatchObject({ status: 400, body: { error: 'malformed_json' } });

    const huge = JSON.stringify(roleChange({ padding: 'x'.repeat(300 * 1024) }));
    const oversize = await post(std, huge, standardWebhooksHeaders(STANDARD_SECRET, 'm2', huge));
    expect(oversize).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });

    const text = await post(std, 'hello', {}, 'text/plain');
    expect(text).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } });

    const unknown = await post(uniqueName('nobody'), '{}', {});
    expect(unknown).toMatchObject({ status: 404, body: { error: 'not_found' } });

    // An event type the source is not configured for.
    const promotion = roleChange({ type: 'person.promotion' });
    const promotionBody = JSON.stringify(promotion);
    const [signature = ''] = githubSignatures([[GITHUB_SECRET, promotionBody]]);
    const refusedType = await post(hub, promotionBody, { 'x-hub-signature-256': signature });
    expect(refusedType).toMatchObject({ status: 400, body: { field: 'type' } });
  });

  it('429 with Retry-After over the source rate', async () => {
    const replies = await Promise.all(
      Array.from({ length: 6 }, () => {
        const { body, headers } = signedStandard(roleChange());
        return post(slow, body, headers);
      }),
    );
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(4);
    expect(Number(limited[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

describe('idempotency', () => {
  it('a redelivered event id gets 200 already_processed and no second record', async () => {
    const event = roleChange();
    const first = signedStandard(event);
    const again = signedStandard(event); // a new delivery: new webhook-id and signature
    expect((await post(std, first.body, first.headers)).status).toBe(202);
    expect(await post(std, again.body, again.headers)).toMatchObject({
      status: 200,
      body: { status: 'already_processed', eventId: event.id },
    });
    await topic.caughtUp();
    expect(recordsOf(String(event.id))).toHaveLength(1);
  });

  it('50 concurrent deliveries of one event make exactly one record and one 202', async () => {
    const event = roleChange();
    const deliveries = Array.from({ length: 50 }, () => signedStandard(event));
    const replies = await Promise.all(deliveries.map((d) => post(std, d.body, d.headers)));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    await topic.caughtUp();
    expect(recordsOf(String(event.id))).toHaveLength(1);
    const rows = await withDatabase((db) =>
      db.query(
        `SELECT count(*)::int AS n FROM webhook_events WHERE source = $1 AND event_id = $2`,
        [std, event.id],
      ),
    );
    expect(rows.rows[0]).toEqual({ n: 1 });
  });
});

describe('GET /webhooks/:source', () => {
  it('describes the endpoint without any secret', async () => {
    const response = await fetch(`${ingress.url}/webhooks/${std}`);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({
      signatureScheme: 'standard-webhooks',
      signatureHeaders: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
      timestampToleranceSeconds: 300,
      bodyLimitBytes: 256 * 1024,
    });
    expect(text).not.toContain(STANDARD_SECRET);
    expect(text).not.toContain('whsec_');
  });
});

describe('operations', () => {
  it('counts outcomes by source and status, signature failures by reason, and duplicates', async () => {
    const event = roleChange();
    const first = signedStandard(event);
    await post(std, first.body, first.headers);
    const again = signedStandard(event);
    await post(std, again.body, again.headers);
    await post(std, first.body, {});
    const metrics = await ingress.registry.metrics();
    expect(metrics).toMatch(
      new RegExp(
        `ingress_webhooks_total\\{source="${std}",outcome="enqueued",status="202"\\} [1-9]`,
      ),
    );
    expect(metrics).toMatch(
      new RegExp(`ingress_webhook_duplicates_total\\{source="${std}"\\} [1-9]`),
    );
    expect(metrics).toMatch(
      new RegExp(
        `ingress_webhook_signature_failures_total\\{source="${std}",reason="missing_headers"\\} [1-9]`,
      ),
    );
    expect(metrics).toContain('ingress_kafka_produce_duration_seconds_bucket');
    // Unknown sources never become label values.
    await post('made-up-source', '{}', {});
    expect(await ingress.registry.metrics()).not.toContain('made-up-source');
  });

  it('sends security headers and no framework banner', async () => {
    const { body, headers } = signedStandard(roleChange());
    const reply = await post(std, body, headers);
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reply.headers.get('strict-transport-security')).toContain('max-age');
    expect(reply.headers.get('x-powered-by')).toBeNull();
  });
});
