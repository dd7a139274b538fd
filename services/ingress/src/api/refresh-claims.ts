/**
 * Refresh requests as claims (the protocol and its clock: ../claims/): a request with an
 * Idempotency-Key first inserts its row as `claimed` (UNIQUE (workspace_id, idempotency_key)
 * settles concurrent duplicates: exactly one insert wins), the winner publishes to Kafka and
 * then marks the row `enqueued`, or releases it when publishing failed so a retry can claim
 * again. A claim left by a crashed request is taken over once older than the claim timeout.
 * The row's requested_at is its claim time, written by the database clock, as webhooks' are.
 */
import type { Pool } from 'pg';
import { afterLostInsert, REFRESH_CLAIMS } from '../claims/protocol';
import { createClaimRows } from '../claims/store';

export type RefreshRequestStatus = 'claimed' | 'enqueued';

export interface RefreshRequestRow {
  readonly id: string;
  readonly workspaceId: string;
  readonly companyId: string;
  readonly apiKeyId: string;
  /** Null: a request of its own, never a duplicate of another. */
  readonly idempotencyKey: string | null;
  readonly level: string;
  readonly reason: string | null;
  readonly status: RefreshRequestStatus;
  readonly requestedAt: Date;
  readonly enqueuedAt: Date | null;
}

/**
 * No time of the request: requested_at is the claim time, stamped by the database clock
 * (../claims/protocol.ts says why).
 */
export type NewRefreshRequest = Pick<
  RefreshRequestRow,
  'workspaceId' | 'companyId' | 'apiKeyId' | 'idempotencyKey' | 'level' | 'reason'
>;

export type ClaimResult =
  /** This request owns the row and must publish it. */
  | { readonly claimed: true; readonly request: RefreshRequestRow }
  /** Another request with the same Idempotency-Key got there first. */
  | { readonly claimed: false; readonly request: RefreshRequestRow };

export interface RefreshClaims {
  claimRefresh(request: NewRefreshRequest): Promise<ClaimResult>;
  markRefreshEnqueued(id: string): Promise<void>;
  /** Deletes a claim whose publish failed (an enqueued row is never deleted). */
  releaseRefresh(id: string): Promise<void>;
  findRefreshByIdempotencyKey(
    workspaceId: string,
    idempotencyKey: string,
  ): Promise<RefreshRequestRow | undefined>;
  /**
   * Takes over a claim its owner left (crashed between claiming and settling): re-stamps its
   * requested_at and returns the row, or undefined when the claim is not stale, already settled
   * or taken over by someone else. Stale means older than `claimTimeoutMs` by the database
   * clock, which wrote requested_at, so a caller's clock never decides.
   */
  takeOverStaleRefresh(id: string, claimTimeoutMs: number): Promise<RefreshRequestRow | undefined>;
}

export interface RefreshRequestDbRow {
  id: string;
  workspace_id: string;
  company_id: string;
  api_key_id: string;
  idempotency_key: string | null;
  level: string;
  reason: string | null;
  status: RefreshRequestStatus;
  requested_at: Date;
  enqueued_at: Date | null;
}

export const REFRESH_REQUEST_COLUMNS = `id, workspace_id, company_id, api_key_id, idempotency_key,
  level, reason, status, requested_at, enqueued_at`;

export const toRefreshRequest = (row: RefreshRequestDbRow): RefreshRequestRow => ({
  id: row.id,
  workspaceId: row.workspace_id,
  companyId: row.company_id,
  apiKeyId: row.api_key_id,
  idempotencyKey: row.idempotency_key,
  level: row.level,
  reason: row.reason,
  status: row.status,
  requestedAt: row.requested_at,
  enqueuedAt: row.enqueued_at,
});

/** How often a conflicting claim is retried when the winner released it in between. */
const CLAIM_ATTEMPTS = 5;

const INSERT_CLAIM = `INSERT INTO refresh_requests
    (workspace_id, company_id, api_key_id, idempotency_key, level, reason, status, requested_at)
  VALUES ($1, $2, $3, $4, $5, $6, 'claimed', now())`;

type Queryable = Pick<Pool, 'query'>;

async function findByIdempotencyKey(
  pool: Queryable,
  workspaceId: string,
  idempotencyKey: string,
): Promise<RefreshRequestRow | undefined> {
  const found = await pool.query<RefreshRequestDbRow>(
    `SELECT ${REFRESH_REQUEST_COLUMNS} FROM refresh_requests
     WHERE workspace_id = $1 AND idempotency_key = $2`,
    [workspaceId, idempotencyKey],
  );
  return found.rows[0] ? toRefreshRequest(found.rows[0]) : undefined;
}

/** Take: insert the claim; with an Idempotency-Key, a lost insert answers the winner's row. */
async function claimRefresh(pool: Queryable, request: NewRefreshRequest): Promise<ClaimResult> {
  const values = [
    request.workspaceId,
    request.companyId,
    request.apiKeyId,
    request.idempotencyKey,
    request.level,
    request.reason,
  ];
  if (request.idempotencyKey === null) {
    const inserted = await pool.query<RefreshRequestDbRow>(
      `${INSERT_CLAIM} RETURNING ${REFRESH_REQUEST_COLUMNS}`,
      values,
    );
    return { claimed: true, request: toRefreshRequest(inserted.rows[0]!) };
  }
  for (let attempt = 0; ; attempt += 1) {
    const inserted = await pool.query<RefreshRequestDbRow>(
      `${INSERT_CLAIM} ON CONFLICT (workspace_id, idempotency_key) DO NOTHING
       RETURNING ${REFRESH_REQUEST_COLUMNS}`,
      values,
    );
    if (inserted.rows[0]) return { claimed: true, request: toRefreshRequest(inserted.rows[0]) };
    const winner = await findByIdempotencyKey(pool, request.workspaceId, request.idempotencyKey);
    const next = afterLostInsert(winner, attempt, CLAIM_ATTEMPTS);
    if (next.kind === 'duplicate') return { claimed: false, request: next.row };
  }
}

export function createPgRefreshClaims(pool: Queryable): RefreshClaims {
  const rows = createClaimRows(pool, REFRESH_CLAIMS);
  return {
    claimRefresh: (request) => claimRefresh(pool, request),
    markRefreshEnqueued: (id) => rows.markDone([id]),
    releaseRefresh: (id) => rows.release(id),
    findRefreshByIdempotencyKey: (workspaceId, idempotencyKey) =>
      findByIdempotencyKey(pool, workspaceId, idempotencyKey),
    async takeOverStaleRefresh(id, claimTimeoutMs) {
      const taken = await rows.takeOver<RefreshRequestDbRow>(
        id,
        claimTimeoutMs,
        REFRESH_REQUEST_COLUMNS,
      );
      return taken ? toRefreshRequest(taken) : undefined;
    },
  };
}
