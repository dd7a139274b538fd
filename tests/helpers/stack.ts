/**
 * The one way integration and end-to-end tests reach the local stack. Endpoints follow
 * deploy/local/stack's defaults and the same BGS_* variables, so a stack on other ports works.
 * Tests never start the stack themselves: `./bgs test` (or `deploy/local/stack up`) does.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Client } from 'pg';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

export const repoRoot = path.resolve(__dirname, '..', '..');

const pgPort = env('BGS_PG_PORT', 55432);
export const stack = {
  // BGS_TEST_KAFKA_BROKERS: every broker of a cluster stack (cluster-stack.ts).
  kafkaBrokers: process.env.BGS_TEST_KAFKA_BROKERS?.split(',') ?? [
    `127.0.0.1:${env('BGS_KAFKA_PORT', 59092)}`,
  ],
  registryUrl: `http://127.0.0.1:${env('BGS_REGISTRY_PORT', 58081)}/apis/ccompat/v7`,
  connectUrl: `http://127.0.0.1:${env('BGS_CONNECT_PORT', 58083)}`,
  databaseUrl: `postgres://bgs_app:bgs_app@127.0.0.1:${pgPort}/buyergroups`,
  adminDatabaseUrl: `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`,
} as const;

/** The stack's parts, in the order `up` starts them (deploy/local/stack). */
export const stackParts = [
  'postgres',
  'kafka',
  'registry',
  'connect',
  'local-provider',
  'ingress',
  'refresher',
  'enricher',
  'sink',
] as const;
export type StackPart = (typeof stackParts)[number];

export type Service = 'ingress' | 'refresher' | 'enricher' | 'sink';

const servicePorts: Record<Service, number> = {
  ingress: env('BGS_INGRESS_PORT', 58100),
  refresher: env('BGS_REFRESHER_PORT', 58101),
  enricher: env('BGS_ENRICHER_PORT', 58102),
  sink: env('BGS_SINK_PORT', 58103),
};

/** Where a service of the stack answers: its API and its /healthz, /readyz and /metrics. */
export const serviceUrl = (service: Service): string => `http://127.0.0.1:${servicePorts[service]}`;

