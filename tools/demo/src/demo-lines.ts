/**
 * What a demo run prints and how it ends, decided from plain values: demo.ts and its parts
 * only say the lines these give and return the exit code.
 */
import type { DemoOptions } from './args';
import { formatCount, type SummaryInput } from './report/format';
import type { LatencySummary } from './report/percentiles';
import { formatPerSecond } from './report/rate';

/** The problems of one kind shown on stderr; the rest are only counted. */
export const PROBLEMS_SHOWN = 5;

/** The n-th problem of its kind (counting from 1) is shown while it is among the first few. */
export const problemShown = (n: number): boolean => n <= PROBLEMS_SHOWN;

/** `· 1,200 changes made (20/s), 1,180 samples, 950 saved groups seen`; no rate before one is known. */
export function progressLine(progress: {
  readonly changesMade: number;
  readonly ratePerSecond: number | undefined;
  readonly samples: number;
  readonly savedGroups: number;
}): string {
  const rate =
    progress.ratePerSecond === undefined ? '' : ` (${formatPerSecond(progress.ratePerSecond)}/s)`;
  return (
    `· ${formatCount(progress.changesMade)} changes made` +
    rate +
    `, ${formatCount(progress.samples)} samples, ${formatCount(progress.savedGroups)} saved groups seen`
  );
}

/** `traffic: 20 changes/s, 500 changes` or `traffic: 20 changes/s, until Ctrl-C`. */
export function trafficLine(options: Pick<DemoOptions, 'rate' | 'changes'>): string {
  const until =
    options.changes === undefined ? 'until Ctrl-C' : `${formatCount(options.changes)} changes`;
  return `traffic: ${options.rate} changes/s, ${until}`;
}

export const NO_TRAFFIC_LINE =
  'no --traffic: make changes yourself (psql, webhooks) and watch them arrive; Ctrl-C to stop';

/** The counts a finished run has, as the summary wants them. */
export interface RunTotals {
  readonly changesMade: number;
  readonly sql: number;
  readonly webhook: number;
  readonly failed: number;
  readonly latencies: LatencySummary | undefined;
  readonly savedGroups: number;
  readonly changeRecords: number;
  readonly unseen: SummaryInput['unseen'];
  readonly elapsedMs: number;
  /** Changes made per second of traffic; undefined without --traffic. */
  readonly achievedRate: number | undefined;
}

export function summaryInput(totals: RunTotals, requestedRate: number): SummaryInput {
  return {
    changesMade: totals.changesMade,
    changesBy: { sql: totals.sql, webhook: totals.webhook },
    changesFailed: totals.failed,
    latencies: totals.latencies,
    savedGroupsSeen: totals.savedGroups,
    changeRecordsSeen: totals.changeRecords,
    unseen: totals.unseen,
    elapsedMs: totals.elapsedMs,
    ...(totals.achievedRate === undefined
      ? {}
      : { traffic: { achievedRate: totals.achievedRate, requestedRate } }),
  };
}

export interface Verdict {
  readonly exitCode: 0 | 1;
  /** Printed after the summary when fewer changes were made than --changes asked. */
  readonly shortfall: string | undefined;
}

/**
 * Only a run with --changes is judged: 1 when a change made was not seen in time, or when fewer
 * were made than asked. A run until Ctrl-C always ends 0.
 */
export function demoVerdict(
  requestedChanges: number | undefined,
  changesMade: number,
  unseen: number,
): Verdict {
  if (requestedChanges === undefined) return { exitCode: 0, shortfall: undefined };
  const short = changesMade < requestedChanges;
  return {
    exitCode: unseen > 0 || short ? 1 : 0,
    shortfall: short
      ? `only ${formatCount(changesMade)} of ${formatCount(requestedChanges)} changes were made`
      : undefined,
  };
}
