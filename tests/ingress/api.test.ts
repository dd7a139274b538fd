/**
 * The public API in-process against the real stack: the pg store on the stack Postgres and
 * the Avro publisher on the real refresh-requests topic, read back by an independent consumer.
 * Counting records for a request id waits until the consumer has reached the topic's end
 * offsets, so "exactly one" is measured on everything the broker holds.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '@bgs/db';
import {
  Topics,
  createAvroPublisher,
  createKafka,
  createLogger,
  createProducer,
  createSchemaCodec,
  type RefreshRequestRecord,
  type SchemaCodec,
} from '@bgs/platform';
import { generateApiKey, hashApiKey } from '../../services/ingress/src/api/api-keys';
import {
  createApiRouter,
  type RefreshRequestPublisher,
} from '../../services/ingress/src/api/router';
import {
  createPgApiKeyAdminStore,
  createPgApiStore,
  type ApiStore,
} from '../../services/ingress/src/api/store';
import { main as apiKeysCli } from '../../services/ingress/src/cli/api-keys';
import { kafka, requireStack, stack, uniqueName } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

interface SeenRecord {
  readonly key: string | undefined;
  readonly partition: number;
  readonly offset: string;
  readonly value: RefreshRequestRecord;
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Refresh-log generations of this file's own, far above the pipeline's (offsets of company-touches). */
const SEEDED_GENERATION = 1_000_000_000_000;

