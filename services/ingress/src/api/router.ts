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
import { describeError, z, type RefreshRequestRecord } from '@bgs/platform';
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
  UNAVAILABLE,
} from './http';
import type { ApiStore, RefreshRequestRow } from './store';

/** Resolves once Kafka holds the record; the key is the company id. */
export interface RefreshRequestPublisher {
  publish(
    key: string,
    value: RefreshRequestRecord,
    headers?: Record<string, string>,
  ): Promise<void>;
}

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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createApiRouter(deps: ApiRouterDeps): express.Router {
  const { store, publisher, logger } = deps;
  const now = deps.now ?? Date.now;
  const claimWaitMs = deps.claimWaitMs ?? 6_000;
  const claimPollMs = deps.claimPollMs ?? 50;
  const claimTimeoutMs = deps.claimTimeoutMs ?? 30_000;
  const router = express.Router();

  const authenticate = createAuthenticator(store, logger)('workspace');

  /** The company, if it is the caller's; otherwise 404 whether or not it exists. */
  const ownCompany = async (companyId: string, res: Response): Promise<string> => {
    const workspaceId = await store.companyWorkspace(companyId);
    if (workspaceId === undefined || workspaceId !== workspaceCallerOf(res).workspaceId)
      throw NOT_FOUND();
    return companyId;
  };

  /** Publishes the claimed request, then settles the claim: enqueued, or released on failure. */
  const publishClaim = async (
    row: RefreshRequestRow,
    level: EnrichmentLevel,
    res: Response,
  ): Promise<void> => {
    const record: RefreshRequestRecord = {
      requestId: row.id,
      workspaceId: row.workspaceId,
      companyId: row.companyId,
      level,
      reason: row.reason,
      requestedBy: row.apiKeyId,
      requestedAt: row.requestedAt.getTime(),
    };
    const context = { requestId: row.id, companyId: row.companyId, workspaceId: row.workspaceId };
    try {
      await publisher.publish(row.companyId, record);
    } catch (error) {
      logger.warn('refresh request not published', { ...context, error: describeError(error) });
      try {
        await store.releaseRefresh(row.id);
      } catch (releaseError) {
        logger.error('could not release a refresh request claim', {
          ...context,
          error: describeError(releaseError),
        });
      }
      throw UNAVAILABLE();
    }
    try {
      await store.markRefreshEnqueued(row.id);
    } catch (error) {
      // Kafka holds the record, so the answer is still 202; the claim stays until it expires.
      logger.error('refresh request published but not marked enqueued', {
        ...context,
        error: describeError(error),
      });
    }
    logger.info('refresh request enqueued', { ...context, level });
    send(res, 202, { status: 'enqueued', requestId: row.id });
  };

  /** A duplicate: answer with the first request, waiting while it is still being published. */
  const settleDuplicate = async (
    first: RefreshRequestRow,
    companyId: string,
    level: EnrichmentLevel,
    res: Response,
  ): Promise<void> => {
    if (first.companyId !== companyId || first.level !== level) {
      throw new ApiError(422, {
        error: 'idempotency_key_reused',
        message: 'this Idempotency-Key was used for another company or level',
      });
    }
    const deadline = now() + claimWaitMs;
    let row: RefreshRequestRow | undefined = first;
    for (;;) {
      if (row.status === 'enqueued') {
        send(res, 200, { status: 'already_enqueued', requestId: row.id });
        return;
      }
      if (row.requestedAt.getTime() < now() - claimTimeoutMs) {
        const requestedAt = new Date(now());
        const taken = await store.takeOverStaleRefresh(
          row.id,
          new Date(requestedAt.getTime() - claimTimeoutMs),
          requestedAt,
        );
        if (taken) {
          logger.warn('took over an abandoned refresh request claim', { requestId: taken.id });
          await publishClaim(taken, level, res);
          return;
        }
      }
      if (now() >= deadline) throw UNAVAILABLE();
      await sleep(claimPollMs);
      row = await store.findRefreshByIdempotencyKey(row.workspaceId, first.idempotencyKey ?? '');
      // The first request failed to publish and gave its claim up: the client retries.
      if (!row || row.id !== first.id) throw UNAVAILABLE();
    }
  };

  router.post(
    '/buyer-groups/:companyId/refresh',
    authenticate,
    requireJsonWhenBody,
    parseJson,
    async (req: Request, res: Response) => {
      const companyId = companyIdOf(req);
      const idempotencyKey = idempotencyKeyOf(req);
      const { level, reason } = parseRefreshBody(req.body);
      await ownCompany(companyId, res);
      const caller = workspaceCallerOf(res);
      const claim = await store.claimRefresh({
        workspaceId: caller.workspaceId,
        companyId,
        apiKeyId: caller.id,
        idempotencyKey,
        level,
        reason,
        requestedAt: new Date(now()),
      });
      if (claim.claimed) await publishClaim(claim.request, level, res);
      else await settleDuplicate(claim.request, companyId, level, res);
    },
  );

  router.get('/buyer-groups/:companyId', authenticate, async (req: Request, res: Response) => {
    const companyId = await ownCompany(companyIdOf(req), res);
    const group = await store.latestBuyerGroup(workspaceCallerOf(res).workspaceId, companyId);
    if (!group) throw NOT_FOUND();
    send(res, 200, group);
  });

  router.get(
    '/buyer-groups/:companyId/refreshes',
    authenticate,
    async (req: Request, res: Response) => {
      const limit = limitOf(req);
      const companyId = await ownCompany(companyIdOf(req), res);
      const history = await store.refreshLog(workspaceCallerOf(res).workspaceId, companyId, limit);
      send(res, 200, { companyId, ...history });
    },
  );

  router.use(apiErrorHandler(logger));
  return router;
}
