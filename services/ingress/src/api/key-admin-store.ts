/**
 * API key management for the CLI (create, list, revoke) through the ApiKey entity's
 * repository: a cold path of single rows. Never reads or returns hashes.
 */
import type { DataSource, FindOptionsSelect } from 'typeorm';
import { ApiKey, type ApiKeyScope } from '@bgs/db';

/** Never keyHash: nothing outside findKeyByHash (key-store.ts) reads it. */
const RECORD_PROPERTIES = [
  'id',
  'scope',
  'workspaceId',
  'name',
  'keyPrefix',
  'createdAt',
  'lastUsedAt',
  'revokedAt',
] as const satisfies readonly (keyof ApiKey)[];

/** A key as the CLI shows it (`workspaceId` null for an operator key). */
export type ApiKeyRecord = Readonly<Pick<ApiKey, (typeof RECORD_PROPERTIES)[number]>>;

const RECORD_SELECT: FindOptionsSelect<ApiKey> = Object.fromEntries(
  RECORD_PROPERTIES.map((property) => [property, true]),
);

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

export function createPgApiKeyAdminStore(
  db: Pick<DataSource, 'getRepository' | 'transaction'>,
): ApiKeyAdminStore {
  const keys = db.getRepository(ApiKey);
  const byId = (id: string) => ({ select: RECORD_SELECT, where: { id } });
  const insert = async (
    key: Pick<ApiKey, 'scope' | 'workspaceId' | 'name' | 'keyPrefix' | 'keyHash'>,
  ): Promise<ApiKeyRecord> =>
    // One transaction: a failed read-back leaves no key whose secret was never shown.
    db.transaction(async (manager) => {
      const inTransaction = manager.getRepository(ApiKey);
      const { identifiers } = await inTransaction.insert(key);
      return inTransaction.findOneOrFail(byId(String(identifiers[0]!.id)));
    });
  return {
    createKey: ({ workspaceId, name, prefix, hash }) =>
      insert({ scope: 'workspace', workspaceId, name, keyPrefix: prefix, keyHash: hash }),

    createOperatorKey: ({ name, prefix, hash }) =>
      insert({ scope: 'operator', workspaceId: null, name, keyPrefix: prefix, keyHash: hash }),

    listKeys: (filter = {}) =>
      keys.find({
        select: RECORD_SELECT,
        where: { workspaceId: filter.workspaceId, scope: filter.scope },
        // Operator keys (no workspace) first, then by workspace.
        order: { workspaceId: { direction: 'ASC', nulls: 'FIRST' }, createdAt: 'ASC', id: 'ASC' },
      }),

    revokeKey: (id) =>
      db.transaction(async (manager) => {
        const inTransaction = manager.getRepository(ApiKey);
        // The first revocation time is kept.
        await inTransaction.update({ id }, { revokedAt: () => 'COALESCE(revoked_at, now())' });
        return (await inTransaction.findOne(byId(id))) ?? undefined;
      }),
  };
}