describe('ingress API (/api/v1) against the stack', () => {
  const logger = createLogger({ service: 'api-test', level: 'warn' });
  /** For the cases whose warnings are the expected outcome. */
  const quietLogger = createLogger({ service: 'api-test', level: 'error' });
  const workspaceA = uniqueName('ws');
  const workspaceB = uniqueName('ws');
  const companyIds: string[] = [];
  let pool: Pool;
  let store: ApiStore;
  let producer: Producer;
  let codec: SchemaCodec;
  let publisher: RefreshRequestPublisher;
  let consumer: Consumer;
  let admin: Admin;
  let server: Server;
  let baseUrl: string;
  const seen: SeenRecord[] = [];
  /** The next offset the consumer will read, per partition. */
  const position = new Map<number, bigint>();
  let keyA: { id: string; key: string };
  let keyB: { id: string; key: string };
  let revokedKey: { id: string; key: string };

  const createKey = async (db: DataSource, workspaceId: string, name: string) => {
    const generated = generateApiKey();
    const record = await createPgApiKeyAdminStore(db).createKey({
      workspaceId,
      name,
      prefix: generated.prefix,
      hash: generated.hash,
    });
    return { id: record.id, key: generated.key };
  };

  const createCompany = async (workspaceId: string): Promise<string> => {
    const id = uniqueName('co');
    await pool.query(`INSERT INTO companies (id, workspace_id, name) VALUES ($1, $2, 'Acme')`, [
      id,
      workspaceId,
    ]);
    companyIds.push(id);
    return id;
  };

  const listen = async (app: express.Express): Promise<{ server: Server; url: string }> => {
    const started = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const { port } = started.address() as AddressInfo;
    return { server: started, url: `http://127.0.0.1:${port}/api/v1` };
  };

  const appWith = (
    publisherToUse: RefreshRequestPublisher,
    extra: Partial<Parameters<typeof createApiRouter>[0]> = {},
  ): express.Express => {
    const app = express();
    app.use('/api/v1', createApiRouter({ store, publisher: publisherToUse, logger, ...extra }));
    return app;
  };

  async function call(
    method: 'GET' | 'POST',
    path: string,
    options: {
      key?: string;
      json?: unknown;
      raw?: string;
      headers?: Record<string, string>;
      url?: string;
    } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
    let body: string | undefined = options.raw;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${options.url ?? baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
    };
  }

  const refresh = (companyId: string, options: Parameters<typeof call>[2] = {}) =>
    call('POST', `/buyer-groups/${encodeURIComponent(companyId)}/refresh`, options);

  const recordsOf = (requestId: string): SeenRecord[] =>
    seen.filter((record) => record.value.requestId === requestId);

  /** Resolves once the consumer has read everything the topic holds right now. */
  async function drained(): Promise<void> {
    const ends = await admin.fetchTopicOffsets(Topics.refreshRequests);
    await waitFor(
      () =>
        ends.every(({ partition, high }) => (position.get(partition) ?? 0n) >= BigInt(high)) ||
        undefined,
      { timeoutMs: 30_000, description: 'the test consumer to reach the end of refresh-requests' },
    );
  }

  async function exactlyOneRecord(requestId: string): Promise<SeenRecord> {
    await waitFor(() => recordsOf(requestId).length > 0, {
      timeoutMs: 30_000,
      description: `the record of request ${requestId}`,
    });
    await drained();
    const records = recordsOf(requestId);
    expect(records).toHaveLength(1);
    return records[0]!;
  }

  beforeAll(async () => {
    await requireStack();
    pool = new Pool({ connectionString: stack.databaseUrl, max: 20 });
    store = createPgApiStore(pool);
    codec = createSchemaCodec({ url: stack.registryUrl });
    producer = createProducer(
      createKafka({ brokers: [...stack.kafkaBrokers], clientId: 'api-test', logger }),
    );
    await producer.connect();
    publisher = createAvroPublisher<RefreshRequestRecord>({
      producer,
      codec,
      topic: Topics.refreshRequests,
      timeoutMs: 5000,
    });

    const client = kafka();
    admin = client.admin();
    await admin.connect();
    consumer = client.consumer({ groupId: uniqueName('api-test') });
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.refreshRequests, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (message.value) {
          seen.push({
            key: message.key?.toString(),
            partition,
            offset: message.offset,
            value: (await codec.decode(message.value)) as RefreshRequestRecord,
          });
        }
        position.set(partition, BigInt(message.offset) + 1n);
      },
    });

    // Keys as the CLI makes them: through the entities (a short-lived DataSource).
    const keysDb = await createDataSource(stack.databaseUrl, { poolSize: 1 }).initialize();
    try {
      keyA = await createKey(keysDb, workspaceA, 'key A');
      keyB = await createKey(keysDb, workspaceB, 'key B');
      revokedKey = await createKey(keysDb, workspaceA, 'revoked');
      await createPgApiKeyAdminStore(keysDb).revokeKey(revokedKey.id);
    } finally {
      await keysDb.destroy();
    }

    ({ server, url: baseUrl } = await listen(appWith(publisher)));
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await consumer?.disconnect();
    await admin?.disconnect();
    await producer?.disconnect();
    if (pool) {
      const workspaces = [workspaceA, workspaceB];
      await pool.query(`DELETE FROM refresh_requests WHERE workspace_id = ANY($1)`, [workspaces]);
      await pool.query(`DELETE FROM api_keys WHERE workspace_id = ANY($1)`, [workspaces]);
      await pool.query(`DELETE FROM buyer_group_refresh_logs WHERE company_id = ANY($1)`, [
        companyIds,
      ]);
      await pool.query(`DELETE FROM buyer_groups WHERE company_id = ANY($1)`, [companyIds]);
      await pool.query(`DELETE FROM companies WHERE id = ANY($1)`, [companyIds]);
      await pool.end();
    }
  });

  describe('POST /buyer-groups/:companyId/refresh', () => {
    it('answers 202 only once Kafka holds the record, keyed by the company', async () => {
      const companyId = await createCompany(workspaceA);
      const before = Date.now();
      const answer = await refresh(companyId, {
        key: keyA.key,
        json: { level: 'enrich', reason: 'new opportunity' },
      });
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ status: 'enqueued', requestId: expect.stringMatching(UUID) });
      const requestId = answer.body.requestId as string;

      const record = await exactlyOneRecord(requestId);
      expect(record.key).toBe(companyId);
      expect(record.value).toEqual({
        requestId,
        workspaceId: workspaceA,
        companyId,
        level: 'enrich',
        reason: 'new opportunity',
        requestedBy: keyA.id,
        requestedAt: expect.any(Number),
      });
      expect(record.value.requestedAt).toBeGreaterThanOrEqual(before);
      expect(record.value.requestedAt).toBeLessThanOrEqual(Date.now());

      const row = await pool.query(
        `SELECT status, enqueued_at, api_key_id, level FROM refresh_requests WHERE id = $1`,
        [requestId],
      );
      expect(row.rows[0]).toMatchObject({ status: 'enqueued', api_key_id: keyA.id });
      expect(row.rows[0].enqueued_at).toBeInstanceOf(Date);
      const used = await pool.query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [keyA.id]);
      expect(used.rows[0].last_used_at).toBeInstanceOf(Date);
    });

    it('defaults to the cheapest level, identify, without a body', async () => {
      const companyId = await createCompany(workspaceA);
      const answer = await refresh(companyId, { key: keyA.key });
      expect(answer.status).toBe(202);
      const record = await exactlyOneRecord(answer.body.requestId as string);
      expect(record.value).toMatchObject({ level: 'identify', reason: null, companyId });
    });

    it('makes a new request for every POST without an Idempotency-Key', async () => {
      const companyId = await createCompany(workspaceA);
      const first = await refresh(companyId, { key: keyA.key, json: {} });
      const second = await refresh(companyId, { key: keyA.key, json: {} });
      expect([first.status, second.status]).toEqual([202, 202]);
      expect(first.body.requestId).not.toBe(second.body.requestId);
    });

    it.each([
      ['no Authorization header', undefined],
      ['a key that does not exist', generateApiKey().key],
      ['a malformed key', 'not-a-key'],
    ])('answers 401 to %s', async (_case, key) => {
      const companyId = await createCompany(workspaceA);
      const answer = await refresh(companyId, key === undefined ? {} : { key });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: 'unauthorized' });
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    });

    it('answers 401 to a revoked key and to another scheme', async () => {
      const companyId = await createCompany(workspaceA);
      const revoked = await refresh(companyId, { key: revokedKey.key });
      expect(revoked.status).toBe(401);
      expect(revoked.body).toEqual({ error: 'unauthorized' });
      const basic = await refresh(companyId, {
        headers: { authorization: `Basic ${Buffer.from(keyA.key).toString('base64')}` },
      });
      expect(basic.status).toBe(401);
    });

    it('answers the same 404 for a company of another workspace and an unknown one, and publishes nothing', async () => {
      const otherCompany = await createCompany(workspaceB);
      const foreign = await refresh(otherCompany, { key: keyA.key, json: { level: 'enrich' } });
      const unknown = await refresh(uniqueName('co'), { key: keyA.key });
      expect(foreign.status).toBe(404);
      expect(unknown.status).toBe(404);
      expect(foreign.body).toEqual({ error: 'not_found' });
      expect(unknown.body).toEqual(foreign.body);

      // B's own key works for it, so the topic does move on; A's request left nothing.
      const own = await refresh(otherCompany, { key: keyB.key });
      expect(own.status).toBe(202);
      await exactlyOneRecord(own.body.requestId as string);
      expect(seen.filter((record) => record.key === otherCompany)).toHaveLength(1);
      const rows = await pool.query(
        `SELECT count(*)::int AS n FROM refresh_requests WHERE company_id = $1`,
        [otherCompany],
      );
      expect(rows.rows[0].n).toBe(1);
    });

    it('answers a retry with the same Idempotency-Key with the first request id and no second record', async () => {
      const companyId = await createCompany(workspaceA);
      const idempotencyKey = uniqueName('click');
      const options = {
        key: keyA.key,
        json: { level: 'enrich' },
        headers: { 'idempotency-key': idempotencyKey },
      };
      const first = await refresh(companyId, options);
      const second = await refresh(companyId, options);
      expect(first.status).toBe(202);
      expect(second.status).toBe(200);
      expect(second.body).toEqual({ status: 'already_enqueued', requestId: first.body.requestId });
      await exactlyOneRecord(first.body.requestId as string);
      expect(seen.filter((record) => record.key === companyId)).toHaveLength(1);
    });

    it('settles 20 concurrent requests with one Idempotency-Key on one request id and one record', async () => {
      const companyId = await createCompany(workspaceA);
      const headers = { 'idempotency-key': uniqueName('burst') };
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          refresh(companyId, { key: keyA.key, json: { level: 'identify' }, headers }),
        ),
      );
      const ids = new Set(answers.map((answer) => answer.body.requestId));
      expect(ids.size).toBe(1);
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses).toEqual([200, ...Array<number>(18).fill(200), 202].sort());
      const [requestId] = [...ids] as string[];
      await exactlyOneRecord(requestId!);
      expect(seen.filter((record) => record.key === companyId)).toHaveLength(1);
    });

    it('lets another workspace use the same Idempotency-Key independently', async () => {
      const companyA = await createCompany(workspaceA);
      const companyB = await createCompany(workspaceB);
      const headers = { 'idempotency-key': uniqueName('shared') };
      const a = await refresh(companyA, { key: keyA.key, headers });
      const b = await refresh(companyB, { key: keyB.key, headers });
      expect([a.status, b.status]).toEqual([202, 202]);
      expect(a.body.requestId).not.toBe(b.body.requestId);
    });

    it('answers 422 when an Idempotency-Key is reused for another company or level', async () => {
      const companyId = await createCompany(workspaceA);
      const otherCompany = await createCompany(workspaceA);
      const headers = { 'idempotency-key': uniqueName('reuse') };
      expect((await refresh(companyId, { key: keyA.key, headers })).status).toBe(202);
      const otherLevel = await refresh(companyId, {
        key: keyA.key,
        headers,
        json: { level: 'deep_research' },
      });
      expect(otherLevel.status).toBe(422);
      expect(otherLevel.body).toEqual({
        error: 'idempotency_key_reused',
        message: expect.any(String),
      });
      const otherTarget = await refresh(otherCompany, { key: keyA.key, headers });
      expect(otherTarget.status).toBe(422);
    });

    it('answers 503 with Retry-After and gives the claim up when Kafka does not take the record', async () => {
      const failing = await listen(
        appWith(
          { publish: () => Promise.reject(new Error('broker down')) },
          { logger: quietLogger },
        ),
      );
      try {
        const companyId = await createCompany(workspaceA);
        const headers = { 'idempotency-key': uniqueName('retry') };
        const failed = await refresh(companyId, { key: keyA.key, headers, url: failing.url });
        expect(failed.status).toBe(503);
        expect(failed.body).toEqual({ error: 'unavailable', message: expect.any(String) });
        expect(failed.headers.get('retry-after')).toBe('5');
        const rows = await pool.query(
          `SELECT count(*)::int AS n FROM refresh_requests WHERE company_id = $1`,
          [companyId],
        );
        expect(rows.rows[0].n).toBe(0);

        // The client's retry, once Kafka is back, claims the key anew.
        const retried = await refresh(companyId, { key: keyA.key, headers });
        expect(retried.status).toBe(202);
        await exactlyOneRecord(retried.body.requestId as string);
      } finally {
        await new Promise((resolve) => failing.server.close(resolve));
      }
    });

    it('answers 503 to a duplicate whose first request is still unsettled after the wait', async () => {
      const companyId = await createCompany(workspaceA);
      const idempotencyKey = uniqueName('stuck');
      const inserted = await pool.query<{ id: string }>(
        `INSERT INTO refresh_requests
           (workspace_id, company_id, api_key_id, idempotency_key, level, status, requested_at)
         VALUES ($1, $2, $3, $4, 'identify', 'claimed', now())
         RETURNING id`,
        [workspaceA, companyId, keyA.id, idempotencyKey],
      );
      const quick = await listen(appWith(publisher, { claimWaitMs: 300 }));
      try {
        const answer = await refresh(companyId, {
          key: keyA.key,
          headers: { 'idempotency-key': idempotencyKey },
          url: quick.url,
        });
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toBe('5');
        // Once the first request settles, the same retry gets its id.
        await pool.query(`UPDATE refresh_requests SET status = 'enqueued' WHERE id = $1`, [
          inserted.rows[0]!.id,
        ]);
        const later = await refresh(companyId, {
          key: keyA.key,
          headers: { 'idempotency-key': idempotencyKey },
          url: quick.url,
        });
        expect(later.status).toBe(200);
        expect(later.body.requestId).toBe(inserted.rows[0]!.id);
      } finally {
        await new Promise((resolve) => quick.server.close(resolve));
      }
    });

    it('takes over a claim abandoned by a crashed request and publishes it under its id', async () => {
      const companyId = await createCompany(workspaceA);
      const idempotencyKey = uniqueName('crashed');
      const inserted = await pool.query<{ id: string }>(
        `INSERT INTO refresh_requests
           (workspace_id, company_id, api_key_id, idempotency_key, level, reason, status, requested_at)
         VALUES ($1, $2, $3, $4, 'enrich', 'before the crash', 'claimed', now() - interval '1 hour')
         RETURNING id`,
        [workspaceA, companyId, keyA.id, idempotencyKey],
      );
      const answer = await refresh(companyId, {
        key: keyA.key,
        json: { level: 'enrich' },
        headers: { 'idempotency-key': idempotencyKey },
      });
      expect(answer.status).toBe(202);
      expect(answer.body.requestId).toBe(inserted.rows[0]!.id);
      const record = await exactlyOneRecord(inserted.rows[0]!.id);
      expect(record.value).toMatchObject({
        companyId,
        level: 'enrich',
        reason: 'before the crash',
      });
    });

    describe('input validation', () => {
      let companyId: string;
      beforeAll(async () => {
        companyId = await createCompany(workspaceA);
      });

      it('answers 400 naming `level` for an unknown level', async () => {
        const answer = await refresh(companyId, { key: keyA.key, json: { level: 'everything' } });
        expect(answer.status).toBe(400);
        expect(answer.body).toMatchObject({ error: 'invalid_field', field: 'level' });
        expect(answer.body.message).toContain('identify, enrich, deep_research');
      });

      it('answers 400 naming `reason` for a reason over 500 characters', async () => {
        const answer = await refresh(companyId, {
          key: keyA.key,
          json: { reason: 'x'.repeat(501) },
        });
        expect(answer.status).toBe(400);
        expect(answer.body).toMatchObject({ error: 'invalid_field', field: 'reason' });
      });

      it('answers 400 naming an unknown body key', async () => {
        const answer = await refresh(companyId, {
          key: keyA.key,
          json: { level: 'enrich', priority: 'high' },
        });
        expect(answer.status).toBe(400);
        expect(answer.body).toMatchObject({ error: 'unknown_field', field: 'priority' });
      });

      it('answers 400 to a body that is not an object', async () => {
        const answer = await refresh(companyId, { key: keyA.key, json: ['enrich'] });
        expect(answer.status).toBe(400);
        expect(answer.body).toMatchObject({ error: 'invalid_body' });
      });

      it('answers 400 malformed_json without echoing a parser stack', async () => {
        const answer = await refresh(companyId, {
          key: keyA.key,
          raw: '{"level": "enrich",',
          headers: { 'content-type': 'application/json' },
        });
        expect(answer.status).toBe(400);
        expect(answer.body).toEqual({ error: 'malformed_json', message: expect.any(String) });
        expect(JSON.stringify(answer.body)).not.toMatch(/at .*\.js/);
      });

      it('answers 415 to a body that is not application/json', async () => {
        const answer = await refresh(companyId, {
          key: keyA.key,
          raw: 'level=enrich',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        expect(answer.status).toBe(415);
        expect(answer.body).toMatchObject({ error: 'unsupported_media_type' });
      });

      it('answers 413 to a body over 16 KiB', async () => {
        const answer = await refresh(companyId, {
          key: keyA.key,
          json: { reason: 'x'.repeat(17 * 1024) },
        });
        expect(answer.status).toBe(413);
        expect(answer.body).toMatchObject({ error: 'payload_too_large' });
      });

      it('answers 400 naming the header for a bad Idempotency-Key', async () => {
        for (const value of ['k'.repeat(201), 'tab\there']) {
          const answer = await refresh(companyId, {
            key: keyA.key,
            headers: { 'idempotency-key': value },
          });
          expect(answer.status).toBe(400);
          expect(answer.body).toMatchObject({ error: 'invalid_header', field: 'Idempotency-Key' });
        }
      });

      it('answers 400 naming companyId for an over-long company id', async () => {
        const answer = await refresh('c'.repeat(201), { key: keyA.key });
        expect(answer.status).toBe(400);
        expect(answer.body).toMatchObject({ error: 'invalid_path', field: 'companyId' });
      });

      it('left no request behind for any rejected input', async () => {
        const rows = await pool.query(
          `SELECT count(*)::int AS n FROM refresh_requests WHERE company_id = $1`,
          [companyId],
        );
        expect(rows.rows[0].n).toBe(0);
      });
    });
  });

  describe('GET /buyer-groups/:companyId', () => {
    it('answers 404 until a group is saved, then the group with numbers as numbers', async () => {
      const companyId = await createCompany(workspaceA);
      const path = `/buyer-groups/${companyId}`;
      const before = await call('GET', path, { key: keyA.key });
      expect(before.status).toBe(404);
      expect(before.body).toEqual({ error: 'not_found' });

      const [ada, bob, cy] = [uniqueName('p'), uniqueName('p'), uniqueName('p')];
      await pool.query(
        `INSERT INTO people (id, company_id, full_name, job_title)
         VALUES ($1, $3, 'Ada Lovelace', 'CTO'), ($2, $3, 'Bob Builder', 'Engineer')`,
        [ada, bob, companyId],
      );
      await pool.query(
        `INSERT INTO buyer_groups
           (company_id, workspace_id, generation, level, confidence, cohesion, status, computed_at)
         VALUES ($1, $2, 3, 'enrich', 8.25, 6.5, 'ready', '2026-01-02T03:04:05.678Z')`,
        [companyId, workspaceA],
      );
      await pool.query(
        `INSERT INTO buyer_group_members
           (company_id, person_id, role, score, rationale, enrichment, generation)
         VALUES ($1, $2, 'decision_maker', 9.5, 'signs the budget', '{"linkedin": "ada"}', 3),
                ($1, $3, 'technical_evaluator', 7, NULL, NULL, 3),
                ($1, $4, 'champion', 8, 'unchanged since generation 2', NULL, 2)`,
        [companyId, ada, bob, cy],
      );

      const after = await call('GET', path, { key: keyA.key });
      expect(after.status).toBe(200);
      expect(after.body).toEqual({
        companyId,
        workspaceId: workspaceA,
        generation: 3,
        level: 'enrich',
        confidence: 8.25,
        cohesion: 6.5,
        status: 'ready',
        computedAt: '2026-01-02T03:04:05.678Z',
        members: [
          {
            personId: ada,
            name: 'Ada Lovelace',
            title: 'CTO',
            role: 'decision_maker',
            score: 9.5,
            rationale: 'signs the budget',
            enrichment: { linkedin: 'ada' },
            research: null,
          },
          // A member the last refresh left as it was keeps the generation that wrote it.
          {
            personId: cy,
            name: null,
            title: null,
            role: 'champion',
            score: 8,
            rationale: 'unchanged since generation 2',
            enrichment: null,
            research: null,
          },
          {
            personId: bob,
            name: 'Bob Builder',
            title: 'Engineer',
            role: 'technical_evaluator',
            score: 7,
            rationale: null,
            enrichment: null,
            research: null,
          },
        ],
      });
      expect(after.headers.get('cache-control')).toBe('no-store');

      // Another workspace's key sees the same 404 as for a company without a group.
      const foreign = await call('GET', path, { key: keyB.key });
      expect(foreign.status).toBe(404);
      expect(foreign.body).toEqual({ error: 'not_found' });
      expect((await call('GET', path)).status).toBe(401);
    });
  });

  describe('GET /buyer-groups/:companyId/refreshes', () => {
    it('lists the refresh log newest first, with the API requests of the workspace', async () => {
      const companyId = await createCompany(workspaceA);
      // Above any generation the running pipeline gives (an offset of company-touches): its own
      // refreshes of this company (the refresh requested below among them) may land meanwhile,
      // started now, so they list before these; the seeded rows are told apart by generation.
      const [g1, g2, g3] = [1, 2, 3].map((n) => SEEDED_GENERATION + n);
      await pool.query(
        `INSERT INTO buyer_group_refresh_logs
           (company_id, generation, reason, triggered_by, status, started_at, completed_at, changes)
         VALUES ($1, $2, 'cdc', 'p-1', 'completed', '2026-01-01T00:00:00Z', '2026-01-01T00:00:05Z', '{"added": 2}'),
                ($1, $4, 'manual', NULL, 'processing', '2026-01-03T00:00:00Z', NULL, NULL),
                ($1, $3, 'webhook', NULL, 'failed', '2026-01-02T00:00:00Z', NULL, NULL)`,
        [companyId, g1, g2, g3],
      );
      const requested = await refresh(companyId, {
        key: keyA.key,
        json: { level: 'enrich', reason: 'check' },
        headers: { 'idempotency-key': uniqueName('log') },
      });
      expect(requested.status).toBe(202);

      const answer = await call('GET', `/buyer-groups/${companyId}/refreshes`, { key: keyA.key });
      expect(answer.status).toBe(200);
      expect(answer.body.companyId).toBe(companyId);
      const seeded = (answer.body.refreshes as Record<string, unknown>[]).filter((r) =>
        [g1, g2, g3].includes(r.generation as number),
      );
      expect(seeded.map((r) => r.generation)).toEqual([g3, g2, g1]);
      expect(seeded[2]).toEqual({
        id: expect.stringMatching(UUID),
        generation: g1,
        reason: 'cdc',
        triggeredBy: 'p-1',
        status: 'completed',
        startedAt: '2026-01-01T00:00:00.000Z',
        completedAt: '2026-01-01T00:00:05.000Z',
        changes: { added: 2 },
        error: null,
        traceId: null,
      });
      expect(answer.body.requests).toEqual([
        {
          requestId: requested.body.requestId,
          level: 'enrich',
          reason: 'check',
          status: 'enqueued',
          idempotencyKey: expect.any(String),
          requestedBy: keyA.id,
          requestedAt: expect.any(String),
          enqueuedAt: expect.any(String),
        },
      ]);

      // limit=2 is the newest two of the whole list; asked again should a pipeline refresh land
      // between the two calls.
      const generationsOf = async (query: string) => {
        const listed = await call('GET', `/buyer-groups/${companyId}/refreshes${query}`, {
          key: keyA.key,
        });
        return (listed.body.refreshes as { generation: number }[]).map((r) => r.generation);
      };
      await waitFor(
        async () => {
          const [limited, all] = [await generationsOf('?limit=2'), await generationsOf('')];
          return (limited.length === 2 && limited.join() === all.slice(0, 2).join()) || undefined;
        },
        { timeoutMs: 10_000, description: 'limit=2 listing the newest two refreshes' },
      );

      for (const bad of ['0', '101', 'x', '2.5']) {
        const rejected = await call('GET', `/buyer-groups/${companyId}/refreshes?limit=${bad}`, {
          key: keyA.key,
        });
        expect(rejected.status).toBe(400);
        expect(rejected.body).toMatchObject({ error: 'invalid_query', field: 'limit' });
      }

      const foreign = await call('GET', `/buyer-groups/${companyId}/refreshes`, { key: keyB.key });
      expect(foreign.status).toBe(404);
      expect(foreign.body).toEqual({ error: 'not_found' });
    });
  });

  describe('api-keys CLI', () => {
    const capture = () => {
      const out: string[] = [];
      const err: string[] = [];
      return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
    };
    const env = { DATABASE_URL: stack.databaseUrl };

    it('creates a key that works, lists it without the key or hash, and revokes it', async () => {
      const workspace = uniqueName('ws');
      const companyId = await createCompany(workspace);
      try {
        const created = capture();
        expect(
          await apiKeysCli(
            ['create', '--workspace', workspace, '--name', 'ci bot'],
            created.io,
            env,
          ),
        ).toBe(0);
        const keyLine = created.out.find((line) => line.trim().startsWith('key:'));
        const key = keyLine?.trim().slice('key:'.length).trim() ?? '';
        expect(key).toMatch(/^bgs_[A-Za-z0-9_-]{43}$/);
        const idLine = created.out[0] ?? '';
        const id = /API key ([0-9a-f-]{36})/.exec(idLine)?.[1] ?? '';
        expect(id).toMatch(UUID);

        const stored = await pool.query(`SELECT key_hash, key_prefix FROM api_keys WHERE id = $1`, [
          id,
        ]);
        expect(stored.rows[0]).toEqual({ key_hash: hashApiKey(key), key_prefix: key.slice(0, 12) });

        expect((await refresh(companyId, { key })).status).toBe(202);

        const listed = capture();
        expect(await apiKeysCli(['list', '--workspace', workspace], listed.io, env)).toBe(0);
        const listing = listed.out.join('\n');
        expect(listing).toContain(id);
        expect(listing).toContain(key.slice(0, 12));
        expect(listing).toContain('ci bot');
        expect(listing).not.toContain(key);
        expect(listing).not.toContain(hashApiKey(key));

        const json = capture();
        expect(await apiKeysCli(['list', '--workspace', workspace, '--json'], json.io, env)).toBe(
          0,
        );
        const keys = JSON.parse(json.out.join('\n')) as Record<string, unknown>[];
        expect(keys).toEqual([
          expect.objectContaining({
            id,
            scope: 'workspace',
            workspaceId: workspace,
            name: 'ci bot',
            revokedAt: null,
          }),
        ]);
        expect(keys[0]?.lastUsedAt).toEqual(expect.any(String));
        expect(json.out.join('\n')).not.toContain(key);
        expect(json.out.join('\n')).not.toContain(hashApiKey(key));

        const revoked = capture();
        expect(await apiKeysCli(['revoke', id], revoked.io, env)).toBe(0);
        expect(revoked.out.join('\n')).toContain(id);
        const after = await refresh(companyId, { key });
        expect(after.status).toBe(401);

        const missing = capture();
        expect(
          await apiKeysCli(['revoke', '00000000-0000-4000-8000-000000000000'], missing.io, env),
        ).toBe(1);
        expect(missing.err.join('\n')).toMatch(/no API key/);
      } finally {
        await pool.query(`DELETE FROM refresh_requests WHERE workspace_id = $1`, [workspace]);
        await pool.query(`DELETE FROM api_keys WHERE workspace_id = $1`, [workspace]);
      }
    });

    it('prints the key as JSON with --json', async () => {
      const workspace = uniqueName('ws');
      try {
        const created = capture();
        expect(
          await apiKeysCli(
            ['create', '--workspace', workspace, '--name', 'n', '--json'],
            created.io,
            env,
          ),
        ).toBe(0);
        const parsed = JSON.parse(created.out.join('\n')) as Record<string, unknown>;
        expect(parsed).toMatchObject({ workspaceId: workspace, name: 'n', revokedAt: null });
        expect(parsed.key).toEqual(expect.stringMatching(/^bgs_/));
        expect(parsed.prefix).toBe((parsed.key as string).slice(0, 12));
        expect(parsed).not.toHaveProperty('hash');
      } finally {
        await pool.query(`DELETE FROM api_keys WHERE workspace_id = $1`, [workspace]);
      }
    });

    it.each([
      [[]],
      [['rotate']],
      [['create', '--workspace', 'ws']],
      [['create', '--name', 'n']],
      [['create', '--workspace', 'ws', '--name', 'n', '--colour', 'red']],
      [['list', 'extra']],
      [['revoke']],
      [['revoke', 'not-a-uuid']],
      [['revoke', '--workspace', 'ws', '00000000-0000-4000-8000-000000000000']],
      [['create', '--operator', '--workspace', 'ws', '--name', 'n']],
      [['create', '--operator']],
      [['list', '--operator', '--workspace', 'ws']],
    ])('exits 2 with the usage for %j', async (argv) => {
      const { out, err, io } = capture();
      expect(await apiKeysCli(argv, io, env)).toBe(2);
      expect(out).toEqual([]);
      expect(err.join('\n')).toContain('usage: api-keys');
    });

    it('exits 1 with a clear line, without the password, when the database is unreachable or misconfigured', async () => {
      const unreachable = capture();
      expect(
        await apiKeysCli(['list'], unreachable.io, {
          DATABASE_URL: 'postgres://bgs_app:hunter2@127.0.0.1:1/buyergroups',
        }),
      ).toBe(1);
      expect(unreachable.err.join('\n')).toMatch(/cannot reach Postgres at 127\.0\.0\.1:1/);
      expect(unreachable.err.join('\n')).not.toContain('hunter2');

      const misconfigured = capture();
      expect(
        await apiKeysCli(['list'], misconfigured.io, { DATABASE_URL: 'mysql://u:hunter2@h/db' }),
      ).toBe(1);
      expect(misconfigured.err.join('\n')).toContain('DATABASE_URL');
      expect(misconfigured.err.join('\n')).not.toContain('hunter2');
    });
  });
});
