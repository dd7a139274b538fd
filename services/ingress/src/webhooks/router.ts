/**
 * POST /webhooks/:source and GET /webhooks/:source.
 *
 * The order of checks is the point: unknown source, content type and rate limit before the
 * body is read; the body limit while it streams; then the intake (intake.ts): the signature
 * over the raw bytes before any parsing, validation, the claim on the event id, and the answer
 * only once Kafka holds the record.
 *
 * With tracing on, each POST is a server span (child of the caller's traceparent, if it sent
 * one) from the first check to the answer; the record the intake publishes carries the span's
 * context on (trace.ts), so the pipeline's spans join the request's trace.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from 'winston';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  SpanKind,
  SpanStatusCode,
  contextOfTraceparent,
  startSpan,
  tracingActive,
  withActiveSpan,
  type Attributes,
  type Span,
} from '@bgs/platform';
import { clientErrorAnswer } from '../client-errors';
import type { IngressMetrics } from '../metrics';
import {
  rateLimited,
  UNKNOWN_SOURCE,
  UNSUPPORTED_MEDIA_TYPE,
  unreadable,
  type WebhookAnswer,
} from './answers';
import type { ClaimStore } from './claims';
import { createWebhookIntake } from './intake';
import type { PersonChangePublisher } from './publish';
import type { SourceRegistry, WebhookSource } from './sources';

export interface WebhookRouterOptions {
  readonly sources: SourceRegistry;
  readonly claims: ClaimStore;
  readonly publisher: PersonChangePublisher;
  readonly metrics: IngressMetrics;
  readonly logger: Logger;
  readonly bodyLimitBytes: number;
  readonly toleranceMs: number;
  /** How long a duplicate waits for the request that owns its event id. */
  readonly inFlightWaitMs: number;
  readonly now?: () => number;
}

/** The route of a webhook delivery, as its span is named (low cardinality: no source). */
export const WEBHOOK_ROUTE = '/webhooks/:source';

/** What the request span says about a delivery before it is answered. */
export function webhookRequestAttributes(path: string, source: string | undefined): Attributes {
  return {
    [ATTR_HTTP_REQUEST_METHOD]: 'POST',
    [ATTR_HTTP_ROUTE]: WEBHOOK_ROUTE,
    [ATTR_URL_PATH]: path,
    ...(source !== undefined ? { 'bgs.webhook.source': source } : {}),
  };
}

/** A server span fails on a 5xx only: a 4xx is the caller's mistake, answered as designed. */
export const isServerError = (status: number): boolean => status >= 500;

const firstValue = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

const spanOf = (res: Response): Span | undefined => res.locals.span as Span | undefined;

