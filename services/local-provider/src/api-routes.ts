/**
 * POST /v1/contacts/enrich and POST /v1/research: bearer auth, validation naming the field,
 * injected faults, then the deterministic reply, once per idempotency key. Every answer to a
 * request carrying a valid idempotency key is one row of the ledger's request log, written
 * before the answer is sent; when it cannot be written the answer is a 503 instead.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'winston';
import { describeError } from '@bgs/platform';
import {
  INTERNAL_ERROR_ANSWER,
  MISSING_KEY_ANSWER,
  SHUTTING_DOWN_ANSWER,
  UNAUTHORIZED_ANSWER,
  UNAVAILABLE_ANSWER,
  faultAnswer,
  invalidBodyAnswer,
  ledgerAnswer,
  type Answer,
} from './api-answers';
import { operationAt, paidCall, refusalToLog, unread, validKey } from './api-requests';
import { bearerMatches } from './auth';
import { buildEnrichReply } from './contacts';
import {
  PROVIDER_ROUTES,
  providerRequestSchema,
  type Operation,
  type ProviderRequest,
} from './contract';
import type { PeopleDirectory } from './directory';
import { errorAnswer } from './errors';
import type { FaultInjector } from './faults';
import {
  LedgerUnavailableError,
  answeredRecord,
  type AskedRequest,
  type Ledger,
  type PaidCall,
} from './ledger';
import type { LocalProviderMetrics } from './metrics';
import { buildResearchReply } from './research';

export interface ApiRouterOptions {
  readonly apiKey: string;
  readonly directory: PeopleDirectory;
  readonly faults: FaultInjector;
  readonly ledger: Ledger;
  readonly metrics: LocalProviderMetrics;
  readonly logger: Logger;
  /** Aborted at shutdown, so injected latency does not hold the server open. */
  readonly stopping: AbortSignal;
}

/** Sends an answer, counted by operation and outcome. */
function reply(
  metrics: LocalProviderMetrics,
  res: Response,
  operation: Operation,
  answer: Answer,
): void {
  metrics.requests.inc({ operation, outcome: answer.metric });
  res
    .status(answer.status)
    .set(answer.headers ?? {})
    .json(answer.body);
}

/** Logs the answer (unless already logged), then sends it; a 503 if it cannot be logged. */
async function send(
  options: ApiRouterOptions,
  res: Response,
  asked: AskedRequest,
  answer: Answer,
): Promise<void> {
  let sent = answer;
  if (!answer.logged) {
    try {
      await options.ledger.record(
        answeredRecord(asked, { status: answer.status, injected: answer.injected ?? false }),
      );
    } catch (error) {
      options.logger.warn('request log not written; answering 503', {
        event: 'request_log_unavailable',
        operation: asked.operation,
        idempotencyKey: asked.idempotencyKey,
        error: describeError(error),
      });
      sent = UNAVAILABLE_ANSWER;
    }
  }
  reply(options.metrics, res, asked.operation, sent);
}

/** Stamps the request's arrival and counts it; answers 401 (logged, given a key) without auth. */
function authenticate(options: ApiRouterOptions) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const receivedAt = new Date();
    res.locals['receivedAt'] = receivedAt;
    options.ledger.countRequest();
    if (bearerMatches(req.get('authorization'), options.apiKey)) return next();
    const operation = operationAt(req.path);
    const key = validKey(req.get('idempotency-key'));
    if (operation !== undefined && key !== undefined) {
      await send(options, res, unread(operation, key, receivedAt), UNAUTHORIZED_ANSWER);
    } else {
      reply(options.metrics, res, operation ?? 'enrich', UNAUTHORIZED_ANSWER);
    }
  };
}

/** The reply to a valid request, from the directory's records. */
async function produce(
  directory: PeopleDirectory,
  operation: Operation,
  request: ProviderRequest,
): Promise<unknown> {
  const lookup = await directory.lookup(
    request.companyId,
    request.people.map((person) => person.personId),
  );
  return operation === 'enrich'
    ? buildEnrichReply(request.people, lookup)
    : buildResearchReply(request.companyId, request.people, lookup);
}

