/** API key management for the CLI (create, list, revoke); never reads or returns hashes. */
import type { Pool } from 'pg';
import type { ApiKeyScope } from '@bgs/db';

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

/** Never key_hash: nothing outside findKeyByHash (key-store.ts) reads it. */
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

export function createPgApiKeyAdminStore(pool: Pick<Pool, 'query'>): ApiKeyAdminStore {
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
