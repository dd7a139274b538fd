/**
 * POST /webhooks/:source and GET /webhooks/:source.
 *
 * The order of checks is the point: unknown source, content type and rate limit before the
 * body is read; the body limit while it streams; the signature over the raw bytes before any
 * parsing; then validation, the claim on the event id, and the answer only once Kafka holds
 * the record.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from 'winston';
import { archiveOf } from '../archive/archive';
import { clientErrorAnswer } from '../client-errors';
import type { IngressMetrics } from '../metrics';
import { ensureTraceparent } from '../trace';
import type { ClaimStore } from './claims';
import { parseWebhookEvent, toPersonChange } from './events';
import { personChangeHeaders, type PersonChangePublisher } from './publish';
import { verifiers } from './signatures';
import { findUnstorableText } from './storable';
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

type Outcome =
  | 'enqueued'
  | 'duplicate'
  | 'unknown_source'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'too_large'
  | 'unreadable_body'
  | 'unauthorized'
  | 'malformed_json'
  | 'invalid_event'
  | 'unavailable';

const RETRY_AFTER_UNAVAILABLE_S = '5';
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function createWebhookRouter(options: WebhookRouterOptions): express.Router {
  const { sources, claims, publisher, metrics, logger } = options;
  const now = options.now ?? Date.now;
  const limiters = new Map<string, { perSecond: number; limiter: RateLimiterMemory }>();
  const router = express.Router();
  // raw-body counts bytes as they arrive and stops at the limit; it never buffers more.
  const readBody = express.raw({ type: () => true, limit: options.bodyLimitBytes });

  const limiterFor = (source: WebhookSource): RateLimiterMemory => {
    const known = limiters.get(source.name);
    if (known && known.perSecond === source.rateLimit.perSecond) return known.limiter;
    const limiter = new RateLimiterMemory({ points: source.rateLimit.perSecond, duration: 1 });
    limiters.set(source.name, { perSecond: source.rateLimit.perSecond, limiter });
    return limiter;
  };

  const answer = (
    res: Response,
    source: string,
    outcome: Outcome,
    status: number,
    body: object,
    headers: Record<string, string> = {},
  ): void => {
    metrics.webhooks.inc({ source, outcome, status: String(status) });
    if (res.headersSent) return; // the request timeout answered first
    res.status(status).set(headers).json(body);
  };

  const sourceOf = (req: Request): WebhookSource | undefined => {
    const name = req.params.source;
    return typeof name === 'string' ? sources.get(name) : undefined;
  };

  router.get('/:source', (req, res) => {
    const source = sourceOf(req);
    if (!source) return answer(res, 'unknown', 'unknown_source', 404, { error: 'not_found' });
    res.json({
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
    });
  });

  router.post(
    '/:source',
    async (req: Request, res: Response, next: NextFunction) => {
      const source = sourceOf(req);
      if (!source) return answer(res, 'unknown', 'unknown_source', 404, { error: 'not_found' });
      res.locals.source = source;
      if (!req.is('application/json')) {
        return answer(res, source.name, 'unsupported_media_type', 415, {
          error: 'unsupported_media_type',
          message: 'send Content-Type: application/json',
        });
      }
      try {
        await limiterFor(source).consume(source.name);
      } catch (rejection) {
        const waitMs = rejection instanceof RateLimiterRes ? rejection.msBeforeNext : 1000;
        return answer(
          res,
          source.name,
          'rate_limited',
          429,
          { error: 'rate_limited' },
          { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
        );
      }
      next();
    },
    readBody,
    async (req: Request, res: Response) => {
      const source = res.locals.source as WebhookSource;
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const receivedAt = now();

      const verification = verifiers[source.scheme](
        { rawBody, header: (name) => req.get(name) },
        { secrets: source.secrets, nowMs: receivedAt, toleranceMs: options.toleranceMs },
      );
      if (!verification.ok) {
        metrics.signatureFailures.inc({ source: source.name, reason: verification.reason });
        logger.warn('webhook refused', { source: source.name, reason: verification.reason });
        // One body for every failure: the caller learns nothing about which check failed.
        return answer(res, source.name, 'unauthorized', 401, { error: 'unauthorized' });
      }

      let text: string;
      let body: unknown;
      try {
        text = utf8.decode(rawBody);
        body = JSON.parse(text);
      } catch {
        return answer(res, source.name, 'malformed_json', 400, {
          error: 'malformed_json',
          message: 'the body is not valid UTF-8 JSON',
        });
      }
      const parsed = parseWebhookEvent(body);
      if (!parsed.ok) {
        return answer(res, source.name, 'invalid_event', 400, {
          error: 'invalid_event',
          field: parsed.field,
          message: parsed.message,
        });
      }
      const event = parsed.event;
      if (!source.eventTypes.includes(event.type)) {
        return answer(res, source.name, 'invalid_event', 400, {
          error: 'invalid_event',
          field: 'type',
          message: `${event.type} is not accepted from ${source.name}; accepted: ${source.eventTypes.join(', ')}`,
        });
      }
      const unstorable = findUnstorableText(event);
      if (unstorable !== undefined) {
        return answer(res, source.name, 'invalid_event', 400, {
          error: 'invalid_event',
          field: unstorable,
          message: 'contains a NUL character or an unpaired surrogate',
        });
      }
      const record = toPersonChange(event, source.name, receivedAt, text);
      const context = { source: source.name, eventId: event.id, eventType: event.type };

      let claimed: string;
      try {
        const outcome = await claims.claim({
          source: source.name,
          eventId: event.id,
          eventType: event.type,
          companyId: record.companyId,
          // The validated event: unknown keys, however deep, are not ours to keep.
          payload: event,
          signatureScheme: source.scheme,
          // Verified: only now may it be kept. The allow-list leaves the signature out.
          archive: await archiveOf(rawBody, req.headers),
        });
        if (outcome.kind !== 'claimed') {
          const settled =
            outcome.kind === 'enqueued' || (await waitUntilEnqueued(claims, context, options));
          if (!settled) return unavailable(res, source.name, context, 'event id in flight');
          metrics.duplicates.inc({ source: source.name });
          logger.info('duplicate webhook', context);
          return answer(res, source.name, 'duplicate', 200, {
            status: 'already_processed',
            eventId: event.id,
          });
        }
        claimed = outcome.id;
        if (outcome.takenOver) logger.warn('took over an expired claim', context);
      } catch (error) {
        return unavailable(res, source.name, context, 'database unavailable', error);
      }

      const started = process.hrtime.bigint();
      try {
        await publisher.publish(
          record.companyId,
          record,
          personChangeHeaders({
            traceparent: ensureTraceparent(req.get('traceparent')),
            eventId: event.id,
            source: source.name,
          }),
        );
        metrics.produceSeconds.observe({ topic: 'person-changes', result: 'ok' }, elapsed(started));
      } catch (error) {
        metrics.produceSeconds.observe(
          { topic: 'person-changes', result: 'error' },
          elapsed(started),
        );
        await claims.release(claimed).catch((releaseError: unknown) =>
          // The claim expires on its own; the provider's retry takes it over then.
          logger.warn('could not release claim', { ...context, error: String(releaseError) }),
        );
        return unavailable(res, source.name, context, 'not published', error);
      }

      try {
        await claims.markEnqueued(claimed);
      } catch (error) {
        // Kafka holds the event, so the answer is 202. The row stays `claimed`: a retry after
        // the claim timeout would publish a duplicate, which the stages absorb.
        logger.error('event enqueued but not marked', { ...context, error: String(error) });
      }
      // Every accepted delivery is counted in ingress_webhooks_total; a line per delivery (at the
      // door's target rate, thousands a second) is for debugging only.
      logger.debug('webhook enqueued', context);
      return answer(res, source.name, 'enqueued', 202, { status: 'enqueued', eventId: event.id });
    },
  );

  // Errors while reading the body (over the limit, a bad Content-Encoding): counted against
  // their source like every other answer.
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const source = res.locals.source as WebhookSource | undefined;
    const refused = clientErrorAnswer(error);
    if (!source || !refused) return next(error);
    const outcome = refused.status === 413 ? 'too_large' : 'unreadable_body';
    return answer(res, source.name, outcome, refused.status, refused.body);
  });

  const unavailable = (
    res: Response,
    source: string,
    context: object,
    why: string,
    error?: unknown,
  ): void => {
    logger.warn(`webhook not accepted: ${why}`, {
      ...context,
      ...(error ? { error: error instanceof Error ? error.message : String(error) } : {}),
    });
    answer(
      res,
      source,
      'unavailable',
      503,
      { error: 'unavailable', message: 'the event was not accepted; retry later' },
      { 'retry-after': RETRY_AFTER_UNAVAILABLE_S },
    );
  };

  return router;
}

const SCHEME_HEADERS: Record<WebhookSource['scheme'], readonly string[]> = {
  'standard-webhooks': ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
  'legacy-hmac': ['x-signature', 'x-timestamp'],
  github: ['x-hub-signature-256'],
};

const elapsed = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;

/** A concurrent duplicate: wait (bounded) for the owner to finish before answering. */
async function waitUntilEnqueued(
  claims: ClaimStore,
  context: { source: string; eventId: string },
  options: { inFlightWaitMs: number },
): Promise<boolean> {
  const deadline = Date.now() + options.inFlightWaitMs;
  for (let delay = 10; Date.now() < deadline; delay = Math.min(delay * 2, 200)) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    const status = await claims.status(context.source, context.eventId);
    if (status === 'enqueued') return true;
    if (status === undefined) return false; // the owner failed and released it
  }
  return false;
}
