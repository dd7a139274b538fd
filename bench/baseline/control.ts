/**
 * Starts and stops the baseline for the harness: its Redis, then the server and (optionally)
 * the worker, each a separate node process on the compiled bench/dist/baseline/*-main.js,
 * each waited for by a readiness check. If anything fails to start, everything already
 * started is stopped before the error is thrown.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { QUEUE_NAME } from './jobs';
import {
  managed,
  spawnLogged,
  stopChild,
  waitForMessage,
  waitUntilReady,
  type ManagedProcess,
} from './processes';
import { startRedis } from './redis';
import { BASELINE_SCHEMA, ensureBaselineSchema } from './schema';
import { redisConnection, WORKER_READY_MESSAGE } from './settings';

export { DEFAULT_HTTP_PORT, DEFAULT_REDIS_PORT, DEFAULT_WORKER_CONCURRENCY } from './settings';
export { resetBaseline } from './schema';
export { signLegacy } from './signature';
export { WEBHOOK_PATH } from './server';

export interface BaselineOptions {
  readonly stackDir: string;
  readonly databaseUrl: string;
  readonly httpPort: number;
  readonly redisPort: number;
  readonly workerConcurrency: number;
  readonly companyLimitMs: number;
  readonly webhookSecret: string;
  readonly startWorker: boolean;
}

export interface BaselineProcess {
  readonly name: string;
  readonly pid: number;
}

export interface RunningBaseline {
  readonly url: string;
  processes(): readonly BaselineProcess[];
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

export interface BaselineSave {
  readonly companyId: string;
  readonly eventId: string;
  readonly savedAt: number;
}

const READY_DEADLINE_MS = 20_000;

/** Where the compiled entries are, whether this module runs compiled or from source (jest). */
export function compiledDir(): string {
  const here = __dirname;
  const dir = here.endsWith(path.join('dist', 'baseline'))
    ? here
    : path.resolve(here, '..', 'dist', 'baseline');
  if (!existsSync(path.join(dir, 'server-main.js'))) {
    throw new Error(`${dir}/server-main.js not found: build the bench first (npx tsc -b bench)`);
  }
  return dir;
}

function pick(env: NodeJS.ProcessEnv, names: readonly string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(
    names.filter((name) => env[name] !== undefined).map((n) => [n, env[n]]),
  );
}

/** Only what the children need; the secret travels in the environment, never on argv. */
function childEnv(options: BaselineOptions): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: process.env.NODE_ENV,
    BASELINE_PARENT_PID: String(process.pid),
    DATABASE_URL: options.databaseUrl,
    BGS_BENCH_REDIS_PORT: String(options.redisPort),
    BASELINE_HTTP_PORT: String(options.httpPort),
    BASELINE_COMPANY_LIMIT_MS: String(options.companyLimitMs),
    BASELINE_WEBHOOK_SECRET: options.webhookSecret,
    BASELINE_WORKER_CONCURRENCY: String(options.workerConcurrency),
    // Tuning knobs without an option of their own, passed through when set.
    ...pick(process.env, ['BASELINE_PG_POOL_MAX', 'BASELINE_MAX_MEMBERS', 'LOG_LEVEL']),
  };
}

const logFile = (options: BaselineOptions, name: string) =>
  path.join(options.stackDir, 'logs', `${name}.log`);

async function startServer(options: BaselineOptions, dir: string): Promise<ManagedProcess> {
  const file = logFile(options, 'baseline-server');
  const child = spawnLogged({
    name: 'baseline-server',
    command: process.execPath,
    args: [path.join(dir, 'server-main.js')],
    logFile: file,
    env: childEnv(options),
  });
  const healthz = `http://127.0.0.1:${options.httpPort}/healthz`;
  try {
    await waitUntilReady(
      { what: 'baseline-server', child, logFile: file, deadlineMs: READY_DEADLINE_MS },
      async () => (await fetch(healthz, { signal: AbortSignal.timeout(1_000) })).ok,
    );
  } catch (error) {
    await stopChild(child, 2_000);
    throw error;
  }
  return managed('baseline-server', child);
}

async function startWorkerProcess(options: BaselineOptions, dir: string): Promise<ManagedProcess> {
  const file = logFile(options, 'baseline-worker');
  const child = spawnLogged({
    name: 'baseline-worker',
    command: process.execPath,
    args: [path.join(dir, 'worker-main.js')],
    logFile: file,
    env: childEnv(options),
    ipc: true,
  });
  try {
    await waitForMessage(
      { what: 'baseline-worker', child, logFile: file, deadlineMs: READY_DEADLINE_MS },
      WORKER_READY_MESSAGE,
    );
  } catch (error) {
    await stopChild(child, 2_000);
    throw error;
  }
  // Active jobs finish on SIGTERM; a generous grace before SIGKILL.
  return managed('baseline-worker', child, 15_000);
}

async function prepareSchema(databaseUrl: string): Promise<void> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    await ensureBaselineSchema(pool);
  } finally {
    await pool.end();
  }
}

export async function startBaseline(options: BaselineOptions): Promise<RunningBaseline> {
  const dir = compiledDir();
  await prepareSchema(options.databaseUrl);
  const started: ManagedProcess[] = [];
  try {
    started.push(await startRedis({ stackDir: options.stackDir, port: options.redisPort }));
    started.push(await startServer(options, dir));
    if (options.startWorker) started.push(await startWorkerProcess(options, dir));
  } catch (error) {
    for (const part of started.reverse()) await part.stop();
    throw error;
  }
  return runningBaseline(options, dir, started);
}

function runningBaseline(
  options: BaselineOptions,
  dir: string,
  started: ManagedProcess[],
): RunningBaseline {
  const [redis, server, initialWorker] = started as [
    ManagedProcess,
    ManagedProcess,
    ManagedProcess?,
  ];
  let worker = initialWorker;
  let stopped = false;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${options.httpPort}`,
    processes: () =>
      [redis, server, worker]
        .filter((p): p is ManagedProcess => p !== undefined && !stopped)
        .map(({ name, pid }) => ({ name, pid })),
    async startWorker() {
      if (stopped) throw new Error('the baseline is stopped');
      worker ??= await startWorkerProcess(options, dir);
    },
    async stopWorker() {
      const current = worker;
      worker = undefined;
      await current?.stop();
    },
    stop() {
      stopping ??= (async () => {
        const current = worker;
        worker = undefined;
        // The worker first, so it does not spin against a Redis that has gone.
        await current?.stop();
        await server.stop();
        await redis.stop();
        stopped = true;
      })();
      return stopping;
    },
  };
}

/** Refresh logs saved at or after sinceMs (epoch ms). */
export async function readBaselineSaves(pool: Pool, sinceMs: number): Promise<BaselineSave[]> {
  const result = await pool.query<{ company_id: string; event_id: string; saved_at: string }>(
    `SELECT company_id, event_id, saved_at FROM ${BASELINE_SCHEMA}.buyer_group_refresh_logs
      WHERE saved_at >= $1 ORDER BY saved_at`,
    [sinceMs],
  );
  return result.rows.map((row) => ({
    companyId: row.company_id,
    eventId: row.event_id,
    savedAt: Number(row.saved_at),
  }));
}

/** Jobs waiting for a worker (not active, delayed or done): the queue's backlog. */
export async function waitingJobs(redisPort: number): Promise<number> {
  const queue = new Queue(QUEUE_NAME, { connection: redisConnection(redisPort) });
  try {
    return await queue.getWaitingCount();
  } finally {
    await queue.close();
  }
}
