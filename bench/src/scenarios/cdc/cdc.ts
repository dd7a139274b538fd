/**
 * `./bgs bench cdc`: one transaction changes `job_title` of N `people` rows; how long until
 * the last of its changes is on `cdc.public.people`, and until every touched company has a
 * saved group that includes it. Ours only: the baseline has no CDC.
 */
import { randomBytes } from 'node:crypto';
import { startWatcher } from '@bgs/demo';
import { Topics } from '@bgs/platform';
import type { Consumer } from 'kafkajs';
import type { BenchOptions } from '../../args';
import { say, warn } from '../../output';
import { formatMs, formatRate, formatTable } from '../../report/table';
import { writeResult } from '../../results/results';
import type { BenchStack } from '../../systems/stack';
import { until } from '../../systems/system';
import { prepareDataset } from '../prepare';
import { GroupSaves, TITLE_SUFFIX, TOGGLE_TITLES_SQL, txIdOf } from './tracking';

export interface CdcRun {
  readonly rows: number;
  readonly companies: number;
  readonly commitMs: number;
  /** From COMMIT returning to this process reading the transaction's last record. */
  readonly toLastCdcRecordMs: number | undefined;
  readonly cdcRecords: number;
  /** From COMMIT returning to the save that completed every touched company's group. */
  readonly toAllGroupsSavedMs: number | undefined;
  readonly groupsSaved: number;
  readonly groupsMissing: number;
}

/** Counts one transaction's records on the CDC topic, from the end offsets taken before it. */
class TransactionCounter {
  txId: string | undefined;
  count = 0;
  lastSeenAt = 0;
  private constructor(private readonly consumer: Consumer) {}

  static async start(stack: BenchStack): Promise<TransactionCounter> {
    const ends = await stack.admin.fetchTopicOffsets(Topics.cdcPeople);
    const consumer = stack.kafka.consumer({
      groupId: `bgs-bench-cdc-${randomBytes(4).toString('hex')}`,
      maxWaitTimeInMs: 100,
    });
    const counter = new TransactionCounter(consumer);
    const joined = new Promise<void>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve());
    });
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.cdcPeople, fromBeginning: false });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          if (counter.txId !== undefined && txIdOf(message.value) === counter.txId) {
            counter.count++;
            counter.lastSeenAt = Date.now();
          }
        }
      },
    });
    await joined;
    for (const { partition, high } of ends) {
      consumer.seek({ topic: Topics.cdcPeople, partition, offset: high });
    }
    return counter;
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

/** Commits the change; returns the transaction id and when COMMIT was sent and returned. */
async function commitChange(
  stack: BenchStack,
  ids: readonly string[],
  counter: TransactionCounter,
) {
  const client = await stack.pool.connect();
  try {
    await client.query('BEGIN');
    // Debezium reports the 32-bit xid; txid_current() adds the epoch above it.
    const { rows } = await client.query<{ xid: string }>(
      'SELECT (txid_current() % 4294967296)::text AS xid',
    );
    counter.txId = rows[0]?.xid;
    await client.query(TOGGLE_TITLES_SQL, [ids, TITLE_SUFFIX]);
    const sentAt = Date.now();
    await client.query('COMMIT');
    return { sentAt, committedAt: Date.now() };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function cdcRun(
  stack: BenchStack,
  companyIds: readonly string[],
  rows: number,
  saves: GroupSaves,
  options: BenchOptions,
  signal: AbortSignal,
): Promise<CdcRun> {
  const { rows: people } = await stack.pool.query<{ id: string; company_id: string }>(
    'SELECT id, company_id FROM people WHERE company_id = ANY($1::text[]) ORDER BY id LIMIT $2',
    [companyIds, rows],
  );
  if (people.length < rows) warn(`! only ${people.length} people rows in the dataset`);
  const touched = new Set(people.map((p) => p.company_id));
  say(
    `cdc: one transaction changing job_title of ${people.length} rows (${touched.size} companies)`,
  );
  const counter = await TransactionCounter.start(stack);
  try {
    const { sentAt, committedAt } = await commitChange(
      stack,
      people.map((p) => p.id),
      counter,
    );
    // A save counts when its group includes a people change committed from the COMMIT on.
    saves.expect(touched, sentAt);
    const timeoutMs = (options.unseenTimeoutSeconds + people.length / 200) * 1000;
    const progress = setInterval(
      () =>
        say(
          `· ${counter.count} of ${people.length} on the topic, ${saves.saved} of ${touched.size} groups saved`,
        ),
      5_000,
    );
    try {
      await until(() => counter.count >= people.length, timeoutMs, signal).promise;
      await until(() => saves.missing === 0, timeoutMs, signal).promise;
    } finally {
      clearInterval(progress);
    }
    const last = saves.lastSavedAt();
    return {
      rows: people.length,
      companies: touched.size,
      commitMs: committedAt - sentAt,
      toLastCdcRecordMs:
        counter.count >= people.length ? counter.lastSeenAt - committedAt : undefined,
      cdcRecords: counter.count,
      toAllGroupsSavedMs: last === undefined ? undefined : last - committedAt,
      groupsSaved: saves.saved,
      groupsMissing: saves.missing,
    };
  } finally {
    await counter.stop();
  }
}

function printRuns(runs: readonly CdcRun[]): void {
  say();
  say('cdc (ours only: the baseline has no CDC):');
  say(
    formatTable(
      [
        'rows',
        'companies',
        'COMMIT',
        'to last CDC record',
        'CDC records',
        'to every group saved',
        'rows/s to groups',
        'groups missing',
      ],
      runs.map((run) => [
        String(run.rows),
        String(run.companies),
        formatMs(run.commitMs),
        formatMs(run.toLastCdcRecordMs),
        String(run.cdcRecords),
        formatMs(run.toAllGroupsSavedMs),
        run.toAllGroupsSavedMs ? formatRate((run.rows * 1000) / run.toAllGroupsSavedMs) : '–',
        String(run.groupsMissing),
      ]),
    ),
  );
}

export async function runCdc(
  stack: BenchStack,
  options: BenchOptions,
  signal: AbortSignal,
): Promise<number> {
  const startedAt = new Date();
  say('the baseline has no CDC: this scenario measures ours only');
  const prepared = await prepareDataset(stack, options, signal);
  const saves = new GroupSaves();
  const watcher = await startWatcher({
    kafka: stack.kafka,
    codec: stack.codec,
    groupId: `bgs-bench-cdc-watch-${randomBytes(4).toString('hex')}`,
    joinTimeoutMs: 30_000,
    handlers: {
      onChange: () => undefined,
      onState: (record) => saves.observe(record),
      onBadRecord: (topic, error) => warn(`! unreadable record on ${topic}: ${String(error)}`),
    },
  });
  const runs: CdcRun[] = [];
  try {
    const companyIds = prepared.dataset.companies.map((c) => c.id);
    for (const rows of options.rows) {
      if (signal.aborted) break;
      runs.push(await cdcRun(stack, companyIds, rows, saves, options, signal));
    }
  } finally {
    await watcher.stop();
  }
  printRuns(runs);
  const path = writeResult(
    'cdc',
    {
      scenario: 'cdc',
      startedAt: startedAt.toISOString(),
      options,
      baseline: 'not applicable: no CDC',
      runs,
    },
    options.resultsDir,
  );
  say(`results: ${path}`);
  return runs.every((run) => run.groupsMissing === 0 && run.cdcRecords >= run.rows) ? 0 : 1;
}
