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
import { replayDelivery, type ReplayDeps } from '../archive/replay';
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
import { rangeReplayLogMeta, replayLogLine } from './operator-log';
import type { ApiKeyLookup } from './store';

export interface OperatorRouterDeps {
  readonly keys: ApiKeyLookup;
  /** The database holding webhook_events and webhook_deliveries. */
  readonly db: Queryable;
  /** The ingress's own claim store and person-changes publisher. */
  readonly replay: ReplayDeps;
  readonly logger: Logger;
}

/** `after` names a delivery of the archive, or the range would silently be empty. */
async function requireDelivery(db: Queryable, id: string, field: string): Promise<void> {
  if ((await findDeliveries(db, [id])).length > 0) return;
  throw new ApiError(400, {
    error: 'invalid_field',
    field,
    message: `no delivery with id ${id}`,
  });
}

/** GET /deliveries */
function listRoute(db: Queryable) {
  return async (req: Request, res: Response): Promise<void> => {
    const { filter, limit } = parseListQuery(req.query);
    const deliveries = await listDeliveries(db, filter, limit);
    send(res, 200, { deliveries: deliveries.map(summaryView) });
  };
}

/** GET /deliveries/:id */
function deliveryRoute(db: Queryable) {
  return async (req: Request, res: Response): Promise<void> => {
    const [delivery] = await findDeliveries(db, [parseDeliveryId(req.params.id)]);
    if (!delivery) throw NOT_FOUND();
    send(res, 200, await deliveryView(delivery));
  };
}

/** POST /deliveries/replay */
function replayRangeRoute({ db, replay, logger }: OperatorRouterDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const request = parseReplayRangeBody(req.body);
    if (request.after !== undefined) await requireDelivery(db, request.after, 'after');
    let failures: ReplayFailure[] = [];
    const outcome = await replayRange(db, request, replay, {
      replayed: (chunk) => {
        failures = keepFailures(failures, chunk);
      },
    });
    logger.info(
      'deliveries replayed',
      rangeReplayLogMeta(operatorCallerOf(res).id, request, outcome),
    );
    send(res, 200, replayRangeBody(outcome, failures));
  };
}

/** POST /deliveries/:id/replay */
function replayOneRoute({ db, replay, logger }: OperatorRouterDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const id = parseDeliveryId(req.params.id);
    const identity = parseReplayOneBody(req.body);
    const [delivery] = await findDeliveries(db, [id]);
    if (!delivery) throw NOT_FOUND();
    const result = await replayDelivery(delivery, identity, replay);
    const line = replayLogLine(operatorCallerOf(res).id, id, delivery.source, result);
    logger[line.level](line.message, line.meta);
    const answer = replayOneAnswer(id, result);
    send(res, answer.status, answer.body, answer.headers);
  };
}

export function createOperatorRouter(deps: OperatorRouterDeps): express.Router {
  const router = express.Router();
  // Before any route: a caller without an operator key learns nothing, not even a 404.
  router.use(createAuthenticator(deps.keys, deps.logger)('operator'));
  router.get('/deliveries', listRoute(deps.db));
  router.get('/deliveries/:id', deliveryRoute(deps.db));
  router.post('/deliveries/replay', requireJsonWhenBody, parseJson, replayRangeRoute(deps));
  router.post('/deliveries/:id/replay', requireJsonWhenBody, parseJson, replayOneRoute(deps));
  router.use(apiErrorHandler(deps.logger));
  return router;
}
