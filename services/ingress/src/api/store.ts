/**
 * The SQL behind the API: API keys, the refresh-request claims and the read side of buyer
 * groups. Parameterised statements only; every value crosses as a bind parameter.
 *
 * Claims: a refresh request with an Idempotency-Key first inserts its row as `claimed`
 * (UNIQUE (workspace_id, idempotency_key) settles concurrent duplicates: exactly one insert
 * wins), the winner publishes to Kafka and then marks the row `enqueued`, or deletes it when
 * publishing failed so a retry can claim again.
 */
import type { Pool } from 'pg';
import type { ApiKeyScope } from '@bgs/db';

/** A pg.Pool (or anything with its `query`). */
export type Queryable = Pick<Pool, 'query'>;

export type RefreshRequestStatus = 'claimed' | 'enqueued';

/** A key as authentication sees it: a workspace key has its workspace, an operator key none. */
export type ApiKeyIdentity = WorkspaceKeyIdentity | OperatorKeyIdentity;

export interface WorkspaceKeyIdentity {
  readonly id: string;
  readonly scope: 'workspace';
  readonly workspaceId: string;
  readonly revoked: boolean;
}

export interface OperatorKeyIdentity {
  readonly id: string;
  readonly scope: 'operator';
  readonly workspaceId: null;
  readonly revoked: boolean;
}

export interface RefreshRequestRow {
  readonly id: string;
  readonly workspaceId: string;
  readonly companyId: string;
  readonly apiKeyId: string;
  readonly idempotencyKey: string | null;
  readonly level: string;
  readonly reason: string | null;
  readonly status: RefreshRequestStatus;
  readonly requestedAt: Date;
  readonly enqueuedAt: Date | null;
}

export interface NewRefreshRequest {
  readonly workspaceId: string;
  readonly companyId: string;
  readonly apiKeyId: string;
  /** Null: a request of its own, never a duplicate of another. */
  readonly idempotencyKey: string | null;
  readonly level: string;
  readonly reason: string | null;
  readonly requestedAt: Date;
}

export type ClaimResult =
  /** This request owns the row and must publish it. */
  | { readonly claimed: true; readonly request: RefreshRequestRow }
  /** Another request with the same Idempotency-Key got there first. */
  | { readonly claimed: false; readonly request: RefreshRequestRow };

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

/** What authentication needs of the store, whatever the key's scope. */
export interface ApiKeyLookup {
  /** The key with this SHA-256 hash, revoked or not; undefined when there is none. */
  findKeyByHash(hash: string): Promise<ApiKeyIdentity | undefined>;
  /** Records a use of the key (at most once a minute, to spare writes). */
  touchKey(id: string): Promise<void>;
}

export interface ApiStore extends ApiKeyLookup {
  /** The workspace owning the company, or undefined when the company does not exist. */
  companyWorkspace(companyId: string): Promise<string | undefined>;
  claimRefresh(request: NewRefreshRequest): Promise<ClaimResult>;
  markRefreshEnqueued(id: string): Promise<void>;
  /** Deletes a claim whose publish failed (an enqueued row is never deleted). */
  releaseRefresh(id: string): Promise<void>;
  findRefreshByIdempotencyKey(
    workspaceId: string,
    idempotencyKey: string,
  ): Promise<RefreshRequestRow | undefined>;
  /**
   * Takes over a claim made before `staleBefore` (its owner crashed between claiming and
   * settling): resets its requested_at to `requestedAt` and returns the row, or undefined when
   * the claim is not stale, already settled or taken over by someone else. Both times come from
   * the same clock as the requested_at written by claimRefresh.
   */
  takeOverStaleRefresh(
    id: string,
    staleBefore: Date,
    requestedAt: Date,
  ): Promise<RefreshRequestRow | undefined>;
  /** The saved buyer group of a company in a workspace, with its current members. */
  latestBuyerGroup(workspaceId: string, companyId: string): Promise<BuyerGroupView | undefined>;
  refreshLog(workspaceId: string, companyId: string, limit: number): Promise<RefreshHistory>;
}

