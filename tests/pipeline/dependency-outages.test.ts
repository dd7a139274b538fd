/**
 * A dependency outage never dead-letters a valid record. A record is poison only when it can
 * never be processed (undecodable while the registry answers, invalid against its schema); a
 * registry or Postgres that does not answer is transient: the stage retries the record through
 * its tiers (2, 4, 8 s) and then holds its partition, trying again until the dependency is
 * back, however long that takes. Meanwhile the stage is not ready (/readyz answers 503).
 *
 * Each test makes valid changes that are in flight while a dependency is down, keeps it down
 * until a stage has held records past its tiers, brings it back, and then finds every change
 * in a saved group, once, and nothing on any dead-letter topic. Both effects are counted in
 * the topics themselves: a reader from the start of the test sees every record written to the
 * stages' dead-letter topics and retry tiers.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Headers, RETRY_DELAYS_MS, Stages, deadLetterTopic, retryTopic } from '@bgs/platform';
import {
  requireStack,
  restoreStack,
  serviceStatus,
  stack,
  stackCommand,
  stageRecords,
  startWithoutWaiting,
  withDatabase,
  type Service,
} from '../helpers/stack';
import { readTopic, type TopicReader, type TopicRecord } from '../helpers/topic-reader';
import { waitFor } from '../helpers/wait';
import { createCompany, createWorkspace, postWebhook, waitForGroup } from '../helpers/pipeline';

const deadLetterTopics: readonly string[] = Stages.map(deadLetterTopic);
const retryTopics: readonly string[] = Stages.flatMap((stage) =>
  RETRY_DELAYS_MS.map((delay) => retryTopic(stage, delay)),
);

interface Change {
  readonly companyId: string;
  readonly eventId: string;
  readonly event: object;
}

/** A provider's report that the company's engineer was promoted: a significant change. */
const promotion = (companyId: string): Change => {
  const eventId = `evt-${randomUUID()}`;
  return {
    companyId,
    eventId,
    event: {
      id: eventId,
      type: 'person.role_change',
      timestamp: new Date().toISOString(),
      company: { id: companyId },
      person: {
        id: `${companyId}-eng`,
        oldTitle: 'Staff Engineer',
        newTitle: 'Principal Engineer',
      },
      changes: { title: { old: 'Staff Engineer', new: 'Principal Engineer' } },
    },
  };
};

async function send(changes: readonly Change[]): Promise<void> {
  for (const change of changes) {
    const response = await postWebhook(change.event, change.eventId);
    expect({ event: change.eventId, status: response.status }).toEqual({
      event: change.eventId,
      status: 202,
    });
  }
}

/** Fresh companies of the workspace, each with its first group saved (through CDC). */
async function companiesWithGroups(workspaceId: string, count: number): Promise<string[]> {
  const companyIds = await withDatabase(async (db) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) ids.push((await createCompany(db, workspaceId)).companyId);
    return ids;
  });
  await Promise.all(
    companyIds.map((id) => waitForGroup(id, (g) => g.members.size > 0, 'its first group')),
  );
  return companyIds;
}

