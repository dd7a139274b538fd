import { Pool } from 'pg';
import {
  createAvroPublisher,
  createProducer,
  createSchemaCodec,
  launchService,
  openPostgresPool,
  Topics,
} from '@bgs/platform';
import { createIngressApp } from './app';
import { SERVICE_NAME, configSchema } from './config';
import { createIngressMetrics } from './metrics';
import { createPgClaimStore } from './webhooks/claims';
import type { PersonChangeRecord } from './webhooks/events';
import { createWebhookRouter } from './webhooks/router';
import { loadSourcesFile, SourceRegistry } from './webhooks/sources';

// Composition root: config is read once by launchService; everything is wired here.
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
    // Bounded retries: a request waits PRODUCE_TIMEOUT_MS at most and then answers 503, so
    // sends must not keep retrying behind it for ever.
    const producer = createProducer(context.kafka, {
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    await producer.connect();
    const metrics = createIngressMetrics(context.metrics.registry);
    const webhooks = createWebhookRouter({
      sources,
      claims: createPgClaimStore(postgres.pool),
      publisher: createAvroPublisher<PersonChangeRecord>({
        producer,
        codec: createSchemaCodec({ url: config.SCHEMA_REGISTRY_URL }),
        topic: Topics.personChanges,
        timeoutMs: config.PRODUCE_TIMEOUT_MS,
      }),
      metrics,
      logger,
      bodyLimitBytes: config.WEBHOOK_BODY_LIMIT_BYTES,
      toleranceMs: config.WEBHOOK_TOLERANCE_MS,
      claimTimeoutMs: config.CLAIM_TIMEOUT_MS,
      inFlightWaitMs: config.PRODUCE_TIMEOUT_MS + 1_000,
    });
    context.serveHttp(
      createIngressApp({ webhooks, metrics, logger, requestTimeoutMs: config.REQUEST_TIMEOUT_MS }),
    );
    return [{ name: 'webhook-producer', stop: () => producer.disconnect() }, postgres];
  },
});
