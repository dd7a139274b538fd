import cluster from 'node:cluster';
import { Pool } from 'pg';
import {
  createLogger,
  createSchemaCodec,
  launchService,
  openPostgresPool,
  type ServiceDefinition,
} from '@bgs/platform';
import { DEFAULT_SWEEP_PACING, startArchiveSweeper } from './archive/sweeper';
import { clusterPlan, runsBackgroundJobs, workerRole } from './cluster/policy';
import { runPrimary } from './cluster/primary';
import { joinClusterMetrics } from './cluster/worker';
import { SERVICE_NAME, configSchema, type Config } from './config';
import { loadSourcesFile, SourceRegistry } from './webhooks/sources';
import { createIngressProducer, wireIngress } from './wiring';

// Composition root: config is read once by launchService; the parts are wired in wiring.ts.
// With INGRESS_WORKERS > 1 this process is instead a node:cluster primary (cluster/primary.ts)
// whose workers each run this same file as one whole ingress, sharing HTTP_PORT.
const role = workerRole(cluster.isWorker, process.env);
// Now, while the file loads: a worker must answer the primary's metrics requests from the start.
const renderMetrics = role ? joinClusterMetrics() : undefined;

const ingress: ServiceDefinition<Config> = {
  name: SERVICE_NAME,
  configSchema,
  renderMetrics,
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
    const webhookProducer = { name: 'webhook-producer', stop: () => producer.disconnect() };
    // Both stop only after the HTTP server has closed, so a delivery or refresh request in flight
    // at shutdown still claims, publishes and answers with them open.
    context.serveHttp(app, [postgres, webhookProducer]);
    // A background job: once per host, not once per worker (cluster/policy.ts).
    if (!runsBackgroundJobs(role)) return [];
    const sweeper = startArchiveSweeper({
      pool: postgres.pool,
      retentionDays: config.WEBHOOK_ARCHIVE_RETENTION_DAYS,
      pacing: { ...DEFAULT_SWEEP_PACING, intervalMs: config.WEBHOOK_ARCHIVE_SWEEP_INTERVAL_MS },
      logger,
      registry: context.metrics.registry,
    });
    // Stopped with the service's resources, before the HTTP server and so while the pool is open.
    return [sweeper];
  },
};

const plan = role ? undefined : clusterPlan(process.env);
if (plan) {
  const logger = createLogger({ service: SERVICE_NAME, level: plan.logLevel });
  void runPrimary({ ...plan, logger: logger.child({ role: 'cluster-primary' }) });
} else {
  void launchService(ingress);
}
