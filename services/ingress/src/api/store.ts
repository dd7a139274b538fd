/**
 * The SQL behind the API, one module a concern, composed here for the routers:
 *
 *   key-store.ts        API keys as authentication finds and touches them
 *   refresh-claims.ts   refresh requests as claims (the protocol: ../claims/)
 *   read-views.ts       the read side: company ownership, buyer groups, refresh history
 *   key-admin-store.ts  key management for the CLI
 *
 * Parameterised statements only; every value crosses as a bind parameter.
 */
import type { Pool } from 'pg';
import { createPgApiKeyLookup, type ApiKeyLookup } from './key-store';
import { createPgReadViews, type ReadViews } from './read-views';
import { createPgRefreshClaims, type RefreshClaims } from './refresh-claims';

export type {
  ApiKeyIdentity,
  ApiKeyLookup,
  OperatorKeyIdentity,
  WorkspaceKeyIdentity,
} from './key-store';
export {
  createPgApiKeyAdminStore,
  type ApiKeyAdminStore,
  type ApiKeyRecord,
} from './key-admin-store';
export type {
  BuyerGroupMemberView,
  BuyerGroupView,
  ReadViews,
  RefreshHistory,
  RefreshLogEntry,
  RefreshRequestView,
} from './read-views';
export type {
  ClaimResult,
  NewRefreshRequest,
  RefreshClaims,
  RefreshRequestRow,
  RefreshRequestStatus,
} from './refresh-claims';

/** A pg.Pool (or anything with its `query`). */
export type Queryable = Pick<Pool, 'query'>;

export interface ApiStore extends ApiKeyLookup, RefreshClaims, ReadViews {}

export function createPgApiStore(pool: Queryable): ApiStore {
  return {
    ...createPgApiKeyLookup(pool),
    ...createPgRefreshClaims(pool),
    ...createPgReadViews(pool),
  };
}
