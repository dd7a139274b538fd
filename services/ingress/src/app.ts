/**
 * The ingress HTTP application: security headers, a request timeout, request metrics, the
 * webhook and API routers, and JSON errors that never carry a stack trace.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'winston';
import type { IngressMetrics } from './metrics';

export interface IngressAppOptions {
  readonly webhooks: express.Router;
  readonly api?: express.Router;
  readonly metrics: IngressMetrics;
  readonly logger: Logger;
  readonly requestTimeoutMs: number;
}

/** body-parser's error types, mapped to what the client did wrong. */
const BODY_ERRORS: Record<string, { status: number; error: string }> = {
  'entity.too.large': { status: 413, error: 'payload_too_large' },
  'entity.parse.failed': { status: 400, error: 'malformed_json' },
  'encoding.unsupported': { status: 415, error: 'unsupported_encoding' },
  'charset.unsupported': { status: 415, error: 'unsupported_charset' },
  'request.aborted': { status: 400, error: 'request_aborted' },
  'request.size.invalid': { status: 400, error: 'request_size_invalid' },
};

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
  if (options.api) app.use('/api/v1', options.api);

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found' });
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const type = (error as { type?: unknown } | null)?.type;
    const declared = (error as { status?: unknown } | null)?.status;
    const known = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
    // Errors that carry a 4xx (a bad path encoding, a body that is not what its
    // Content-Encoding says) are the client's; only the rest are ours.
    const clientStatus =
      typeof declared === 'number' && declared >= 400 && declared < 500 ? declared : undefined;
    const status = known?.status ?? clientStatus ?? 500;
    const code = known?.error ?? (status < 500 ? 'bad_request' : 'internal_error');
    if (status >= 500) {
      logger.error('request failed', {
        method: req.method,
        path: req.baseUrl,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    if (res.headersSent) return;
    res.status(status).json({ error: code });
  });

  return app;
}
