/**
 * one-refresh-log: the topic and the table tell the same story. Every generation published on
 * `buyer-groups` has exactly one `completed` refresh log, and every refresh log has a
 * published generation behind it. The unique constraint on (company, generation) only rules
 * out two rows; it says nothing about a save without a log, a log without a save, or a log that
 * claims a save the topic never saw.
 *
 * A `skipped` log is the sink's record of a stale delivery (a generation older than the saved
 * one, `superseded by generation N`): it has no publication of its own, but it must be older
 * than a generation that was published. Any other status (the sink writes none) is reported.
 *
 * The topic is compacted (the newest record per company is kept forever), but every record is
 * kept at least a day first (`min.compaction.lag.ms`), so a run's records are all there when it
 * is checked; on a topic provisioned without that lag a log without a record may be the
 * cleaner's doing, and the detail says when a newer record of the company exists.
 */
import type { Queryable } from '../db';
import type { InvariantResult, Violation } from '../types';
import { groupBy, type OriginRef, type RefreshLogRow } from '../records';

export interface PublishedGeneration {
  readonly companyId: string;
  readonly generation: number;
}

export interface RefreshLogInput {
  readonly published: readonly PublishedGeneration[];
  readonly logs: readonly RefreshLogRow[];
}

const NAME = 'one-refresh-log' as const;

const pairKey = (companyId: string, generation: number): string =>
  `${companyId}\u0000${generation}`;

function publishedGenerations(published: readonly PublishedGeneration[]): {
  pairs: Map<string, PublishedGeneration>;
  newest: Map<string, number>;
} {
  const pairs = new Map<string, PublishedGeneration>();
  const newest = new Map<string, number>();
  for (const p of published) {
    pairs.set(pairKey(p.companyId, p.generation), p);
    newest.set(p.companyId, Math.max(newest.get(p.companyId) ?? -1, p.generation));
  }
  return { pairs, newest };
}

/** Why a log row with no record of its generation is wrong, or undefined if it is not. */
function unpublishedLogProblem(
  log: RefreshLogRow,
  newestPublished: number | undefined,
): string | undefined {
  const newer =
    newestPublished !== undefined && newestPublished > log.generation
      ? ` (generation ${newestPublished} of the company is published; compacted away?)`
      : '';
  if (log.status === 'skipped') {
    return newestPublished !== undefined && newestPublished > log.generation
      ? undefined
      : `skipped refresh log of generation ${log.generation} (${log.error ?? 'no reason'}) but no newer generation is published`;
  }
  return `${log.status} refresh log of generation ${log.generation} but no buyer-groups record of it${newer}`;
}

export function evaluateRefreshLogs(input: RefreshLogInput): InvariantResult {
  const { pairs, newest } = publishedGenerations(input.published);
  const logsByPair = groupBy(input.logs, (log) => pairKey(log.companyId, log.generation));
  const violations: Violation[] = [];
  const violation = (companyId: string, detail: string): void => {
    violations.push({ invariant: NAME, companyId, detail });
  };

  for (const [key, { companyId, generation }] of pairs) {
    const logs = logsByPair.get(key) ?? [];
    const completed = logs.filter((l) => l.status === 'completed').length;
    if (logs.length === 0) {
      violation(companyId, `generation ${generation} published without a refresh log`);
    } else if (logs.length > 1 || completed !== 1) {
      const statuses = logs.map((l) => l.status).join(', ');
      violation(companyId, `generation ${generation} published with refresh logs: ${statuses}`);
    }
  }
  let skipped = 0;
  for (const [key, logs] of logsByPair) {
    if (pairs.has(key)) continue;
    for (const log of logs) {
      if (log.status === 'skipped') skipped += 1;
      const problem = unpublishedLogProblem(log, newest.get(log.companyId));
      if (problem !== undefined) violation(log.companyId, problem);
    }
  }
  const checked = new Set([...pairs.keys(), ...logsByPair.keys()]).size;
  return {
    name: NAME,
    checked,
    violations,
    ...(skipped > 0 ? { notes: [`${skipped} skipped (stale) refresh logs, each superseded`] } : {}),
  };
}

export async function readRefreshLogs(
  db: Queryable,
  companyIds: readonly string[],
): Promise<RefreshLogRow[]> {
  const rows = await db.query<{
    company_id: string;
    generation: string;
    status: string;
    error: string | null;
    origin_count: number | null;
    superseded_by: string | null;
    origins: OriginRef[] | null;
  }>(
    `SELECT company_id, generation, status, error, (changes->>'originCount')::int AS origin_count,
            changes->>'supersededBy' AS superseded_by,
            CASE WHEN status = 'skipped' THEN changes->'origins' END AS origins
       FROM buyer_group_refresh_logs WHERE company_id = ANY($1)`,
    [companyIds],
  );
  return rows.map((r) => ({
    companyId: r.company_id,
    generation: Number(r.generation),
    status: r.status,
    error: r.error,
    originCount: r.origin_count,
    supersededBy: r.superseded_by === null ? null : Number(r.superseded_by),
    origins: r.origins ?? [],
  }));
}
