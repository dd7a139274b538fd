/**
 * The local provider's Postgres ledger (services/local-provider/src/pg-ledger.ts) against the
 * stack's real Postgres: the tables as the outside checker reads them, one bill per key across
 * a restart and under concurrency, and a 503-able failure when Postgres does not answer. Each
 * run uses a throwaway schema, dropped at the end, so the running provider's `local_provider`
 * schema is never touched. Nothing here starts or stops a part of the stack.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import {
  LedgerUnavailableError,
  PRICE_USD,
  peopleDigest,
  type PaidCall,
} from '../../services/local-provider/src/ledger';
import {
  LEDGER_SCHEMA,
  PgLedger,
  ledgerSchemaStatements,
} from '../../services/local-provider/src/pg-ledger';
import { stack, withDatabase } from '../helpers/stack';

const schema = `local_provider_test_${randomBytes(4).toString('hex')}`;
const pools: Pool[] = [];

/** A pool as the provider opens one; each call is a new "process" with an empty memory. */
function openLedger(url: string = stack.databaseUrl): PgLedger {
  const pool = new Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 2_000 });
  pool.on('error', () => undefined);
  pools.push(pool);
  return new PgLedger(pool, { schema });
}

const call = (key: string, overrides: Partial<PaidCall> = {}): PaidCall => ({
  receivedAt: new Date(),
  operation: 'enrich',
  idempotencyKey: key,
  companyId: 'c-1',
  peopleDigest: peopleDigest(['p-1', 'p-2']),
  requestDigest: 'digest-1',
  costUsd: PRICE_USD.enrich,
  ...overrides,
});

interface Row {
  idempotency_key: string;
  operation: string;
  company_id: string | null;
  people_digest: string | null;
  status: number;
  outcome: string;
  cost_usd: string;
}

const rowsOf = (key: string): Promise<Row[]> =>
  withDatabase(async (db) => {
    const { rows } = await db.query<Row>(
      `SELECT idempotency_key, operation, company_id, people_digest, status, outcome, cost_usd
         FROM ${schema}.requests WHERE idempotency_key = $1 ORDER BY id`,
      [key],
    );
    return rows;
  });

const unique = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

