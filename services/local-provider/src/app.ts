/**
 * The local provider's HTTP application: the provider API under /v1, the control API under
 * /control, JSON errors without stack traces. /healthz, /readyz and /metrics are served in front
 * of it by the platform's ops server.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { createApiRouter, type ApiRouterOptions } from './api-routes';
import { PROVIDER_API_PREFIX } from './contract';
import { createControlRouter } from './control-routes';
import { errorAnswer } from './errors';

export type LocalProviderAppOptions = ApiRouterOptions;

export function createLocalProviderApp(options: LocalProviderAppOptions): express.Express {
  const { logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  app.use(PROVIDER_API_PREFIX, createApiRouter(options));
  app.use('/control', createControlRouter(options));

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found' });
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const answer = errorAnswer(error);
    if (answer.status >= 500) {
      logger.error('request failed', {
        method: req.method,
        path: req.path,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    if (res.headersSent) return;
    res.status(answer.status).json(answer.body);
  });

  return app;
}
