/**
 * The public API, mounted at /api/v1:
 *
 *   POST /buyer-groups/:companyId/refresh     asks for a refresh (202, or 200 for a retry)
 *   GET  /buyer-groups/:companyId             the latest saved buyer group
 *   GET  /buyer-groups/:companyId/refreshes   the refresh log and the API's refresh requests
 *
 * Every route needs `Authorization: Bearer bgs_…` with a workspace key (an operator key gets 403,
 * operator-router.ts); a key sees only its workspace's companies, and a company of another
 * workspace is indistinguishable from one that does not exist.
 *
 * A refresh is answered 202 only once Kafka holds its record. With an Idempotency-Key, the
 * first request claims (workspace, key) in refresh_requests; concurrent and later duplicates
 * find the claim and answer with its request id, so a key makes one record at most.
 */
import { findUnstorableText } from '../webhooks/storable';
import express, { type Request, type Response } from 'express';
import { ENRICHMENT_LEVELS, type EnrichmentLevel } from '@bgs/domain';
import { z } from '@bgs/platform';
import type { Logger } from 'winston';
import { createAuthenticator, workspaceCallerOf } from './authenticate';
import {
  ApiError,
  apiErrorHandler,
  invalidInput,
  NOT_FOUND,
  parseJson,
  requireJsonWhenBody,
  send,
} from './http';
import {
  answerDuplicateRefresh,
  publishClaimedRefresh,
  type RefreshFlow,
  type RefreshRequestPublisher,
} from './refresh-request';
import type { ApiStore } from './store';

export type { RefreshRequestPublisher } from './refresh-request';

export interface ApiRouterDeps {
  readonly store: ApiStore;
  readonly publisher: RefreshRequestPublisher;
  readonly logger: Logger;
  readonly now?: () => number;
  /** How long a duplicate waits for the request that holds its claim (default 6 s). */
  readonly claimWaitMs?: number;
  /** How often it looks (default 50 ms). */
  readonly claimPollMs?: number;
  /** A claim older than this was left by a crashed request and is taken over (default 30 s). */
  readonly claimTimeoutMs?: number;
}

export const DEFAULT_LEVEL: EnrichmentLevel = 'identify';
export { BODY_LIMIT } from './http';
export const MAX_REASON_LENGTH = 500;
export const MAX_COMPANY_ID_LENGTH = 200;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
export const DEFAULT_LOG_LIMIT = 20;
export const MAX_LOG_LIMIT = 100;

const refreshBodySchema = z.strictObject({
  level: z.enum(ENRICHMENT_LEVELS).optional(),
  reason: z
    .string()
    .max(MAX_REASON_LENGTH)
    // Postgres text cannot hold NUL; a 400 here beats a 503 the client would retry.
    .refine((reason) => findUnstorableText(reason) === undefined)
    .nullable()
    .optional(),
});

const FIELD_MESSAGES: Record<string, string> = {
  level: `level must be one of ${ENRICHMENT_LEVELS.join(', ')}`,
  reason: `reason must be a string of at most ${MAX_REASON_LENGTH} characters, without NUL or unpaired surrogates`,
};

/** Printable ASCII, space included (Node has already trimmed the ends). */
const IDEMPOTENCY_KEY = new RegExp(`^[\\x20-\\x7e]{1,${MAX_IDEMPOTENCY_KEY_LENGTH}}$`);
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

function companyIdOf(req: Request): string {
  const companyId = req.params.companyId;
  if (
    typeof companyId !== 'string' ||
    companyId.length < 1 ||
    companyId.length > MAX_COMPANY_ID_LENGTH ||
    CONTROL_CHARACTER.test(companyId)
  ) {
    throw new ApiError(400, {
      error: 'invalid_path',
      field: 'companyId',
      message: `companyId must be 1 to ${MAX_COMPANY_ID_LENGTH} characters without control characters`,
    });
  }
  return companyId;
}

function idempotencyKeyOf(req: Request): string | null {
  const value = req.headers['idempotency-key'];
  if (value === undefined) return null;
  if (typeof value !== 'string' || !IDEMPOTENCY_KEY.test(value)) {
    throw new ApiError(400, {
      error: 'invalid_header',
      field: 'Idempotency-Key',
      message: `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters`,
    });
  }
  return value;
}

