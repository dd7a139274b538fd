/**
 * The report as text for the runner to print: a table of the invariants (checked, violations),
 * then the first violations of each and the notes.
 */
import type { CheckReport, InvariantResult } from './types';

/** How many violations of one invariant are spelled out; the rest are counted. */
export const DETAILS_PER_INVARIANT = 10;

const row = (cells: readonly string[], widths: readonly number[]): string =>
  cells
    .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
    .join('  ')
    .trimEnd();

function table(invariants: readonly InvariantResult[]): string[] {
  const header = ['invariant', 'checked', 'violations'];
  const rows = invariants.map((r) => [r.name, String(r.checked), String(r.violations.length)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  return [row(header, widths), ...rows.map((r) => row(r, widths))];
}

function details(result: InvariantResult): string[] {
  const lines = result.violations
    .slice(0, DETAILS_PER_INVARIANT)
    .map((v) => `  ✗ ${result.name}${v.companyId ? ` [${v.companyId}]` : ''}: ${v.detail}`);
  const more = result.violations.length - DETAILS_PER_INVARIANT;
  if (more > 0) lines.push(`  … and ${more} more ${result.name} violations`);
  for (const note of result.notes ?? []) lines.push(`  · ${result.name}: ${note}`);
  return lines;
}

export function formatReport(report: CheckReport): string {
  const lines = [...table(report.invariants), '', `provider retries: ${report.providerRetries}`];
  const explained = report.invariants.flatMap(details);
  if (explained.length > 0) lines.push('', ...explained);
  return lines.join('\n');
}

export function countViolations(report: CheckReport): number {
  return report.invariants.reduce((sum, r) => sum + r.violations.length, 0);
}
