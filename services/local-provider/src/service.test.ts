import { Writable } from 'node:stream';
import { createLogger, loadConfig, startServiceRuntime, type ServiceResource } from '@bgs/platform';
import { configSchema, type Config } from './config';
import type { PeopleDirectory } from './directory';
import {
  LedgerUnavailableError,
  peopleDigest,
  type LedgerOutcome,
  type PaidCall,
  type RequestRecord,
} from './ledger';
import { createMemoryDirectory } from './memory-directory';
import { MemoryLedger } from './memory-ledger';
import { localProviderService } from './service';

const API_KEY = 'test-provider-key';

const directory = createMemoryDirectory({
  companies: [
    { id: 'c-1', name: 'Acme', domain: 'acme.example', industry: 'logistics', employeeCount: 80 },
    { id: 'c-2', name: 'Other', domain: 'other.example', industry: null, employeeCount: null },
  ],
  people: [
    {
      id: 'p-1',
      companyId: 'c-1',
      fullName: 'Ada Lovelace',
      email: 'ada@acme.example',
      jobTitle: 'CTO',
      department: 'Engineering',
    },
    {
      id: 'p-2',
      companyId: 'c-1',
      fullName: 'Bob Stone',
      email: null,
      jobTitle: 'Finance Manager',
      department: 'Finance',
    },
    {
      id: 'p-3',
      companyId: 'c-2',
      fullName: 'Eve Other',
      email: 'eve@other.example',
      jobTitle: null,
      department: null,
    },
  ],
});

const body = {
  companyId: 'c-1',
  people: [
    { personId: 'p-1', fullName: 'Ada Lovelace', title: 'CTO', department: 'Engineering' },
    { personId: 'p-2', fullName: 'Bob Stone', title: null, department: null },
  ],
};

const silentLogger = () =>
  createLogger({
    service: 'local-provider-test',
    level: 'error',
    stream: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
  });

/** A memory ledger whose store can be switched off, as Postgres going down would. */
class SwitchableLedger extends MemoryLedger {
  down = false;

  override async once(call: PaidCall, produce: () => Promise<unknown>): Promise<LedgerOutcome> {
    if (this.down) throw new LedgerUnavailableError('connection refused');
    return super.once(call, produce);
  }

  override async record(entry: RequestRecord): Promise<void> {
    if (this.down) throw new LedgerUnavailableError('connection refused');
    return super.record(entry);
  }

  override async stats(): ReturnType<MemoryLedger['stats']> {
    if (this.down) throw new LedgerUnavailableError('connection refused');
    return super.stats();
  }
}

interface Running {
  readonly url: (path: string) => string;
  readonly ledger: SwitchableLedger;
  stop(): Promise<void>;
}

async function start(
  overrides: Partial<Config> = {},
  connections: {
    directory?: PeopleDirectory;
    resources?: ServiceResource[];
    ledger?: SwitchableLedger;
  } = {},
): Promise<Running> {
  const ledger = connections.ledger ?? new SwitchableLedger();
  const started = await startServiceRuntime(
    localProviderService(() => ({
      directory: connections.directory ?? directory,
      ledger,
      resources: connections.resources ?? [],
    })),
    {
      ...loadConfig(configSchema, {}),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: 0,
      PROVIDER_API_KEY: API_KEY,
      FAULT_LATENCY_MS: 0,
      FAULT_RATE: 0,
      FAULT_STATUS: 503,
      ...overrides,
    },
    silentLogger(),
  );
  return {
    url: (path) => `http://127.0.0.1:${started.port}${path}`,
    ledger,
    stop: async () => {
      for (const part of [...started.parts].reverse()) await part.stop();
    },
  };
}