/** Starts the request's span and ends it when the response is done (or the client gone). */
function traceRequest(req: Request, res: Response, next: NextFunction): void {
  if (!tracingActive()) return next();
  const source = typeof req.params.source === 'string' ? req.params.source : undefined;
  const span = startSpan(
    `POST ${WEBHOOK_ROUTE}`,
    contextOfTraceparent(firstValue(req.headers.traceparent)),
    { kind: SpanKind.SERVER, attributes: webhookRequestAttributes(req.baseUrl + req.path, source) },
  );
  res.locals.span = span;
  res.once('close', () => {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
    if (isServerError(res.statusCode)) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  next();
}

export function createWebhookRouter(options: WebhookRouterOptions): express.Router {
  const { sources, metrics } = options;
  const now = options.now ?? Date.now;
  const intake = createWebhookIntake(options);
  const limiters = new SourceRateLimiters();
  const router = express.Router();
  // raw-body counts bytes as they arrive and stops at the limit; it never buffers more.
  const readBody = express.raw({ type: () => true, limit: options.bodyLimitBytes });

  const send = (res: Response, source: string, answer: WebhookAnswer): void => {
    metrics.webhooks.inc({ source, outcome: answer.outcome, status: String(answer.status) });
    spanOf(res)?.setAttribute('bgs.webhook.outcome', answer.outcome);
    if (res.headersSent) return; // the request timeout answered first
    res
      .status(answer.status)
      .set(answer.headers ?? {})
      .json(answer.body);
  };

  const sourceOf = (req: Request): WebhookSource | undefined => {
    const name = req.params.source;
    return typeof name === 'string' ? sources.get(name) : undefined;
  };

  router.get('/:source', (req, res) => {
    const source = sourceOf(req);
    if (!source) return send(res, 'unknown', UNKNOWN_SOURCE);
    res.json(describeSource(source, options));
  });

  router.post(
    '/:source',
    traceRequest,
    async (req: Request, res: Response, next: NextFunction) => {
      const source = sourceOf(req);
      if (!source) return send(res, 'unknown', UNKNOWN_SOURCE);
      res.locals.source = source;
      if (!req.is('application/json')) return send(res, source.name, UNSUPPORTED_MEDIA_TYPE);
      const refused = await limiters.admit(source);
      if (refused) return send(res, source.name, refused);
      next();
    },
    readBody,
    async (req: Request, res: Response) => {
      const source = res.locals.source as WebhookSource;
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const delivery = { source, rawBody, headers: req.headers, receivedAt: now() };
      const span = spanOf(res);
      const receive = () => intake.receive(delivery);
      // The span active while the intake runs: its logs and the record it publishes carry it.
      send(res, source.name, await (span ? withActiveSpan(span, receive) : receive()));
    },
  );

  // Errors while reading the body (over the limit, a bad Content-Encoding): counted against
  // their source like every other answer.
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const source = res.locals.source as WebhookSource | undefined;
    const refused = clientErrorAnswer(error);
    if (!source || !refused) return next(error);
    return send(res, source.name, unreadable(refused));
  });

  return router;
}

/** One in-memory limiter per source, rebuilt when a reload changes the source's rate. */
class SourceRateLimiters {
  private readonly limiters = new Map<string, { perSecond: number; limiter: RateLimiterMemory }>();

  /** Undefined when the request may go on; the 429 answer when it is over the rate. */
  async admit(source: WebhookSource): Promise<WebhookAnswer | undefined> {
    try {
      await this.limiterFor(source).consume(source.name);
      return undefined;
    } catch (rejection) {
      return rateLimited(rejection instanceof RateLimiterRes ? rejection.msBeforeNext : 1000);
    }
  }

  private limiterFor(source: WebhookSource): RateLimiterMemory {
    const known = this.limiters.get(source.name);
    if (known && known.perSecond === source.rateLimit.perSecond) return known.limiter;
    const limiter = new RateLimiterMemory({ points: source.rateLimit.perSecond, duration: 1 });
    this.limiters.set(source.name, { perSecond: source.rateLimit.perSecond, limiter });
    return limiter;
  }
}

/** GET /webhooks/:source: what a provider needs to configure its deliveries. */
function describeSource(
  source: WebhookSource,
  options: Pick<WebhookRouterOptions, 'toleranceMs' | 'bodyLimitBytes'>,
): object {
  return {
    source: source.name,
    ...(source.description ? { description: source.description } : {}),
    method: 'POST',
    contentType: 'application/json',
    signatureScheme: source.scheme,
    signatureHeaders: SCHEME_HEADERS[source.scheme],
    timestampToleranceSeconds: options.toleranceMs / 1000,
    eventTypes: source.eventTypes,
    bodyLimitBytes: options.bodyLimitBytes,
    rateLimitPerSecond: source.rateLimit.perSecond,
    responses: {
      202: 'enqueued: Kafka holds the event',
      200: 'already_processed: this event id was accepted before',
      400: 'malformed JSON or an invalid event (the field is named)',
      401: 'signature or timestamp not accepted',
      413: 'body over the limit',
      415: 'content type is not application/json',
      429: 'over the rate limit; see Retry-After',
      503: 'Kafka cannot take the event now; retry after Retry-After',
    },
  };
}

const SCHEME_HEADERS: Record<WebhookSource['scheme'], readonly string[]> = {
  'standard-webhooks': ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
  'legacy-hmac': ['x-signature', 'x-timestamp'],
  github: ['x-hub-signature-256'],
};
