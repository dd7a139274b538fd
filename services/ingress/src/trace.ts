/**
 * W3C trace context: a valid incoming `traceparent` is carried on; otherwise a new trace
 * starts here, so every record has one from the first hop to the saved row.
 */
import { randomBytes } from 'node:crypto';

const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

export function ensureTraceparent(incoming: string | undefined): string {
  if (incoming && TRACEPARENT.test(incoming)) return incoming;
  // One draw for both ids: each randomBytes call costs a fresh buffer and a trip to the CSPRNG.
  const ids = randomBytes(24).toString('hex');
  return `00-${ids.slice(0, 32)}-${ids.slice(32)}-01`;
}
