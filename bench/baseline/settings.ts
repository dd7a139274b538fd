/**
 * What the baseline's server and worker processes read from their environment. control.ts
 * sets these when it spawns them; they can also be run by hand (bench/baseline/README.md).
 */
import { databaseUrlField, enumField, intField, loadConfig, portField, z } from '@bgs/platform';
import type { Env } from '@bgs/platform';

export const DEFAULT_HTTP_PORT = 58200;
export const DEFAULT_REDIS_PORT = 56379;
/** Chosen by measurement on the 2-core machine: see README.md, "Worker concurrency". */
export const DEFAULT_WORKER_CONCURRENCY = 50;

const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

const shared = {
  DATABASE_URL: databaseUrlField,
  BGS_BENCH_REDIS_PORT: portField(DEFAULT_REDIS_PORT),
  LOG_LEVEL: enumField(LOG_LEVELS, { default: 'info' }),
};

export const serverSettingsSchema = z.object({
  ...shared,
  BASELINE_HTTP_PORT: portField(DEFAULT_HTTP_PORT),
  /** The predecessor's per-company window; 0 turns it off (freshness runs). */
  BASELINE_COMPANY_LIMIT_MS: intField({ min: 0, default: 0 }),
  /** The legacy scheme's shared secret; never logged (the logger redacts *secret* keys). */
  BASELINE_WEBHOOK_SECRET: z.string().min(1, 'is required but not set'),
  /**
   * One connection per concurrent request at the bench's 50 connections: every webhook commits
   * its dedup row, and commits waiting for a connection queue behind each other's WAL flush
   * instead of sharing it (measured: 20 gave less than half the throughput of 50).
   */
  BASELINE_PG_POOL_MAX: intField({ min: 1, max: 200, default: 50 }),
});

export const workerSettingsSchema = z.object({
  ...shared,
  BASELINE_WORKER_CONCURRENCY: intField({ min: 1, max: 1000, default: DEFAULT_WORKER_CONCURRENCY }),
  /** 0: one connection per concurrent job, so no job waits for a connection. */
  BASELINE_PG_POOL_MAX: intField({ min: 0, max: 200, default: 0 }),
  BASELINE_MAX_MEMBERS: intField({ min: 1, max: 100, default: 12 }),
});

export type ServerSettings = z.output<typeof serverSettingsSchema>;
export type WorkerSettings = z.output<typeof workerSettingsSchema>;

export const loadServerSettings = (env: Env = process.env): ServerSettings =>
  loadConfig(serverSettingsSchema, env);

export const loadWorkerSettings = (env: Env = process.env): WorkerSettings =>
  loadConfig(workerSettingsSchema, env);

export const workerPoolSize = (settings: WorkerSettings): number =>
  settings.BASELINE_PG_POOL_MAX || settings.BASELINE_WORKER_CONCURRENCY;

/** Redis on loopback only: the bench's private instance. */
export const redisConnection = (port: number) => ({ host: '127.0.0.1', port });

/** What worker-main sends its parent over IPC once Redis and Postgres have both answered. */
export const WORKER_READY_MESSAGE = 'baseline-worker-ready';
