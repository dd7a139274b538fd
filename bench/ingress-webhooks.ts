/**
 * Webhook ingress throughput against the real local stack, with a ratio to a baseline.
 *
 *   npx tsc -p bench/tsconfig.ingress-webhooks.json && node bench/dist/ingress-webhooks/bench/ingress-webhooks.js [--requests 20000]
 *     [--connections 50] [--warmup 1000]
 *
 * In this process: the ingress app wired as main.ts wires it (Postgres claim store, the
 * idempotent acks=all Kafka producer, the registry's Avro codec) with one Standard Webhooks source,
 * and a baseline: a bare node:http server that only verifies the same signature (the ingress's
 * own verifier, HMAC-SHA256) and answers 202. Autocannon drives both from a child process, so
 * the load generator does not share the servers' event loop, with the same pre-signed requests,
 * every one with its own event id. Then an independent consumer counts the records the bench
 * source put on person-changes: it must equal the 2xx answers, or the run fails.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import type { Admin, Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { Webhook } from 'standardwebhooks';
import {
  createKafka,
  createLogger,
  createSchemaCodec,
  openPostgresPool,
  type PostgresPoolResource,
  Registry,
  Topics,
} from '@bgs/platform';
import { verifyStandardWebhook } from '../services/ingress/src/webhooks/signatures/standard-webhooks';
import { parseSources, SourceRegistry } from '../services/ingress/src/webhooks/sources';
import { SETTING_DEFAULTS } from '../services/ingress/src/config';
import { createIngressProducer, wireIngress } from '../services/ingress/src/wiring';
import {
  benchOptions,
  commandLine,
  histogramLine,
  landedVerdict,
  ratioLine,
  reusedWarnings,
  table,
  type BenchOptions,
  type DriveResult,
} from './src/ingress-webhooks/report';
import { endOffsets, headerText, readRange, type PartitionOffsets } from './src/kafka/topic-range';

const print = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

// ---------------------------------------------------------------------------------------------
// The load generator (the child process): autocannon over a file of pre-signed requests

interface PreparedRequest {
  readonly body: string;
  readonly headers: Record<string, string>;
}

interface DriveJob {
  readonly url: string;
  readonly requestsFile: string;
  readonly connections: number;
  readonly title: string;
}

async function drive(job: DriveJob): Promise<DriveResult> {
  const prepared = JSON.parse(readFileSync(job.requestsFile, 'utf8')) as PreparedRequest[];
  let next = 0;
  let reused = 0;
  const result = await autocannon({
    url: job.url,
    title: job.title,
    connections: Math.min(job.connections, prepared.length),
    amount: prepared.length,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        // One entry whose every request is built here: each is sent once, in order.
        setupRequest: (request) => {
          if (next >= prepared.length) reused += 1;
          const { body, headers } = prepared[next++ % prepared.length] as PreparedRequest;
          return { ...request, method: 'POST', body, headers };
        },
      },
    ],
  });
  const statuses: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) {
    statuses[status] = count ?? 0;
  }
  const sent = Object.values(statuses).reduce((sum, count) => sum + count, 0);
  return {
    title: job.title,
    sent,
    durationS: result.duration,
    perSecondMean: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statuses,
    reused,
  };
}

/** Runs `drive` in a child process (this same file with --drive) and returns its result. */
function driveInChild(job: DriveJob): Promise<DriveResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--drive', JSON.stringify(job)], { stdio: 'inherit' });
    let result: DriveResult | undefined;
    child.on('message', (message) => {
      result = message as DriveResult;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`load generator exited with ${code}`)),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// The servers

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const pgPort = env('BGS_PG_PORT', 55432);
const STACK = {
  kafkaBrokers: [`127.0.0.1:${env('BGS_KAFKA_PORT', 59092)}`],
  registryUrl: `http://127.0.0.1:${env('BGS_REGISTRY_PORT', 58081)}/apis/ccompat/v7`,
  databaseUrl: `postgres://bgs_app:bgs_app@127.0.0.1:${pgPort}/buyergroups`,
};