/** The ledger's answer to a paid call: the reply, once per key; 409 for a key reused. */
async function answerPaid(
  options: ApiRouterOptions,
  call: PaidCall,
  request: ProviderRequest,
): Promise<Answer> {
  const { operation } = call;
  const { logger } = options;
  try {
    const outcome = await options.ledger.once(call, () =>
      produce(options.directory, operation, request),
    );
    if (outcome.kind !== 'conflict') {
      logger.debug(`${operation} answered`, {
        event: 'provider_call',
        operation,
        idempotencyKey: call.idempotencyKey,
        replayed: outcome.kind === 'replayed',
        companyId: request.companyId,
        people: request.people.length,
      });
    }
    return ledgerAnswer(outcome);
  } catch (error) {
    if (error instanceof LedgerUnavailableError) {
      logger.warn('ledger unavailable; answering 503', {
        event: 'request_log_unavailable',
        operation,
        idempotencyKey: call.idempotencyKey,
        error: describeError(error),
      });
      return UNAVAILABLE_ANSWER;
    }
    // The directory (Postgres) failing: a 5xx, so callers retry with the same key.
    logger.error('reply failed', { operation, error: describeError(error) });
    return INTERNAL_ERROR_ANSWER;
  }
}

/** Latency, faults, then the ledger's reply: the answer to a valid request. */
async function answerValid(
  options: ApiRouterOptions,
  call: PaidCall,
  request: ProviderRequest,
): Promise<Answer> {
  const { latencyMs } = options.faults.settings();
  if (latencyMs > 0) {
    try {
      await sleep(latencyMs, undefined, { signal: options.stopping });
    } catch {
      return SHUTTING_DOWN_ANSWER;
    }
  }
  return faultAnswer(options.faults.next()) ?? answerPaid(options, call, request);
}

function handle(options: ApiRouterOptions, operation: Operation) {
  return async (req: Request, res: Response): Promise<void> => {
    const receivedAt = res.locals['receivedAt'] as Date;
    const key = validKey(req.get('idempotency-key'));
    if (key === undefined) {
      // Without a valid key there is nothing to log it under: refused, not logged.
      reply(options.metrics, res, operation, MISSING_KEY_ANSWER);
      return;
    }
    const parsed = providerRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const asked = unread(operation, key, receivedAt);
      await send(options, res, asked, invalidBodyAnswer(parsed.error.issues[0]));
      return;
    }
    const call = paidCall(operation, key, receivedAt, parsed.data);
    await send(options, res, call, await answerValid(options, call, parsed.data));
  };
}

/**
 * A body that is not JSON or too large, on an operation with a valid key: logged like any
 * other refusal. Anything else goes on to the app's handler.
 */
function logRefusals(options: ApiRouterOptions) {
  return async (error: unknown, req: Request, res: Response, next: NextFunction) => {
    const answer = errorAnswer(error);
    const refusal = refusalToLog({
      path: req.path,
      keyHeader: req.get('idempotency-key'),
      status: answer.status,
      headersSent: res.headersSent,
    });
    if (refusal === undefined) {
      next(error);
      return;
    }
    const receivedAt = (res.locals['receivedAt'] as Date | undefined) ?? new Date();
    await send(options, res, unread(refusal.operation, refusal.key, receivedAt), {
      ...answer,
      metric: 'invalid',
    });
  };
}

export function createApiRouter(options: ApiRouterOptions): express.Router {
  const router = express.Router();
  router.use(authenticate(options));
  router.use(express.json({ limit: '1mb' }));
  router.post(PROVIDER_ROUTES.enrich, handle(options, 'enrich'));
  router.post(PROVIDER_ROUTES.research, handle(options, 'research'));
  router.use(logRefusals(options));
  return router;
}
