/**
 * W3C trace context: a valid incoming `traceparent` is carried on; otherwise a new trace
 * starts here, so every record has one from the first hop to the saved row. With tracing on,
 * the record carries the webhook request's span instead (its child when one came in), so the
 * stages' spans join the request's trace.
 */
import { randomBytes } from 'node:crypto';
import { activeTraceparent } from '@bgs/platform';

const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

export function ensureTraceparent(incoming: string | undefined): string {
  if (incoming && TRACEPARENT.test(incoming)) return incoming;
  // One draw for both ids: each randomBytes call costs a fresh buffer and a trip to the CSPRNG.
  const ids = randomBytes(24).toString('hex');
  return `00-${ids.slice(0, 32)}-${ids.slice(32)}-01`;
}

/** The traceparent a record published while handling a request carries: the active span's, if any. */
export function outgoingTraceparent(
  incoming: string | undefined,
  active: string | undefined = activeTraceparent(),
): string {
  return active ?? ensureTraceparent(incoming);
}
