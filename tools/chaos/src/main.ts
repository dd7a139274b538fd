/**
 * `./bgs chaos [--short]`: steady traffic while a schedule injects faults one at a time, then an
 * independent check of the guarantees (`checker/`). Prints a table per fault (time to recover,
 * changes affected) and per guarantee (checked, violations). Exit 0 when nothing was violated,
 * 1 when something was (or the run failed), 2 for bad options.
 */
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { createRandom, readWebhookSecret } from '@bgs/demo';
import { check, formatReport, type CheckReport } from './checker';
import { badArgsExitCode, chaosExitCode, tally, tallyLine, trafficLine } from './outcome';
import { parseChaosArgs, type ChaosArgs } from './run/args';
import { faultPlan, type Fault } from './run/plan';
import { CONSUMER_GROUPS, DEAD_LETTER_TOPICS, backlog, endOffsets } from './run/pipeline-state';
import { formatFaultTable } from './run/report';
import { runFault, type FaultRow, type FaultRunDeps } from './run/run-faults';
import { seedChaosData, type SeededPerson } from './run/seed';
import { createStackControl } from './run/stack-control';
import { startTraffic, type Traffic, type TrafficStats } from './run/traffic';
import { chaosSettings, WEBHOOK_SOURCE, type ChaosSettings } from './settings';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const log = (line: string) => process.stdout.write(`${line}\n`);
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

/** Where the dead-letter topics end now: the checker reads only what lands after. */
async function deadLetterEnds(kafka: Kafka) {
  const admin = kafka.admin();
  await admin.connect();
  return endOffsets(admin, DEAD_LETTER_TOPICS).finally(() => admin.disconnect());
}

export interface ChaosResult {
  readonly faults: readonly FaultRow[];
  readonly report: CheckReport;
  readonly traffic: TrafficStats;
  /** Violations of the guarantees, plus changes ingress refused (the traffic is all valid). */
  readonly violations: number;
  readonly unrecovered: number;
}

/** What the faults are run with: the traffic's changes to count, a probe person to send. */
interface FaultsWiring {
  readonly settings: ChaosSettings;
  readonly pool: Pool;
  readonly traffic: Traffic;
  readonly probe: SeededPerson;
  readonly secret: string;
}

/** The faults one at a time, each until it has recovered (or its recovery timed out). */
async function runFaults(wiring: FaultsWiring, faults: readonly Fault[]): Promise<FaultRow[]> {
  const { settings, probe } = wiring;
  const deps: FaultRunDeps = {
    control: createStackControl({
      repoRoot,
      stackDir: settings.stackDir,
      providerUrl: settings.providerUrl,
      log,
    }),
    pool: wiring.pool,
    changes: wiring.traffic.changes,
    servicePorts: settings.servicePorts,
    probe: {
      companyId: probe.companyId,
      personId: probe.id,
      ingressUrl: settings.endpoints.ingressUrl,
      source: WEBHOOK_SOURCE,
      secret: wiring.secret,
    },
    recoveryTimeoutMs: 180_000,
    log,
  };
  const rows: FaultRow[] = [];
  for (const fault of faults) rows.push(await runFault(deps, fault));
  return rows;
}

/** Prints both tables and the tally. */
function reportRun(faults: FaultRow[], report: CheckReport, traffic: TrafficStats): ChaosResult {
  log('');
  log(formatFaultTable(faults));
  log('');
  log(formatReport(report));
  const counts = tally(report, traffic, faults);
  log(tallyLine(counts));
  return { faults, report, traffic, ...counts };
}

/** A whole chaos run against the running stack; prints its progress and tables. */
export async function runChaos(args: ChaosArgs): Promise<ChaosResult> {
  const settings = chaosSettings(process.env, repoRoot);
  const { endpoints } = settings;
  const seededRandom = createRandom(args.seed);
  const random = () => seededRandom.next();
  const secret = readWebhookSecret(settings.webhookSourcesFile, WEBHOOK_SOURCE);
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
    const deadLetterOffsets = await deadLetterEnds(kafka);
    const [probe, ...trafficPeople] = seeded.people;
    if (!probe) throw new Error('nothing seeded');
    const traffic = startTraffic({
      pool,
      ingressUrl: endpoints.ingressUrl,
      webhookSource: WEBHOOK_SOURCE,
      webhookSecret: secret,
      people: trafficPeople.filter((p) => p.companyId !== probe.companyId),
      ratePerSecond: args.rate,
      random,
    });
    const startedAt = Date.now();
    const faults = faultPlan({ short: args.short, random, outageSeconds: args.outageSeconds });
    const rows = await runFaults({ settings, pool, traffic, probe, secret }, faults);
    await traffic.stop();
    const stats = traffic.stats();
    log(trafficLine(stats));
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
    return reportRun(rows, report, stats);
  } finally {
    await pool.end().catch(() => undefined);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseChaosArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    return badArgsExitCode(parsed.help);
  }
  try {
    return chaosExitCode(await runChaos(parsed.args));
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
