import { Pool } from 'pg';
import { describeError, launchService, openPostgresPool, type ServiceContext } from '@bgs/platform';
import type { Config } from './config';
import { createPgPeopleDirectory } from './pg-directory';
import { PgLedger } from './pg-ledger';
import { localProviderService, type LocalProviderConnections } from './service';

// Composition root: config is read once by launchService (no Kafka: the config reads none of
// its variables); the provider answers from the Postgres directory and ledger opened here.
async function openPostgres(context: ServiceContext<Config>): Promise<LocalProviderConnections> {
  const { logger } = context;
  const postgres = openPostgresPool(Pool, context);
  const ledger = new PgLedger(postgres.pool);
  // The request log's tables, now if Postgres answers; else the first request or readiness
  // probe after it is back creates them, and until then requests are answered 503.
  await ledger.prepare().catch((error: unknown) =>
    logger.warn('request log not ready; answering 503 until Postgres is back', {
      event: 'request_log_unavailable',
      error: describeError(error),
    }),
  );
  return {
    directory: createPgPeopleDirectory(postgres.pool),
    ledger,
    // Not ready before the request log's tables exist.
    resources: [
      postgres,
      { name: 'request-log', check: () => ledger.prepare(), stop: async () => undefined },
    ],
  };
}

void launchService(localProviderService(openPostgres));
