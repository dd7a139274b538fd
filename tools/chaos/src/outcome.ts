/** What a finished chaos run prints about itself and how it exits, from its counts. Pure. */
import type { CheckReport } from './checker';
import { totalViolations } from './run/report';
import type { FaultRow } from './run/run-faults';
import type { TrafficStats } from './run/traffic';

export function trafficLine(stats: TrafficStats): string {
  return (
    `traffic: ${stats.made} changes made, ${stats.webhookRetries} webhook retries, ` +
    `${stats.sqlNotMade} SQL writes not made (Postgres down), ${stats.rejected.length} refused`
  );
}

export interface Tally {
  /** Violations of the guarantees, plus changes ingress refused (the traffic is all valid). */
  readonly violations: number;
  readonly unrecovered: number;
}

export function tally(
  report: CheckReport,
  stats: TrafficStats,
  faults: readonly FaultRow[],
): Tally {
  return {
    violations: totalViolations(report) + stats.rejected.length,
    unrecovered: faults.filter((r) => r.recoverMs === undefined).length,
  };
}

export const tallyLine = ({ violations, unrecovered }: Tally): string =>
  `\n${violations} violations; ${unrecovered} faults without recovery`;

/** 0 when nothing was violated and every fault recovered, else 1. */
export const chaosExitCode = ({ violations, unrecovered }: Tally): 0 | 1 =>
  violations === 0 && unrecovered === 0 ? 0 : 1;

/** Bad options: the message on stderr, then 0 for --help, 2 for anything else. */
export const badArgsExitCode = (help: boolean): 0 | 2 => (help ? 0 : 2);
