/**
 * The baseline worker as its own process: `node bench/dist/baseline/worker-main.js`, configured
 * by the environment (settings.ts). It has no port, so it tells its parent it is ready over the
 * IPC channel (when it has one) once Redis and Postgres both answered. SIGTERM closes the
 * worker, which lets active jobs finish, then exits.
 */
import { Pool } from 'pg';
import { createLogger, describeError } from '@bgs/platform';
import { stopWhenOrphaned } from './processes';
import { loadWorkerSettings, WORKER_READY_MESSAGE, workerPoolSize } from './settings';
import { createBaselineWorker } from './worker';

async function main(): Promise<void> {
  const settings = loadWorkerSettings();
  const logger = createLogger({ service: 'baseline-worker', level: settings.LOG_LEVEL });
  const pool = new Pool({
    connectionString: settings.DATABASE_URL,
    application_name: 'baseline-worker',
    max: workerPoolSize(settings),
  });
  pool.on('error', (error) => logger.warn('idle postgres client failed', { error }));
  const worker = createBaselineWorker(
    { db: pool, maxMembers: settings.BASELINE_MAX_MEMBERS },
    { redisPort: settings.BGS_BENCH_REDIS_PORT, concurrency: settings.BASELINE_WORKER_CONCURRENCY },
  );
  worker.on('error', (error) => logger.warn('worker error', { error: describeError(error) }));
  worker.on('failed', (job, error) =>
    logger.warn('refresh failed', {
      jobId: job?.id,
      companyId: job?.data.companyId,
      attemptsMade: job?.attemptsMade,
      error: error.message,
    }),
  );

  await Promise.all([worker.waitUntilReady(), pool.query('SELECT 1')]);
  const running = worker.run();
  logger.info('baseline worker running', {
    concurrency: settings.BASELINE_WORKER_CONCURRENCY,
    redisPort: settings.BGS_BENCH_REDIS_PORT,
    pgPoolMax: workerPoolSize(settings),
  });
  process.send?.(WORKER_READY_MESSAGE);

  const stop = (): void => {
    logger.info('baseline worker stopping');
    void worker
      .close()
      .then(() => running)
      .finally(() => pool.end().finally(() => process.exit(0)));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  stopWhenOrphaned(stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ message: 'baseline worker failed', ...describeError(error) })}\n`,
  );
  process.exit(1);
});
