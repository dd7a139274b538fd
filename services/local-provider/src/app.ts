/**
 * The local provider's HTTP application: the provider API under /v1, the control API under
 * /control, JSON errors without stack traces. /healthz, /readyz and /metrics are served in front
 * of it by the platform's ops server.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { createApiRouter, ShuttingDownError, type ApiRouterOptions } from './api-routes';
import { createControlRouter } from './control-routes';

export type LocalProviderAppOptions = ApiRouterOptions;

export function createLocalProviderApp(options: LocalProviderAppOptions): express.Express {
  const { logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  app.use('/v1', createApiRouter(options));
  app.use('/control', createControlRouter(options));

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found' });
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const answer = errorAnswer(error);
    if (answer.status >= 500 && !(error instanceof ShuttingDownError)) {
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

function errorAnswer(error: unknown): { status: number; body: Record<string, string> } {
  if (error instanceof ShuttingDownError) {
    return { status: 503, body: { error: 'shutting_down' } };
  }
  const { type, status } = (typeof error === 'object' && error !== null ? error : {}) as {
    type?: unknown;
    status?: unknown;
  };
  if (type === 'entity.parse.failed') {
    return { status: 400, body: { error: 'invalid_request', reason: 'body: not valid JSON' } };
  }
  if (type === 'entity.too.large') {
    return { status: 413, body: { error: 'payload_too_large', reason: 'body: too large' } };
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { error: 'bad_request', reason: 'the request could not be read' } };
  }
  // The directory (Postgres) failing: a 5xx, so callers retry with the same key.
  return { status: 500, body: { error: 'internal_error' } };
}