export interface ApiKeyRecord {
  readonly id: string;
  readonly scope: ApiKeyScope;
  /** Null for an operator key. */
  readonly workspaceId: string | null;
  readonly name: string;
  readonly keyPrefix: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

/** Key management for the CLI; never reads or returns hashes. */
export interface ApiKeyAdminStore {
  /** A workspace key. */
  createKey(input: {
    readonly workspaceId: string;
    readonly name: string;
    readonly prefix: string;
    readonly hash: string;
  }): Promise<ApiKeyRecord>;
  /** An operator key: of no workspace, for the operator routes only. */
  createOperatorKey(input: {
    readonly name: string;
    readonly prefix: string;
    readonly hash: string;
  }): Promise<ApiKeyRecord>;
  /** Every key, or those of one workspace, or those of one scope. */
  listKeys(filter?: {
    readonly workspaceId?: string;
    readonly scope?: ApiKeyScope;
  }): Promise<ApiKeyRecord[]>;
  /** Revokes the key (keeping the first revocation time); undefined when there is no such key. */
  revokeKey(id: string): Promise<ApiKeyRecord | undefined>;
}

/** bigint columns arrive as strings; every generation fits a double exactly or it is an error. */
function toSafeInteger(value: string | number, column: string): number {
  const parsed = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(parsed)) throw new Error(`${column} ${value} is not a safe integer`);
  return parsed;
}

const toNumberOrNull = (value: string | null): number | null =>
  value === null ? null : Number(value);

