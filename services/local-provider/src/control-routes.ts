/**
 * The fault-injection and statistics API for tests and demos. It has no authentication on
 * purpose: the service binds 127.0.0.1 (HTTP_HOST) in the local stack, so only the machine's
 * own processes reach it. Never expose this service beyond a developer machine or a private
 * compose network.
 */
import express, { type Request, type Response } from 'express';
import type { Logger } from 'winston';
import { describeError } from '@bgs/platform';
import { describeIssue } from './contract';
import { STORE_UNAVAILABLE } from './errors';
import { faultPatchSchema, type FaultInjector } from './faults';
import type { Ledger } from './ledger';

export interface ControlRouterOptions {
  readonly faults: FaultInjector;
  readonly ledger: Ledger;
  readonly logger: Logger;
}

export function createControlRouter({
  faults,
  ledger,
  logger,
}: ControlRouterOptions): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '16kb' }));

  router.get('/faults', (_req: Request, res: Response) => {
    res.json(faults.settings());
  });

  router.post('/faults', (req: Request, res: Response) => {
    const parsed = faultPatchSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      res.status(400).json({
        error: 'invalid_request',
        reason: issue ? describeIssue(issue) : 'body: invalid',
      });
      return;
    }
    const settings = faults.update(parsed.data);
    logger.info('faults changed', { event: 'faults_changed', faults: settings });
    res.json(settings);
  });

  // The counts live in the ledger's store: while it is down, a 503 rather than made-up zeros.
  const unavailable = (res: Response, error: unknown): void => {
    logger.warn('ledger unavailable to the control API', { error: describeError(error) });
    res
      .status(STORE_UNAVAILABLE.status)
      .set('retry-after', String(STORE_UNAVAILABLE.retryAfterSeconds))
      .json(STORE_UNAVAILABLE.body);
  };

  router.post('/reset', async (_req: Request, res: Response) => {
    try {
      await ledger.reset();
      const settings = faults.reset();
      logger.info('faults and counters reset', { event: 'control_reset' });
      res.json({ faults: settings, stats: await ledger.stats() });
    } catch (error) {
      unavailable(res, error);
    }
  });

  router.get('/stats', async (_req: Request, res: Response) => {
    try {
      res.json(await ledger.stats());
    } catch (error) {
      unavailable(res, error);
    }
  });

  return router;
}