function limitOf(req: Request): number {
  const raw = req.query.limit;
  if (raw === undefined) return DEFAULT_LOG_LIMIT;
  const value = typeof raw === 'string' && /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= MAX_LOG_LIMIT)) {
    throw new ApiError(400, {
      error: 'invalid_query',
      field: 'limit',
      message: `limit must be an integer from 1 to ${MAX_LOG_LIMIT}`,
    });
  }
  return value;
}

function parseRefreshBody(body: unknown): { level: EnrichmentLevel; reason: string | null } {
  // no body at all reads as an empty object: every field is optional
  const parsed = refreshBodySchema.safeParse(body === undefined ? {} : body);
  if (parsed.success) {
    const reason = parsed.data.reason ?? null;
    return { level: parsed.data.level ?? DEFAULT_LEVEL, reason: reason === '' ? null : reason };
  }
  throw invalidInput(parsed.error.issues, 'body', FIELD_MESSAGES);
}

/** The company, if it is the caller's; otherwise 404 whether or not it exists. */
async function ownCompany(store: ApiStore, companyId: string, res: Response): Promise<string> {
  const workspaceId = await store.companyWorkspace(companyId);
  if (workspaceId === undefined || workspaceId !== workspaceCallerOf(res).workspaceId)
    throw NOT_FOUND();
  return companyId;
}

/** The router's dependencies with every setting resolved to its default. */
export function refreshFlowOf(deps: ApiRouterDeps): RefreshFlow {
  return {
    store: deps.store,
    publisher: deps.publisher,
    logger: deps.logger,
    now: deps.now ?? Date.now,
    claimWaitMs: deps.claimWaitMs ?? 6_000,
    claimPollMs: deps.claimPollMs ?? 50,
    claimTimeoutMs: deps.claimTimeoutMs ?? 30_000,
  };
}

/** POST /buyer-groups/:companyId/refresh */
function refreshRoute(store: ApiStore, flow: RefreshFlow) {
  return async (req: Request, res: Response): Promise<void> => {
    const companyId = companyIdOf(req);
    const idempotencyKey = idempotencyKeyOf(req);
    const { level, reason } = parseRefreshBody(req.body);
    await ownCompany(store, companyId, res);
    const caller = workspaceCallerOf(res);
    const claim = await store.claimRefresh({
      workspaceId: caller.workspaceId,
      companyId,
      apiKeyId: caller.id,
      idempotencyKey,
      level,
      reason,
    });
    const answer = claim.claimed
      ? await publishClaimedRefresh(flow, claim.request, level)
      : await answerDuplicateRefresh(flow, claim.request, companyId, level);
    send(res, answer.status, answer.body);
  };
}

/** GET /buyer-groups/:companyId */
function buyerGroupRoute(store: ApiStore) {
  return async (req: Request, res: Response): Promise<void> => {
    const companyId = await ownCompany(store, companyIdOf(req), res);
    const group = await store.latestBuyerGroup(workspaceCallerOf(res).workspaceId, companyId);
    if (!group) throw NOT_FOUND();
    send(res, 200, group);
  };
}

/** GET /buyer-groups/:companyId/refreshes */
function refreshLogRoute(store: ApiStore) {
  return async (req: Request, res: Response): Promise<void> => {
    const limit = limitOf(req);
    const companyId = await ownCompany(store, companyIdOf(req), res);
    const history = await store.refreshLog(workspaceCallerOf(res).workspaceId, companyId, limit);
    send(res, 200, { companyId, ...history });
  };
}

export function createApiRouter(deps: ApiRouterDeps): express.Router {
  const { store, logger } = deps;
  const router = express.Router();
  const authenticate = createAuthenticator(store, logger)('workspace');
  router.post(
    '/buyer-groups/:companyId/refresh',
    authenticate,
    requireJsonWhenBody,
    parseJson,
    refreshRoute(store, refreshFlowOf(deps)),
  );
  router.get('/buyer-groups/:companyId', authenticate, buyerGroupRoute(store));
  router.get('/buyer-groups/:companyId/refreshes', authenticate, refreshLogRoute(store));
  router.use(apiErrorHandler(logger));
  return router;
}
