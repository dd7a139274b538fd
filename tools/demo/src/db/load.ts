/**
 * Writes the dataset into the stack's Postgres in one transaction: workspaces, companies, then
 * people in batches, managers before their reports (the dataset lists them so), so the
 * foreign keys hold after every statement.
 */
import type { Pool, PoolClient } from 'pg';
import type { Dataset } from '../dataset/rows';
import { companiesUpsert, peopleUpsert, workspacesUpsert, type Upsert } from './upserts';

export const PEOPLE_PER_STATEMENT = 2000;

export interface TableLoad {
  readonly rows: number;
  readonly inserted: number;
  readonly updated: number;
}

export interface LoadResult {
  readonly workspaces: TableLoad;
  readonly companies: TableLoad;
  readonly people: TableLoad;
  readonly elapsedMs: number;
}

async function run(
  client: PoolClient,
  upserts: readonly Upsert[],
  rows: number,
): Promise<TableLoad> {
  let inserted = 0;
  let updated = 0;
  for (const upsert of upserts) {
    const result = await client.query<{ inserted: boolean }>(upsert.text, [...upsert.values]);
    for (const row of result.rows) {
      if (row.inserted) inserted++;
      else updated++;
    }
  }
  return { rows, inserted, updated };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function loadDataset(pool: Pool, dataset: Dataset): Promise<LoadResult> {
  const started = performance.now();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const workspaces = await run(
      client,
      [workspacesUpsert(dataset.workspaces)],
      dataset.workspaces.length,
    );
    const companies = await run(
      client,
      [companiesUpsert(dataset.companies)],
      dataset.companies.length,
    );
    const people = await run(
      client,
      chunks(dataset.people, PEOPLE_PER_STATEMENT).map(peopleUpsert),
      dataset.people.length,
    );
    await client.query('COMMIT');
    return { workspaces, companies, people, elapsedMs: performance.now() - started };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
