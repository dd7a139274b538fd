/**
 * The migrations against the stack's real Postgres: a throwaway database is created,
 * migrated, checked, reverted, and dropped again, so the app database is never touched.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { QueryFailedError, type DataSource } from 'typeorm';
import {
  ApiKey,
  BuyerGroup,
  BuyerGroupMember,
  BuyerGroupRefreshLog,
  Company,
  createDataSource,
  ENTITIES,
  MIGRATIONS_TABLE,
  Person,
  PipelineOperation,
  revertMigrations,
  type PgRow,
  runMigrations,
  WebhookEvent,
} from '@bgs/db';
import { debeziumConnectorConfig } from '../../packages/provisioning/src/connector';
import { stack } from '../helpers/stack';

const APP_URL: string = stack.databaseUrl;
const ADMIN_URL: string = stack.adminDatabaseUrl;

const UPSTREAM_TABLES = ['companies', 'people', 'debezium_heartbeat'];
const OUR_TABLES = [
  'buyer_groups',
  'buyer_group_members',
  'webhook_events',
  'buyer_group_refresh_logs',
  'pipeline_operations',
  'api_keys',
  'refresh_requests',
  'workspace_settings',
  'company_cooldowns',
  'person_observations',
  'person_upstream_commits',
  'webhook_deliveries',
];
const ALL_TABLES = [...UPSTREAM_TABLES, ...OUR_TABLES];
const MIGRATION_NAMES = [
  'UpstreamTables1795000000000',
  'PipelineTables1795000100000',
  'IngressTables1795000200000',
  'RefresherTables1795000300000',
  'ProviderObservations1795000400000',
  'WebhookArchive1795000500000',
  'ApiKeyScopes1795000600000',
  'ProviderBudget1795000700000',
];

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A database made for this run; dropped by whichever role created it. */
interface Throwaway {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function createThrowawayDatabase(suffix: string): Promise<Throwaway> {
  const name = `bgs_dbtest_${process.pid}_${randomBytes(4).toString('hex')}_${suffix}`;
  const appUser = decodeURIComponent(new URL(APP_URL).username);
  let creatorUrl = APP_URL;
  try {
    await withClient(APP_URL, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
  } catch (appError) {
    // The application role may lack CREATEDB (or its own database may not exist yet):
    // create the database as the admin, owned by the application role.
    creatorUrl = ADMIN_URL;
    try {
      await withClient(ADMIN_URL, (c) =>
        c.query(`CREATE DATABASE ${quoteIdent(name)} OWNER ${quoteIdent(appUser)}`),
      );
    } catch (adminError) {
      throw new Error(
        `cannot create a throwaway database: as the application role: ${String(appError)}; ` +
          `as the admin (BGS_PG_ADMIN_URL): ${String(adminError)}`,
      );
    }
  }
  return {
    name,
    url: withDatabase(APP_URL, name),
    drop: () =>
      withClient(creatorUrl, async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      }),
  };
}

/** Columns, constraints and indexes of the entity tables, in a comparable form. */
async function catalogOf(url: string): Promise<Record<string, unknown[]>> {
  return withClient(url, async (c) => {
    const columns = await c.query(
      `SELECT table_name, column_name, data_type, is_nullable, column_default,
              numeric_precision, numeric_scale
         FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = ANY($1)
        ORDER BY table_name, column_name`,
      [ALL_TABLES],
    );
    const constraints = await c.query(
      `SELECT conrelid::regclass::text AS table_name, conname, contype,
              pg_get_constraintdef(oid) AS definition
         FROM pg_constraint
        WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text = ANY($1)
        ORDER BY 1, 2`,
      [ALL_TABLES],
    );
    const indexes = await c.query(
      `SELECT tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname = 'public' AND tablename = ANY($1)
        ORDER BY 1, 2`,
      [ALL_TABLES],
    );
    return { columns: columns.rows, constraints: constraints.rows, indexes: indexes.rows };
  });
}

async function existingTables(url: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    return rows.map((r) => r.table_name);
  });
}

function sqlStateOf(error: unknown): string | undefined {
  if (error instanceof QueryFailedError) {
    return (error.driverError as { code?: string }).code;
  }
  return undefined;
}

async function expectSqlState(promise: Promise<unknown>, code: string, constraint?: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QueryFailedError);
  expect(sqlStateOf(error)).toBe(code);
  if (constraint !== undefined) {
    expect(
      (error as QueryFailedError & { driverError: { constraint?: string } }).driverError.constraint,
    ).toBe(constraint);
  }
}

