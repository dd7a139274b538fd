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
import {
  formatChangeLine,
  formatCount,
  formatLoad,
  formatSummary,
  formatWebhookLine,
} from './report/format';
import { FreshnessTracker } from './report/freshness';
import { summariseLatencies } from './report/percentiles';
import { RunCounters } from './report/progress';
import { behindWarning, formatPerSecond, IntervalRate, perSecond } from './report/rate';
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

/**
 * The progress line every 10 s; while the traffic runs, with the rate made over the last
 * interval, and a warning when it falls behind the rate asked for.
 */
function startProgress(tracker: FreshnessTracker, counters: RunCounters, requestedRate: number) {
  let rate: IntervalRate | undefined;
  const timer = setInterval(() => {
    const made = tracker.changesMade;
    const current = rate?.next(Date.now(), made);
    say(
      `· ${formatCount(made)} changes made` +
        (current === undefined ? '' : ` (${formatPerSecond(current)}/s)`) +
        `, ${formatCount(tracker.samples.length)} samples, ${formatCount(counters.savedGroups)} saved groups seen`,
    );
    const warning = current === undefined ? undefined : behindWarning(current, requestedRate);
    if (warning) warn(warning);
  }, PROGRESS_EVERY_MS);
  return {
    trafficStarted: (): void => {
      rate = new IntervalRate(Date.now(), tracker.changesMade);
    },
    /** Waiting for the last changes is not falling behind. */
    trafficEnded: (): void => {
      rate = undefined;
    },
    stop: (): void => clearInterval(timer),
  };
}

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
        for (const sample of tracker.observe(record)) {
          const line = formatWebhookLine(sample, record);
          if (line !== undefined) say(line);
        }
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

  /** Changes made per second of traffic: from the first change planned to the last one made. */
  let achievedRate: number | undefined;
  try {
    if (options.traffic) {
      const progress = startProgress(tracker, counters, options.rate);
      try {
        const until =
          options.changes === undefined
            ? 'until Ctrl-C'
            : `${formatCount(options.changes)} changes`;
        say(`traffic: ${options.rate} changes/s, ${until}`);
        let trafficStartedAt = Date.now();
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
            onPeople: (people) => {
              people.forEach((p) => personNames.set(p.id, p.fullName));
              // The people are read; the changes start now.
              trafficStartedAt = Date.now();
              progress.trafficStarted();
            },
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
        progress.trafficEnded();
        achievedRate = perSecond(tracker.changesMade, Date.now() - trafficStartedAt);
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
        progress.stop();
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
      ...(achievedRate === undefined
        ? {}
        : { traffic: { achievedRate, requestedRate: options.rate } }),
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
