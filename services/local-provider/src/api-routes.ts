/**
 * POST /v1/contacts/enrich and POST /v1/research: bearer auth, validation naming the field,
 * injected faults, then the deterministic reply, once per idempotency key.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'winston';
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
import type { FaultInjector } from './faults';
import type { Ledger } from './ledger';
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

export class ShuttingDownError extends Error {
  override readonly name = 'ShuttingDownError';
}

export function createApiRouter(options: ApiRouterOptions): express.Router {
  const { faults, ledger, metrics, directory, logger } = options;
  const router = express.Router();
  const count = (operation: Operation, outcome: ApiOutcome): void => {
    metrics.requests.inc({ operation, outcome });
  };

  router.use((req: Request, res: Response, next: NextFunction) => {
    ledger.countRequest();
    if (bearerMatches(req.get('authorization'), options.apiKey)) return next();
    count(operationOf(req.path), 'unauthorized');
    res
      .status(401)
      .set('www-authenticate', 'Bearer')
      .json({ error: 'unauthorized', reason: 'authorization header: expected Bearer <api key>' });
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

  const handle = (operation: Operation) => async (req: Request, res: Response) => {
    const key = req.get('idempotency-key');
    if (key === undefined || !IDEMPOTENCY_KEY.test(key)) {
      count(operation, 'invalid');
      res.status(400).json({
        error: 'invalid_request',
        reason: 'idempotency-key header: required, 1 to 255 visible ASCII characters',
      });
      return;
    }
    const parsed = providerRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      count(operation, 'invalid');
      const issue = parsed.error.issues[0];
      res.status(400).json({
        error: 'invalid_request',
        reason: issue ? describeIssue(issue) : 'body: invalid',
      });
      return;
    }
    ledger.countKeyRequest(key, operation);

    const { latencyMs } = faults.settings();
    if (latencyMs > 0) {
      try {
        await sleep(latencyMs, undefined, { signal: options.stopping });
      } catch {
        throw new ShuttingDownError('shutting down');
      }
    }
    const fault = faults.next();
    if (fault.kind === 'fail') {
      count(operation, 'injected_failure');
      if (fault.retryAfterSeconds !== undefined) {
        res.set('retry-after', String(fault.retryAfterSeconds));
      }
      res.status(fault.status).json({ error: 'injected_fault', status: fault.status });
      return;
    }
    if (fault.kind === 'malformed') {
      count(operation, 'injected_malformed');
      res.status(200).json(MALFORMED_BODY);
      return;
    }

    const fingerprint = createHash('sha256')
      .update(`${operation}\n${JSON.stringify(parsed.data)}`)
      .digest('hex');
    const outcome = await ledger.once(key, operation, fingerprint, () =>
      produce(operation, parsed.data),
    );
    if (outcome.kind === 'conflict') {
      count(operation, 'conflict');
      res.status(409).json({
        error: 'idempotency_key_reused',
        reason: `idempotency-key header: already used for a different ${outcome.operation} request`,
      });
      return;
    }
    count(operation, outcome.kind === 'replayed' ? 'replayed' : 'ok');
    logger.debug(`${operation} answered`, {
      event: 'provider_call',
      operation,
      idempotencyKey: key,
      replayed: outcome.kind === 'replayed',
      companyId: parsed.data.companyId,
      people: parsed.data.people.length,
    });
    res
      .status(200)
      .set('idempotent-replayed', String(outcome.kind === 'replayed'))
      .json(outcome.reply);
  };

  router.post('/contacts/enrich', handle('enrich'));
  router.post('/research', handle('research'));
  return router;
}

function operationOf(path: string): Operation {
  return path.startsWith('/research') ? 'research' : 'enrich';
}
