/**
 * Error answers shared by the API and control routes and the app's last-resort handler: JSON,
 * never a stack trace.
 */

export interface ErrorAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, string>>;
}

/**
 * The answer while the ledger's store (Postgres) cannot be written: a provider that cannot
 * record a bill must not answer as if it had. A 503 with Retry-After, so the caller retries with
 * the same key, and nothing is billed or kept meanwhile.
 */
export const STORE_UNAVAILABLE = {
  status: 503,
  retryAfterSeconds: 1,
  body: { error: 'unavailable', reason: 'the request log cannot be written now; retry' },
} as const;

/** What an error thrown in a route or a body parser answers. */
export function errorAnswer(error: unknown): ErrorAnswer {
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
  return { status: 500, body: { error: 'internal_error' } };
}