describe('@bgs/db migrations on a real Postgres', () => {
  let db: Throwaway | undefined;
  let synced: Throwaway | undefined;
  let ds: DataSource | undefined;

  beforeAll(async () => {
    db = await createThrowawayDatabase('mig');
  });

  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await db?.drop();
    await synced?.drop();
  });

  function target(): Throwaway {
    if (!db) throw new Error('no throwaway database');
    return db;
  }

  async function dataSource(): Promise<DataSource> {
    if (!ds) {
      ds = createDataSource(target().url, { applicationName: 'bgs-db-test' });
      await ds.initialize();
    }
    return ds;
  }

  it('applies both migrations to an empty database, oldest first', async () => {
    const info: string[] = [];
    const applied = await runMigrations(target().url, { info: (m) => info.push(m) });
    expect(applied).toEqual(MIGRATION_NAMES);
    expect(info).toEqual(MIGRATION_NAMES.map((n) => `applied migration ${n}`));
    expect(await existingTables(target().url)).toEqual([...ALL_TABLES, MIGRATIONS_TABLE].sort());
  });

  it('creates the keys that make replays harmless', async () => {
    const keys = await withClient(target().url, async (c) => {
      const { rows } = await c.query<{
        table_name: string;
        conname: string;
        contype: string;
        cols: string[];
      }>(
        `SELECT con.conrelid::regclass::text AS table_name, con.conname, con.contype,
                array_agg(att.attname::text ORDER BY k.ord) AS cols
           FROM pg_constraint con
           CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
           JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = k.attnum
          WHERE con.connamespace = 'public'::regnamespace AND con.contype IN ('p', 'u')
          GROUP BY 1, 2, 3`,
      );
      return rows;
    });
    const find = (conname: string) => keys.find((k) => k.conname === conname);
    expect(find('uq_webhook_events_source_event_id')).toMatchObject({
      table_name: 'webhook_events',
      contype: 'u',
      cols: ['source', 'event_id'],
    });
    expect(find('uq_buyer_group_refresh_logs_company_generation')).toMatchObject({
      table_name: 'buyer_group_refresh_logs',
      contype: 'u',
      cols: ['company_id', 'generation'],
    });
    expect(find('uq_pipeline_operations_idempotency_key')).toMatchObject({
      table_name: 'pipeline_operations',
      contype: 'u',
      cols: ['idempotency_key'],
    });
    expect(find('pk_buyer_groups')).toMatchObject({ contype: 'p', cols: ['company_id'] });
    expect(find('pk_buyer_group_members')).toMatchObject({
      contype: 'p',
      cols: ['company_id', 'person_id'],
    });
    expect(find('pk_debezium_heartbeat')).toMatchObject({ contype: 'p', cols: ['id'] });
    const indexes = await withClient(target().url, (c) =>
      c.query<{ indexdef: string }>(
        `SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_people_company_id'`,
      ),
    );
    expect(indexes.rows[0]?.indexdef).toMatch(/ON public\.people USING btree \(company_id\)/);
  });

  it('gives people and companies REPLICA IDENTITY FULL, for the before image', async () => {
    const { rows } = await withClient(target().url, (c) =>
      c.query<{ relname: string; relreplident: string }>(
        `SELECT relname, relreplident FROM pg_class
          WHERE relnamespace = 'public'::regnamespace AND relname = ANY($1) ORDER BY relname`,
        [['companies', 'people']],
      ),
    );
    expect(rows).toEqual([
      { relname: 'companies', relreplident: 'f' },
      { relname: 'people', relreplident: 'f' },
    ]);
  });

  it('is a no-op when run again', async () => {
    const info: string[] = [];
    expect(await runMigrations(target().url, { info: (m) => info.push(m) })).toEqual([]);
    expect(info).toEqual(['no pending migrations']);
    const { rows } = await withClient(target().url, (c) =>
      c.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`),
    );
    expect(rows.map((r) => r.name)).toEqual(MIGRATION_NAMES);
  });

  it('two concurrent runs on a fresh database apply each migration once', async () => {
    const fresh = await createThrowawayDatabase('race');
    try {
      const [a, b] = await Promise.all([runMigrations(fresh.url), runMigrations(fresh.url)]);
      expect([...a, ...b]).toEqual(MIGRATION_NAMES);
    } finally {
      await fresh.drop();
    }
  });

  it('matches the entities: the schema builder has nothing to change', async () => {
    const source = await dataSource();
    const sql = await source.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('builds the same catalog as the entities do (check expressions, FK actions, indexes)', async () => {
    synced = await createThrowawayDatabase('sync');
    const fromEntities = createDataSource(synced.url);
    await fromEntities.initialize();
    try {
      await fromEntities.synchronize();
    } finally {
      await fromEntities.destroy();
    }
    expect(await catalogOf(target().url)).toEqual(await catalogOf(synced.url));
  });

  it('refuses a second webhook with the same (source, event_id)', async () => {
    const repo = (await dataSource()).getRepository(WebhookEvent);
    const event = {
      source: 'vendor-a',
      eventId: 'evt_1',
      eventType: 'person.role_change',
      payload: { person: { id: 'p1' } },
      signatureScheme: 'hmac-sha256',
      companyId: 'c1',
    };
    const first = await repo.save(repo.create(event));
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.receivedAt).toBeInstanceOf(Date);

    await expectSqlState(
      repo.insert({ ...event, eventType: 'person.promotion' }),
      '23505',
      'uq_webhook_events_source_event_id',
    );
    // The same event id from another provider is a different event.
    await repo.insert({ ...event, source: 'vendor-b' });
    // The intended ingress pattern: insert and learn whether it was new.
    const dup = await repo
      .createQueryBuilder()
      .insert()
      .values(event)
      .orIgnore()
      .returning('id')
      .execute();
    expect(dup.raw).toEqual([]);
    expect(await repo.count()).toBe(2);
  });

  it('logs a generation at most once per company', async () => {
    const repo = (await dataSource()).getRepository(BuyerGroupRefreshLog);
    const log = { companyId: 'c1', generation: 3, reason: 'cdc', status: 'completed' as const };
    // Copies: TypeORM writes the generated id back into the object it inserts.
    await repo.insert({ ...log });
    await repo.insert({ ...log, generation: 4 });
    await expectSqlState(
      repo.insert({ ...log }),
      '23505',
      'uq_buyer_group_refresh_logs_company_generation',
    );
  });

  it('round-trips rows through the entities, with bigint and numeric as numbers', async () => {
    const source = await dataSource();
    await source.getRepository(Company).insert({ id: 'c1', workspaceId: 'ws1', name: 'Acme' });
    await source.getRepository(Person).insert([
      { id: 'p-boss', companyId: 'c1', fullName: 'Grace Hopper', jobTitle: 'CEO' },
      { id: 'p1', companyId: 'c1', fullName: 'Ada Lovelace', managerId: 'p-boss' },
    ]);
    const person = await source
      .getRepository(Person)
      .findOneOrFail({ where: { id: 'p1' }, relations: { manager: true, company: true } });
    expect(person.status).toBe('active');
    expect(person.manager?.fullName).toBe('Grace Hopper');
    expect(person.company?.name).toBe('Acme');

    await source.getRepository(BuyerGroup).insert({
      companyId: 'c1',
      workspaceId: 'ws1',
      generation: Number.MAX_SAFE_INTEGER,
      level: 'deep_research',
      confidence: 7.25,
      cohesion: 10,
      status: 'ready',
      computedAt: new Date(),
    });
    await source.getRepository(BuyerGroupMember).insert({
      companyId: 'c1',
      personId: 'p1',
      role: 'champion',
      score: 8.5,
      enrichment: { email: 'ada@example.com' },
      generation: Number.MAX_SAFE_INTEGER,
    });
    const group = await source.getRepository(BuyerGroup).findOneByOrFail({ companyId: 'c1' });
    expect(group.generation).toBe(Number.MAX_SAFE_INTEGER);
    expect(group.confidence).toBe(7.25);
    expect(group.cohesion).toBe(10);
    const member = await source
      .getRepository(BuyerGroupMember)
      .findOneByOrFail({ companyId: 'c1', personId: 'p1' });
    expect(member).toMatchObject({ score: 8.5, generation: Number.MAX_SAFE_INTEGER });
    expect(member.enrichment).toEqual({ email: 'ada@example.com' });

    const ops = source.getRepository(PipelineOperation);
    await ops.insert({
      idempotencyKey: 'enrich:c1:abc',
      stage: 'enrich',
      companyId: 'c1',
      input: { level: 'enrich' },
      status: 'completed',
      durationMs: 120,
      costUsd: 2.5,
    });
    expect((await ops.findOneByOrFail({ idempotencyKey: 'enrich:c1:abc' })).costUsd).toBe(2.5);
    await expectSqlState(
      ops.insert({
        idempotencyKey: 'enrich:c1:abc',
        stage: 'enrich',
        companyId: 'c1',
        input: {},
        status: 'pending',
      }),
      '23505',
      'uq_pipeline_operations_idempotency_key',
    );
  });

  it('hands raw SQL the values PgRow says: bigint and numeric as text, the rest as the entity', async () => {
    // The rows the round trip above saved, read back as raw SQL does (no transformers).
    const source = await dataSource();
    const [group] = (await source.query(
      `SELECT company_id, generation, confidence, computed_at FROM buyer_groups WHERE company_id = 'c1'`,
    )) as PgRow<BuyerGroup, 'companyId' | 'generation' | 'confidence' | 'computedAt'>[];
    expect(group).toEqual({
      company_id: 'c1',
      generation: String(Number.MAX_SAFE_INTEGER),
      confidence: '7.25',
      computed_at: expect.any(Date),
    });
    const [member] = (await source.query(
      `SELECT score, enrichment, rationale FROM buyer_group_members WHERE person_id = 'p1'`,
    )) as PgRow<BuyerGroupMember, 'score' | 'enrichment' | 'rationale'>[];
    expect(member).toEqual({
      score: '8.50',
      enrichment: { email: 'ada@example.com' },
      rationale: null,
    });
    const [op] = (await source.query(
      `SELECT duration_ms, cost_usd, input FROM pipeline_operations
        WHERE idempotency_key = 'enrich:c1:abc'`,
    )) as PgRow<PipelineOperation, 'durationMs' | 'costUsd' | 'input'>[];
    expect(op).toEqual({ duration_ms: 120, cost_usd: '2.5000', input: { level: 'enrich' } });
  });

  it('enforces the CHECK constraints on enums and ranges', async () => {
    const source = await dataSource();
    const group = {
      companyId: 'c2',
      workspaceId: 'ws1',
      generation: 1,
      level: 'identify' as const,
      status: 'ready' as const,
      computedAt: new Date(),
    };
    const groups = source.getRepository(BuyerGroup);
    await expectSqlState(
      groups.insert({ ...group, confidence: 10.5 }),
      '23514',
      'ck_buyer_groups_confidence',
    );
    await expectSqlState(
      groups.insert({ ...group, cohesion: -1 }),
      '23514',
      'ck_buyer_groups_cohesion',
    );
    await expectSqlState(
      groups.insert({ ...group, generation: -1 }),
      '23514',
      'ck_buyer_groups_generation',
    );
    await expectSqlState(
      source.query(`INSERT INTO buyer_groups (company_id, workspace_id, generation, level, status, computed_at)
                    VALUES ('c2', 'ws1', 1, 'platinum', 'ready', now())`),
      '23514',
      'ck_buyer_groups_level',
    );
    await expectSqlState(
      source.query(`INSERT INTO buyer_group_members (company_id, person_id, role, score, generation)
                    VALUES ('c1', 'p-boss', 'kingmaker', 5, 1)`),
      '23514',
      'ck_buyer_group_members_role',
    );
    await expectSqlState(
      source.query(`UPDATE people SET status = 'retired' WHERE id = 'p1'`),
      '23514',
      'ck_people_status',
    );
    await expectSqlState(
      source.query(`UPDATE people SET manager_id = id WHERE id = 'p1'`),
      '23514',
      'ck_people_manager_not_self',
    );
    await expectSqlState(
      source.query(`INSERT INTO workspace_settings (workspace_id, provider_budget_usd)
                    VALUES ('ws-negative', -1)`),
      '23514',
      'ck_workspace_settings_provider_budget_usd',
    );
    // A member belongs to a saved group.
    await expectSqlState(
      source.query(`INSERT INTO buyer_group_members (company_id, person_id, role, score, generation)
                    VALUES ('no-such-group', 'p1', 'champion', 5, 1)`),
      '23503',
      'fk_buyer_group_members_group',
    );
  });

  it('gives a workspace key a workspace and an operator key none', async () => {
    const keys = (await dataSource()).getRepository(ApiKey);
    const key = (name: string) => ({ name, keyPrefix: `bgs_${name}`, keyHash: `hash-${name}` });
    await keys.insert({ ...key('ws'), workspaceId: 'ws1' });
    expect((await keys.findOneByOrFail({ name: 'ws' })).scope).toBe('workspace');
    await keys.insert({ ...key('op'), scope: 'operator', workspaceId: null });
    await expectSqlState(
      keys.insert({ ...key('op-ws'), scope: 'operator', workspaceId: 'ws1' }),
      '23514',
      'ck_api_keys_scope_workspace',
    );
    await expectSqlState(
      keys.insert({ ...key('ws-none'), scope: 'workspace', workspaceId: null }),
      '23514',
      'ck_api_keys_scope_workspace',
    );
    await expectSqlState(
      keys.query(`INSERT INTO api_keys (workspace_id, name, key_prefix, key_hash, scope)
                  VALUES ('ws1', 'x', 'bgs_x', 'hash-x', 'admin')`),
      '23514',
      'ck_api_keys_scope',
    );
  });

  it("accepts the Debezium connector's heartbeat query, repeatedly", async () => {
    const query = debeziumConnectorConfig({
      host: 'h',
      port: 1,
      user: 'u',
      password: 'p',
      dbname: 'd',
    })['heartbeat.action.query'];
    expect(query).toBeDefined();
    const source = await dataSource();
    await source.query(query as string);
    await source.query(query as string);
    const rows: Array<{ id: number; beat_at: Date }> = await source.query(
      `SELECT id, beat_at FROM debezium_heartbeat`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id).toBe(1);
    expect(rows[0]?.beat_at).toBeInstanceOf(Date);
  });

  it('reverts every migration cleanly, newest first, and can apply them again', async () => {
    if (ds?.isInitialized) await ds.destroy();
    ds = undefined;
    const info: string[] = [];
    const reverted = await revertMigrations(target().url, 'all', { info: (m) => info.push(m) });
    expect(reverted).toEqual([...MIGRATION_NAMES].reverse());
    expect(info).toEqual(reverted.map((n) => `reverted migration ${n}`));
    expect(await existingTables(target().url)).toEqual([MIGRATIONS_TABLE]);
    expect(await revertMigrations(target().url, 'all')).toEqual([]);

    expect(await runMigrations(target().url)).toEqual(MIGRATION_NAMES);
    // One step back: only the newest migration goes. It adds no table; workspace_settings
    // loses its provider budget and keeps its rows.
    await withClient(target().url, (c) =>
      c.query(`INSERT INTO workspace_settings (workspace_id, provider_budget_usd)
               VALUES ('ws1', 250), ('ws2', NULL)`),
    );
    expect(await revertMigrations(target().url)).toEqual([MIGRATION_NAMES.at(-1)]);
    expect(await existingTables(target().url)).toEqual([...ALL_TABLES, MIGRATIONS_TABLE].sort());
    const settings = await withClient(target().url, async (c) => {
      const columns = await c.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns
          WHERE table_name = 'workspace_settings' AND column_name = 'provider_budget_usd'`,
      );
      const rows = await c.query<{ workspace_id: string }>(
        `SELECT workspace_id FROM workspace_settings ORDER BY workspace_id`,
      );
      return { columns: columns.rows, ids: rows.rows.map((r) => r.workspace_id) };
    });
    expect(settings).toEqual({ columns: [], ids: ['ws1', 'ws2'] });
    // A second step back: api_keys loses its scope (and the operator keys it cannot hold) and
    // keeps its workspace keys.
    await withClient(target().url, (c) =>
      c.query(`INSERT INTO api_keys (workspace_id, name, key_prefix, key_hash, scope)
               VALUES ('ws1', 'w', 'bgs_w', 'hash-w', 'workspace'),
                      (NULL, 'o', 'bgs_o', 'hash-o', 'operator')`),
    );
    expect(await revertMigrations(target().url)).toEqual([MIGRATION_NAMES.at(-2)]);
    expect(await existingTables(target().url)).toEqual([...ALL_TABLES, MIGRATIONS_TABLE].sort());
    const keys = await withClient(target().url, async (c) => {
      const columns = await c.query<{ column_name: string; is_nullable: string }>(
        `SELECT column_name, is_nullable FROM information_schema.columns
          WHERE table_name = 'api_keys' AND column_name IN ('scope', 'workspace_id')`,
      );
      const rows = await c.query<{ name: string }>(`SELECT name FROM api_keys ORDER BY name`);
      return { columns: columns.rows, names: rows.rows.map((r) => r.name) };
    });
    expect(keys).toEqual({
      columns: [{ column_name: 'workspace_id', is_nullable: 'NO' }],
      names: ['w'],
    });
  });

  it('registers one entity per table', () => {
    expect(ENTITIES).toHaveLength(ALL_TABLES.length);
  });
});
