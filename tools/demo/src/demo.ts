/**
 * One demo run: load the dataset, watch the saved buyer groups, make live changes if asked,
 * and report how fresh the groups were kept. main.ts wires it to the process.
 */
import { loadDataset } from './db/load';
import type { DemoContext } from './demo-context';
import { demoVerdict, NO_TRAFFIC_LINE, summaryInput } from './demo-lines';
import { runTrafficPhase } from './demo-traffic';
import { createDemoLive, watchSavedGroups, type DemoLive } from './demo-watch';
import { errorText } from './failures';
import { say, warn } from './output';
import { formatLoad, formatSummary } from './report/format';
import { summariseLatencies } from './report/percentiles';
import { WATCHED_TOPICS } from './watch/watcher';

export { WEBHOOK_SOURCE } from './demo-traffic';

export type { DemoContext } from './demo-context';

const untilAborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

/**
 * With --traffic, the changes made per second of traffic (from the first change planned to the
 * last one made); without, the user makes the changes until Ctrl-C.
 */
async function makeChanges(context: DemoContext, live: DemoLive): Promise<number | undefined> {
  if (context.options.traffic) return runTrafficPhase(context, live);
  say(NO_TRAFFIC_LINE);
  await untilAborted(context.signal);
  return undefined;
}

/** Prints the summary (and a shortfall); returns the exit code. */
function finish(
  context: DemoContext,
  live: DemoLive,
  achievedRate: number | undefined,
  demoStarted: number,
): number {
  const { options } = context;
  const { counters, tracker } = live;
  const unseen = tracker.unseen();
  const totals = {
    changesMade: tracker.changesMade,
    sql: counters.sql,
    webhook: counters.webhook,
    failed: counters.failed,
    latencies: summariseLatencies(tracker.samples),
    savedGroups: counters.savedGroups,
    changeRecords: counters.changeRecords,
    unseen,
    elapsedMs: Date.now() - demoStarted,
    achievedRate,
  };
  say(formatSummary(summaryInput(totals, options.rate)));
  const verdict = demoVerdict(options.changes, tracker.changesMade, unseen.length);
  if (verdict.shortfall !== undefined) say(verdict.shortfall);
  return verdict.exitCode;
}

/** Returns the process exit code. */
export async function runDemo(context: DemoContext): Promise<number> {
  const demoStarted = Date.now();

  say(formatLoad(await loadDataset(context.pool, context.dataset)));
  const live = createDemoLive(context.dataset);
  const { watcher, groupId } = await watchSavedGroups(context.endpoints, live);
  // Samples count from here: what happened before (the load included) is not the demo's.
  live.tracker.start(Date.now());
  say(`watching ${WATCHED_TOPICS.join(' and ')} from the end (group ${groupId})`);

  let achievedRate: number | undefined;
  try {
    achievedRate = await makeChanges(context, live);
  } finally {
    await watcher
      .stop()
      .catch((error: unknown) => warn(`! stopping the watcher: ${errorText(error)}`));
  }
  return finish(context, live, achievedRate, demoStarted);
}