describe('the local provider request log in Postgres', () => {
  let ledger: PgLedger;

  beforeAll(async () => {
    ledger = openLedger();
    await ledger.prepare();
  });

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
    await withDatabase((db) => db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
  });

  it('creates the tables the checker reads, with exactly these columns', async () => {
    const columns = await withDatabase(async (db) => {
      const { rows } = await db.query<{
        table_name: string;
        column_name: string;
        data_type: string;
        is_nullable: string;
      }>(
        `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
          WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
        [schema],
      );
      return rows.map((r) => `${r.table_name}.${r.column_name} ${r.data_type} ${r.is_nullable}`);
    });
    expect(columns).toEqual([
      'replies.idempotency_key text NO',
      'replies.operation text NO',
      'replies.request_digest text NO',
      'replies.status integer NO',
      'replies.body jsonb NO',
      'replies.billed_at timestamp with time zone NO',
      'requests.id bigint NO',
      'requests.received_at timestamp with time zone NO',
      'requests.operation text NO',
      'requests.idempotency_key text NO',
      'requests.company_id text YES',
      'requests.people_digest text YES',
      'requests.status integer NO',
      'requests.outcome text NO',
      'requests.cost_usd numeric NO',
    ]);
    const indexes = await withDatabase(async (db) => {
      const { rows } = await db.query<{ indexdef: string }>(
        `SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'requests'`,
        [schema],
      );
      return rows.map((r) => r.indexdef);
    });
    expect(indexes.some((d) => /\(idempotency_key\)$/.test(d))).toBe(true);
    // Idempotent: a second start-up (a second process) changes nothing.
    await openLedger().prepare();
  });

  it('defaults to the local_provider schema and refuses a name it cannot splice safely', () => {
    expect(LEDGER_SCHEMA).toBe('local_provider');
    expect(ledgerSchemaStatements()[0]).toBe('CREATE SCHEMA IF NOT EXISTS local_provider');
    expect(() => ledgerSchemaStatements('x; DROP TABLE people')).toThrow(/identifier/);
  });

  it('bills a key once, and replays it after a restart without billing it again', async () => {
    const key = unique('enrich:c-1');
    const produce = jest.fn(async () => ({ contacts: [{ personId: 'p-1', email: 'a@b.c' }] }));
    expect(await ledger.once(call(key), produce)).toMatchObject({ kind: 'fresh' });

    // A new process: nothing in memory, the stored reply in Postgres.
    const restarted = openLedger();
    await restarted.prepare();
    expect(await restarted.once(call(key), produce)).toEqual({
      kind: 'replayed',
      reply: { contacts: [{ personId: 'p-1', email: 'a@b.c' }] },
    });
    expect(produce).toHaveBeenCalledTimes(1);
    expect(await rowsOf(key)).toEqual([
      {
        idempotency_key: key,
        operation: 'enrich',
        company_id: 'c-1',
        people_digest: peopleDigest(['p-1', 'p-2']),
        status: 200,
        outcome: 'billed',
        cost_usd: '2.4000',
      },
      expect.objectContaining({ status: 200, outcome: 'replayed', cost_usd: '0.0000' }),
    ]);
  });

  it('refuses a key reused for another request with a logged 409, keeping the first reply', async () => {
    const key = unique('enrich:c-1');
    await ledger.once(call(key), async () => ({ first: true }));
    expect(await ledger.once(call(key, { requestDigest: 'digest-2' }), async () => 0)).toEqual({
      kind: 'conflict',
      operation: 'enrich',
    });
    expect(await ledger.once(call(key, { operation: 'research' }), async () => 0)).toMatchObject({
      kind: 'conflict',
    });
    expect(await ledger.once(call(key), async () => 0)).toEqual({
      kind: 'replayed',
      reply: { first: true },
    });
    expect((await rowsOf(key)).map((r) => `${r.status} ${r.outcome}`)).toEqual([
      '200 billed',
      '409 rejected',
      '409 rejected',
      '200 replayed',
    ]);
  });

  it('bills one of many concurrent requests with one key, from several processes', async () => {
    const key = unique('research:c-1');
    const slow = async (): Promise<unknown> => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { companySummary: 'x', insights: [] };
    };
    const processes = [ledger, openLedger(), openLedger()];
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        processes[i % processes.length]!.once(call(key, { operation: 'research' }), slow),
      ),
    );
    expect(outcomes.filter((o) => o.kind === 'fresh')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'replayed')).toHaveLength(11);
    const rows = await rowsOf(key);
    expect(rows).toHaveLength(12);
    expect(rows.filter((r) => r.outcome === 'billed')).toHaveLength(1);
    expect(rows[0]?.outcome).toBe('billed');
  });

  it('neither keeps nor logs a failed reply, so the retry is the one billed', async () => {
    const key = unique('enrich:c-1');
    await expect(
      ledger.once(call(key), () => Promise.reject(new Error('directory down'))),
    ).rejects.toThrow('directory down');
    expect(await rowsOf(key)).toEqual([]);
    await ledger.record({
      ...call(key),
      status: 500,
      outcome: 'error',
      costUsd: 0,
    });
    expect(await ledger.once(call(key), async () => 'ok')).toEqual({ kind: 'fresh', reply: 'ok' });
    expect((await rowsOf(key)).map((r) => r.outcome)).toEqual(['error', 'billed']);
  });

  it('counts stats from the log since the last reset, refusals not counted per key', async () => {
    const fresh = openLedger();
    await fresh.prepare();
    await fresh.reset();
    const key = unique('enrich:c-2');
    fresh.countRequest();
    fresh.countRequest();
    await fresh.record({
      ...call(key),
      companyId: null,
      peopleDigest: null,
      status: 400,
      outcome: 'rejected',
      costUsd: 0,
    });
    await fresh.record({ ...call(key), status: 503, outcome: 'fault', costUsd: 0 });
    await fresh.once(call(key), async () => 'ok');
    await fresh.once(call(unique('research:c-2'), { operation: 'research' }), async () => 'ok');
    const stats = await fresh.stats();
    expect(stats.requests).toBe(2);
    expect(stats.billableByOperation).toEqual({ enrich: 1, research: 1 });
    expect(stats.billableCalls).toBe(2);
    expect(stats.byKey[key]).toEqual({ operation: 'enrich', billed: 1, requests: 2 });
    expect(Object.keys(stats.byKey)).toHaveLength(2);

    await fresh.reset();
    expect(await fresh.stats()).toEqual({
      requests: 0,
      billableCalls: 0,
      billableByOperation: { enrich: 0, research: 0 },
      byKey: {},
    });
    // Kept across the reset: replayed, not billed.
    expect((await fresh.once(call(key), async () => 'again')).kind).toBe('replayed');
    expect((await fresh.stats()).billableCalls).toBe(0);
  });

  it('fails with LedgerUnavailableError while Postgres does not answer, and heals', async () => {
    // Nothing listens on port 1: refused at once, as a stopped Postgres is.
    const down = openLedger('postgres://bgs_app:bgs_app@127.0.0.1:1/buyergroups');
    await expect(down.prepare()).rejects.toBeInstanceOf(LedgerUnavailableError);
    await expect(down.once(call(unique('k')), async () => 'x')).rejects.toBeInstanceOf(
      LedgerUnavailableError,
    );
    await expect(
      down.record({ ...call('k'), status: 400, outcome: 'rejected', costUsd: 0 }),
    ).rejects.toBeInstanceOf(LedgerUnavailableError);
    await expect(down.stats()).rejects.toBeInstanceOf(LedgerUnavailableError);

    // Its tables dropped under a running ledger: one failure, then they are created again.
    const own = `local_provider_test_${randomBytes(4).toString('hex')}`;
    const pool = new Pool({ connectionString: stack.databaseUrl, max: 2 });
    pools.push(pool);
    const healing = new PgLedger(pool, { schema: own });
    try {
      await healing.prepare();
      await withDatabase((db) => db.query(`DROP SCHEMA ${own} CASCADE`));
      await expect(healing.stats()).rejects.toBeInstanceOf(LedgerUnavailableError);
      expect((await healing.once(call(unique('k')), async () => 'x')).kind).toBe('fresh');
    } finally {
      await withDatabase((db) => db.query(`DROP SCHEMA IF EXISTS ${own} CASCADE`));
    }
  });
});