/** Completed refresh logs of each change (by the webhook that triggered it), in order. */
async function savedRefreshes(changes: readonly Change[]): Promise<number[]> {
  return withDatabase(async (db) => {
    const counts: number[] = [];
    for (const { companyId, eventId } of changes) {
      const { rows } = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM buyer_group_refresh_logs
          WHERE company_id = $1 AND status = 'completed' AND triggered_by = $2`,
        [companyId, `webhook:demo:${eventId}`],
      );
      counts.push(Number(rows[0]?.n ?? 0));
    }
    return counts;
  });
}

/** One line per record, with what a reader of a failing test needs: where, which, why. */
const describeRecord = (record: TopicRecord<unknown>): string =>
  `${record.topic} ${record.partition}:${record.offset} key=${record.key} ` +
  `[${record.headers[Headers.errorKind] ?? '?'}] ${record.headers[Headers.error] ?? ''}`;

/** Every record the stages dead-letter or send to a retry tier from now on. */
function watchFailures(): Promise<TopicReader<Buffer>> {
  return readTopic([...deadLetterTopics, ...retryTopics], (value) => value, { from: 'now' });
}

/**
 * The dead letters of the test's companies. Other tests post touches for companies that do not
 * exist (they are dead-lettered as failed after their retries), and those may land meanwhile.
 */
const deadLetters = (failures: TopicReader<Buffer>, companyIds: readonly string[]): string[] =>
  failures.records
    .filter(
      (r) => deadLetterTopics.includes(r.topic) && r.key !== null && companyIds.includes(r.key),
    )
    .map(describeRecord);

const retriedFor = (failures: TopicReader<Buffer>, companyIds: readonly string[]) =>
  failures.records.filter(
    (r) => retryTopics.includes(r.topic) && r.key !== null && companyIds.includes(r.key),
  );

const companiesOf = (changes: readonly Change[]): string[] => changes.map((c) => c.companyId);

/**
 * Waits until each of the services has held a record past its retry tiers, or until anything
 * is dead-lettered (which the caller then reports with its reason).
 */
async function waitForHeldOrDeadLettered(
  failures: TopicReader<Buffer>,
  companyIds: readonly string[],
  heldBefore: ReadonlyMap<Service, number>,
  description: string,
): Promise<void> {
  await waitFor(
    async () => {
      if (deadLetters(failures, companyIds).length > 0) return true;
      for (const [service, before] of heldBefore) {
        if ((await stageRecords(service, 'held')) <= before) return false;
      }
      return true;
    },
    { timeoutMs: 45_000, intervalMs: 250, description },
  );
}

async function heldCounts(services: readonly Service[]): Promise<Map<Service, number>> {
  const counts = new Map<Service, number>();
  for (const service of services) counts.set(service, await stageRecords(service, 'held'));
  return counts;
}

function waitForReadiness(service: Service, status: 200 | 503, why: string): Promise<unknown> {
  return waitFor(async () => (await serviceStatus(service, '/readyz')) === status, {
    // Readiness probes are cached for 5 s (platform health.ts).
    timeoutMs: status === 503 ? 15_000 : 60_000,
    intervalMs: 250,
    description: `${service} /readyz to answer ${status} ${why}`,
  });
}

/** Waits until every change is saved, or anything is dead-lettered (reported by the caller). */
function waitForSavedOrDeadLettered(
  failures: TopicReader<Buffer>,
  changes: readonly Change[],
): Promise<unknown> {
  return waitFor(
    async () =>
      deadLetters(failures, companiesOf(changes)).length > 0 ||
      (await savedRefreshes(changes)).every((n) => n > 0),
    {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: `all ${changes.length} changes saved after the outage`,
    },
  );
}

/** The end of each test: every change saved exactly once, nothing dead-lettered, retries transient. */
async function expectAllSavedNoneDeadLettered(
  failures: TopicReader<Buffer>,
  changes: readonly Change[],
): Promise<void> {
  await failures.caughtUp();
  expect(deadLetters(failures, companiesOf(changes))).toEqual([]);
  expect(await savedRefreshes(changes)).toEqual(changes.map(() => 1));
  // What went to a retry tier went there as a dependency failure, not as a failed record.
  const retried = retriedFor(
    failures,
    changes.map((c) => c.companyId),
  );
  expect(retried.length).toBeGreaterThan(0);
  expect(
    retried.filter((r) => r.headers[Headers.errorKind] !== 'transient').map(describeRecord),
  ).toEqual([]);
}

/** True once a session of the service waits for a lock (its statement is in flight). */
function waitForLockWait(service: Service): Promise<unknown> {
  return waitFor(
    () =>
      withDatabase(async (db) => {
        const { rows } = await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
            WHERE application_name = $1 AND wait_event_type = 'Lock'`,
          [service],
        );
        return Number(rows[0]?.n ?? 0) > 0;
      }),
    { timeoutMs: 30_000, intervalMs: 100, description: `${service} waiting on a locked table` },
  );
}

