/**
 * The demo's --traffic phase: make the changes at the rate asked, report progress every 10 s,
 * then wait (bounded) for the last changes to reach a saved group.
 */
import type { DemoContext } from './demo-context';
import { problemShown, progressLine, trafficLine } from './demo-lines';
import type { DemoLive } from './demo-watch';
import { errorText } from './failures';
import { say, warn } from './output';
import { formatCount } from './report/format';
import { behindWarning, IntervalRate, perSecond } from './report/rate';
import { runDemoTraffic, type DemoTrafficHandlers } from './traffic/start';

export const WEBHOOK_SOURCE = 'demo';
const PROGRESS_EVERY_MS = 10_000;

interface Progress {
  trafficStarted(): void;
  /** Waiting for the last changes is not falling behind. */
  trafficEnded(): void;
  stop(): void;
}

/**
 * The progress line every 10 s; while the traffic runs, with the rate made over the last
 * interval, and a warning when it falls behind the rate asked for.
 */
function startProgress(live: DemoLive, requestedRate: number): Progress {
  const { tracker, counters } = live;
  let rate: IntervalRate | undefined;
  const timer = setInterval(() => {
    const current = rate?.next(Date.now(), tracker.changesMade);
    say(
      progressLine({
        changesMade: tracker.changesMade,
        ratePerSecond: current,
        samples: tracker.samples.length,
        savedGroups: counters.savedGroups,
      }),
    );
    const warning = current === undefined ? undefined : behindWarning(current, requestedRate);
    if (warning) warn(warning);
  }, PROGRESS_EVERY_MS);
  return {
    trafficStarted: () => {
      rate = new IntervalRate(Date.now(), tracker.changesMade);
    },
    trafficEnded: () => {
      rate = undefined;
    },
    stop: () => clearInterval(timer),
  };
}

/** Names every person the traffic touches, counts what it made, warns of the first failures. */
function trafficHandlers(live: DemoLive, onStarted: () => void): DemoTrafficHandlers {
  const { counters, tracker, personNames } = live;
  return {
    onPeople: (people) => {
      people.forEach((p) => personNames.set(p.id, p.fullName));
      // The people are read; the changes start now.
      onStarted();
    },
    onMade: (change, person) => {
      if (person) personNames.set(person.id, person.fullName); // a hire
      counters.countMade(change);
      tracker.recordChange(change);
    },
    onFailed: (change, error) => {
      if (problemShown(++counters.failed)) {
        warn(`! ${change.via}:${change.kind} failed (${change.summary}): ${errorText(error)}`);
      }
    },
  };
}

/**
 * Runs the traffic and waits for its changes to be seen. Returns the changes made per second
 * of traffic: from the first change planned to the last one made.
 */
export async function runTrafficPhase(context: DemoContext, live: DemoLive): Promise<number> {
  const { options, endpoints, signal } = context;
  const { tracker, waiter } = live;
  const progress = startProgress(live, options.rate);
  try {
    say(trafficLine(options));
    let trafficStartedAt = Date.now();
    const traffic = await runDemoTraffic(
      context.pool,
      context.dataset,
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
      trafficHandlers(live, () => {
        trafficStartedAt = Date.now();
        progress.trafficStarted();
      }),
    );
    progress.trafficEnded();
    const achievedRate = perSecond(tracker.changesMade, Date.now() - trafficStartedAt);
    if (traffic.stoppedBecause === 'failing') {
      warn('! traffic stopped: too many changes failed in a row (./bgs status)');
    }
    if (!signal.aborted && !tracker.allSeen()) {
      const waiting = formatCount(tracker.unseen().length);
      say(`waiting up to ${options.timeoutSeconds} s for ${waiting} changes still on their way`);
      await waiter.wait(options.timeoutSeconds * 1000, signal);
    }
    return achievedRate;
  } finally {
    progress.stop();
  }
}
