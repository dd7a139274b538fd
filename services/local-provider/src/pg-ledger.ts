/**
 * The ledger in Postgres, in the provider's own schema (`local_provider`) of the database it
 * already reads people from. A restart keeps it: a key replayed after one gets the stored reply
 * and is not billed again, and the request log an outside checker counts from keeps every
 * answer. The provider creates the schema itself (it is the stand-in's storage, not the
 * product's: no migration), at start-up and again whenever it finds it missing.
 */
import type { Pool, PoolClient } from 'pg';
import type { Operation } from './contract';
import {
  STATS_KEYS_LIMIT,
  LedgerUnavailableError,
  paidCallRecord,
  type KeyStats,
  type Ledger,
  type LedgerOutcome,
  type PaidCall,
  type ProviderStats,
  type RequestRecord,
} from './ledger';

export const LEDGER_SCHEMA = 'local_provider';

/** A schema name is spliced into the SQL: only a plain lower-case identifier is accepted. */
const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The DDL, idempotent, in order. Other schemas than `local_provider` are for tests. */
export function ledgerSchemaStatements(schema: string = LEDGER_SCHEMA): string[] {
  if (!PLAIN_IDENTIFIER.test(schema)) {
    throw new Error(`ledger schema: expected a plain lower-case identifier, got ${schema}`);
  }
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    `CREATE TABLE IF NOT EXISTS ${schema}.requests (
       id bigserial PRIMARY KEY,
       received_at timestamptz NOT NULL DEFAULT now(),
       operation text NOT NULL,
       idempotency_key text NOT NULL,
       company_id text,
       people_digest text,
       status integer NOT NULL,
       outcome text NOT NULL,
       cost_usd numeric(12,4) NOT NULL DEFAULT 0
     )`,
    `CREATE INDEX IF NOT EXISTS requests_idempotency_key_idx
       ON ${schema}.requests (idempotency_key)`,
    `COMMENT ON TABLE ${schema}.requests IS
       'The local provider''s request log: one row per answered API request that carried an idempotency key (services/local-provider/README.md)'`,
    `COMMENT ON COLUMN ${schema}.requests.people_digest IS
       'sha256 hex of the JSON array of the person ids sent, sorted; null when the body was not read or not valid'`,
    `COMMENT ON COLUMN ${schema}.requests.outcome IS
       'billed (first 2xx for the key) | replayed (the stored reply, not billed) | fault (injected) | rejected (4xx) | error (5xx not injected)'`,
    `CREATE TABLE IF NOT EXISTS ${schema}.replies (
       idempotency_key text PRIMARY KEY,
       operation text NOT NULL,
       request_digest text NOT NULL,
       status integer NOT NULL,
       body jsonb NOT NULL,
       billed_at timestamptz NOT NULL DEFAULT now()
     )`,
    `COMMENT ON TABLE ${schema}.replies IS
       'The local provider''s idempotency store: the first successful reply per key, billed once and replayed to every repeat'`,
  ];
}

/** Table or schema missing: dropped under the running service, so create them again. */
const isMissingRelation = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '42P01' || code === '3F000';
};

const asOperation = (value: string): Operation => (value === 'research' ? 'research' : 'enrich');

interface StoredReply {
  readonly operation: Operation;
  readonly requestDigest: string;
  readonly body: unknown;
}

type Queryable = Pick<PoolClient, 'query'>;

export class PgLedger implements Ledger {
  private prepared: Promise<void> | undefined;
  /** stats() counts the rows after this id: the newest one at start-up or at the last reset. */
  private since = '0';
  private requests = 0;
  private readonly requestsTable: string;
  private readonly repliesTable: string;

  constructor(
    private readonly pool: Pick<Pool, 'query' | 'connect'>,
    private readonly options: { readonly schema?: string; readonly keysLimit?: number } = {},
  ) {
    const schema = options.schema ?? LEDGER_SCHEMA;
    ledgerSchemaStatements(schema); // refuses a bad name now, not at the first request
    this.requestsTable = `${schema}.requests`;
    this.repliesTable = `${schema}.replies`;
  }

  /**
   * Creates the schema and tables if missing. Settled once it succeeds; after a failure
   * (Postgres down) the next call tries again, so the service starts and heals without it.
   */
  prepare(): Promise<void> {
    this.prepared ??= this.createTables().catch((error: unknown) => {
      this.prepared = undefined;
      throw unavailable('create the request log tables', error);
    });
    return this.prepared;
  }

  countRequest(): void {
    this.requests += 1;
  }

  async once(call: PaidCall, produce: () => Promise<unknown>): Promise<LedgerOutcome> {
    const stored = await this.guard('read a stored reply', () =>
      this.storedReply(this.pool, call.idempotencyKey),
    );
    if (stored) return this.guard('log a repeat', () => this.answerRepeat(this.pool, call, stored));

    // Not the store's failure: rethrown as is, nothing kept, so a retry tries again.
    const reply = await produce();

    return this.guard('claim a key', () =>
      this.transaction(async (client) => {
        // The claim: of two requests racing with one key, the second INSERT waits for the
        // first's transaction and, once it commits, does nothing. Reply and billed row commit
        // together, so the log never shows a bill whose reply was not kept, or the reverse.
        const claimed = await client.query(
          `INSERT INTO ${this.repliesTable}
                  (idempotency_key, operation, request_digest, status, body)
           VALUES ($1, $2, $3, $4, $5::jsonb)
           ON CONFLICT (idempotency_key) DO NOTHING
           RETURNING idempotency_key`,
          [
            call.idempotencyKey,
            call.operation,
            call.requestDigest,
            paidCallRecord(call, 'fresh').status,
            JSON.stringify(reply),
          ],
        );
        if (claimed.rowCount === 1) {
          await this.insertRecord(client, paidCallRecord(call, 'fresh'));
          return { kind: 'fresh', reply };
        }
        const winner = await this.storedReply(client, call.idempotencyKey);
        if (!winner) throw new Error(`key ${call.idempotencyKey} conflicted but has no reply`);
        return this.answerRepeat(client, call, winner);
      }),
    );
  }

