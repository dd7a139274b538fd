/**
 * The demo's live state and its watcher: every saved group and change record that comes in is
 * counted, matched to the changes made and printed as a line.
 */
import { randomBytes } from 'node:crypto';
import { createKafka, createLogger, createSchemaCodec } from '@bgs/platform';
import type { Dataset } from './dataset/rows';
import { problemShown } from './demo-lines';
import type { StackEndpoints } from './endpoints';
import { errorText } from './failures';
import { say, warn } from './output';
import { formatChangeLine, formatWebhookLine } from './report/format';
import { FreshnessTracker } from './report/freshness';
import { RunCounters } from './report/progress';
import { createSeenWaiter, type SeenWaiter } from './report/seen-waiter';
import { startWatcher, type WatchHandlers, type Watcher } from './watch/watcher';

const JOIN_TIMEOUT_MS = 30_000;

/** What a run keeps as the live events come in; the watcher and the traffic both feed it. */
export interface DemoLive {
  readonly counters: RunCounters;
  readonly tracker: FreshnessTracker;
  /** Woken by each saved group, so the wait for the last changes needs no polling. */
  readonly waiter: SeenWaiter;
  readonly companyNames: ReadonlyMap<string, string>;
  /** The dataset's people, then the traffic's (hires included): names for the live lines. */
  readonly personNames: Map<string, string>;
}

export function createDemoLive(dataset: Dataset): DemoLive {
  const tracker = new FreshnessTracker();
  return {
    counters: new RunCounters(),
    tracker,
    waiter: createSeenWaiter(() => tracker.allSeen()),
    companyNames: new Map(dataset.companies.map((c) => [c.id, c.name])),
    personNames: new Map(dataset.people.map((p) => [p.id, p.fullName])),
  };
}

/** A line per first change record, samples per saved group, the first few bad records warned. */
function liveHandlers(live: DemoLive): WatchHandlers {
  const { counters, tracker, waiter, companyNames, personNames } = live;
  let badRecords = 0;
  return {
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
      if (problemShown(++badRecords)) warn(`! unreadable record on ${topic}: ${errorText(error)}`);
    },
  };
}

/** Watches the saved groups from the end, in a consumer group of this run's own. */
export async function watchSavedGroups(
  endpoints: StackEndpoints,
  live: DemoLive,
): Promise<{ readonly watcher: Watcher; readonly groupId: string }> {
  const logger = createLogger({ service: 'bgs-demo', level: 'warn', stream: process.stderr });
  const groupId = `bgs-demo-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const watcher = await startWatcher({
    kafka: createKafka({ brokers: endpoints.kafkaBrokers, clientId: 'bgs-demo', logger }),
    codec: createSchemaCodec({ url: endpoints.schemaRegistryUrl, clientId: 'bgs-demo' }),
    groupId,
    joinTimeoutMs: JOIN_TIMEOUT_MS,
    handlers: liveHandlers(live),
  });
  return { watcher, groupId };
}
