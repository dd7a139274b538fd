import 'reflect-metadata';
import { DataSource, MigrationExecutor, type LoggerOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** Where TypeORM records which migrations ran. */
export const MIGRATIONS_TABLE = 'typeorm_migrations';

/**
 * Session-level advisory lock taken around every migration run or revert, so two
 * processes starting at once cannot both try to apply the same migration.
 */
const MIGRATION_LOCK_SQL = `SELECT pg_advisory_lock(hashtext('bgs:db:migrations'))`;
const MIGRATION_UNLOCK_SQL = `SELECT pg_advisory_unlock(hashtext('bgs:db:migrations'))`;

export interface CreateDataSourceOptions {
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  /** Maximum pooled connections (node-postgres default: 10). */
  poolSize?: number;
  /** How long one connection attempt may take; default 10 000 ms. */
  connectTimeoutMs?: number;
  /** TypeORM query logging; off by default. */
  logging?: LoggerOptions;
  /** Passed through to the node-postgres Pool. */
  extra?: Record<string, unknown>;
}

/** A Postgres DataSource with every entity and migration; call `.initialize()` to connect. */
export function createDataSource(url: string, options: CreateDataSourceOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: [...ENTITIES],
    migrations: [...MIGRATIONS],
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'all',
    synchronize: false,
    migrationsRun: false,
    logging: options.logging ?? false,
    // gen_random_uuid() is built into Postgres 13+: no extension to install, and the
    // application role needs no CREATE EXTENSION privilege.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    connectTimeoutMS: options.connectTimeoutMs ?? 10_000,
    ...(options.applicationName !== undefined ? { applicationName: options.applicationName } : {}),
    ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}),
    ...(options.extra !== undefined ? { extra: options.extra } : {}),
  });
}

/** Anything with an `info(message)` method: a winston logger, `console`, a test spy. */
export interface MigrationLogger {
  info(message: string): unknown;
}

async function withDataSource<T>(url: string, fn: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = createDataSource(url, { applicationName: 'bgs-db-migrate', poolSize: 2 });
  await ds.initialize();
  try {
    return await fn(ds);
  } finally {
    await ds.destroy();
  }
}

async function withMigrationLock<T>(ds: DataSource, fn: () => Promise<T>): Promise<T> {
  const lockRunner = ds.createQueryRunner();
  await lockRunner.connect();
  try {
    await lockRunner.query(MIGRATION_LOCK_SQL);
    try {
      return await fn();
    } finally {
      await lockRunner.query(MIGRATION_UNLOCK_SQL);
    }
  } finally {
    await lockRunner.release();
  }
}

/**
 * Applies every pending migration in one transaction and returns the names applied,
 * oldest first. Idempotent: when nothing is pending it applies nothing and returns [].
 */
export async function runMigrations(url: string, logger?: MigrationLogger): Promise<string[]> {
  return withDataSource(url, (ds) =>
    withMigrationLock(ds, async () => {
      const applied = await ds.runMigrations({ transaction: 'all' });
      const names = applied.map((m) => m.name);
      for (const name of names) logger?.info(`applied migration ${name}`);
      if (names.length === 0) logger?.info('no pending migrations');
      return names;
    }),
  );
}

/**
 * Reverts the most recently applied migrations, newest first (`steps` of them, default 1;
 * `'all'` for every one) and returns the names reverted.
 */
export async function revertMigrations(
  url: string,
  steps: number | 'all' = 1,
  logger?: MigrationLogger,
): Promise<string[]> {
  if (steps !== 'all' && (!Number.isInteger(steps) || steps < 1)) {
    throw new RangeError(`revertMigrations: steps must be a positive integer or 'all'`);
  }
  return withDataSource(url, (ds) =>
    withMigrationLock(ds, async () => {
      const executor = new MigrationExecutor(ds);
      executor.transaction = 'all';
      const reverted: string[] = [];
      while (steps === 'all' || reverted.length < steps) {
        // Sorted newest first, the same order undoLastMigration uses.
        const [last] = await executor.getExecutedMigrations();
        if (!last) break;
        await executor.undoLastMigration();
        reverted.push(last.name);
        logger?.info(`reverted migration ${last.name}`);
      }
      if (reverted.length === 0) logger?.info('no applied migrations to revert');
      return reverted;
    }),
  );
}

export interface MigrationStatusEntry {
  name: string;
  /** `unknown`: recorded in the database but not part of this build (a newer version ran). */
  state: 'applied' | 'pending' | 'unknown';
}

/** Every migration this build knows, oldest first, then any the database has but we don't. */
export async function migrationStatus(url: string): Promise<MigrationStatusEntry[]> {
  return withDataSource(url, async (ds) => {
    const executor = new MigrationExecutor(ds);
    const executed = new Set((await executor.getExecutedMigrations()).map((m) => m.name));
    const known = MIGRATIONS.map((m) => new m().name);
    const entries: MigrationStatusEntry[] = known.map((name) => ({
      name,
      state: executed.has(name) ? 'applied' : 'pending',
    }));
    for (const name of executed) {
      if (!known.includes(name)) entries.push({ name, state: 'unknown' });
    }
    return entries;
  });
}
