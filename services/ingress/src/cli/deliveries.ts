/**
 * The operator's view of the archive of verified webhook deliveries, and replay:
 *
 *   node services/ingress/dist/cli/deliveries.js list [--source S] [--type T] [--status S]
 *                                               [--since ISO] [--until ISO] [--limit N] [--json]
 *   node services/ingress/dist/cli/deliveries.js show <id> [--json]
 *   node services/ingress/dist/cli/deliveries.js replay <id> [--as <new event id>]
 *   node services/ingress/dist/cli/deliveries.js replay --since ISO --until ISO [--source S]
 *                                                 [--as-prefix P]
 *
 * `show` prints the body, which holds personal data, to stdout only. A replay is the record
 * ingress would publish, marked `replay`; it is idempotent (src/archive/replay.ts). Reads
 * DATABASE_URL, and for replays KAFKA_BROKERS, SCHEMA_REGISTRY_URL, CLAIM_TIMEOUT_MS and
 * PRODUCE_TIMEOUT_MS (defaults: the local stack's). Exit code 0 on success, 1 on failure
 * (nothing found, a replay that did not happen), 2 on a usage error.
 */
import type { Pool } from 'pg';
import { createLogger, createSchemaCodec, type Env } from '@bgs/platform';
import { replayDelivery, type ReplayDeps, type ReplayResult } from '../archive/replay';
import { replayRange as replayDeliveryRange } from '../archive/replay-range';
import type { ReplayTally } from '../archive/replay-tally';
import {
  findDeliveries,
  listDeliveries,
  type DeliverySummary,
  type Queryable,
} from '../archive/store';
import { deliveryView, summaryView, type DeliveryView } from '../archive/views';
import { configSchema } from '../config';
import { createPgClaimStore } from '../webhooks/claims';
import { createPgObservationStore } from '../webhooks/observations';
import { createPersonChangePublisher } from '../webhooks/publish';
import { createIngressProducer } from '../wiring';
import { parseDeliveriesArgs, USAGE, type DeliveriesCommand } from './deliveries-args';
import { pgPool, runAsProgram, runDatabaseCli, type CliIo } from './run';

const cliConfigSchema = configSchema.pick({
  DATABASE_URL: true,
  KAFKA_BROKERS: true,
  SCHEMA_REGISTRY_URL: true,
  CLAIM_TIMEOUT_MS: true,
  PRODUCE_TIMEOUT_MS: true,
});
type CliConfig = ReturnType<typeof cliConfigSchema.parse>;

/** A range prints a progress line each time this many more deliveries are done. */
export const PROGRESS_EVERY = 500;

type ReplayCommand = Extract<DeliveriesCommand, { kind: 'replay-one' | 'replay-range' }>;
type ReadCommand = Extract<DeliveriesCommand, { kind: 'list' | 'show' }>;

/** Runs the command and returns the exit code; never throws. */
export function main(argv: readonly string[], io: CliIo, env: Env = process.env): Promise<number> {
  return runDatabaseCli(
    {
      name: 'deliveries',
      usage: USAGE,
      parse: parseDeliveriesArgs,
      config: cliConfigSchema,
      open: pgPool(2),
      run: (command: Exclude<DeliveriesCommand, { kind: 'help' }>, pool, config) =>
        command.kind === 'list' || command.kind === 'show'
          ? read(command, pool, io)
          : replay(command, pool, config, io),
      kindOf: (command) => command.kind,
    },
    argv,
    io,
    env,
  );
}