/** The status a service answers on `path` (/healthz, /readyz), or `down` when nothing listens. */
export async function serviceStatus(service: Service, path: string): Promise<number | 'down'> {
  try {
    const response = await fetch(`${serviceUrl(service)}${path}`, {
      signal: AbortSignal.timeout(5_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 'down';
  }
}

/**
 * `bgs_stage_records_total{outcome}` as the service exports it on /metrics now (0 when it has
 * counted none). A counter of the running process: it starts again at 0 when the service does.
 */
export async function stageRecords(service: Service, outcome: string): Promise<number> {
  const response = await fetch(`${serviceUrl(service)}/metrics`, {
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`${service} /metrics answered ${response.status}`);
  let total = 0;
  for (const line of (await response.text()).split('\n')) {
    const sample = /^bgs_stage_records_total\{([^}]*)\} (\S+)$/.exec(line);
    if (sample?.[1]?.split(',').includes(`outcome="${outcome}"`)) total += Number(sample[2]);
  }
  return total;
}

/** A name no other test run has used: topics, groups and subjects never collide. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/**
 * Spread into producer(): Java's murmur2 partitioning, as Debezium and the services use, and
 * the unbounded send retries kafkajs wants for an idempotent producer.
 */
export const producerDefaults = {
  createPartitioner: Partitioners.DefaultPartitioner,
  retry: { retries: Number.MAX_SAFE_INTEGER },
};

export function kafka(clientId = uniqueName('test')): Kafka {
  return new Kafka({
    clientId,
    brokers: [...stack.kafkaBrokers],
    logLevel: logLevel.WARN,
    retry: { retries: 5, initialRetryTime: 200 },
  });
}

export async function withDatabase<T>(
  fn: (db: Client) => Promise<T>,
  url: string = stack.databaseUrl,
): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const run = promisify(execFile);

/** Runs the launcher, e.g. `stackCommand('restart', 'registry')`. */
export async function stackCommand(...args: string[]): Promise<string> {
  const { stdout } = await run('bash', [path.join(repoRoot, 'deploy/local/stack'), ...args], {
    cwd: repoRoot,
    timeout: 180_000,
    env: process.env,
  });
  return stdout;
}

/**
 * Starts a stopped service without waiting for it to be ready. `stackCommand('start', ...)`
 * waits until the service's /readyz answers 200 (the launcher's `wait_healthy`), which a
 * service does not while a dependency it needs is down. The launcher defines its functions
 * without running anything when sourced; `start_service` is the very step `start` takes before
 * it waits. Liveness (/healthz) is the caller's to wait for.
 */
export async function startWithoutWaiting(service: Service): Promise<void> {
  const launcher = path.join(repoRoot, 'deploy/local/stack');
  // $0 must not be the launcher's path: sourced as its own $0, it would run its main.
  await run('bash', ['-c', 'source "$1" && start_service "$2"', 'bgs-start', launcher, service], {
    cwd: repoRoot,
    timeout: 30_000,
    env: process.env,
  });
}

/**
 * Starts whatever part of the stack is stopped and waits until every part is healthy again
 * (the launcher's own health checks; a service's is its /readyz), so a test that stopped a
 * part never leaves it stopped for the next one, even when it fails.
 */
export async function restoreStack(): Promise<void> {
  for (const part of stackParts) await stackCommand('start', part);
}

/** Fails fast, with the command to run, when the stack is not up. */
export async function requireStack(): Promise<void> {
  const problems: string[] = [];
  const admin = kafka('stack-check').admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    problems.push(`Kafka at ${stack.kafkaBrokers.join(',')}: ${String(error)}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  for (const [name, url] of [
    ['registry', `${stack.registryUrl}/subjects`],
    ['Kafka Connect', `${stack.connectUrl}/connectors`],
  ] as const) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(5000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (!ok) problems.push(`${name} at ${url} is not answering`);
  }
  await withDatabase(async (db) => db.query('SELECT 1')).catch((error: unknown) =>
    problems.push(`Postgres: ${String(error)}`),
  );
  if (problems.length > 0) {
    throw new Error(
      `The local stack is not up (start it with \`./bgs up\`):\n  ${problems.join('\n  ')}`,
    );
  }
}

/**
 * Kills a part of the stack with SIGKILL, as a crash or an OOM kill would: no graceful shutdown,
 * requests in flight get no answer. `stackCommand('start', part)` brings it back. The launcher's
 * own `stop_part`, sourced as in `startWithoutWaiting`, so its PID file is looked after.
 */
export async function killPart(part: StackPart | `kafka@${number}`): Promise<void> {
  const launcher = path.join(repoRoot, 'deploy/local/stack');
  await run('bash', ['-c', 'source "$1" && stop_part "$2" KILL', 'bgs-kill', launcher, part], {
    cwd: repoRoot,
    timeout: 60_000,
    env: process.env,
  });
}

/** The PID the launcher recorded for a running part, e.g. `sink` or `sink@2`. */
export function partPid(part: string): number {
  const stackDir = process.env.BGS_STACK_DIR ?? path.join(repoRoot, '.stack');
  return Number(readFileSync(path.join(stackDir, 'run', `${part}.pid`), 'utf8').trim());
}

/** `./bgs scale`'s ports for instance k >= 2 (deploy/local/stack, instance_port). */
const SCALE_PORT_BASE = Number(process.env.BGS_SCALE_PORT_BASE ?? 31200);
const SCALABLE: readonly Service[] = ['ingress', 'refresher', 'enricher', 'sink'];

/** The URL of instance `k` of a service (1 is the service's own port). */
export const instanceUrl = (service: Service, k: number): string =>
  k === 1
    ? serviceUrl(service)
    : `http://127.0.0.1:${SCALE_PORT_BASE + SCALABLE.indexOf(service) * 10 + k}`;

/**
 * `./bgs scale SERVICE N`: starts instances up to N and waits until each is ready; stops the
 * ones above N, highest first, by SIGTERM (a drain) or, with `kill`, SIGKILL.
 */
export async function scale(service: Service, count: number, kill = false): Promise<void> {
  await stackCommand('scale', service, String(count), ...(kill ? ['--kill'] : []));
}

/** The environment a service started by a test needs to reach the stack, on its own port. */
export function serviceEnv(port: number): Record<string, string> {
  return {
    HTTP_PORT: String(port),
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.registryUrl,
    DATABASE_URL: stack.databaseUrl,
  };
}
