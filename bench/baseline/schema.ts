/**
 * The baseline's own tables, in schema `bench_baseline` of the stack's database, beside (never
 * in) our services' tables: the predecessor's `webhook_events` (dedup and audit) and
 * `buyer_group_refresh_logs`, and the saved group with its members.
 */
import type { Pool } from 'pg';

export const BASELINE_SCHEMA = 'bench_baseline';

const DDL = [
  `CREATE SCHEMA IF NOT EXISTS ${BASELINE_SCHEMA}`,
  `CREATE TABLE IF NOT EXISTS ${BASELINE_SCHEMA}.webhook_events (
     event_id    text PRIMARY KEY,
     event_type  text NOT NULL,
     company_id  text NOT NULL,
     payload     jsonb NOT NULL,
     received_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE IF NOT EXISTS ${BASELINE_SCHEMA}.buyer_groups (
     company_id   text PRIMARY KEY,
     workspace_id text NOT NULL,
     confidence   numeric(4,2) NOT NULL,
     cohesion     numeric(4,2) NOT NULL,
     member_count integer NOT NULL,
     updated_at   timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE IF NOT EXISTS ${BASELINE_SCHEMA}.buyer_group_members (
     company_id text NOT NULL,
     person_id  text NOT NULL,
     role       text NOT NULL,
     score      numeric(4,2) NOT NULL,
     rationale  text,
     PRIMARY KEY (company_id, person_id)
   )`,
  `CREATE TABLE IF NOT EXISTS ${BASELINE_SCHEMA}.buyer_group_refresh_logs (
     id           bigserial PRIMARY KEY,
     company_id   text NOT NULL,
     event_id     text NOT NULL,
     accepted_at  bigint NOT NULL,
     saved_at     bigint NOT NULL,
     attempt      integer NOT NULL,
     member_count integer NOT NULL
   )`,
  // The harness reads the saves of one run: by time.
  `CREATE INDEX IF NOT EXISTS buyer_group_refresh_logs_saved_at
     ON ${BASELINE_SCHEMA}.buyer_group_refresh_logs (saved_at)`,
];

const TABLES = [
  'webhook_events',
  'buyer_groups',
  'buyer_group_members',
  'buyer_group_refresh_logs',
];

/** Idempotent; serialised by an advisory lock so two starters cannot race on CREATE. */
export async function ensureBaselineSchema(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('${BASELINE_SCHEMA}'))`);
    for (const statement of DDL) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Empties every baseline table (and nothing else). */
export async function resetBaseline(pool: Pool): Promise<void> {
  const tables = TABLES.map((table) => `${BASELINE_SCHEMA}.${table}`).join(', ');
  await pool.query(`TRUNCATE ${tables} RESTART IDENTITY`);
}
