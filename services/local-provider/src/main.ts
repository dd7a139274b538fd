import { Pool } from 'pg';
import {
  createLogger,
  describeError,
  loadConfig,
  logStartupFailure,
  openPostgresPool,
  processHooks,
  runService,
} from '@bgs/platform';
import { SERVICE_NAME, configSchema, type Config } from './config';
import { createPgPeopleDirectory } from './pg-directory';
import { PgLedger } from './pg-ledger';
import { startLocalProvider } from './service';

// Composition root. No Kafka here, so not launchService (it connects a producer): the config
// is read once, then runService runs the parts until SIGTERM/SIGINT.
function main(): void {
  let config: Config;
  try {
    config = loadConfig(configSchema);
  } catch (error) {
    logStartupFailure(createLogger({ service: SERVICE_NAME }), SERVICE_NAME, error);
    processHooks.exit(1);
    return;
  }
  const logger = createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
  void runService({
    name: SERVICE_NAME,
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    start: async () => {
      const postgres = openPostgresPool(Pool, { name: SERVICE_NAME, config, logger });
      const ledger = new PgLedger(postgres.pool);
      // The request log's tables, now if Postgres answers; else the first request or readiness
      // probe after it is back creates them, and until then requests are answered 503.
      await ledger.prepare().catch((error: unknown) =>
        logger.warn('request log not ready; answering 503 until Postgres is back', {
          event: 'request_log_unavailable',
          error: describeError(error),
        }),
      );
      const started = await startLocalProvider(config, {
        logger,
        directory: createPgPeopleDirectory(postgres.pool),
        ledger,
        // Not ready before the request log's tables exist.
        resources: [
          postgres,
          { name: 'request-log', check: () => ledger.prepare(), stop: async () => undefined },
        ],
      });
      return started.parts;
    },
  });
}

main();