function listen(handler: http.RequestListener): Promise<http.Server> {
  return new Promise((resolve) => {
    const server = http.createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const portOf = (server: http.Server): number => (server.address() as AddressInfo).port;

async function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Reads the body (bounded), verifies the Standard Webhooks signature, answers 202 or 401. */
function baselineHandler(secret: string): http.RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= SETTING_DEFAULTS.WEBHOOK_BODY_LIMIT_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const verification = verifyStandardWebhook(
        {
          rawBody: Buffer.concat(chunks),
          header: (name) => {
            const value = req.headers[name];
            return Array.isArray(value) ? value.join(', ') : value;
          },
        },
        {
          secrets: [secret],
          nowMs: Date.now(),
          toleranceMs: SETTING_DEFAULTS.WEBHOOK_TOLERANCE_MS,
        },
      );
      const status = verification.ok ? 202 : 401;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(verification.ok ? { status: 'enqueued' } : { error: 'unauthorized' }));
    });
  };
}

// ---------------------------------------------------------------------------------------------
// Requests: each one its own event (and webhook-id), signed by the standardwebhooks package

function prepare(secret: string, count: number, tag: string): PreparedRequest[] {
  const signer = new Webhook(secret);
  const now = new Date();
  return Array.from({ length: count }, (_, i) => {
    const id = `bench-${tag}-${i}`;
    const body = JSON.stringify({
      id,
      source: 'bench',
      type: 'person.role_change',
      timestamp: now.toISOString(),
      person: {
        id: `person_${i % 5000}`,
        name: 'Ada Lovelace',
        oldTitle: 'VP Sales',
        newTitle: 'CRO',
      },
      company: { id: `company_${i % 1000}`, name: 'Acme' },
      changes: { title: { old: 'VP Sales', new: 'CRO' } },
    });
    const msgId = `msg_${tag}_${i}`;
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'webhook-id': msgId,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signer.sign(msgId, now, body),
      },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Counting what the bench source put on person-changes, with an independent consumer

async function countRecords(
  kafka: Kafka,
  source: string,
  range: { readonly from: PartitionOffsets; readonly to: PartitionOffsets },
  timeoutMs: number,
): Promise<number> {
  let records = 0;
  await readRange(
    kafka,
    { topic: Topics.personChanges, ...range },
    (message) => {
      if (headerText(message, 'source') === source) records += 1;
    },
    timeoutMs,
  );
  return records;
}

/** Mean of a prom-client histogram over all its label sets. */
async function histogramMean(
  registry: Registry,
  name: string,
): Promise<{ mean: number; count: number }> {
  const metric = (await registry.getMetricsAsJSON()).find((found) => found.name === name);
  let sum = 0;
  let count = 0;
  for (const value of metric?.values ?? []) {
    const series = (value as { metricName?: string }).metricName;
    if (series === `${name}_sum`) sum += value.value;
    if (series === `${name}_count`) count += value.value;
  }
  return { mean: count > 0 ? sum / count : 0, count };
}

// ---------------------------------------------------------------------------------------------
// The run

/** The ingress under test, as main.ts wires it, and the baseline beside it. */
interface Servers {
  readonly postgres: PostgresPoolResource<Pool>;
  /** The bench's own reads of the topic; the ingress under test has its producer's client. */
  readonly kafka: Kafka;
  readonly producer: ReturnType<typeof createIngressProducer>;
  readonly registry: Registry;
  readonly ingress: http.Server;
  readonly baseline: http.Server;
}

async function startServers(source: string, secret: string): Promise<Servers> {
  const logger = createLogger({ service: 'ingress-bench', level: 'error' });
  // The ingress, as main.ts wires it.
  const sources = new SourceRegistry(
    parseSources(
      {
        sources: {
          [source]: {
            scheme: 'standard-webhooks',
            secrets: [{ value: secret }],
            rateLimit: { perSecond: 1_000_000 },
            description: 'ingress benchmark',
          },
        },
      },
      {},
    ),
  );
  const postgres = openPostgresPool(Pool, {
    name: 'ingress-bench',
    config: { DATABASE_URL: STACK.databaseUrl },
    logger,
  });
  const kafka = createKafka({ brokers: STACK.kafkaBrokers, clientId: 'ingress-bench', logger });
  const producer = createIngressProducer({
    brokers: STACK.kafkaBrokers,
    clientId: 'ingress-bench',
    logger,
  });
  await producer.connect();
  const registry = new Registry();
  const app = wireIngress(
    {
      sources,
      pool: postgres.pool,
      producer,
      codec: createSchemaCodec({ url: STACK.registryUrl }),
      registry,
      logger,
    },
    SETTING_DEFAULTS,
  );
  const ingress = await listen(app);
  const baseline = await listen(baselineHandler(secret));
  return { postgres, kafka, producer, registry, ingress, baseline };
}

/** The warm-up's and the run's requests, each in a file the load generator reads. */
function writeRequests(
  workdir: string,
  secret: string,
  tag: string,
  options: BenchOptions,
): { readonly warmFile: string; readonly mainFile: string } {
  const file = (name: string, prepared: PreparedRequest[]) => {
    const target = path.join(workdir, `${name}.json`);
    writeFileSync(target, JSON.stringify(prepared));
    return target;
  };
  return {
    warmFile: file('warmup', prepare(secret, options.warmup, `${tag}-w`)),
    mainFile: file('main', prepare(secret, options.requests, `${tag}-m`)),
  };
}

/** Baseline first, then the ingress; each warmed up with its own distinct requests. */
async function driveBoth(
  servers: Servers,
  source: string,
  files: { readonly warmFile: string; readonly mainFile: string },
  connections: number,
): Promise<{ base: DriveResult; ingressWarm: DriveResult; measured: DriveResult }> {
  const job = (title: string, server: http.Server, requestsFile: string): DriveJob => ({
    title,
    url: `http://127.0.0.1:${portOf(server)}/webhooks/${source}`,
    requestsFile,
    connections,
  });
  const { baseline, ingress } = servers;
  await driveInChild(job('baseline warm-up', baseline, files.warmFile));
  const base = await driveInChild(job('baseline (verify + 202)', baseline, files.mainFile));
  const ingressWarm = await driveInChild(job('ingress warm-up', ingress, files.warmFile));
  const measured = await driveInChild(job('ingress (POST /webhooks)', ingress, files.mainFile));
  return { base, ingressWarm, measured };
}

/** What landed: the bench source's records on the topic and its webhook_events rows. */
async function countLanded(
  servers: Servers,
  admin: Admin,
  source: string,
  from: PartitionOffsets,
): Promise<{ records: number; rowCounts: Record<string, number> }> {
  const to = await endOffsets(admin, Topics.personChanges);
  const records = await countRecords(servers.kafka, source, { from, to }, 60_000);
  const { rows } = await servers.postgres.pool.query<{ status: string; count: string }>(
    `SELECT status, count(*) FROM webhook_events WHERE source = $1 GROUP BY status`,
    [source],
  );
  return {
    records,
    rowCounts: Object.fromEntries(rows.map((row) => [row.status, Number(row.count)])),
  };
}

async function main(args: readonly string[]): Promise<number> {
  const options = benchOptions(args);
  print(commandLine(options));
  print(`node ${process.version}, ${new Date().toISOString()}`);

  const tag = randomBytes(4).toString('hex');
  const source = `bench-${tag}`;
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const servers = await startServers(source, secret);

  const workdir = mkdtempSync(path.join(tmpdir(), 'bgs-bench-'));
  const files = writeRequests(workdir, secret, tag, options);
  print(`prepared ${options.warmup} + ${options.requests} signed requests for source ${source}`);

  const admin = servers.kafka.admin();
  await admin.connect();
  const from = await endOffsets(admin, Topics.personChanges);

  try {
    const { base, ingressWarm, measured } = await driveBoth(
      servers,
      source,
      files,
      options.connections,
    );
    print();
    for (const line of table([base, measured])) print(line);
    print();
    print(ratioLine(base, measured));
    for (const line of reusedWarnings([base, measured, ingressWarm])) print(line);

    // Where the ingress's time goes, from its own histograms (warm-up and run together).
    print(
      histogramLine(
        await histogramMean(servers.registry, 'ingress_kafka_produce_duration_seconds'),
        await histogramMean(servers.registry, 'ingress_http_request_duration_seconds'),
      ),
    );

    // What landed: every 2xx (warm-up included) is one record of this source, and nothing else.
    const accepted = ingressWarm.ok2xx + measured.ok2xx;
    const landed = await countLanded(servers, admin, source, from);
    const verdict = landedVerdict({ source, topic: Topics.personChanges, accepted, ...landed });
    for (const line of verdict.lines) print(line);
    return verdict.exitCode;
  } finally {
    // The audit rows of a benchmark are noise; the records age out with the topic's retention.
    await servers.postgres.pool.query(`DELETE FROM webhook_events WHERE source = $1`, [source]);
    await close(servers.ingress);
    await close(servers.baseline);
    await servers.producer.disconnect();
    await admin.disconnect();
    await servers.postgres.stop();
    rmSync(workdir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === '--drive') {
  drive(JSON.parse(args[1] ?? '{}') as DriveJob).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`load generator failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
} else {
  main(args).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
