/**
 * API keys as authentication sees them: found by the SHA-256 hash of the presented key, and
 * their uses recorded. Key management (create, list, revoke) is key-admin-store.ts.
 */
import type { Pool } from 'pg';
import type { ApiKeyScope } from '@bgs/db';

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

/** What authentication needs of the store, whatever the key's scope. */
export interface ApiKeyLookup {
  /** The key with this SHA-256 hash, revoked or not; undefined when there is none. */
  findKeyByHash(hash: string): Promise<ApiKeyIdentity | undefined>;
  /** Records a use of the key (at most once a minute, to spare writes). */
  touchKey(id: string): Promise<void>;
}

export function createPgApiKeyLookup(pool: Pick<Pool, 'query'>): ApiKeyLookup {
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
  };
}
