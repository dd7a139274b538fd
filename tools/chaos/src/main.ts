/**
 * `./bgs chaos [--short]`: steady traffic while a schedule injects faults one at a time, then an
 * independent check of the guarantees (`checker/`). Prints a table per fault (time to recover,
 * changes affected) and per guarantee (checked, violations). Exit 0 when nothing was violated,
 * 1 when something was (or the run failed), 2 for bad options.
 */
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { createRandom, readWebhookSecret, stackEndpoints } from '@bgs/demo';
import { check, formatReport, type CheckReport } from './checker';
import { parseChaosArgs, type ChaosArgs } from './run/args';
import { faultPlan } from './run/plan';
import {
  CONSUMER_GROUPS,
  DEAD_LETTER_TOPICS,
  SERVICE_PORTS,
  backlog,
  endOffsets,
} from './run/pipeline-state';
import { formatFaultTable, totalViolations } from './run/report';
import { runFault, type FaultRow } from './run/run-faults';
import { seedChaosData } from './run/seed';
import { createStackControl } from './run/stack-control';
import { startTraffic, type TrafficStats } from './run/traffic';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const log = (line: string) => process.stdout.write(`${line}\n`);
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const servicePorts = (env: NodeJS.ProcessEnv): Record<string, number> =>
  Object.fromEntries(
    Object.entries(SERVICE_PORTS).map(([name, port]) => [
      name,
      Number(env[`BGS_${name.toUpperCase()}_PORT`] ?? port),
    ]),
  );

/** Until every group has read its inputs (bounded): what was accepted has been worked off. */
async function drained(kafka: Kafka, timeoutMs: number): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    let quietChecks = 0;
    while (Date.now() < deadline) {
      const left = await backlog(admin, CONSUMER_GROUPS);
      quietChecks = left === 0 ? quietChecks + 1 : 0;
      if (quietChecks >= 3) return true;
      log(`· waiting for the pipeline to work off ${left} records`);
      await delay(2_000);
    }
    return false;
  } finally {
    await admin.disconnect();
  }
}

export interface ChaosResult {
  readonly faults: readonly FaultRow[];
  readonly report: CheckReport;
  readonly traffic: TrafficStats;
  /** Violations of the guarantees, plus changes ingress refused (the traffic is all valid). */
  readonly violations: number;
  readonly unrecovered: number;
}

/** A whole chaos run against the running stack; prints its progress and tables. */
export async function runChaos(args: ChaosArgs): Promise<ChaosResult> {
  const endpoints = stackEndpoints(process.env);
  const stackDir = process.env.BGS_STACK_DIR ?? path.join(repoRoot, '.stack');
  const providerUrl = `http://127.0.0.1:${process.env.BGS_PROVIDER_PORT ?? 58104}`;
  const ports = servicePorts(process.env);
  const seeded = createRandom(args.seed);
  const random = () => seeded.next();
  const secret = readWebhookSecret(
    path.join(repoRoot, 'deploy/local/webhook-sources.json'),
    'demo',
  );
  const pool = new Pool({ connectionString: endpoints.databaseUrl, max: 8 });
  pool.on('error', () => undefined); // Postgres is stopped on purpose
  const kafka = new Kafka({
    clientId: 'bgs-chaos',
    brokers: [...endpoints.kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  try {
    const seeded = await seedChaosData(pool, { companiesPerLevel: args.companiesPerLevel });
    log(`seeded ${seeded.companyIds.length} companies (${seeded.runId}), cooldown 0`);
    const admin = kafka.admin();
    await admin.connect();
    const deadLetterOffsets = await endOffsets(admin, DEAD_LETTER_TOPICS).finally(() =>
      admin.disconnect(),
    );
    const [probe, ...trafficPeople] = seeded.people;
    if (!probe) throw new Error('nothing seeded');
    const traffic = startTraffic({
      pool,
      ingressUrl: endpoints.ingressUrl,
      webhookSource: 'demo',
      webhookSecret: secret,
      people: trafficPeople.filter((p) => p.companyId !== probe.companyId),
      ratePerSecond: args.rate,
      random,
    });
    const control = createStackControl({ repoRoot, stackDir, providerUrl, log });
    const rows: FaultRow[] = [];
    const startedAt = Date.now();
    for (const fault of faultPlan({
      short: args.short,
      random,
      outageSeconds: args.outageSeconds,
    })) {
      rows.push(
        await runFault(
          {
            control,
            pool,
            changes: traffic.changes,
            servicePorts: ports,
            probe: {
              companyId: probe.companyId,
              personId: probe.id,
              ingressUrl: endpoints.ingressUrl,
              source: 'demo',
              secret,
            },
            recoveryTimeoutMs: 180_000,
            log,
          },
          fault,
        ),
      );
    }
    await traffic.stop();
    const stats = traffic.stats();
    log(
      `traffic: ${stats.made} changes made, ${stats.webhookRetries} webhook retries, ` +
        `${stats.sqlNotMade} SQL writes not made (Postgres down), ${stats.rejected.length} refused`,
    );
    if (!(await drained(kafka, 300_000)))
      log('! the pipeline did not work off its backlog in 5 min');
    const report = await check({
      changes: traffic.changes,
      companyIds: seeded.companyIds,
      startedAt,
      deadLetterOffsets,
      connections: {
        databaseUrl: endpoints.databaseUrl,
        kafkaBrokers: endpoints.kafkaBrokers,
        registryUrl: endpoints.schemaRegistryUrl,
      },
    });
    log('');
    log(formatFaultTable(rows));
    log('');
    log(formatReport(report));
    const violations = totalViolations(report) + stats.rejected.length;
    const unrecovered = rows.filter((r) => r.recoverMs === undefined).length;
    log(`\n${violations} violations; ${unrecovered} faults without recovery`);
    return { faults: rows, report, traffic: stats, violations, unrecovered };
  } finally {
    await pool.end().catch(() => undefined);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseChaosArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    return parsed.help ? 0 : 2;
  }
  try {
    const result = await runChaos(parsed.args);
    return result.violations === 0 && result.unrecovered === 0 ? 0 : 1;
  } catch (error) {
    process.stderr.write(
      `chaos run failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

export { main };