describe('a dependency outage', () => {
  beforeAll(requireStack);

  it('holds valid records while the registry is down and the schema cache is cold, and saves every one when it is back', async () => {
    const workspace = await withDatabase((db) => createWorkspace(db));
    const companyIds = await companiesWithGroups(workspace, 4);
    // ingress encodes with the schemas it has looked up; a webhook while the registry answers
    // makes sure it has them, as a long-running ingress has (it is not the stage under test).
    const warmUp = promotion(companyIds[0] as string);
    await send([warmUp]);
    await waitFor(async () => (await savedRefreshes([warmUp]))[0] === 1, {
      description: 'the warm-up webhook saved',
    });

    const failures = await watchFailures();
    try {
      await stackCommand('stop', 'registry');
      // A restarted refresher has looked no schema up yet. `stack start refresher` waits for
      // the launcher's "healthy", which for a service is /readyz, and a refresher is not ready
      // while the registry is down: it is started without that wait, and waited for on its
      // liveness (/healthz) instead.
      await stackCommand('stop', 'refresher');
      await startWithoutWaiting('refresher');
      await waitFor(async () => (await serviceStatus('refresher', '/healthz')) === 200, {
        timeoutMs: 30_000,
        description: 'the refresher alive again (/healthz)',
      });
      const heldBefore = await heldCounts(['refresher']);

      const changes = companyIds.map(promotion);
      await send(changes);
      // Kept down until the refresher has spent the 2, 4 and 8 s tiers and holds.
      await waitForHeldOrDeadLettered(
        failures,
        companyIds,
        heldBefore,
        'the refresher to hold records past its retry tiers while the registry is down',
      );
      expect(deadLetters(failures, companyIds)).toEqual([]);
      await waitForReadiness('refresher', 503, 'while the registry is down');

      await stackCommand('start', 'registry');
      await waitForReadiness('refresher', 200, 'once the registry is back');
      await waitForSavedOrDeadLettered(failures, changes);
      await expectAllSavedNoneDeadLettered(failures, changes);
    } finally {
      await failures.stop();
      await restoreStack();
    }
  }, 180_000);

  it('holds the records in flight in the refresher and the sink while Postgres is down, and saves every one when it is back', async () => {
    const workspace = await withDatabase((db) => createWorkspace(db));
    const [atSink, atRefresher] = await Promise.all([
      companiesWithGroups(workspace, 3),
      companiesWithGroups(workspace, 3),
    ]);
    // No service restarts here: the stages keep the schemas they looked up for the first groups,
    // so the registry (which answers 500 while its own Postgres is down) is never asked.
    const heldBefore = await heldCounts(['refresher', 'sink']);
    const failures = await watchFailures();
    // Changes are only accepted while Postgres answers (ingress records each first). To have
    // them in flight when it stops, a transaction locks a table each stage reads and ingress
    // does not: the sink's save, then the refresher's roster read, wait on it until Postgres
    // goes down. The shutdown ends that transaction too, so a stage may get a statement or two
    // further before its own connection ends; either way its records are not done.
    const locker = new Client({ connectionString: stack.databaseUrl });
    locker.on('error', () => undefined); // its connection ends with the outage, as expected
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE buyer_groups IN ACCESS EXCLUSIVE MODE');
      const savedAtSink = atSink.map(promotion);
      await send(savedAtSink);
      await waitForLockWait('sink');
      // Not `people`: ingress reads it too (where a moved person was before), and would wait.
      await locker.query('LOCK TABLE person_upstream_commits IN ACCESS EXCLUSIVE MODE');
      const discoveredAtRefresher = atRefresher.map(promotion);
      await send(discoveredAtRefresher);
      await waitForLockWait('refresher');

      await stackCommand('stop', 'postgres');
      // Kept down until both stages have spent the 2, 4 and 8 s tiers and hold.
      await waitForHeldOrDeadLettered(
        failures,
        [...atSink, ...atRefresher],
        heldBefore,
        'the refresher and the sink to hold records past their retry tiers while Postgres is down',
      );
      expect(deadLetters(failures, [...atSink, ...atRefresher])).toEqual([]);
      await waitForReadiness('refresher', 503, 'while Postgres is down');
      await waitForReadiness('sink', 503, 'while Postgres is down');

      await stackCommand('start', 'postgres');
      // Apicurio keeps its data in this Postgres and keeps its pooled connections across the
      // outage: the first request on a connection that died answers 500, and the pool then
      // replaces it, so the registry recovers by itself (one 500, then 200s, measured on the
      // stack) and is not restarted here. Debezium Connect restarts its task by itself, 10 s
      // after it lost the connection.
      await waitFor(
        async () => (await fetch(`${stack.registryUrl}/subjects`)).status === 200 || undefined,
        { timeoutMs: 30_000, description: 'the registry answering again after Postgres' },
      );
      await waitForReadiness('refresher', 200, 'once Postgres is back');
      await waitForReadiness('sink', 200, 'once Postgres is back');
      const changes = [...savedAtSink, ...discoveredAtRefresher];
      await waitForSavedOrDeadLettered(failures, changes);
      await expectAllSavedNoneDeadLettered(failures, changes);
    } finally {
      await locker.end().catch(() => undefined);
      await failures.stop();
      await restoreStack();
    }
  }, 180_000);
});
