import { Pool } from 'pg';
import {
  createLogger,
  loadConfig,
  logStartupFailure,
  openPostgresPool,
  processHooks,
  runService,
} from '@bgs/platform';
import { SERVICE_NAME, configSchema, type Config } from './config';
import { createPgPeopleDirectory } from './pg-directory';
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
      const started = await startLocalProvider(config, {
        logger,
        directory: createPgPeopleDirectory(postgres.pool),
        resources: [postgres],
      });
      return started.parts;
    },
  });
}

main();
