/**
 * The baseline's own quick measurement (not the harness): door throughput with the worker
 * stopped and running, the worker's drain rate, and freshness at a fixed open-loop rate.
 *
 *   npx tsc -b bench && node bench/dist/baseline/measure.js [--requests 20000] [--warmup 2000]
 *     [--connections 50] [--rate 50] [--seconds 20] [--concurrency 50] [--phases calibrate,door,worker,freshness]
 *
 * Needs the stack's Postgres with companies (the demo dataset). Empties the baseline's tables.
 */
/* eslint-disable no-console -- a command-line tool talking to a person */
import { fork } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { DEFAULT_DATABASE_URL } from '@bgs/platform';
import { startBaseline, type RunningBaseline } from './control';
import { QUEUE_NAME } from './jobs';
import { signedWebhook, type SignedWebhook } from './sample-webhooks';
import { resetBaseline, BASELINE_SCHEMA } from './schema';
import {
  DEFAULT_HTTP_PORT,
  DEFAULT_REDIS_PORT,
  DEFAULT_WORKER_CONCURRENCY,
  redisConnection,
} from './settings';
import path from 'node:path';
import { WEBHOOK_PATH } from './server';

const LOCAL_LEGACY_SECRET = 'local-development-only-legacy-secret';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number`);
  return value;
}
const phases = (process.argv[process.argv.indexOf('--phases') + 1] ?? '').split(',');
const wants = (phase: string) => !process.argv.includes('--phases') || phases.includes(phase);

function webhooks(prefix: string, count: number, companyIds: readonly string[], secret: string) {
  const now = Date.now();
  return Array.from({ length: count }, (_, n) => signedWebhook(prefix, n, companyIds, secret, now));
}

/** Closed loop: every connection sends the next unsent webhook as soon as its last is answered. */
async function door(url: string, prepared: readonly SignedWebhook[], connections: number) {
  let next = 0;
  const result = await autocannon({
    url: `${url}${WEBHOOK_PATH}`,
    connections,
    amount: prepared.length,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const webhook = prepared[next++ % prepared.length] as SignedWebhook;
          return { ...request, headers: webhook.headers, body: webhook.body };
        },
      },
    ],
  });
  const seconds = result.duration;
  return {
    perSecond: Math.round(result['2xx'] / seconds),
    ok: result['2xx'],
    other: result.non2xx,
    errors: result.errors,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

async function drained(queue: Queue, deadlineMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    const left = Object.values(counts).reduce((sum, n) => sum + n, 0);
    if (left === 0) return Date.now() - started;
    if (Date.now() - started > deadlineMs) throw new Error(`queue not drained: ${left} left`);
    await delay(50);
  }
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0
    ? NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);

function summary(label: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const pick = (p: number) => percentile(sorted, p).toFixed(1);
  return `${label}: n=${sorted.length} p50 ${pick(50)} ms, p90 ${pick(90)} ms, p99 ${pick(99)} ms, max ${pick(100)} ms`;
}

/** Open loop at `rate`/s for `seconds`: sends on schedule whatever earlier answers do. */
async function freshness(url: string, prepared: readonly SignedWebhook[], rate: number) {
  const acceptedAt = new Map<string, number>();
  const failures: string[] = [];
  const startedAt = performance.now();
  const sends: Promise<void>[] = [];
  for (const [n, webhook] of prepared.entries()) {
    const wait = startedAt + (n * 1000) / rate - performance.now();
    if (wait > 0) await delay(wait);
    sends.push(
      fetch(`${url}${WEBHOOK_PATH}`, {
        method: 'POST',
        headers: webhook.headers,
        body: webhook.body,
      })
        .then(async (response) => {
          await response.arrayBuffer();
          if (response.status === 202) acceptedAt.set(webhook.eventId, Date.now());
          else failures.push(String(response.status));
        })
        .catch((error: Error) => void failures.push(error.message)),
    );
  }
  await Promise.all(sends);
  return { acceptedAt, failures };
}

/** The child side of calibrate(): a bare node:http server that answers 202 and nothing else. */
function serveBare(): void {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(202, { 'content-type': 'application/json' });
      response.end('{"status":"accepted"}');
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
}

/** How fast this machine serves HTTP right now: a yardstick for how busy it is. */
async function calibrate(connections: number): Promise<void> {
  const child = fork(__filename, ['--bare-server']);
  try {
    const port = await new Promise<number>((resolve) =>
      child.once('message', (m) => resolve(Number(m))),
    );
    const body = '{"id":"x"}';
    const run = () =>
      autocannon({
        url: `http://127.0.0.1:${port}/`,
        connections,
        amount: 20_000,
        method: 'POST',
        body,
      });
    await run();
    const result = await run();
    console.log(
      `bare node:http (yardstick): ${Math.round(result['2xx'] / result.duration)} requests/s`,
    );
  } finally {
    child.kill();
  }
}

