/** The per-fault table the chaos run prints beside the checker's. */
import type { CheckReport } from '../checker/types';
import type { FaultRow } from './run-faults';

const seconds = (ms: number | undefined): string =>
  ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`;

export function formatFaultTable(rows: readonly FaultRow[]): string {
  const header = ['fault', 'time to recover', 'changes affected', 'note'];
  const body = rows.map((r) => [
    r.fault,
    seconds(r.recoverMs),
    String(r.changesAffected),
    r.error ?? '',
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...body.map(line)].join('\n');
}

export function totalViolations(report: CheckReport): number {
  return report.invariants.reduce((sum, invariant) => sum + invariant.violations.length, 0);
}