async function read(command: ReadCommand, db: Queryable, io: CliIo): Promise<number> {
  if (command.kind === 'list') {
    const found = await listDeliveries(db, command.filter, command.limit);
    if (command.json) io.out(JSON.stringify(found.map(summaryView)));
    else printList(found, io);
    return 0;
  }
  const [delivery] = await findDeliveries(db, [command.id]);
  if (!delivery) {
    io.err(`deliveries show: no delivery with id ${command.id}`);
    return 1;
  }
  const view = await deliveryView(delivery);
  if (command.json) io.out(JSON.stringify(view));
  else printDelivery(view, io);
  return 0;
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

function printList(found: readonly DeliverySummary[], io: CliIo): void {
  if (found.length === 0) {
    io.out('no deliveries');
    return;
  }
  io.out(
    ['id', 'received', 'source', 'type', 'event id', 'status', 'body', 'replay of'].join('\t'),
  );
  for (const d of found) {
    io.out(
      [
        d.id,
        iso(d.receivedAt),
        d.source,
        d.eventType,
        d.eventId,
        d.status,
        d.archive ? `${d.archive.bodyBytes} B` : 'none',
        d.replayOf ?? '-',
      ].join('\t'),
    );
  }
}

function printDelivery(d: DeliveryView, io: CliIo): void {
  const line = (label: string, value: string | null): void =>
    io.out(`${label.padEnd(10)}${value ?? '-'}`);
  line('id', d.id);
  line('source', d.source);
  line('event id', d.eventId);
  line('type', d.eventType);
  line('status', d.status);
  line('company', d.companyId);
  line('received', d.receivedAt);
  line('enqueued', d.processedAt);
  if (d.replayOf) line('replay of', d.replayOf);
  if (!d.archive || d.body === null) {
    line('archive', 'none: removed after the retention, or received before the archive existed');
    return;
  }
  line('archive', `${d.archive.bodyBytes} bytes (${d.archive.storedBytes} stored, gzip)`);
  io.out('headers');
  for (const [name, value] of Object.entries(d.headers ?? {})) io.out(`  ${name}: ${value}`);
  io.out('body');
  io.out(d.body);
}

async function replay(
  command: ReplayCommand,
  db: Pool,
  config: CliConfig,
  io: CliIo,
): Promise<number> {
  // kafkajs's own lines go to stderr, only errors: stdout is the operator's.
  const logger = createLogger({ service: 'deliveries', level: 'error', stream: process.stderr });
  const producer = createIngressProducer({
    brokers: config.KAFKA_BROKERS,
    clientId: 'ingress-deliveries',
    logger,
  });
  await producer.connect();
  try {
    const deps: ReplayDeps = {
      claims: createPgClaimStore(db, { claimTimeoutMs: config.CLAIM_TIMEOUT_MS }),
      publisher: createPersonChangePublisher({
        producer,
        codec: createSchemaCodec({ url: config.SCHEMA_REGISTRY_URL }),
        observations: createPgObservationStore(db),
        timeoutMs: config.PRODUCE_TIMEOUT_MS,
      }),
    };
    return command.kind === 'replay-one'
      ? await replayOne(command, db, deps, io)
      : await replayRange(command, db, deps, io);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

const SKIP_TEXT: Record<string, string> = {
  already_enqueued:
    'already enqueued: nothing sent (give --as <new event id> to send it again under a new id)',
  in_flight: 'another request or replay owns this event id right now: nothing sent, try later',
  no_archive: 'no archived body (removed after the retention): nothing sent',
  invalid_event_id: 'the new event id is not a valid event id: nothing sent',
};

async function replayOne(
  command: Extract<ReplayCommand, { kind: 'replay-one' }>,
  db: Queryable,
  deps: ReplayDeps,
  io: CliIo,
): Promise<number> {
  const [delivery] = await findDeliveries(db, [command.id]);
  if (!delivery) {
    io.err(`deliveries replay: no delivery with id ${command.id}`);
    return 1;
  }
  const result = await replayDelivery(delivery, command.identity, deps);
  return reportOne(delivery, result, io);
}

function reportOne(delivery: DeliverySummary, result: ReplayResult, io: CliIo): number {
  const what = `${delivery.source} ${result.eventId}`;
  switch (result.kind) {
    case 'enqueued':
      io.out(`replayed ${what}: enqueued on person-changes, its touches on company-touches`);
      if (result.warning) io.err(`deliveries replay: ${result.warning}`);
      return 0;
    case 'skipped':
      io.out(`${what}: ${SKIP_TEXT[result.reason] ?? result.reason}`);
      return result.reason === 'already_enqueued' ? 0 : 1;
    case 'failed':
      io.err(`deliveries replay: ${what}: ${result.reason}`);
      return 1;
  }
}

async function replayRange(
  command: Extract<ReplayCommand, { kind: 'replay-range' }>,
  db: Queryable,
  deps: ReplayDeps,
  io: CliIo,
): Promise<number> {
  const { filter, identity } = command;
  let matched = 0;
  const outcome = await replayDeliveryRange(db, { filter, identity }, deps, {
    started(count) {
      matched = count;
      io.out(
        `replaying ${count} deliveries received from ${iso(filter.since)} to ${iso(filter.until)}`,
      );
    },
    replayed(chunk, sofar) {
      for (const { result } of chunk) {
        if (result.kind === 'failed')
          io.err(`deliveries replay: ${result.eventId}: ${result.reason}`);
      }
      const before = sofar.done - chunk.length;
      if (Math.floor(sofar.done / PROGRESS_EVERY) > Math.floor(before / PROGRESS_EVERY)) {
        io.out(`  ${sofar.done}/${matched}: ${describeTally(sofar)}`);
      }
    },
  });
  io.out(`replayed ${outcome.tally.done} deliveries: ${describeTally(outcome.tally)}`);
  return outcome.tally.failed > 0 ? 1 : 0;
}

const describeTally = (t: ReplayTally): string =>
  `${t.enqueued} enqueued, ${t.alreadyEnqueued} already enqueued, ${t.inFlight} in flight, ` +
  `${t.noArchive} without archive, ${t.invalidId} invalid new id, ${t.failed} failed`;

if (require.main === module) runAsProgram(main);
