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
import { bearerMatches } from './auth';
import { buildEnrichReply } from './contacts';
import {
  IDEMPOTENCY_KEY,
  describeIssue,
  providerRequestSchema,
  type Operation,
  type ProviderRequest,
} from './contract';
import type { PeopleDirectory } from './directory';
import { STORE_UNAVAILABLE, errorAnswer } from './errors';
import type { FaultInjector } from './faults';
import {
  KEY_REUSED_STATUS,
  LedgerUnavailableError,
  PRICE_USD,
  REPLY_STATUS,
  answeredRecord,
  peopleDigest,
  requestDigest,
  type AskedRequest,
  type Ledger,
  type PaidCall,
} from './ledger';
import type { ApiOutcome, LocalProviderMetrics } from './metrics';
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

/** The body a `malformedNext` fault sends: valid JSON, but not the contract's shape. */
export const MALFORMED_BODY = { unexpected: true, note: 'fault injected: malformed reply' };

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly metric: ApiOutcome;
  /** An injected fault: logged as `fault`, whatever its status. */
  readonly injected?: boolean;
  /** Nothing left to log: the ledger wrote the row with its claim, or the store is down. */
  readonly logged?: boolean;
}

const unavailableAnswer: Answer = {
  status: STORE_UNAVAILABLE.status,
  body: STORE_UNAVAILABLE.body,
  headers: { 'retry-after': String(STORE_UNAVAILABLE.retryAfterSeconds) },
  metric: 'unavailable',
  logged: true,
};

/** The operation a path serves, or undefined for any other path. */
export function operationAt(path: string): Operation | undefined {
  const route = path.length > 1 ? path.replace(/\/$/, '') : path;
  if (route === '/contacts/enrich') return 'enrich';
  if (route === '/research') return 'research';
  return undefined;
}

/** The request's idempotency key when it is a valid one: only then can it be logged. */
function validKey(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  return key !== undefined && IDEMPOTENCY_KEY.test(key) ? key : undefined;
}

/** A request refused before its body was read or found valid: no company, no people. */
const unread = (operation: Operation, idempotencyKey: string, receivedAt: Date): AskedRequest => ({
  receivedAt,
  operation,
  idempotencyKey,
  companyId: null,
  peopleDigest: null,
});