describe('local provider over HTTP', () => {
  let provider: Running;

  const post = (
    path: string,
    payload: unknown,
    headers: Record<string, string | undefined> = {},
  ): Promise<Response> => {
    const all: Record<string, string | undefined> = {
      authorization: `Bearer ${API_KEY}`,
      'content-type': 'application/json',
      'idempotency-key': 'key-1',
      ...headers,
    };
    return fetch(provider.url(path), {
      method: 'POST',
      headers: Object.fromEntries(
        Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined),
      ),
      body: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  };
  const enrich = (key: string, payload: unknown = body) =>
    post('/v1/contacts/enrich', payload, { 'idempotency-key': key });
  const research = (key: string, payload: unknown = body) =>
    post('/v1/research', payload, { 'idempotency-key': key });
  const control = async (path: string, payload?: unknown): Promise<Response> =>
    fetch(provider.url(`/control${path}`), {
      method: payload === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
    });
  const stats = async () => (await control('/stats')).json() as Promise<Record<string, unknown>>;

  beforeEach(async () => {
    provider = await start();
  });

  afterEach(async () => {
    await provider.stop();
  });

  describe('replies', () => {
    it('enriches from the directory, deterministically', async () => {
      const first = await enrich('key-a');
      expect(first.status).toBe(200);
      const reply = (await first.json()) as { contacts: Record<string, unknown>[] };
      expect(reply.contacts).toHaveLength(2);
      expect(reply.contacts[0]).toMatchObject({
        personId: 'p-1',
        email: 'ada@acme.example',
        verified: true,
      });
      expect(reply.contacts[1]).toMatchObject({
        personId: 'p-2',
        email: 'bob.stone@acme.example',
        verified: false,
      });
      // Another key, the same question: the same answer (and a second bill).
      expect(await (await enrich('key-b')).json()).toEqual(reply);
      expect(await stats()).toMatchObject({ billableCalls: 2 });
    });

    it('researches from the directory', async () => {
      const response = await research('key-r');
      expect(response.status).toBe(200);
      const reply = (await response.json()) as {
        companySummary: string;
        insights: { personId: string; priorities: string[] }[];
      };
      expect(reply.companySummary).toContain('Acme (acme.example)');
      expect(reply.insights.map((i) => i.personId)).toEqual(['p-1', 'p-2']);
      expect(reply.insights[0]?.priorities).toHaveLength(3);
    });

    it('gives null fields, not an error, for people it has no record of', async () => {
      const response = await enrich('key-x', {
        companyId: 'c-1',
        people: [
          { personId: 'p-unknown', fullName: 'Nobody', title: null, department: null },
          // on record, but at another company
          { personId: 'p-3', fullName: 'Eve Other', title: null, department: null },
        ],
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        contacts: [
          { personId: 'p-unknown', email: null, phone: null, linkedinUrl: null, verified: false },
          { personId: 'p-3', email: null, phone: null, linkedinUrl: null, verified: false },
        ],
      });
    });

    it('answers 500, without billing, when the directory fails', async () => {
      let failing = true;
      const flaky: PeopleDirectory = {
        lookup: (companyId, ids) =>
          failing ? Promise.reject(new Error('db down')) : directory.lookup(companyId, ids),
      };
      await provider.stop();
      provider = await start({}, { directory: flaky });
      expect((await enrich('key-db')).status).toBe(500);
      expect(await stats()).toMatchObject({ billableCalls: 0 });
      failing = false;
      expect((await enrich('key-db')).status).toBe(200);
      expect(await stats()).toMatchObject({ billableCalls: 1 });
    });
  });

  describe('auth and validation', () => {
    it('answers 401 without the right bearer token', async () => {
      for (const authorization of [undefined, 'Bearer wrong', API_KEY]) {
        const response = await post('/v1/contacts/enrich', body, { authorization });
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Bearer');
      }
      expect(await stats()).toMatchObject({ requests: 3, billableCalls: 0, byKey: {} });
    });

    it('answers 400 naming the field that is wrong', async () => {
      const cases: [unknown, string][] = [
        [
          { ...body, people: [{ fullName: 'x', title: null, department: null }] },
          'people[0].personId',
        ],
        [{ people: [] }, 'companyId'],
        [{ ...body, companyId: 'c'.repeat(201) }, 'companyId'],
        [{ ...body, people: 'everyone' }, 'people'],
        [{ ...body, people: [{ ...body.people[0], title: 42 }] }, 'people[0].title'],
        [[1, 2], 'body'],
      ];
      for (const [payload, field] of cases) {
        const response = await enrich('key-v', payload);
        expect(response.status).toBe(400);
        const { reason } = (await response.json()) as { reason: string };
        expect(reason.startsWith(`${field}:`)).toBe(true);
      }
      expect(await stats()).toMatchObject({ billableCalls: 0 });
    });

    it('answers 400 for a missing idempotency key and for a body that is not JSON', async () => {
      const noKey = await post('/v1/research', body, { 'idempotency-key': undefined });
      expect(noKey.status).toBe(400);
      expect(((await noKey.json()) as { reason: string }).reason).toMatch(/^idempotency-key/);

      const broken = await post('/v1/research', '{"companyId":', {});
      expect(broken.status).toBe(400);
      expect(await broken.json()).toEqual({
        error: 'invalid_request',
        reason: 'body: not valid JSON',
      });
    });

    it('answers 404 for unknown paths', async () => {
      expect((await post('/v1/other', body)).status).toBe(404);
      expect((await fetch(provider.url('/nothing'))).status).toBe(404);
    });
  });

  describe('idempotency and billing', () => {
    it('returns the first reply again for a repeated key, billed once', async () => {
      const first = await enrich('key-1');
      const again = await enrich('key-1');
      expect(again.status).toBe(200);
      expect(first.headers.get('idempotent-replayed')).toBe('false');
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await again.json()).toEqual(await first.json());
      expect(await stats()).toEqual({
        requests: 2,
        billableCalls: 1,
        billableByOperation: { enrich: 1, research: 0 },
        byKey: { 'key-1': { operation: 'enrich', billed: 1, requests: 2 } },
      });
    });

    it('answers 409 when a key is reused for a different request', async () => {
      await enrich('key-1');
      const other = await research('key-1');
      expect(other.status).toBe(409);
      const changed = await enrich('key-1', { ...body, companyId: 'c-2' });
      expect(changed.status).toBe(409);
      expect(await stats()).toMatchObject({ billableCalls: 1 });
    });
  });

  describe('fault injection', () => {
    it('fails the next N requests of either operation, with Retry-After', async () => {
      const set = await control('/faults', {
        failNext: { count: 2, status: 429, retryAfterSeconds: 2 },
      });
      expect(set.status).toBe(200);
      const first = await enrich('key-f');
      expect(first.status).toBe(429);
      expect(first.headers.get('retry-after')).toBe('2');
      const second = await research('key-g');
      expect(second.status).toBe(429);
      expect((await enrich('key-f')).status).toBe(200);
      expect(await stats()).toMatchObject({
        billableCalls: 1,
        byKey: {
          'key-f': { operation: 'enrich', billed: 1, requests: 2 },
          'key-g': { operation: 'research', billed: 0, requests: 1 },
        },
      });
    });

    it('sends 200 replies that break the contract for malformedNext', async () => {
      await control('/faults', { malformedNext: 1 });
      const malformed = await enrich('key-m');
      expect(malformed.status).toBe(200);
      expect(await malformed.json()).not.toHaveProperty('contacts');
      const good = await enrich('key-m');
      expect(await good.json()).toHaveProperty('contacts');
      expect(await stats()).toMatchObject({ billableCalls: 1 });
    });

    it('fails a seeded, repeatable share of requests at failRate with failStatus', async () => {
      const statuses = async (): Promise<number[]> => {
        await control('/reset', {});
        await control('/faults', { failRate: 0.5, failStatus: 500, seed: 3 });
        const result: number[] = [];
        for (let i = 0; i < 16; i++) result.push((await enrich(`key-${i}`)).status);
        return result;
      };
      const first = await statuses();
      expect(await statuses()).toEqual(first);
      expect(first).toContain(500);
      expect(first).toContain(200);
      expect(first.every((status) => status === 200 || status === 500)).toBe(true);
    });

    it('adds latency to every API request', async () => {
      await control('/faults', { latencyMs: 150 });
      const began = performance.now();
      expect((await enrich('key-l')).status).toBe(200);
      expect(performance.now() - began).toBeGreaterThanOrEqual(145);
    });

    it('starts with the faults the environment sets', async () => {
      await provider.stop();
      provider = await start({ FAULT_RATE: 1, FAULT_STATUS: 502 });
      expect((await enrich('key-e')).status).toBe(502);
      expect(await (await control('/faults')).json()).toMatchObject({
        failRate: 1,
        failStatus: 502,
      });
    });

    it('refuses a bad fault setting, naming the field', async () => {
      const response = await control('/faults', { failNext: { count: 1, status: 404 } });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { reason: string }).reason).toMatch(/^failNext\.status:/);
    });

    it('reset clears faults and counters', async () => {
      await control('/faults', { failNext: { count: 5, status: 503 }, latencyMs: 5 });
      await enrich('key-1');
      const reset = await control('/reset', {});
      expect(reset.status).toBe(200);
      expect(await (await control('/faults')).json()).toMatchObject({
        latencyMs: 0,
        failNext: null,
        malformedNext: 0,
        failRate: 0,
      });
      expect(await stats()).toEqual({
        requests: 0,
        billableCalls: 0,
        billableByOperation: { enrich: 0, research: 0 },
        byKey: {},
      });
      expect((await enrich('key-1')).status).toBe(200);
      // The replies are kept: a key answered before a reset is replayed, not billed again.
      await control('/reset', {});
      const again = await enrich('key-1');
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await stats()).toMatchObject({ billableCalls: 0 });
    });
  });

  describe('request log', () => {
    const rows = (): Pick<RequestRecord, 'idempotencyKey' | 'status' | 'outcome'>[] =>
      provider.ledger
        .records()
        .map(({ idempotencyKey, status, outcome }) => ({ idempotencyKey, status, outcome }));

    it('writes one row per answered request that carries a key, with its outcome', async () => {
      expect((await post('/v1/research', body, { authorization: undefined })).status).toBe(401);
      expect((await enrich('k-invalid', { people: [] })).status).toBe(400);
      expect(
        (await post('/v1/research', '{"companyId":', { 'idempotency-key': 'k-json' })).status,
      ).toBe(400);
      await control('/faults', { failNext: { count: 1, status: 503 }, malformedNext: 1 });
      expect((await enrich('k-1')).status).toBe(503);
      expect((await enrich('k-1')).status).toBe(200); // malformed
      expect((await enrich('k-1')).status).toBe(200);
      expect((await enrich('k-1')).status).toBe(200);
      expect((await research('k-1')).status).toBe(409);
      expect(rows()).toEqual([
        { idempotencyKey: 'key-1', status: 401, outcome: 'rejected' },
        { idempotencyKey: 'k-invalid', status: 400, outcome: 'rejected' },
        { idempotencyKey: 'k-json', status: 400, outcome: 'rejected' },
        { idempotencyKey: 'k-1', status: 503, outcome: 'fault' },
        { idempotencyKey: 'k-1', status: 200, outcome: 'fault' },
        { idempotencyKey: 'k-1', status: 200, outcome: 'billed' },
        { idempotencyKey: 'k-1', status: 200, outcome: 'replayed' },
        { idempotencyKey: 'k-1', status: 409, outcome: 'rejected' },
      ]);
      const records = provider.ledger.records();
      // Who and what only once the body was read and valid; the price only on the bill.
      expect(
        records.slice(0, 3).every((r) => r.companyId === null && r.peopleDigest === null),
      ).toBe(true);
      expect(records[5]).toMatchObject({
        operation: 'enrich',
        companyId: 'c-1',
        peopleDigest: peopleDigest(['p-1', 'p-2']),
        costUsd: 2.4,
      });
      expect(records[5]?.receivedAt).toBeInstanceOf(Date);
      expect(records.filter((r) => r.costUsd > 0)).toHaveLength(1);
    });

    it('logs a 5xx that was not injected as an error, and nothing for a request without a key', async () => {
      const failing: PeopleDirectory = { lookup: () => Promise.reject(new Error('db down')) };
      await provider.stop();
      provider = await start({}, { directory: failing });
      expect((await enrich('k-db')).status).toBe(500);
      expect((await post('/v1/research', body, { 'idempotency-key': undefined })).status).toBe(400);
      expect((await post('/v1/research', body, { 'idempotency-key': 'bad key' })).status).toBe(400);
      expect(rows()).toEqual([{ idempotencyKey: 'k-db', status: 500, outcome: 'error' }]);
    });

    it('answers 503 with Retry-After, billing and keeping nothing, while the log cannot be written', async () => {
      provider.ledger.down = true;
      for (const response of [
        await enrich('k-down'),
        await enrich('k-down', { people: 'everyone' }),
        await post('/v1/research', body, { authorization: 'Bearer wrong' }),
      ]) {
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('1');
        expect(await response.json()).toMatchObject({ error: 'unavailable' });
      }
      const stalled = await control('/stats');
      expect(stalled.status).toBe(503);
      expect(stalled.headers.get('retry-after')).toBe('1');

      provider.ledger.down = false;
      const retried = await enrich('k-down');
      expect(retried.status).toBe(200);
      expect(retried.headers.get('idempotent-replayed')).toBe('false');
      expect(rows()).toEqual([{ idempotencyKey: 'k-down', status: 200, outcome: 'billed' }]);
      const metrics = await (await fetch(provider.url('/metrics'))).text();
      expect(metrics).toMatch(
        /^bgs_local_provider_requests_total\{operation="enrich",outcome="unavailable",service="local-provider"\} 2$/m,
      );
    });
  });

  describe('operations endpoints', () => {
    it('serves /healthz, /readyz and /metrics', async () => {
      await enrich('key-1');
      expect((await fetch(provider.url('/healthz'))).status).toBe(200);
      expect((await fetch(provider.url('/readyz'))).status).toBe(200);
      const metrics = await (await fetch(provider.url('/metrics'))).text();
      expect(metrics).toMatch(
        /^bgs_local_provider_requests_total\{operation="enrich",outcome="ok",service="local-provider"\} 1$/m,
      );
    });

    it('is not ready while a resource check fails', async () => {
      await provider.stop();
      const database: ServiceResource = {
        name: 'postgres',
        check: () => Promise.reject(new Error('connection refused')),
        stop: async () => undefined,
      };
      provider = await start({}, { resources: [database] });
      expect((await fetch(provider.url('/readyz'))).status).toBe(503);
    });

    it('cuts injected latency short on shutdown and answers 503', async () => {
      await control('/faults', { latencyMs: 60_000 });
      const pending = enrich('key-slow');
      // The request has arrived once the stats count it (its key only once it is answered).
      while ((await stats()).requests === 0) await new Promise((r) => setTimeout(r, 5));
      const stopped = provider.stop();
      const response = await pending;
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ error: 'shutting_down' });
      await stopped;
      provider = await start(); // afterEach stops it
    });
  });
});