interface SaveRow {
  readonly event_id: string;
  readonly accepted_at: string;
  readonly saved_at: string;
}

async function freshnessReport(pool: Pool, acceptedAt: Map<string, number>, expected: number) {
  const rows = (
    await pool.query<SaveRow>(
      `SELECT event_id, accepted_at, saved_at FROM ${BASELINE_SCHEMA}.buyer_group_refresh_logs`,
    )
  ).rows.filter((row) => acceptedAt.has(row.event_id));
  const fromAnswer = rows.map(
    (row) => Number(row.saved_at) - (acceptedAt.get(row.event_id) as number),
  );
  const fromServer = rows.map((row) => Number(row.saved_at) - Number(row.accepted_at));
  console.log(`  saves ${rows.length} of ${expected} expected`);
  console.log(`  ${summary('from the 2xx answer (client)', fromAnswer)}`);
  console.log(`  ${summary('from acceptedAt (server)', fromServer)}`);
}

interface Context {
  readonly baseline: RunningBaseline;
  readonly queue: Queue;
  readonly pool: Pool;
  readonly companyIds: readonly string[];
  readonly connections: number;
}

async function doorPhase(context: Context, label: string, prefix: string): Promise<void> {
  const { baseline, companyIds, connections } = context;
  const warmup = webhooks(
    `${prefix}-warm`,
    option('warmup', 2000),
    companyIds,
    LOCAL_LEGACY_SECRET,
  );
  await door(baseline.url, warmup, connections);
  const measured = webhooks(prefix, option('requests', 20000), companyIds, LOCAL_LEGACY_SECRET);
  const result = await door(baseline.url, measured, connections);
  console.log(
    `door, ${label}: ${result.perSecond} webhooks/s (2xx ${result.ok}, non-2xx ${result.other}, errors ${result.errors}), latency p50 ${result.p50} ms, p99 ${result.p99} ms`,
  );
}

async function drainPhase(context: Context): Promise<void> {
  const before = await context.queue.getWaitingCount();
  const ms = await drained(context.queue, 600_000);
  console.log(
    `worker drained ${before} jobs in ${(ms / 1000).toFixed(1)} s: ${Math.round((before * 1000) / ms)} jobs/s`,
  );
}

async function freshnessPhase(context: Context, prefix: string): Promise<void> {
  const rate = option('rate', 50);
  const count = Math.round(rate * option('seconds', 20));
  const prepared = webhooks(prefix, count, context.companyIds, LOCAL_LEGACY_SECRET);
  const { acceptedAt, failures } = await freshness(context.baseline.url, prepared, rate);
  await drained(context.queue, 60_000);
  const expected = prepared
    .filter((w) => acceptedAt.has(w.eventId))
    .reduce((sum, w) => sum + w.companyIds.length, 0);
  console.log(`freshness at ${rate}/s for ${count} webhooks (${failures.length} failed):`);
  await freshnessReport(context.pool, acceptedAt, expected);
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  const companyIds = (
    await pool.query<{ id: string }>('SELECT id FROM companies ORDER BY id')
  ).rows.map((r) => r.id);
  if (companyIds.length === 0) throw new Error('no companies: load the demo dataset first');
  const concurrency = option('concurrency', DEFAULT_WORKER_CONCURRENCY);
  const httpPort = Number(process.env.BASELINE_HTTP_PORT ?? DEFAULT_HTTP_PORT);
  const redisPort = Number(process.env.BGS_BENCH_REDIS_PORT ?? DEFAULT_REDIS_PORT);
  const baseline = await startBaseline({
    stackDir: process.env.BGS_STACK_DIR ?? path.resolve(__dirname, '..', '..', '..', '.stack'),
    databaseUrl,
    httpPort,
    redisPort,
    workerConcurrency: concurrency,
    companyLimitMs: 0,
    webhookSecret: LOCAL_LEGACY_SECRET,
    startWorker: false,
  });
  // Interrupted, the baseline's processes are stopped all the same.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void baseline.stop().finally(() => process.exit(130)));
  }
  const queue = new Queue(QUEUE_NAME, { connection: redisConnection(redisPort) });
  const context = { baseline, queue, pool, companyIds, connections: option('connections', 50) };
  const prefix = `measure-${Date.now()}`;
  try {
    await resetBaseline(pool);
    console.log(`${companyIds.length} companies, worker concurrency ${concurrency}`);
    if (wants('calibrate')) await calibrate(context.connections);
    if (wants('door')) await doorPhase(context, 'worker stopped', `${prefix}-a`);
    await baseline.startWorker();
    await drainPhase(context);
    if (wants('worker')) {
      await doorPhase(context, 'worker running', `${prefix}-b`);
      await drainPhase(context);
    }
    if (wants('freshness')) await freshnessPhase(context, `${prefix}-c`);
  } finally {
    await queue.close();
    await baseline.stop();
    await pool.end();
  }
}

if (process.argv[2] === '--bare-server') {
  serveBare();
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