interface RefreshRequestDbRow {
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

const REFRESH_REQUEST_COLUMNS = `id, workspace_id, company_id, api_key_id, idempotency_key,
  level, reason, status, requested_at, enqueued_at`;

const toRefreshRequest = (row: RefreshRequestDbRow): RefreshRequestRow => ({
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

export function createPgApiStore(pool: Queryable): ApiStore {
  const findByIdempotencyKey = async (
    workspaceId: string,
    idempotencyKey: string,
  ): Promise<RefreshRequestRow | undefined> => {
    const found = await pool.query<RefreshRequestDbRow>(
      `SELECT ${REFRESH_REQUEST_COLUMNS} FROM refresh_requests
       WHERE workspace_id = $1 AND idempotency_key = $2`,
      [workspaceId, idempotencyKey],
    );
    return found.rows[0] ? toRefreshRequest(found.rows[0]) : undefined;
  };

  return {
    async findKeyByHash(hash) {
      const found = await pool.query<{
        id: string;
        scope: ApiKeyScope;
        workspace_id: string | null;
        revoked: boolean;
      }>(
        `SELECT id, scope, workspace_id, revoked_at IS NOT NULL AS revoked
         FROM api_keys WHERE key_hash = $1`,
        [hash],
      );
      const row = found.rows[0];
      if (!row) return undefined;
      // ck_api_keys_scope_workspace guarantees a workspace exactly for a workspace key.
      return row.scope === 'workspace' && row.workspace_id !== null
        ? { id: row.id, scope: 'workspace', workspaceId: row.workspace_id, revoked: row.revoked }
        : { id: row.id, scope: 'operator', workspaceId: null, revoked: row.revoked };
    },

    async touchKey(id) {
      await pool.query(
        `UPDATE api_keys SET last_used_at = now()
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
        [id],
      );
    },

    async companyWorkspace(companyId) {
      const found = await pool.query<{ workspace_id: string }>(
        `SELECT workspace_id FROM companies WHERE id = $1`,
        [companyId],
      );
      return found.rows[0]?.workspace_id;
    },

    async claimRefresh(request) {
      const values = [
        request.workspaceId,
        request.companyId,
        request.apiKeyId,
        request.idempotencyKey,
        request.level,
        request.reason,
        request.requestedAt,
      ];
      const insert = `INSERT INTO refresh_requests
          (workspace_id, company_id, api_key_id, idempotency_key, level, reason, status, requested_at)
        VALUES ($1, $2, $3, $4, $5, $6, 'claimed', $7)`;
      if (request.idempotencyKey === null) {
        const inserted = await pool.query<RefreshRequestDbRow>(
          `${insert} RETURNING ${REFRESH_REQUEST_COLUMNS}`,
          values,
        );
        return { claimed: true, request: toRefreshRequest(inserted.rows[0]!) };
      }
      for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt += 1) {
        const inserted = await pool.query<RefreshRequestDbRow>(
          `${insert} ON CONFLICT (workspace_id, idempotency_key) DO NOTHING
           RETURNING ${REFRESH_REQUEST_COLUMNS}`,
          values,
        );
        if (inserted.rows[0]) return { claimed: true, request: toRefreshRequest(inserted.rows[0]) };
        const existing = await findByIdempotencyKey(request.workspaceId, request.idempotencyKey);
        if (existing) return { claimed: false, request: existing };
        // The winner released its claim between our insert and our read: try again.
      }
      throw new Error('refresh request claim kept conflicting with a released claim');
    },

    async markRefreshEnqueued(id) {
      await pool.query(
        `UPDATE refresh_requests SET status = 'enqueued', enqueued_at = now() WHERE id = $1`,
        [id],
      );
    },

    async releaseRefresh(id) {
      await pool.query(`DELETE FROM refresh_requests WHERE id = $1 AND status = 'claimed'`, [id]);
    },

    findRefreshByIdempotencyKey: findByIdempotencyKey,

    async takeOverStaleRefresh(id, staleBefore, requestedAt) {
      const taken = await pool.query<RefreshRequestDbRow>(
        `UPDATE refresh_requests SET requested_at = $3
         WHERE id = $1 AND status = 'claimed' AND requested_at < $2
         RETURNING ${REFRESH_REQUEST_COLUMNS}`,
        [id, staleBefore, requestedAt],
      );
      return taken.rows[0] ? toRefreshRequest(taken.rows[0]) : undefined;
    },

    async latestBuyerGroup(workspaceId, companyId) {
      // One statement, so the group and its members come from the same snapshot.
      const found = await pool.query<{
        company_id: string;
        workspace_id: string;
        generation: string;
        level: string;
        confidence: string | null;
        cohesion: string | null;
        status: string;
        computed_at: Date;
        members: BuyerGroupMemberView[];
      }>(
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
    },

    async refreshLog(workspaceId, companyId, limit) {
      const [logs, requests] = await Promise.all([
        pool.query<{
          id: string;
          generation: string;
          reason: string;
          triggered_by: string | null;
          status: string;
          started_at: Date;
          completed_at: Date | null;
          changes: unknown;
          error: string | null;
          trace_id: string | null;
        }>(
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
        refreshes: logs.rows.map((row) => ({
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
        })),
        requests: requests.rows.map((row) => ({
          requestId: row.id,
          level: row.level,
          reason: row.reason,
          status: row.status,
          idempotencyKey: row.idempotency_key,
          requestedBy: row.api_key_id,
          requestedAt: row.requested_at,
          enqueuedAt: row.enqueued_at,
        })),
      };
    },
  };
}

interface ApiKeyDbRow {
  id: string;
  scope: ApiKeyScope;
  workspace_id: string | null;
  name: string;
  key_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** Never key_hash: nothing outside findKeyByHash reads it. */
const API_KEY_COLUMNS =
  'id, scope, workspace_id, name, key_prefix, created_at, last_used_at, revoked_at';

const toApiKeyRecord = (row: ApiKeyDbRow): ApiKeyRecord => ({
  id: row.id,
  scope: row.scope,
  workspaceId: row.workspace_id,
  name: row.name,
  keyPrefix: row.key_prefix,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

export function createPgApiKeyAdminStore(pool: Queryable): ApiKeyAdminStore {
  return {
    async createKey({ workspaceId, name, prefix, hash }) {
      const inserted = await pool.query<ApiKeyDbRow>(
        `INSERT INTO api_keys (scope, workspace_id, name, key_prefix, key_hash)
         VALUES ('workspace', $1, $2, $3, $4)
         RETURNING ${API_KEY_COLUMNS}`,
        [workspaceId, name, prefix, hash],
      );
      return toApiKeyRecord(inserted.rows[0]!);
    },

    async createOperatorKey({ name, prefix, hash }) {
      const inserted = await pool.query<ApiKeyDbRow>(
        `INSERT INTO api_keys (scope, workspace_id, name, key_prefix, key_hash)
         VALUES ('operator', NULL, $1, $2, $3)
         RETURNING ${API_KEY_COLUMNS}`,
        [name, prefix, hash],
      );
      return toApiKeyRecord(inserted.rows[0]!);
    },

    async listKeys(filter = {}) {
      // Operator keys (no workspace) first, then by workspace.
      const found = await pool.query<ApiKeyDbRow>(
        `SELECT ${API_KEY_COLUMNS} FROM api_keys
         WHERE ($1::text IS NULL OR workspace_id = $1) AND ($2::text IS NULL OR scope = $2)
         ORDER BY workspace_id NULLS FIRST, created_at, id`,
        [filter.workspaceId ?? null, filter.scope ?? null],
      );
      return found.rows.map(toApiKeyRecord);
    },

    async revokeKey(id) {
      const revoked = await pool.query<ApiKeyDbRow>(
        `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now())
         WHERE id = $1
         RETURNING ${API_KEY_COLUMNS}`,
        [id],
      );
      return revoked.rows[0] ? toApiKeyRecord(revoked.rows[0]) : undefined;
    },
  };
}
