/**
 * The read side of the API: which workspace owns a company, the saved buyer group of a company
 * and its refresh history. Each answer comes from one snapshot where it matters (one statement).
 */
import type { Pool } from 'pg';
import type { BuyerGroup, BuyerGroupRefreshLog, Company, PgRow } from '@bgs/db';
import {
  REFRESH_REQUEST_COLUMNS,
  toRefreshRequest,
  type RefreshRequestDbRow,
  type RefreshRequestStatus,
} from './refresh-claims';

export interface BuyerGroupMemberView {
  readonly personId: string;
  readonly name: string | null;
  readonly title: string | null;
  readonly role: string;
  readonly score: number;
  readonly rationale: string | null;
  readonly enrichment: unknown;
  readonly research: unknown;
}

export interface BuyerGroupView {
  readonly companyId: string;
  readonly workspaceId: string;
  readonly generation: number;
  readonly level: string;
  readonly confidence: number | null;
  readonly cohesion: number | null;
  readonly status: string;
  readonly computedAt: Date;
  readonly members: readonly BuyerGroupMemberView[];
}

export interface RefreshLogEntry {
  readonly id: string;
  readonly generation: number;
  readonly reason: string;
  readonly triggeredBy: string | null;
  readonly status: string;
  readonly startedAt: Date;
  readonly completedAt: Date | null;
  readonly changes: unknown;
  readonly error: string | null;
  readonly traceId: string | null;
}

export interface RefreshRequestView {
  readonly requestId: string;
  readonly level: string;
  readonly reason: string | null;
  readonly status: RefreshRequestStatus;
  readonly idempotencyKey: string | null;
  readonly requestedBy: string;
  readonly requestedAt: Date;
  readonly enqueuedAt: Date | null;
}

export interface RefreshHistory {
  /** buyer_group_refresh_logs of the company, newest first. */
  readonly refreshes: readonly RefreshLogEntry[];
  /** refresh_requests of the workspace for the company, newest first. */
  readonly requests: readonly RefreshRequestView[];
}

export interface ReadViews {
  /** The workspace owning the company, or undefined when the company does not exist. */
  companyWorkspace(companyId: string): Promise<string | undefined>;
  /** The saved buyer group of a company in a workspace, with its current members. */
  latestBuyerGroup(workspaceId: string, companyId: string): Promise<BuyerGroupView | undefined>;
  refreshLog(workspaceId: string, companyId: string, limit: number): Promise<RefreshHistory>;
}

type Queryable = Pick<Pool, 'query'>;

/** bigint columns arrive as strings; every generation fits a double exactly or it is an error. */
function toSafeInteger(value: string | number, column: string): number {
  const parsed = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(parsed)) throw new Error(`${column} ${value} is not a safe integer`);
  return parsed;
}

const toNumberOrNull = (value: string | null): number | null =>
  value === null ? null : Number(value);

async function companyWorkspace(pool: Queryable, companyId: string): Promise<string | undefined> {
  const found = await pool.query<PgRow<Company, 'workspaceId'>>(
    `SELECT workspace_id FROM companies WHERE id = $1`,
    [companyId],
  );
  return found.rows[0]?.workspace_id;
}

/** The group's columns (bigint and numeric cast to text), its members aggregated as JSON. */
type GroupDbRow = PgRow<
  BuyerGroup,
  | 'companyId'
  | 'workspaceId'
  | 'generation'
  | 'level'
  | 'confidence'
  | 'cohesion'
  | 'status'
  | 'computedAt'
> & { readonly members: BuyerGroupMemberView[] };

