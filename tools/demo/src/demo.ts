/**
 * One demo run: load the dataset, watch the saved buyer groups, make live changes if asked,
 * and report how fresh the groups were kept. main.ts wires it to the process.
 */
import { randomBytes } from 'node:crypto';
import { createKafka, createLogger, createSchemaCodec } from '@bgs/platform';
import type { Pool } from 'pg';
import type { DemoOptions } from './args';
import type { Dataset } from './dataset/rows';
import { loadDataset } from './db/load';
import type { StackEndpoints } from './endpoints';
import { errorText } from './failures';
import { say, warn } from './output';
import { formatChangeLine, formatCount, formatLoad, formatSummary } from './report/format';
import { FreshnessTracker } from './report/freshness';
import { summariseLatencies } from './report/percentiles';
import { RunCounters } from './report/progress';
import { createSeenWaiter } from './report/seen-waiter';
import { runDemoTraffic } from './traffic/start';
import { startWatcher, WATCHED_TOPICS } from './watch/watcher';

export interface DemoContext {
  readonly options: DemoOptions;
  readonly dataset: Dataset;
  readonly endpoints: StackEndpoints;
  readonly pool: Pool;
  readonly webhookSecret: string;
  /** Aborted on Ctrl-C or SIGTERM: stop, then print the summary. */
  readonly signal: AbortSignal;
}

export const WEBHOOK_SOURCE = 'demo';
const JOIN_TIMEOUT_MS = 30_000;
const PROGRESS_EVERY_MS = 10_000;
const PROBLEMS_SHOWN = 5;

const untilAborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

/** Returns the process exit code. */
export async function runDemo(context: DemoContext): Promise<number> {
  const { options, dataset, endpoints, pool, signal } = context;
  const demoStarted = Date.now();

  say(formatLoad(await loadDataset(pool, dataset)));
  const companyNames = new Map(dataset.companies.map((c) => [c.id, c.name]));
  const personNames = new Map(dataset.people.map((p) => [p.id, p.fullName]));

  const counters = new RunCounters();
  const tracker = new FreshnessTracker();
  const waiter = createSeenWaiter(() => tracker.allSeen());
  let badRecords = 0;

  const logger = createLogger({ service: 'bgs-demo', level: 'warn', stream: process.stderr });
  const groupId = `bgs-demo-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const watcher = await startWatcher({
    kafka: createKafka({ brokers: endpoints.kafkaBrokers, clientId: 'bgs-demo', logger }),
    codec: createSchemaCodec({ url: endpoints.schemaRegistryUrl, clientId: 'bgs-demo' }),
    groupId,
    joinTimeoutMs: JOIN_TIMEOUT_MS,
    handlers: {
      onChange: (record) => {
        if (!counters.firstChangeRecord(record.companyId, record.generation)) return;
        const name = companyNames.get(record.companyId);
        say(formatChangeLine(record, name, (id) => personNames.get(id)));
      },
      onState: (record) => {
        counters.firstSavedGroup(record.companyId, record.generation);
        tracker.observe(record);
        waiter.notify();
      },
      onBadRecord: (topic, error) => {
        if (++badRecords <= PROBLEMS_SHOWN)
          warn(`! unreadable record on ${topic}: ${errorText(error)}`);
      },
    },
  });
  // Samples count from here: what happened before (the load included) is not the demo's.
  tracker.start(Date.now());
  say(`watching ${WATCHED_TOPICS.join(' and ')} from the end (group ${groupId})`);

  try {
    if (options.traffic) {
      const progress = setInterval(() => {
        say(
          `· ${formatCount(tracker.changesMade)} changes made, ` +
            `${formatCount(tracker.samples.length)} samples, ${formatCount(counters.savedGroups)} saved groups seen`,
        );
      }, PROGRESS_EVERY_MS);
      try {
        const until =
          options.changes === undefined
            ? 'until Ctrl-C'
            : `${formatCount(options.changes)} changes`;
        say(`traffic: ${options.rate} changes/s, ${until}`);
        const traffic = await runDemoTraffic(
          pool,
          dataset,
          {
            rate: options.rate,
            changes: options.changes,
            seed: options.seed,
            signal,
            webhook: {
              url: `${endpoints.ingressUrl}/webhooks/${WEBHOOK_SOURCE}`,
              secret: context.webhookSecret,
              source: WEBHOOK_SOURCE,
            },
          },
          {
            onPeople: (people) => people.forEach((p) => personNames.set(p.id, p.fullName)),
            onMade: (change, person) => {
              if (person) personNames.set(person.id, person.fullName); // a hire
              counters.countMade(change);
              tracker.recordChange(change);
            },
            onFailed: (change, error) => {
              if (++counters.failed <= PROBLEMS_SHOWN) {
                warn(
                  `! ${change.via}:${change.kind} failed (${change.summary}): ${errorText(error)}`,
                );
              }
            },
          },
        );
        if (traffic.stoppedBecause === 'failing') {
          warn('! traffic stopped: too many changes failed in a row (./bgs status)');
        }
        if (!signal.aborted && !tracker.allSeen()) {
          const waiting = formatCount(tracker.unseen().length);
          say(
            `waiting up to ${options.timeoutSeconds} s for ${waiting} changes still on their way`,
          );
          await waiter.wait(options.timeoutSeconds * 1000, signal);
        }
      } finally {
        clearInterval(progress);
      }
    } else {
      say(
        'no --traffic: make changes yourself (psql, webhooks) and watch them arrive; Ctrl-C to stop',
      );
      await untilAborted(signal);
    }
  } finally {
    await watcher
      .stop()
      .catch((error: unknown) => warn(`! stopping the watcher: ${errorText(error)}`));
  }

  const unseen = tracker.unseen();
  say(
    formatSummary({
      changesMade: tracker.changesMade,
      changesBy: { sql: counters.sql, webhook: counters.webhook },
      changesFailed: counters.failed,
      latencies: summariseLatencies(tracker.samples),
      savedGroupsSeen: counters.savedGroups,
      changeRecordsSeen: counters.changeRecords,
      unseen,
      elapsedMs: Date.now() - demoStarted,
    }),
  );
  if (options.changes === undefined) return 0;
  const short = tracker.changesMade < options.changes;
  if (short)
    say(
      `only ${formatCount(tracker.changesMade)} of ${formatCount(options.changes)} changes were made`,
    );
  return unseen.length > 0 || short ? 1 : 0;
}