export function createApiRouter(options: ApiRouterOptions): express.Router {
  const { faults, ledger, metrics, directory, logger } = options;
  const router = express.Router();

  const reply = (res: Response, operation: Operation, answer: Answer): void => {
    metrics.requests.inc({ operation, outcome: answer.metric });
    res
      .status(answer.status)
      .set(answer.headers ?? {})
      .json(answer.body);
  };

  /** Logs the answer (unless already logged), then sends it; a 503 if it cannot be logged. */
  const send = async (res: Response, asked: AskedRequest, answer: Answer): Promise<void> => {
    let sent = answer;
    if (!answer.logged) {
      try {
        await ledger.record(
          answeredRecord(asked, { status: answer.status, injected: answer.injected ?? false }),
        );
      } catch (error) {
        logger.warn('request log not written; answering 503', {
          event: 'request_log_unavailable',
          operation: asked.operation,
          idempotencyKey: asked.idempotencyKey,
          error: describeError(error),
        });
        sent = unavailableAnswer;
      }
    }
    reply(res, asked.operation, sent);
  };

  router.use(async (req: Request, res: Response, next: NextFunction) => {
    const receivedAt = new Date();
    res.locals['receivedAt'] = receivedAt;
    ledger.countRequest();
    if (bearerMatches(req.get('authorization'), options.apiKey)) return next();
    const answer: Answer = {
      status: 401,
      headers: { 'www-authenticate': 'Bearer' },
      body: { error: 'unauthorized', reason: 'authorization header: expected Bearer <api key>' },
      metric: 'unauthorized',
    };
    const operation = operationAt(req.path);
    const key = validKey(req);
    if (operation !== undefined && key !== undefined) {
      await send(res, unread(operation, key, receivedAt), answer);
    } else {
      reply(res, operation ?? 'enrich', answer);
    }
  });
  router.use(express.json({ limit: '1mb' }));

  const produce = async (operation: Operation, request: ProviderRequest): Promise<unknown> => {
    const lookup = await directory.lookup(
      request.companyId,
      request.people.map((person) => person.personId),
    );
    return operation === 'enrich'
      ? buildEnrichReply(request.people, lookup)
      : buildResearchReply(request.companyId, request.people, lookup);
  };

  /** Latency, faults, then the ledger's reply: the answer to a valid request. */
  const answerValid = async (call: PaidCall, request: ProviderRequest): Promise<Answer> => {
    const { operation } = call;
    const { latencyMs } = faults.settings();
    if (latencyMs > 0) {
      try {
        await sleep(latencyMs, undefined, { signal: options.stopping });
      } catch {
        return { status: 503, body: { error: 'shutting_down' }, metric: 'error' };
      }
    }
    const fault = faults.next();
    if (fault.kind === 'fail') {
      return {
        status: fault.status,
        body: { error: 'injected_fault', status: fault.status },
        ...(fault.retryAfterSeconds !== undefined
          ? { headers: { 'retry-after': String(fault.retryAfterSeconds) } }
          : {}),
        metric: 'injected_failure',
        injected: true,
      };
    }
    if (fault.kind === 'malformed') {
      return { status: 200, body: MALFORMED_BODY, metric: 'injected_malformed', injected: true };
    }

    try {
      const outcome = await ledger.once(call, () => produce(operation, request));
      if (outcome.kind === 'conflict') {
        return {
          status: KEY_REUSED_STATUS,
          body: {
            error: 'idempotency_key_reused',
            reason: `idempotency-key header: already used for a different ${outcome.operation} request`,
          },
          metric: 'conflict',
          logged: true,
        };
      }
      const replayed = outcome.kind === 'replayed';
      logger.debug(`${operation} answered`, {
        event: 'provider_call',
        operation,
        idempotencyKey: call.idempotencyKey,
        replayed,
        companyId: request.companyId,
        people: request.people.length,
      });
      return {
        status: REPLY_STATUS,
        body: outcome.reply,
        headers: { 'idempotent-replayed': String(replayed) },
        metric: replayed ? 'replayed' : 'ok',
        logged: true,
      };
    } catch (error) {
      if (error instanceof LedgerUnavailableError) {
        logger.warn('ledger unavailable; answering 503', {
          event: 'request_log_unavailable',
          operation,
          idempotencyKey: call.idempotencyKey,
          error: describeError(error),
        });
        return unavailableAnswer;
      }
      // The directory (Postgres) failing: a 5xx, so callers retry with the same key.
      logger.error('reply failed', { operation, error: describeError(error) });
      return { status: 500, body: { error: 'internal_error' }, metric: 'error' };
    }
  };

  const handle = (operation: Operation) => async (req: Request, res: Response) => {
    const receivedAt = res.locals['receivedAt'] as Date;
    const key = validKey(req);
    if (key === undefined) {
      // Without a valid key there is nothing to log it under: refused, not logged.
      reply(res, operation, {
        status: 400,
        body: {
          error: 'invalid_request',
          reason: 'idempotency-key header: required, 1 to 255 visible ASCII characters',
        },
        metric: 'invalid',
      });
      return;
    }
    const parsed = providerRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      await send(res, unread(operation, key, receivedAt), {
        status: 400,
        body: { error: 'invalid_request', reason: issue ? describeIssue(issue) : 'body: invalid' },
        metric: 'invalid',
      });
      return;
    }
    const request = parsed.data;
    const call: PaidCall = {
      receivedAt,
      operation,
      idempotencyKey: key,
      companyId: request.companyId,
      peopleDigest: peopleDigest(request.people.map((person) => person.personId)),
      requestDigest: requestDigest(operation, request),
      costUsd: PRICE_USD[operation],
    };
    await send(res, call, await answerValid(call, request));
  };

  router.post('/contacts/enrich', handle('enrich'));
  router.post('/research', handle('research'));

  // A body that is not JSON or too large, on an operation with a valid key: logged like any
  // other refusal. Anything else goes on to the app's handler.
  router.use(async (error: unknown, req: Request, res: Response, next: NextFunction) => {
    const operation = operationAt(req.path);
    const key = validKey(req);
    const answer = errorAnswer(error);
    if (operation === undefined || key === undefined || answer.status >= 500 || res.headersSent) {
      next(error);
      return;
    }
    const receivedAt = (res.locals['receivedAt'] as Date | undefined) ?? new Date();
    await send(res, unread(operation, key, receivedAt), { ...answer, metric: 'invalid' });
  });

  return router;
}