async function latestBuyerGroup(
  pool: Queryable,
  workspaceId: string,
  companyId: string,
): Promise<BuyerGroupView | undefined> {
  // One statement, so the group and its members come from the same snapshot.
  const found = await pool.query<GroupDbRow>(
    `SELECT bg.company_id, bg.workspace_id, bg.generation::text AS generation, bg.level,
              bg.confidence::text AS confidence, bg.cohesion::text AS cohesion, bg.status,
              bg.computed_at,
              COALESCE((
                SELECT json_agg(json_build_object(
                         'personId', m.person_id,
                         'name', p.full_name,
                         'title', p.job_title,
                         'role', m.role,
                         'score', m.score,
                         'rationale', m.rationale,
                         'enrichment', m.enrichment,
                         'research', m.research
                       ) ORDER BY m.score DESC, m.person_id)
                FROM buyer_group_members m
                LEFT JOIN people p ON p.id = m.person_id AND p.company_id = m.company_id
                WHERE m.company_id = bg.company_id
              ), '[]'::json) AS members
       FROM buyer_groups bg
       WHERE bg.company_id = $1 AND bg.workspace_id = $2`,
    [companyId, workspaceId],
  );
  const row = found.rows[0];
  if (!row) return undefined;
  return {
    companyId: row.company_id,
    workspaceId: row.workspace_id,
    generation: toSafeInteger(row.generation, 'buyer_groups.generation'),
    level: row.level,
    confidence: toNumberOrNull(row.confidence),
    cohesion: toNumberOrNull(row.cohesion),
    status: row.status,
    computedAt: row.computed_at,
    // json numbers (numeric score) are already JS numbers here
    members: row.members.map((member) => ({ ...member, score: Number(member.score) })),
  };
}

type RefreshLogDbRow = PgRow<
  BuyerGroupRefreshLog,
  | 'id'
  | 'generation'
  | 'reason'
  | 'triggeredBy'
  | 'status'
  | 'startedAt'
  | 'completedAt'
  | 'changes'
  | 'error'
  | 'traceId'
>;

const toRefreshLogEntry = (row: RefreshLogDbRow): RefreshLogEntry => ({
  id: row.id,
  generation: toSafeInteger(row.generation, 'buyer_group_refresh_logs.generation'),
  reason: row.reason,
  triggeredBy: row.triggered_by,
  status: row.status,
  startedAt: row.started_at,
  completedAt: row.completed_at,
  changes: row.changes,
  error: row.error,
  traceId: row.trace_id,
});

const toRefreshRequestView = (row: RefreshRequestDbRow): RefreshRequestView => {
  const request = toRefreshRequest(row);
  return {
    requestId: request.id,
    level: request.level,
    reason: request.reason,
    status: request.status,
    idempotencyKey: request.idempotencyKey,
    requestedBy: request.apiKeyId,
    requestedAt: request.requestedAt,
    enqueuedAt: request.enqueuedAt,
  };
};

async function refreshLog(
  pool: Queryable,
  workspaceId: string,
  companyId: string,
  limit: number,
): Promise<RefreshHistory> {
  const [logs, requests] = await Promise.all([
    pool.query<RefreshLogDbRow>(
      `SELECT id, generation::text AS generation, reason, triggered_by, status, started_at,
              completed_at, changes, error, trace_id
       FROM buyer_group_refresh_logs
       WHERE company_id = $1
       ORDER BY started_at DESC, generation DESC
       LIMIT $2`,
      [companyId, limit],
    ),
    pool.query<RefreshRequestDbRow>(
      `SELECT ${REFRESH_REQUEST_COLUMNS} FROM refresh_requests
       WHERE workspace_id = $1 AND company_id = $2
       ORDER BY requested_at DESC, id
       LIMIT $3`,
      [workspaceId, companyId, limit],
    ),
  ]);
  return {
    refreshes: logs.rows.map(toRefreshLogEntry),
    requests: requests.rows.map(toRefreshRequestView),
  };
}

export function createPgReadViews(pool: Queryable): ReadViews {
  return {
    companyWorkspace: (companyId) => companyWorkspace(pool, companyId),
    latestBuyerGroup: (workspaceId, companyId) => latestBuyerGroup(pool, workspaceId, companyId),
    refreshLog: (workspaceId, companyId, limit) => refreshLog(pool, workspaceId, companyId, limit),
  };
}
