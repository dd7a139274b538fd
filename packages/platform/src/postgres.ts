/**
 * A Postgres pool as a service resource. Typed structurally so this package does not depend
 * on `pg`: services pass `pg.Pool` in.
 */
import type { Logger } from 'winston';
import { describeError } from './logger';
import type { ServiceResource } from './resource';

export interface PgPoolLike {
  query(text: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface PgPoolSettings {
  connectionString: string;
  application_name: string;
  max: number;
  connectionTimeoutMillis: number;
  idleTimeoutMillis: number;
}

/** Connection attempts and idle clients are bounded, so probes and shutdown stay bounded. */
export const PG_POOL_DEFAULTS = {
  max: 10,
  connectionTimeoutMillis: 5_000,
  idleTimeoutMillis: 30_000,
} as const;

/**
 * Readiness runs `SELECT 1`; shutdown ends the pool. An idle client's error (e.g. Postgres
 * restarting) is logged instead of crashing the process, as an unhandled pool error would.
 */
export function postgresResource(
  pool: PgPoolLike,
  logger: Logger,
  name = 'postgres',
): ServiceResource & { check(): Promise<void> } {
  pool.on('error', (error) =>
    logger.warn('idle postgres client failed', { resource: name, error: describeError(error) }),
  );
  return {
    name,
    async check() {
      await pool.query('SELECT 1');
    },
    stop: () => pool.end(),
  };
}

export type PostgresPoolResource<P extends PgPoolLike> = ServiceResource & {
  check(): Promise<void>;
  readonly pool: P;
};

/**
 * Opens the service's pool on DATABASE_URL (lazily: the first query connects), tagged with the
 * service name so it is recognisable in pg_stat_activity.
 */
export function openPostgresPool<P extends PgPoolLike>(
  PoolClass: new (settings: PgPoolSettings) => P,
  context: {
    readonly name: string;
    readonly config: { readonly DATABASE_URL: string };
    readonly logger: Logger;
  },
): PostgresPoolResource<P> {
  const pool = new PoolClass({
    ...PG_POOL_DEFAULTS,
    connectionString: context.config.DATABASE_URL,
    application_name: context.name,
  });
  return { ...postgresResource(pool, context.logger), pool };
}
