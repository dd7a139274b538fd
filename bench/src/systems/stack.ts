/**
 * The bench's view of the local stack: where it listens (the same variables as the stack and
 * the demo), where its files are, and the clients every scenario shares. Also stopping and
 * starting our services through deploy/local/stack, always undone in a `finally`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createKafka, createLogger, createSchemaCodec, type SchemaCodec } from '@bgs/platform';
import { stackEndpoints, type StackEndpoints } from '@bgs/demo';
import type { Admin, Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { readLegacySecret } from '../traffic/webhook-client';

const run = promisify(execFile);

/** The repository: the nearest folder above this file that holds deploy/local/stack. */
export function findRepoRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'deploy', 'local', 'stack'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no deploy/local/stack above ${from}`);
  }
}

export interface BenchStack {
  readonly repoRoot: string;
  readonly stackDir: string;
  readonly endpoints: StackEndpoints;
  /** Waits for a connection however long it takes: under load, a change is late, never lost. */
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly codec: SchemaCodec;
  readonly legacySecret: string;
  close(): Promise<void>;
}

/** Enough connections for thousands of small writes per second, far below max_connections. */
const POOL_SIZE = 24;

export async function openStack(env: NodeJS.ProcessEnv = process.env): Promise<BenchStack> {
  const repoRoot = findRepoRoot();
  const endpoints = stackEndpoints(env);
  const logger = createLogger({ service: 'bgs-bench', level: 'error', stream: process.stderr });
  const kafka = createKafka({ brokers: endpoints.kafkaBrokers, clientId: 'bgs-bench', logger });
  const pool = new Pool({
    connectionString: endpoints.databaseUrl,
    application_name: 'bgs-bench',
    max: POOL_SIZE,
    connectionTimeoutMillis: 0,
  });
  pool.on('error', () => undefined); // an idle client's failure surfaces on the next query
  const admin = kafka.admin();
  const sourcesFile =
    env.BGS_WEBHOOK_SOURCES_FILE ?? path.join(repoRoot, 'deploy/local/webhook-sources.json');
  try {
    await pool.query('SELECT 1');
    await admin.connect();
  } catch (error) {
    await admin.disconnect().catch(() => undefined);
    await pool.end().catch(() => undefined);
    throw new StackDown(error);
  }
  return {
    repoRoot,
    stackDir: env.BGS_STACK_DIR ?? path.join(repoRoot, '.stack'),
    endpoints,
    pool,
    kafka,
    admin,
    codec: createSchemaCodec({ url: endpoints.schemaRegistryUrl, clientId: 'bgs-bench' }),
    legacySecret: readLegacySecret(sourcesFile),
    async close() {
      await admin.disconnect().catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
}

export class StackDown extends Error {
  override readonly name = 'StackDown';
  constructor(cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`the local stack is not answering (${reason}): start it with ./bgs up`, { cause });
  }
}

/** Our services in the stack's start order. */
export const OUR_SERVICES = ['ingress', 'refresher', 'enricher', 'sink'] as const;
export const PIPELINE_SERVICES = ['refresher', 'enricher', 'sink'] as const;
export type OurService = (typeof OUR_SERVICES)[number];

/** The launcher's own verdict (its ✗ lines), not the part's whole log it prints after. */
export function launcherProblem(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const verdicts = text.split('\n').filter((line) => line.includes('✗'));
  return verdicts.length > 0 ? verdicts.join('; ') : (text.split('\n')[0] ?? text);
}

/** Starts parts again; returns what could not be started, if anything, as one error. */
async function startAgain(
  stack: BenchStack,
  parts: readonly OurService[],
  say: (line: string) => void,
): Promise<Error | undefined> {
  if (parts.length === 0) return undefined;
  say(`starting ${parts.join(', ')} again`);
  const script = path.join(stack.repoRoot, 'deploy/local/stack');
  const failures: string[] = [];
  // In parallel: each part has its own PID file and log, and each start waits for its health.
  await Promise.all(
    parts.map((part) =>
      run('bash', [script, 'start', part], { cwd: stack.repoRoot, timeout: 180_000 }).catch(
        (error: unknown) => failures.push(`${part}: ${launcherProblem(error)}`),
      ),
    ),
  );
  return failures.length > 0
    ? new Error(`could not start again (run ./bgs up): ${failures.join('; ')}`)
    : undefined;
}

/**
 * Stops parts of our stack for the duration of `body`, and starts them again afterwards
 * whatever happens (the stack's `start` waits until each is healthy).
 */
export async function withStopped<T>(
  stack: BenchStack,
  parts: readonly OurService[],
  say: (line: string) => void,
  body: () => Promise<T>,
): Promise<T> {
  const script = path.join(stack.repoRoot, 'deploy/local/stack');
  const stopped: OurService[] = [];
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    say(`stopping ${parts.join(', ')} (deploy/local/stack stop)`);
    await Promise.all(
      parts.map(async (part) => {
        await run('bash', [script, 'stop', part], { cwd: stack.repoRoot, timeout: 120_000 });
        stopped.push(part);
      }),
    );
    outcome = { ok: true, value: await body() };
  } catch (error) {
    outcome = { ok: false, error };
  }
  const restartError = await startAgain(stack, stopped, say);
  if (!outcome.ok) throw outcome.error;
  if (restartError) throw restartError;
  return outcome.value;
}
