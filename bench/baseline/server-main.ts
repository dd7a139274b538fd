/**
 * The baseline server as its own process: `node bench/dist/baseline/server-main.js`, configured
 * by the environment (settings.ts). control.ts waits for GET /healthz; SIGTERM stops it.
 */
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { createLogger, describeError } from '@bgs/platform';
import { stopWhenOrphaned } from './processes';
import { QUEUE_NAME, type RefreshJobData } from './jobs';
import { createBaselineApp, listen } from './server';
import { loadServerSettings, redisConnection } from './settings';

async function main(): Promise<void> {
  const settings = loadServerSettings();
  const logger = createLogger({ service: 'baseline-server', level: settings.LOG_LEVEL });
  const pool = new Pool({
    connectionString: settings.DATABASE_URL,
    application_name: 'baseline-server',
    max: settings.BASELINE_PG_POOL_MAX,
  });
  pool.on('error', (error) => logger.warn('idle postgres client failed', { error }));
  const queue = new Queue<RefreshJobData>(QUEUE_NAME, {
    connection: redisConnection(settings.BGS_BENCH_REDIS_PORT),
  });
  queue.on('error', (error) => logger.warn('queue connection error', { error }));
  await queue.waitUntilReady();

  const app = createBaselineApp({
    db: pool,
    queue,
    webhookSecret: settings.BASELINE_WEBHOOK_SECRET,
    companyLimitMs: settings.BASELINE_COMPANY_LIMIT_MS,
    logger,
  });
  const server = await listen(app, settings.BASELINE_HTTP_PORT);
  logger.info('baseline server listening', {
    port: settings.BASELINE_HTTP_PORT,
    redisPort: settings.BGS_BENCH_REDIS_PORT,
    companyLimitMs: settings.BASELINE_COMPANY_LIMIT_MS,
  });

  const stop = (): void => {
    logger.info('baseline server stopping');
    server.close();
    server.closeAllConnections();
    void Promise.allSettled([queue.close(), pool.end()]).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  stopWhenOrphaned(stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ message: 'baseline server failed', ...describeError(error) })}\n`,
  );
  process.exit(1);
});
