import type { CheckReport, Violation } from './checker/types';
import { badArgsExitCode, chaosExitCode, tally, tallyLine, trafficLine } from './outcome';
import type { FaultRow } from './run/run-faults';
import type { TrafficStats } from './run/traffic';

const stats = (rejected: string[] = []): TrafficStats => ({
  made: 412,
  webhookRetries: 37,
  sqlNotMade: 5,
  rejected,
});

const fault = (name: string, recoverMs: number | undefined): FaultRow => ({
  fault: name,
  recoverMs,
  changesAffected: 10,
  startedAt: 0,
  recoveredAt: 0,
});

const report = (violations: number[]): CheckReport => ({
  invariants: violations.map((count, i) => ({
    name: i === 0 ? 'no-loss' : 'convergence',
    checked: 100,
    violations: Array.from({ length: count }, (): Violation => ({
      invariant: 'no-loss',
      detail: 'a change never saved',
    })),
  })),
  providerRetries: 0,
});

describe('trafficLine', () => {
  it('says what the traffic made, retried, could not make and had refused', () => {
    expect(trafficLine(stats(['webhook evt-1: 401']))).toBe(
      'traffic: 412 changes made, 37 webhook retries, 5 SQL writes not made (Postgres down), 1 refused',
    );
  });
});

describe('tally', () => {
  it("counts the guarantees' violations and every refused change as violations", () => {
    expect(tally(report([2, 1]), stats(['webhook evt-1: 401']), []).violations).toBe(4);
  });

  it('counts the faults that never recovered', () => {
    const faults = [fault('kill refresher', 4_200), fault('registry down', undefined)];
    expect(tally(report([0]), stats(), faults)).toEqual({ violations: 0, unrecovered: 1 });
  });
});

describe('tallyLine', () => {
  it('closes the run after a blank line', () => {
    expect(tallyLine({ violations: 3, unrecovered: 1 })).toBe(
      '\n3 violations; 1 faults without recovery',
    );
  });
});

describe('exit codes', () => {
  it('is 0 only when nothing was violated and every fault recovered', () => {
    expect(chaosExitCode({ violations: 0, unrecovered: 0 })).toBe(0);
    expect(chaosExitCode({ violations: 1, unrecovered: 0 })).toBe(1);
    expect(chaosExitCode({ violations: 0, unrecovered: 1 })).toBe(1);
  });

  it('is 0 for --help and 2 for bad options', () => {
    expect(badArgsExitCode(true)).toBe(0);
    expect(badArgsExitCode(false)).toBe(2);
  });
});
