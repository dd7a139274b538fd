/**
 * The operator API, mounted at /api/v1/operator: the archive of verified webhook deliveries
 * and its replay, as the deliveries CLI offers them (docs/ingress.md).
 *
 *   GET  /deliveries                  list, newest first (the CLI's filters)
 *   GET  /deliveries/:id              one delivery: headers and the body, decompressed
 *   POST /deliveries/:id/replay       replay one, under its own event id or `{"as": "<id>"}`
 *   POST /deliveries/replay           replay a range [since, until), at most `limit` a call
 *
 * Every route needs an operator key (a workspace key gets 403). Replays use the door's own
 * claim store and publisher, so they are idempotent exactly as the CLI's are. The body of a
 * delivery holds personal data: it goes to the operator who asked, and never to a log.
 */
import express, { type Request, type Response } from 'express';
import type { Logger } from 'winston';
import { replayDelivery, type ReplayDeps, type ReplayResult } from '../archive/replay';
import { replayRange } from '../archive/replay-range';
import { findDeliveries, listDeliveries, type Queryable } from '../archive/store';
import { deliveryView, summaryView } from '../archive/views';
import { createAuthenticator, operatorCallerOf } from './authenticate';
import { apiErrorHandler, ApiError, NOT_FOUND, parseJson, requireJsonWhenBody, send } from './http';
import {
  keepFailures,
  replayOneAnswer,
  replayRangeBody,
  type ReplayFailure,
} from './operator-answers';
import {
  parseDeliveryId,
  parseListQuery,
  parseReplayOneBody,
  parseReplayRangeBody,
} from './operator-input';
import type { ApiKeyLookup } from './store';

export interface OperatorRouterDeps {
  readonly keys: ApiKeyLookup;
  /** The database holding webhook_events and webhook_deliveries. */
  readonly db: Queryable;
  /** The ingress's own claim store and person-changes publisher. */
  readonly replay: ReplayDeps;
  readonly logger: Logger;
}

export function createOperatorRouter(deps: OperatorRouterDeps): express.Router {
  const { db, logger } = deps;
  const router = express.Router();
  // Before any route: a caller without an operator key learns nothing, not even a 404.
  router.use(createAuthenticator(deps.keys, logger)('operator'));

  /** `after` names a delivery of the archive, or the range would silently be empty. */
  const requireDelivery = async (id: string, field: string): Promise<void> => {
    if ((await findDeliveries(db, [id])).length > 0) return;
    throw new ApiError(400, {
      error: 'invalid_field',
      field,
      message: `no delivery with id ${id}`,
    });
  };

  /** Who replayed what, and how it went: never the body. */
  const logReplay = (res: Response, deliveryId: string, source: string, result: ReplayResult) => {
    const context = {
      apiKeyId: operatorCallerOf(res).id,
      deliveryId,
      source,
      eventId: result.eventId,
      outcome: result.kind === 'skipped' ? result.reason : result.kind,
    };
    if (result.kind === 'failed') {
      logger.warn('delivery not replayed', { ...context, error: result.reason });
    } else {
      logger.info('delivery replayed', {
        ...context,
        ...(result.kind === 'enqueued' && result.warning ? { warning: result.warning } : {}),
      });
    }
  };

  router.get('/deliveries', async (req: Request, res: Response) => {
    const { filter, limit } = parseListQuery(req.query);
    const deliveries = await listDeliveries(db, filter, limit);
    send(res, 200, { deliveries: deliveries.map(summaryView) });
  });

  router.get('/deliveries/:id', async (req: Request, res: Response) => {
    const [delivery] = await findDeliveries(db, [parseDeliveryId(req.params.id)]);
    if (!delivery) throw NOT_FOUND();
    send(res, 200, await deliveryView(delivery));
  });

  router.post(
    '/deliveries/replay',
    requireJsonWhenBody,
    parseJson,
    async (req: Request, res: Response) => {
      const request = parseReplayRangeBody(req.body);
      if (request.after !== undefined) await requireDelivery(request.after, 'after');
      let failures: ReplayFailure[] = [];
      const outcome = await replayRange(db, request, deps.replay, {
        replayed: (chunk) => {
          failures = keepFailures(failures, chunk);
        },
      });
      logger.info('deliveries replayed', {
        apiKeyId: operatorCallerOf(res).id,
        since: request.filter.since.toISOString(),
        until: request.filter.until.toISOString(),
        source: request.filter.source,
        ...outcome.tally,
        remaining: outcome.remaining,
      });
      send(res, 200, replayRangeBody(outcome, failures));
    },
  );

  router.post(
    '/deliveries/:id/replay',
    requireJsonWhenBody,
    parseJson,
    async (req: Request, res: Response) => {
      const id = parseDeliveryId(req.params.id);
      const identity = parseReplayOneBody(req.body);
      const [delivery] = await findDeliveries(db, [id]);
      if (!delivery) throw NOT_FOUND();
      const result = await replayDelivery(delivery, identity, deps.replay);
      logReplay(res, id, delivery.source, result);
      const answer = replayOneAnswer(id, result);
      send(res, answer.status, answer.body, answer.headers);
    },
  );

  router.use(apiErrorHandler(logger));
  return router;
}