  async record(entry: RequestRecord): Promise<void> {
    await this.guard('log a request', () => this.insertRecord(this.pool, entry));
  }

  async stats(): Promise<ProviderStats> {
    return this.guard('read the stats', async () => {
      const [billed, keys] = await Promise.all([
        this.pool.query<{ operation: string; billed: number }>(
          `SELECT operation, count(*)::int AS billed FROM ${this.requestsTable}
            WHERE id > $1::bigint AND outcome = 'billed' GROUP BY operation`,
          [this.since],
        ),
        this.pool.query<{ key: string; operation: string; billed: number; requests: number }>(
          `SELECT idempotency_key AS key,
                  (array_agg(operation ORDER BY id))[1] AS operation,
                  count(*) FILTER (WHERE outcome = 'billed')::int AS billed,
                  count(*)::int AS requests
             FROM ${this.requestsTable}
            WHERE id > $1::bigint AND people_digest IS NOT NULL
            GROUP BY idempotency_key
            ORDER BY max(id) DESC
            LIMIT $2`,
          [this.since, this.options.keysLimit ?? STATS_KEYS_LIMIT],
        ),
      ]);
      const byOperation = { enrich: 0, research: 0 };
      for (const row of billed.rows) byOperation[asOperation(row.operation)] += row.billed;
      // Oldest first, as the in-memory ledger lists them.
      const byKey: Record<string, KeyStats> = {};
      for (const row of [...keys.rows].reverse()) {
        byKey[row.key] = {
          operation: asOperation(row.operation),
          billed: row.billed,
          requests: row.requests,
        };
      }
      return {
        requests: this.requests,
        billableCalls: byOperation.enrich + byOperation.research,
        billableByOperation: byOperation,
        byKey,
      };
    });
  }

  async reset(): Promise<void> {
    this.since = await this.guard('reset the stats', () => this.newestId(this.pool));
    this.requests = 0;
  }

  private async createTables(): Promise<void> {
    const statements = ledgerSchemaStatements(this.options.schema ?? LEDGER_SCHEMA);
    this.since = await this.transaction(async (client) => {
      // Concurrent CREATE ... IF NOT EXISTS can still collide in the catalogue: one at a time.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [this.requestsTable]);
      for (const statement of statements) await client.query(statement);
      return this.newestId(client);
    });
  }

  private async newestId(db: Queryable): Promise<string> {
    const { rows } = await db.query<{ id: string }>(
      `SELECT coalesce(max(id), 0)::text AS id FROM ${this.requestsTable}`,
    );
    return rows[0]?.id ?? '0';
  }

  private async storedReply(db: Queryable, key: string): Promise<StoredReply | undefined> {
    const { rows } = await db.query<{ operation: string; request_digest: string; body: unknown }>(
      `SELECT operation, request_digest, body FROM ${this.repliesTable}
        WHERE idempotency_key = $1`,
      [key],
    );
    const row = rows[0];
    return (
      row && {
        operation: asOperation(row.operation),
        requestDigest: row.request_digest,
        body: row.body,
      }
    );
  }

  /** A key already answered: the same request is replayed, another one is a conflict. */
  private async answerRepeat(
    db: Queryable,
    call: PaidCall,
    stored: StoredReply,
  ): Promise<LedgerOutcome> {
    if (stored.operation !== call.operation || stored.requestDigest !== call.requestDigest) {
      await this.insertRecord(db, paidCallRecord(call, 'conflict'));
      return { kind: 'conflict', operation: stored.operation };
    }
    await this.insertRecord(db, paidCallRecord(call, 'replayed'));
    return { kind: 'replayed', reply: stored.body };
  }

  private async insertRecord(db: Queryable, entry: RequestRecord): Promise<void> {
    await db.query(
      `INSERT INTO ${this.requestsTable} (received_at, operation, idempotency_key, company_id,
              people_digest, status, outcome, cost_usd)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        entry.receivedAt,
        entry.operation,
        entry.idempotencyKey,
        entry.companyId,
        entry.peopleDigest,
        entry.status,
        entry.outcome,
        entry.costUsd,
      ],
    );
  }

  /** Runs `work` once the tables exist; any failure of the store is LedgerUnavailableError. */
  private async guard<T>(what: string, work: () => Promise<T>): Promise<T> {
    await this.prepare();
    try {
      return await work();
    } catch (error) {
      if (isMissingRelation(error)) this.prepared = undefined;
      throw unavailable(what, error);
    }
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let failure: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      // A client that failed mid-transaction may be broken (connection lost): not reused.
      client.release(failure);
    }
  }
}

function unavailable(what: string, error: unknown): LedgerUnavailableError {
  if (error instanceof LedgerUnavailableError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new LedgerUnavailableError(`request log: could not ${what}: ${reason}`, { cause: error });
}
