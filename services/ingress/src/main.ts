import { Pool } from 'pg';
import { createSchemaCodec, launchService, openPostgresPool } from '@bgs/platform';
import { DEFAULT_SWEEP_PACING, startArchiveSweeper } from './archive/sweeper';
import { SERVICE_NAME, configSchema } from './config';
import { loadSourcesFile, SourceRegistry } from './webhooks/sources';
import { createIngressProducer, wireIngress } from './wiring';

// Composition root: config is read once by launchService; the parts are wired in wiring.ts.
void launchService({
  name: SERVICE_NAME,
  configSchema,
  setup: async (context) => {
    const { config, logger } = context;
    const sources = new SourceRegistry(loadSourcesFile(config.WEBHOOK_SOURCES_FILE));
    logger.info('webhook sources loaded', { sources: sources.names() });
    // Rotation without downtime: edit the file, then `kill -HUP`. A bad file keeps the old set.
    process.on('SIGHUP', () => {
      try {
        sources.replace(loadSourcesFile(config.WEBHOOK_SOURCES_FILE));
        logger.info('webhook sources reloaded', { sources: sources.names() });
      } catch (error) {
        logger.error('webhook sources not reloaded', { error: (error as Error).message });
      }
    });

    const postgres = openPostgresPool(Pool, context);
    const producer = createIngressProducer({
      brokers: config.KAFKA_BROKERS,
      clientId: config.KAFKA_CLIENT_ID,
      logger,
    });
    await producer.connect();
    const app = wireIngress(
      {
        sources,
        pool: postgres.pool,
        producer,
        codec: createSchemaCodec({ url: config.SCHEMA_REGISTRY_URL }),
        registry: context.metrics.registry,
        logger,
      },
      config,
    );
    context.serveHttp(app);
    const sweeper = startArchiveSweeper({
      pool: postgres.pool,
      retentionDays: config.WEBHOOK_ARCHIVE_RETENTION_DAYS,
      pacing: { ...DEFAULT_SWEEP_PACING, intervalMs: config.WEBHOOK_ARCHIVE_SWEEP_INTERVAL_MS },
      logger,
      registry: context.metrics.registry,
    });
    // Stopped first (reverse order), while the pool it uses is still open.
    return [{ name: 'webhook-producer', stop: () => producer.disconnect() }, postgres, sweeper];
  },
});
