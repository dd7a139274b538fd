/**
 * The ingress HTTP application: security headers, a request timeout, request metrics, the
 * webhook, API and operator API routers, and JSON errors that never carry a stack trace.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'winston';
import { clientErrorAnswer } from './client-errors';
import type { IngressMetrics } from './metrics';

export interface IngressAppOptions {
  readonly webhooks: express.Router;
  readonly api?: express.Router;
  /** The operator API (operator keys only), under /api/v1/operator. */
  readonly operator?: express.Router;
  readonly metrics: IngressMetrics;
  readonly logger: Logger;
  readonly requestTimeoutMs: number;
}

export function createIngressApp(options: IngressAppOptions): express.Express {
  const { metrics, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(helmet());

  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const timer = setTimeout(() => {
      if (!res.headersSent) {
        res.status(503).set('retry-after', '5').json({ error: 'timeout' });
      }
    }, options.requestTimeoutMs);
    res.on('close', () => {
      clearTimeout(timer);
      // The matched route pattern, never the raw URL: paths carry ids and junk.
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      metrics.requestSeconds.observe(
        { method: req.method, route, status: String(res.statusCode) },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    next();
  });

  app.use('/webhooks', options.webhooks);
  // Before /api/v1, whose router would otherwise see these paths first and find no route.
  if (options.operator) app.use('/api/v1/operator', options.operator);
  if (options.api) app.use('/api/v1', options.api);

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found' });
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const answer = clientErrorAnswer(error);
    if (!answer) {
      logger.error('request failed', {
        method: req.method,
        path: req.baseUrl,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    if (res.headersSent) return;
    const { status, body } = answer ?? { status: 500, body: { error: 'internal_error' } };
    res.status(status).json(body);
  });

  return app;
}
