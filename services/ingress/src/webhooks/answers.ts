/**
 * What the door answers a webhook, framework-free: every outcome with its status and JSON body,
 * declared once. The HTTP layer only writes them (router.ts); metrics count them by outcome.
 */
import type { ClientErrorAnswer } from '../client-errors';

export type WebhookOutcome =
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

export interface WebhookAnswer {
  readonly outcome: WebhookOutcome;
  readonly status: number;
  readonly body: object;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Long enough for a restarting broker or database; short enough not to stall a provider. */
export const RETRY_AFTER_UNAVAILABLE_S = '5';

export const enqueued = (eventId: string): WebhookAnswer => ({
  outcome: 'enqueued',
  status: 202,
  body: { status: 'enqueued', eventId },
});

export const alreadyProcessed = (eventId: string): WebhookAnswer => ({
  outcome: 'duplicate',
  status: 200,
  body: { status: 'already_processed', eventId },
});

export const UNKNOWN_SOURCE: WebhookAnswer = {
  outcome: 'unknown_source',
  status: 404,
  body: { error: 'not_found' },
};

export const UNSUPPORTED_MEDIA_TYPE: WebhookAnswer = {
  outcome: 'unsupported_media_type',
  status: 415,
  body: { error: 'unsupported_media_type', message: 'send Content-Type: application/json' },
};

export const rateLimited = (waitMs: number): WebhookAnswer => ({
  outcome: 'rate_limited',
  status: 429,
  body: { error: 'rate_limited' },
  headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
});

/** One body for every signature failure: the caller learns nothing about which check failed. */
export const UNAUTHORIZED: WebhookAnswer = {
  outcome: 'unauthorized',
  status: 401,
  body: { error: 'unauthorized' },
};

export const MALFORMED_JSON: WebhookAnswer = {
  outcome: 'malformed_json',
  status: 400,
  body: { error: 'malformed_json', message: 'the body is not valid UTF-8 JSON' },
};

export const invalidEvent = (field: string, message: string): WebhookAnswer => ({
  outcome: 'invalid_event',
  status: 400,
  body: { error: 'invalid_event', field, message },
});

export const UNAVAILABLE: WebhookAnswer = {
  outcome: 'unavailable',
  status: 503,
  body: { error: 'unavailable', message: 'the event was not accepted; retry later' },
  headers: { 'retry-after': RETRY_AFTER_UNAVAILABLE_S },
};

/** A body that could not be read (over the limit, a bad Content-Encoding, cut short). */
export const unreadable = (refused: ClientErrorAnswer): WebhookAnswer => ({
  outcome: refused.status === 413 ? 'too_large' : 'unreadable_body',
  status: refused.status,
  body: refused.body,
});
