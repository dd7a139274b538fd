/**
 * The one way integration and end-to-end tests reach the local stack. Endpoints follow
 * deploy/local/stack's defaults and the same BGS_* variables, so a stack on other ports works.
 * Tests never start the stack themselves: `./bgs test` (or `deploy/local/stack up`) does.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Client } from 'pg';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

export const repoRoot = path.resolve(__dirname, '..', '..');

const pgPort = env('BGS_PG_PORT', 55432);
export const stack = {
  kafkaBrokers: [`127.0.0.1:${env('BGS_KAFKA_PORT', 59092)}`],
  registryUrl: `http://127.0.0.1:${env('BGS_REGISTRY_PORT', 58081)}/apis/ccompat/v7`,
  connectUrl: `http://127.0.0.1:${env('BGS_CONNECT_PORT', 58083)}`,
  databaseUrl: `postgres://bgs_app:bgs_app@127.0.0.1:${pgPort}/buyergroups`,
  adminDatabaseUrl: `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`,
} as const;

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
  });
  return stdout;
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
