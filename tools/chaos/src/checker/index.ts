/**
 * The chaos suite's independent checker: after a run, prove the pipeline's guarantees from the
 * outside. It reads Postgres and Kafka itself, decodes Avro with the registry's writer schemas,
 * and shares no code with the services: only `@bgs/domain` (pure) and `schemas/*.avsc`. Each
 * invariant is a pure function over data read here; a reader that fails makes its invariant
 * fail with the reason, never the whole check.
 */
import { DEFAULT_MAX_MEMBERS } from '@bgs/domain';
import { createAvroDecoder } from './avro/registry';
import { openDatabase, type Database } from './db';
import { evaluateConvergence } from './invariants/convergence';
import { readFinalStates } from './invariants/final-state';
import { evaluateGenerations } from './invariants/generation-monotonic';
import { evaluateMembers, readMemberRows } from './invariants/no-duplicate-members';
import { evaluateNoLoss, savedGenerationsOf } from './invariants/no-loss';
import { evaluateDeadLetters } from './invariants/no-valid-dead-letters';
import { evaluateRefreshLogs, readRefreshLogs } from './invariants/one-refresh-log';
import { evaluateProviderOnce, readProviderOnceInput } from './invariants/provider-once';
import { readKafka, type KafkaData } from './read-kafka';
import { newestByCompany, type MemberRow, type RefreshLogRow } from './records';
import {
  INVARIANT_NAMES,
  type CheckInput,
  type CheckOptions,
  type CheckReport,
  type InvariantName,
  type InvariantResult,
  type Violation,
} from './types';

export * from './types';
export { countViolations, formatReport } from './report';

const DEFAULT_KAFKA_TIMEOUT_MS = 120_000;
const DEFAULT_CLOCK_TOLERANCE_MS = 1_000;

const message = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** An invariant whose data could not be read fails with the reason. */
async function guarded(
  name: InvariantName,
  run: () => Promise<InvariantResult>,
): Promise<InvariantResult> {
  try {
    return await run();
  } catch (error) {
    return {
      name,
      checked: 0,
      violations: [{ invariant: name, detail: `could not be checked: ${message(error)}` }],
    };
  }
}

/** The result with violations added for what the check could not read completely. */
function withGaps(result: InvariantResult, gaps: readonly string[]): InvariantResult {
  if (gaps.length === 0) return result;
  const extra: Violation[] = gaps.map((detail) => ({ invariant: result.name, detail }));
  return { ...result, violations: [...extra, ...result.violations] };
}

const once = <T>(read: () => Promise<T>): (() => Promise<T>) => {
  let promise: Promise<T> | undefined;
  return () => (promise ??= read());
};

interface Context {
  readonly input: CheckInput;
  readonly options: CheckOptions;
  readonly db: Database;
  readonly kafka: () => Promise<KafkaData>;
  readonly logs: () => Promise<RefreshLogRow[]>;
  readonly memberRows: () => Promise<MemberRow[]>;
}

/** The gaps in what was read of buyer-groups, as violations of whoever relies on it. */
const groupGaps = (kafka: KafkaData): string[] =>
  kafka.incompleteGroups.map((p) => `buyer-groups not read to its end: ${p}`);

async function groupInvariants(ctx: Context): Promise<InvariantResult[]> {
  const { input, options } = ctx;
  const noLoss = guarded('no-loss', async () => {
    const kafka = await ctx.kafka();
    const generations = savedGenerationsOf(kafka.published, await ctx.logs());
    const clockToleranceMs = options.clockToleranceMs ?? DEFAULT_CLOCK_TOLERANCE_MS;
    const result = evaluateNoLoss({ ...input, clockToleranceMs, generations });
    return withGaps(result, groupGaps(kafka));
  });
  const refreshLogs = guarded('one-refresh-log', async () => {
    const kafka = await ctx.kafka();
    const published = kafka.published.map((p) => p.value);
    return withGaps(evaluateRefreshLogs({ published, logs: await ctx.logs() }), groupGaps(kafka));
  });
  const members = guarded('no-duplicate-members', async () => {
    const kafka = await ctx.kafka();
    const { companyIds } = input;
    const result = evaluateMembers({
      published: kafka.published,
      memberRows: await ctx.memberRows(),
      companyIds,
    });
    return withGaps(result, groupGaps(kafka));
  });
  const generations = guarded('generation-monotonic', async () => {
    const kafka = await ctx.kafka();
    const undecodable = kafka.undecodable.map((u) => `buyer-groups record not decodable: ${u}`);
    return withGaps(evaluateGenerations(kafka.published), [...groupGaps(kafka), ...undecodable]);
  });
  return Promise.all([noLoss, refreshLogs, members, generations]);
}

async function stateInvariants(ctx: Context): Promise<{
  results: InvariantResult[];
  providerRetries: number;
}> {
  const { input, options, db } = ctx;
  let providerRetries = 0;
  const provider = guarded('provider-once', async () => {
    const outcome = evaluateProviderOnce(
      await readProviderOnceInput(db, input.companyIds, input.startedAt),
    );
    providerRetries = outcome.providerRetries;
    return outcome.result;
  });
  const convergence = guarded('convergence', async () => {
    const kafka = await ctx.kafka();
    const newest = newestByCompany(kafka.published);
    const states = await readFinalStates(db, input.companyIds, {
      newest,
      memberRows: await ctx.memberRows(),
    });
    const result = evaluateConvergence(states, options.maxMembers ?? DEFAULT_MAX_MEMBERS);
    return withGaps(result, groupGaps(kafka));
  });
  const deadLetters = guarded('no-valid-dead-letters', async () => {
    const kafka = await ctx.kafka();
    const result = evaluateDeadLetters({
      deadLetters: kafka.deadLetters,
      companyIds: new Set(input.companyIds),
      personIds: new Set(input.changes.map((c) => c.personId)),
    });
    const gaps = kafka.incompleteDeadLetters.map((p) => `dead letters not read to the end: ${p}`);
    const notes = [...(result.notes ?? []), ...kafka.notes];
    return withGaps(notes.length > 0 ? { ...result, notes } : result, gaps);
  });
  const results = await Promise.all([provider, convergence, deadLetters]);
  return { results, providerRetries };
}

export async function check(input: CheckInput, options: CheckOptions = {}): Promise<CheckReport> {
  const db = openDatabase(input.connections.databaseUrl);
  const decoder = createAvroDecoder(input.connections.registryUrl);
  const ctx: Context = {
    input,
    options,
    db,
    kafka: once(() =>
      readKafka(input, decoder, options.kafkaTimeoutMs ?? DEFAULT_KAFKA_TIMEOUT_MS),
    ),
    logs: once(() => readRefreshLogs(db, input.companyIds)),
    memberRows: once(() => readMemberRows(db, input.companyIds)),
  };
  try {
    const groups = await groupInvariants(ctx);
    const state = await stateInvariants(ctx);
    const byName = new Map([...groups, ...state.results].map((r) => [r.name, r]));
    return {
      invariants: INVARIANT_NAMES.flatMap((name) => byName.get(name) ?? []),
      providerRetries: state.providerRetries,
    };
  } finally {
    await db.end().catch(() => undefined);
  }
}
